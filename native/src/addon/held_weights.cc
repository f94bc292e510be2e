#include "held_weights.h"

#include <cstdint>
#include <string>
#include <vector>

#include "async_calls.h"
#include "kernel_reader.h"

namespace rnn {

void HeldWeightRegistry::hold(napi_env env, napi_value array, const float* data, std::size_t length) {
  auto it = held_.find({data, length});
  if (it == held_.end()) {
    napi_ref ref = nullptr;
    NAPI_THROW_IF_FAILED_VOID(env, napi_create_reference(env, array, 1, &ref));
    it = held_.emplace(std::make_pair(data, length), Held{0, ref, std::make_shared<ConstantWeights>(data, length)}).first;
  }
  ++it->second.holds;
}

void HeldWeightRegistry::release(napi_env env, const float* data, std::size_t length) {
  auto it = held_.find({data, length});
  if (it == held_.end() || --it->second.holds > 0) return;
  napi_delete_reference(env, it->second.array);
  held_.erase(it);  // a call still running keeps the packing it shares
}

void HeldWeightRegistry::clear(napi_env env) noexcept {
  for (auto& entry : held_) napi_delete_reference(env, entry.second.array);
  held_.clear();
}

std::shared_ptr<ConstantWeights> HeldWeightRegistry::find(const float* data, std::size_t length) const {
  auto it = held_.find({data, length});
  return it == held_.end() ? nullptr : it->second.weights;
}

namespace {

// One array of a holdWeights / releaseWeights call.
struct HeldArray {
  napi_value array;
  const float* data;
  std::size_t length;
};

// info[0] as kernel buffers (Float32Arrays over attached, unshared ArrayBuffers), else a TypeError
// naming the element. Every element is read before any address is taken (a getter could detach one).
std::vector<HeldArray> buffers_argument(const Napi::CallbackInfo& info, const char* fn) {
  const Napi::Env env = info.Env();
  const Napi::Value list = info.Length() > 0 ? info[0] : env.Undefined();
  if (!list.IsArray()) {
    throw Napi::TypeError::New(env, std::string(fn) + ": arrays must be an array of Float32Arrays, got " + describe_value(env, list));
  }
  const Napi::Array array = list.As<Napi::Array>();
  std::vector<Napi::Value> values;
  for (std::uint32_t i = 0; i < array.Length(); ++i) values.push_back(array.Get(i));
  std::vector<HeldArray> out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    float* data = nullptr;
    std::size_t length = 0;
    if (!kernel_buffer_view(env, values[i], &data, &length)) {
      throw Napi::TypeError::New(env, std::string(fn) + ": arrays[" + std::to_string(i) +
                                          "] must be a Float32Array over an attached, unshared ArrayBuffer, got " +
                                          describe_buffer(env, values[i]));
    }
    out.push_back({values[i], data, length});
  }
  return out;
}

Napi::Value hold_weights(const Napi::CallbackInfo& info) {
  HeldWeightRegistry& registry = AddonInstance::of(info.Env()).held_weights();
  for (const HeldArray& a : buffers_argument(info, "holdWeights")) registry.hold(info.Env(), a.array, a.data, a.length);
  return info.Env().Undefined();
}

Napi::Value release_weights(const Napi::CallbackInfo& info) {
  HeldWeightRegistry& registry = AddonInstance::of(info.Env()).held_weights();
  for (const HeldArray& a : buffers_argument(info, "releaseWeights")) registry.release(info.Env(), a.data, a.length);
  return info.Env().Undefined();
}

// { made, reused }: packings of held weights made, and reused by a later call, since load.
Napi::Value held_weight_counts(const Napi::CallbackInfo& info) {
  const HeldPackingCounts c = held_packing_counts();
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("made", static_cast<double>(c.made));
  out.Set("reused", static_cast<double>(c.reused));
  return out;
}

}  // namespace

void export_held_weights(Napi::Env env, Napi::Object exports) {
  exports.Set("holdWeights", Napi::Function::New(env, hold_weights, "holdWeights"));
  exports.Set("releaseWeights", Napi::Function::New(env, release_weights, "releaseWeights"));
  exports.Set("heldWeightCounts", Napi::Function::New(env, held_weight_counts, "heldWeightCounts"));
}

}  // namespace rnn
