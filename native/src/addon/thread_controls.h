// The addon's thread exports: setNumThreads, getNumThreads, blasInfo, the split thresholds and the
// scheduler's counts (src/runtime/kernel_scheduler.h has how threads and calls are shared).
#pragma once

#include <napi.h>

#include <string>

namespace rnn {

// Counts the CPUs this process may run on (the cap of a split's width) and sets the process's thread
// count from RNN_NUM_THREADS or those CPUs, once per process (a worker loading the addon later must
// not undo the main thread's setNumThreads), and keeps OpenBLAS single-threaded.
void init_threads_once();

// Why RNN_NUM_THREADS names no thread count (read once per process), or "" when it is unset, empty or
// an integer in [1, 1024]. The addon does not load while it is wrong, as for RNN_CPU: a setting to
// fix, never one to ignore.
const std::string& thread_setting_error();

// Adds the thread exports to `exports`.
void export_thread_controls(Napi::Env env, Napi::Object exports);

}  // namespace rnn
