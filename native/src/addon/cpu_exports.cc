#include "cpu_exports.h"

#include <string>

#include "kernels/cpu_level.h"

namespace rnn {

namespace {

Napi::Value cpu_info(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("level", cpu_level_name(active_cpu_level()));
  const std::vector<CpuLevel> levels = available_cpu_levels();
  Napi::Array available = Napi::Array::New(env, levels.size());
  for (std::size_t i = 0; i < levels.size(); ++i) available.Set(static_cast<uint32_t>(i), cpu_level_name(levels[i]));
  out.Set("available", available);
  return out;
}

// Calls already running keep the level they started with; the next ones take the new one.
Napi::Value set_level(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    throw Napi::TypeError::New(env, "setCpuLevel: expected a level name (generic, avx2, avx512)");
  }
  CpuLevel level;
  const std::string error = parse_cpu_level(info[0].As<Napi::String>().Utf8Value(), "setCpuLevel: level", level);
  if (!error.empty()) throw Napi::RangeError::New(env, error);
  set_cpu_level(level);
  return Napi::String::New(env, cpu_level_name(level));
}

}  // namespace

void export_cpu_controls(Napi::Env env, Napi::Object exports) {
  const std::string error = cpu_level_from_environment();
  if (!error.empty()) {
    Napi::Error e = Napi::Error::New(env, error);
    e.Set("code", Napi::String::New(env, "RNN_CPU_LEVEL"));
    throw e;
  }
  exports.Set("cpuInfo", Napi::Function::New(env, cpu_info, "cpuInfo"));
  exports.Set("setCpuLevel", Napi::Function::New(env, set_level, "setCpuLevel"));
}

}  // namespace rnn
