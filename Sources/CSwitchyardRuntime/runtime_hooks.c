#include "CSwitchyardRuntime.h"

extern void *swift_task_enqueueGlobal_hook;

void **switchyard_enqueue_global_hook_slot(void) {
    return &swift_task_enqueueGlobal_hook;
}
