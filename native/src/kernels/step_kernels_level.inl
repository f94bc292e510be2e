// One CPU level's build of the step kernels: step_kernels_<level>.cc defines the RNN_LEVEL_* macros
// (micro_kernel.inl lists them, plus RNN_LEVEL_NS and RNN_LEVEL_ID) and includes this file.
// Every header comes first, outside the level's target, so what headers define inline stays
// baseline code; the level's own code lives in namespace rnn::RNN_LEVEL_NS.
#include <array>
#include <cstddef>
#include <cstring>
#include <utility>

#if defined(__x86_64__)
#include <immintrin.h>  // vector_activations.inl's min / max
#endif

#include "activations.h"
#include "recurrent_common.h"
#include "step_kernels.h"

namespace rnn {
namespace RNN_LEVEL_NS {

#include "micro_kernel.inl"
#include "vector_activations.inl"
#include "step_epilogues.inl"

}  // namespace RNN_LEVEL_NS
}  // namespace rnn
