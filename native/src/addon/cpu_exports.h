// The CPU-level controls of the module: cpuInfo() and setCpuLevel(name), and RNN_CPU at load.
#pragma once

#include <napi.h>

namespace rnn {

// Applies RNN_CPU (once per process) and adds cpuInfo and setCpuLevel to `exports`. An RNN_CPU the
// CPU cannot run throws an Error with code RNN_CPU_LEVEL, so the module does not load at a level
// nobody asked for.
void export_cpu_controls(Napi::Env env, Napi::Object exports);

}  // namespace rnn
