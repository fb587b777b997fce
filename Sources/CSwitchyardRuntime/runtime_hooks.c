#include "CSwitchyardRuntime.h"

extern void *swift_task_enqueueGlobal_hook;

void **switchyard_enqueue_global_hook_slot(void) {
    return &swift_task_enqueueGlobal_hook;
}

// The concurrency runtime's task allocator, as compiled async code calls it (the Swift calling convention).
__attribute__((swiftcall)) extern void *swift_task_alloc(size_t size);
__attribute__((swiftcall)) extern void swift_task_dealloc(void *ptr);

void switchyard_task_reserve_frames(size_t bytes) {
    swift_task_dealloc(swift_task_alloc(bytes));
}
