#ifndef CSWITCHYARD_RUNTIME_H
#define CSWITCHYARD_RUNTIME_H

/// The address of the Swift concurrency runtime's global-enqueue hook (`swift_task_enqueueGlobal_hook`), resolved by
/// the linker: exported by the shared runtime, and hidden but linkable in the static one (`--static-swift-stdlib`),
/// where `dlsym` cannot find it.
void **switchyard_enqueue_global_hook_slot(void);

#endif
