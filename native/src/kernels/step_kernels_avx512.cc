// The AVX-512 step kernels (x86-64-v4): 16-wide vectors, 32 registers, so twice the rows per tile.
#define RNN_LEVEL_NS avx512
#define RNN_LEVEL_ID CpuLevel::Avx512
#define RNN_LEVEL_TARGET __attribute__((target("arch=x86-64-v4,prefer-vector-width=512")))
#define RNN_LEVEL_LANES 16
#define RNN_LEVEL_ROWS 12
#include "step_kernels_level.inl"
