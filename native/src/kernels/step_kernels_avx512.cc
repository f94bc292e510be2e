// The AVX-512 step kernels (x86-64-v4): 16-wide vectors, 32 registers, so twice the rows per tile.
#define RNN_LEVEL_NS avx512
#define RNN_LEVEL_ID CpuLevel::Avx512
#define RNN_LEVEL_TARGET __attribute__((target("arch=x86-64-v4,prefer-vector-width=512")))
#define RNN_LEVEL_LANES 16
#define RNN_LEVEL_ROWS 12
// Forward steps compute their own input product up to 16 MiB of packed W_ih + W_hh: here our
// micro-kernel multiplies the input rows faster than the up-front sgemm even with W_ih streaming
// from L3 (Zen 4: 6 MiB 1.05–1.08×, 20 MiB 1.06×, 32 MiB 0.84×; native/README.md).
#define RNN_LEVEL_FUSED_INPUT_MAX_BYTES (16LL << 20)
// A lone row's steps compute the next steps' input product in their gaps (ProjectionAhead): the
// row's eight accumulators and a unit's twelve fit the 32 registers.
#define RNN_LEVEL_PROJECT_AHEAD 1
#include "step_kernels_level.inl"
