// The portable step kernels: 4-wide vectors (SSE on x86-64-v2, NEON on arm64, plain code elsewhere).
#define RNN_LEVEL_NS generic
#define RNN_LEVEL_ID CpuLevel::Generic
#define RNN_LEVEL_TARGET
#define RNN_LEVEL_LANES 4
#define RNN_LEVEL_ROWS 6
// Fused input product up to 2 MiB of packed W_ih + W_hh, as at AVX2 (not measured on its own).
#define RNN_LEVEL_FUSED_INPUT_MAX_BYTES (2LL << 20)
#define RNN_LEVEL_PROJECT_AHEAD 0  // too few registers for a unit beside the row
#include "step_kernels_level.inl"
