#ifndef CSWITCHYARD_RUNTIME_H
#define CSWITCHYARD_RUNTIME_H

#include <stddef.h>

/// The address of the Swift concurrency runtime's global-enqueue hook (`swift_task_enqueueGlobal_hook`), resolved by
/// the linker: exported by the shared runtime, and hidden but linkable in the static one (`--static-swift-stdlib`),
/// where `dlsym` cannot find it.
void **switchyard_enqueue_global_hook_slot(void);

/// Allocates `bytes` from the current task's frame allocator (`swift_task_alloc`, as an async function's frame is)
/// and frees it at once: the allocator keeps the slab it took for them, empty, for the frames that follow. Call only
/// from code running in a task (`swift_task_alloc` needs a current task).
void switchyard_task_reserve_frames(size_t bytes);

#endif
