// The optimizer updates of the module: adamUpdate(value, grad, m, v, vMax, constants)
// (@rnn/backend-api's OptimizerUpdates.adam), synchronous, every argument checked before any memory
// is read or written.
#pragma once

#include <napi.h>

namespace rnn {

void export_optimizer_updates(Napi::Env env, Napi::Object exports);

}  // namespace rnn
