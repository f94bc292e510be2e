// The AVX2 + FMA step kernels (x86-64-v3): 8-wide vectors, 16 registers.
#define RNN_LEVEL_NS avx2
#define RNN_LEVEL_ID CpuLevel::Avx2
#define RNN_LEVEL_TARGET __attribute__((target("arch=x86-64-v3")))
#define RNN_LEVEL_LANES 8
#define RNN_LEVEL_ROWS 6
#include "step_kernels_level.inl"
