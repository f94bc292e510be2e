#include "data_exports.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "kernel_reader.h"
#include "kernels/data_passes.h"

namespace rnn {

namespace {

// Sizes past 2^31 − 1 values are refused, as the kernel contract refuses them.
constexpr double kMaxSize = 2147483647.0;

// info[index] as an integer in [1, 2^31 − 1], else a TypeError / RangeError naming the argument.
std::size_t size_argument(const Napi::CallbackInfo& info, std::size_t index, const char* fn, const char* name) {
  const Napi::Env env = info.Env();
  const Napi::Value v = info.Length() > index ? info[index] : env.Undefined();
  if (!v.IsNumber()) throw Napi::TypeError::New(env, std::string(fn) + ": " + name + " must be a number, got " + describe_value(env, v));
  const double n = v.As<Napi::Number>().DoubleValue();
  if (!(n >= 1 && n <= kMaxSize) || n != std::floor(n)) {
    throw Napi::RangeError::New(env, std::string(fn) + ": " + name + " must be an integer in [1, 2147483647], got " + js_number(env, n));
  }
  return static_cast<std::size_t>(n);
}

Napi::Value first_non_finite_export(const Napi::CallbackInfo& info) {
  const Napi::Float32Array values = float32_argument(info, 0, "firstNonFinite", "values");
  return Napi::Number::New(info.Env(), static_cast<double>(first_non_finite(values.Data(), values.ElementLength())));
}

Napi::Value to_time_major_export(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "toTimeMajor";
  const Napi::Env env = info.Env();
  const Napi::Float32Array src = float32_argument(info, 0, fn, "src");
  const std::size_t B = size_argument(info, 1, fn, "B");
  const std::size_t T = size_argument(info, 2, fn, "T");
  const std::size_t F = size_argument(info, 3, fn, "F");
  Napi::Float32Array out = float32_argument(info, 4, fn, "out");
  const Napi::Value reverse = info.Length() > 5 ? info[5] : env.Undefined();
  if (!reverse.IsBoolean()) throw Napi::TypeError::New(env, std::string(fn) + ": reverse must be a boolean, got " + describe_value(env, reverse));
  // Each factor is below 2^31, so the product of two fits 64 bits; the third is checked by division.
  const std::uint64_t bt = static_cast<std::uint64_t>(B) * T;
  const std::uint64_t need = bt <= UINT64_MAX / F ? bt * F : UINT64_MAX;
  const std::string sizes = "B·T·F = " + std::to_string(B) + "·" + std::to_string(T) + "·" + std::to_string(F);
  if (src.ElementLength() != need) {
    throw Napi::RangeError::New(env, std::string(fn) + ": src must hold " + sizes + " values, got " + std::to_string(src.ElementLength()));
  }
  if (out.ElementLength() != need) {
    throw Napi::RangeError::New(env, std::string(fn) + ": out must hold " + sizes + " values, got " + std::to_string(out.ElementLength()));
  }
  const char* s = reinterpret_cast<const char*>(src.Data());
  const char* o = reinterpret_cast<const char*>(out.Data());
  const std::size_t bytes = static_cast<std::size_t>(need) * sizeof(float);
  if (s < o + bytes && o < s + bytes) throw Napi::RangeError::New(env, std::string(fn) + ": out must not share memory with src");
  to_time_major(src.Data(), B, T, F, out.Data(), reverse.As<Napi::Boolean>().Value());
  return env.Undefined();
}

Napi::Value scan_values_export(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const Napi::Value list = info.Length() > 0 ? info[0] : env.Undefined();
  if (!list.IsArray()) throw Napi::TypeError::New(env, "scanValues: arrays must be an array of Float32Arrays, got " + describe_value(env, list));
  const Napi::Array array = list.As<Napi::Array>();
  const std::uint32_t count = array.Length();
  std::vector<Napi::Float32Array> views;  // keeps each view's handle while its memory is read
  std::vector<const float*> data;
  std::vector<std::size_t> lengths;
  views.reserve(count);
  data.reserve(count);
  lengths.reserve(count);
  for (std::uint32_t a = 0; a < count; ++a) {
    const Napi::Value v = array.Get(a);
    if (!is_float32_array(v)) {
      throw Napi::TypeError::New(env, "scanValues: arrays[" + std::to_string(a) + "] must be a Float32Array, got " + describe_value(env, v));
    }
    views.push_back(v.As<Napi::Float32Array>());
  }
  // Pointers only once every element was read: a getter on the list runs JavaScript, which could
  // detach the buffer of a view taken before it.
  for (const Napi::Float32Array& view : views) {
    data.push_back(view.Data());
    lengths.push_back(view.ElementLength());
  }
  const ValueScanResult r = scan_values(data.data(), lengths.data(), count);
  Napi::Object out = Napi::Object::New(env);
  out.Set("fingerprint", Napi::Number::New(env, static_cast<double>(r.fingerprint)));
  if (r.array < 0) {
    out.Set("firstNonFinite", env.Null());
  } else {
    Napi::Array at = Napi::Array::New(env, 2);
    at.Set(0u, Napi::Number::New(env, static_cast<double>(r.array)));
    at.Set(1u, Napi::Number::New(env, static_cast<double>(r.index)));
    out.Set("firstNonFinite", at);
  }
  return out;
}

}  // namespace

Napi::Float32Array float32_argument(const Napi::CallbackInfo& info, std::size_t index, const char* fn, const char* name) {
  const Napi::Value v = info.Length() > index ? info[index] : info.Env().Undefined();
  if (!is_float32_array(v)) {
    throw Napi::TypeError::New(info.Env(), std::string(fn) + ": " + name + " must be a Float32Array, got " +
                                               describe_value(info.Env(), v));
  }
  return v.As<Napi::Float32Array>();
}

void export_data_passes(Napi::Env env, Napi::Object exports) {
  exports.Set("firstNonFinite", Napi::Function::New(env, first_non_finite_export, "firstNonFinite"));
  exports.Set("toTimeMajor", Napi::Function::New(env, to_time_major_export, "toTimeMajor"));
  exports.Set("scanValues", Napi::Function::New(env, scan_values_export, "scanValues"));
}

}  // namespace rnn
