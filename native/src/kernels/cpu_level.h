// The instruction-set level the step kernels run at, chosen at run time: the best the CPU has, or
// the one RNN_CPU names (generic, avx2, avx512), so every path the machine has can be tested.
#pragma once

#include <string>
#include <vector>

namespace rnn {

// generic: the portable build (x86-64-v2 on x86, the baseline elsewhere); avx2: AVX2 + FMA
// (x86-64-v3); avx512: AVX-512 F/BW/DQ/VL (x86-64-v4).
enum class CpuLevel { Generic = 0, Avx2 = 1, Avx512 = 2 };

const char* cpu_level_name(CpuLevel level);

// The levels this CPU can run, lowest first (always starts with generic).
std::vector<CpuLevel> available_cpu_levels();

// The level kernels use now: RNN_CPU at load, else the best available; changed by set_cpu_level.
// A kernel call reads it once at its start and keeps it for the whole call.
CpuLevel active_cpu_level();

// Parses a level name and checks the CPU has it. On success sets `out` and returns ""; otherwise
// returns why not (unknown name, or what the CPU lacks), naming `source` (e.g. "RNN_CPU").
std::string parse_cpu_level(const std::string& name, const char* source, CpuLevel& out);

// Makes `level` the active one (the caller checked it with parse_cpu_level). Calls already running
// keep the level they started with.
void set_cpu_level(CpuLevel level);

// Reads RNN_CPU once per process: "" when unset or valid, else the error the addon's load reports.
std::string cpu_level_from_environment();

}  // namespace rnn
