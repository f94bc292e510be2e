// The whole-array passes of the module: firstNonFinite(values), toTimeMajor(src, B, T, F, out,
// reverse) and scanValues(arrays) (@rnn/backend-api's DataPasses), synchronous, every argument
// checked before any memory is read.
#pragma once

#include <napi.h>

namespace rnn {

void export_data_passes(Napi::Env env, Napi::Object exports);

}  // namespace rnn
