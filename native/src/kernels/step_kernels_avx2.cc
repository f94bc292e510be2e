// The AVX2 + FMA step kernels (x86-64-v3): 8-wide vectors, 16 registers.
#define RNN_LEVEL_NS avx2
#define RNN_LEVEL_ID CpuLevel::Avx2
#define RNN_LEVEL_TARGET __attribute__((target("arch=x86-64-v3")))
#define RNN_LEVEL_LANES 8
#define RNN_LEVEL_ROWS 6
// Fused input product up to 2 MiB of packed W_ih + W_hh (Zen 3: 1.5 MiB 1.10×, 6 MiB 0.91×; on a
// Zen 4 at this level 6 MiB stayed mixed; native/README.md).
#define RNN_LEVEL_FUSED_INPUT_MAX_BYTES (2LL << 20)
#define RNN_LEVEL_PROJECT_AHEAD 0  // 16 registers: a unit beside the row would spill
#include "step_kernels_level.inl"
