// The whole-array passes of the module: firstNonFinite(values), toTimeMajor(src, B, T, F, out,
// reverse) and scanValues(arrays) (@rnn/backend-api's DataPasses), synchronous, every argument
// checked before any memory is read.
#pragma once

#include <napi.h>

#include <cstddef>

namespace rnn {

void export_data_passes(Napi::Env env, Napi::Object exports);

// info[index] as a Float32Array, else a TypeError "<fn>: <name> must be a Float32Array, got …"
// (shared with the optimizer updates).
Napi::Float32Array float32_argument(const Napi::CallbackInfo& info, std::size_t index, const char* fn, const char* name);

}  // namespace rnn
