// The addon's thread exports: setNumThreads, getNumThreads, blasInfo, the split thresholds and the
// scheduler's counts (src/runtime/kernel_scheduler.h has how threads and calls are shared).
#pragma once

#include <napi.h>

namespace rnn {

// Counts the CPUs this process may run on (the cap of a split's width) and sets the process's thread
// count from RNN_NUM_THREADS or those CPUs, once per process (a worker loading the addon later must
// not undo the main thread's setNumThreads), and keeps OpenBLAS single-threaded.
void init_threads_once();

// Adds the thread exports to `exports`.
void export_thread_controls(Napi::Env env, Napi::Object exports);

}  // namespace rnn
