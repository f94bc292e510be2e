#include "step_kernels.h"

namespace rnn {

// Each level's table, from step_kernels_<level>.cc.
namespace generic {
const StepKernels& kernels();
}
#if defined(__x86_64__)
namespace avx2 {
const StepKernels& kernels();
}
namespace avx512 {
const StepKernels& kernels();
}
#endif

const StepKernels& step_kernels(CpuLevel level) {
#if defined(__x86_64__)
  if (level == CpuLevel::Avx512) return avx512::kernels();
  if (level == CpuLevel::Avx2) return avx2::kernels();
#endif
  (void)level;
  return generic::kernels();
}

}  // namespace rnn
