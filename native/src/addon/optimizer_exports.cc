#include "optimizer_exports.h"

#include <array>
#include <string>

#include "data_exports.h"
#include "kernel_reader.h"
#include "kernels/optimizer_updates.h"

namespace rnn {

namespace {

constexpr const char* kFn = "adamUpdate";

// constants.<name> as a number, else a TypeError naming it. Any double is accepted: the update's
// arithmetic is IEEE's, as in JavaScript (core checks the hyper-parameters' ranges).
double number_field(const Napi::Env env, const Napi::Object& constants, const char* name) {
  const Napi::Value v = constants.Get(name);
  if (!v.IsNumber()) {
    throw Napi::TypeError::New(env, std::string(kFn) + ": constants." + name + " must be a number, got " + describe_value(env, v));
  }
  return v.As<Napi::Number>().DoubleValue();
}

Napi::Value adam_update_export(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  // The constants first: their getters run JavaScript, which could detach a buffer read before them.
  const Napi::Value c = info.Length() > 5 ? info[5] : env.Undefined();
  if (!c.IsObject()) throw Napi::TypeError::New(env, std::string(kFn) + ": constants must be an object, got " + describe_value(env, c));
  const Napi::Object constants = c.As<Napi::Object>();
  AdamConstants k;
  k.step_size = number_field(env, constants, "stepSize");
  k.correction2_sqrt = number_field(env, constants, "correction2Sqrt");
  k.beta1 = number_field(env, constants, "beta1");
  k.beta2 = number_field(env, constants, "beta2");
  k.epsilon = number_field(env, constants, "epsilon");
  k.l2 = number_field(env, constants, "l2");

  Napi::Float32Array value = float32_argument(info, 0, kFn, "value");
  const Napi::Float32Array grad = float32_argument(info, 1, kFn, "grad");
  Napi::Float32Array m = float32_argument(info, 2, kFn, "m");
  Napi::Float32Array v = float32_argument(info, 3, kFn, "v");
  const Napi::Value max_arg = info.Length() > 4 ? info[4] : env.Undefined();
  const bool amsgrad = !max_arg.IsNull();
  Napi::Float32Array v_max = amsgrad ? float32_argument(info, 4, kFn, "vMax (or null)") : Napi::Float32Array();

  const std::size_t n = value.ElementLength();
  const std::array<std::pair<const char*, Napi::Float32Array>, 5> arrays{
      {{"value", value}, {"grad", grad}, {"m", m}, {"v", v}, {"vMax", v_max}}};
  const std::size_t count = amsgrad ? 5 : 4;
  for (std::size_t a = 1; a < count; ++a) {
    if (arrays[a].second.ElementLength() != n) {
      throw Napi::RangeError::New(env, std::string(kFn) + ": " + arrays[a].first + " must hold as many values as value (" +
                                           std::to_string(n) + "), got " + std::to_string(arrays[a].second.ElementLength()));
    }
  }
  // Every value is read and written once, in place: two views of the same memory would make the
  // result depend on the order of the loop (and on its vector width).
  const std::size_t bytes = n * sizeof(float);
  for (std::size_t a = 0; a < count; ++a) {
    for (std::size_t b = a + 1; b < count; ++b) {
      const char* p = reinterpret_cast<const char*>(arrays[a].second.Data());
      const char* q = reinterpret_cast<const char*>(arrays[b].second.Data());
      if (n > 0 && p < q + bytes && q < p + bytes) {
        throw Napi::RangeError::New(env, std::string(kFn) + ": " + arrays[a].first + " and " + arrays[b].first + " must not share memory");
      }
    }
  }
  adam_update(value.Data(), grad.Data(), m.Data(), v.Data(), amsgrad ? v_max.Data() : nullptr, n, k);
  return env.Undefined();
}

}  // namespace

void export_optimizer_updates(Napi::Env env, Napi::Object exports) {
  exports.Set(kFn, Napi::Function::New(env, adam_update_export, kFn));
}

}  // namespace rnn
