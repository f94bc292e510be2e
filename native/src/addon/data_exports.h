// The whole-input passes of the module: firstNonFinite(values) and toTimeMajor(src, B, T, F, out,
// reverse) (@rnn/backend-api's DataPasses), synchronous, every argument checked before any memory
// is read.
#pragma once

#include <napi.h>

namespace rnn {

void export_data_passes(Napi::Env env, Napi::Object exports);

}  // namespace rnn
