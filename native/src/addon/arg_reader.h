// Part of the addon's single N-API translation unit (included by addon.cc only): reads and checks
// the fields of one kernel argument object.
//
// Two phases, so no JavaScript (a getter) can run between checking a buffer and using it:
// fetch() reads every field first; the typed accessors then only inspect the fetched values.
// Every failure throws a JS TypeError (wrong type, missing field) or RangeError (bad size/length)
// whose message names the function and the field.
#pragma once

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "kernels/activations.h"

namespace rnn {

class ArgReader {
 public:
  ArgReader(const Napi::CallbackInfo& info, const char* fn, bool keep_alive)
      : env_(info.Env()), fn_(fn), keep_alive_(keep_alive) {
    if (info.Length() != 1 || !info[0].IsObject() || info[0].IsArray() || info[0].IsTypedArray()) {
      throw Napi::TypeError::New(env_, std::string(fn_) + ": expected exactly one argument object, got " +
                                           (info.Length() == 0 ? std::string("nothing") : describe(info[0])));
    }
    args_ = info[0].As<Napi::Object>();
  }

  // Phase 1: reads the named fields (getters may run here, and only here).
  template <std::size_t N>
  void fetch(const char* const (&names)[N]) {
    for (const char* name : names) fetch_one(name);
  }
  void fetch(std::initializer_list<const char*> names) {
    for (const char* name : names) fetch_one(name);
  }

  // A size: an integer in [1, 2^31 − 1] (BLAS takes int).
  int dim(const char* field) {
    const Napi::Value v = value(field);
    if (!v.IsNumber()) type_error(field, "must be a number, got " + describe(v));
    const double d = v.As<Napi::Number>().DoubleValue();
    if (!std::isfinite(d) || d != std::floor(d) || d < 1 || d > 2147483647.0) {
      range_error(field, "must be an integer in [1, 2147483647], got " + number_text(d));
    }
    return static_cast<int>(d);
  }

  bool boolean(const char* field) {
    const Napi::Value v = value(field);
    if (!v.IsBoolean()) type_error(field, "must be a boolean, got " + describe(v));
    return v.As<Napi::Boolean>().Value();
  }

  float finite_number(const char* field) {
    const Napi::Value v = value(field);
    if (!v.IsNumber()) type_error(field, "must be a number, got " + describe(v));
    const double d = v.As<Napi::Number>().DoubleValue();
    if (!std::isfinite(d)) range_error(field, "must be finite, got " + number_text(d));
    return static_cast<float>(d);
  }

  Activation activation(const char* field) {
    const Napi::Value v = value(field);
    const char* allowed = "one of 'tanh', 'sigmoid', 'relu', 'linear', 'hardSigmoid'";
    if (!v.IsString()) type_error(field, std::string("must be ") + allowed + ", got " + describe(v));
    const std::string s = v.As<Napi::String>().Utf8Value();
    if (s == "tanh") return Activation::Tanh;
    if (s == "sigmoid") return Activation::Sigmoid;
    if (s == "relu") return Activation::Relu;
    if (s == "linear") return Activation::Linear;
    if (s == "hardSigmoid") return Activation::HardSigmoid;
    type_error(field, std::string("must be ") + allowed + ", got '" + s + "'");
  }

  // Π factors, refusing overflow; with blas_int, also refusing anything over 2^31 − 1.
  uint64_t product(std::initializer_list<uint64_t> factors, const char* what, bool blas_int) {
    uint64_t p = 1;
    for (uint64_t f : factors) {
      if (__builtin_mul_overflow(p, f, &p) || p > (uint64_t{1} << 53)) {
        range_error(what, "overflows: the sizes are far larger than any buffer can be");
      }
    }
    if (blas_int && p > 2147483647ull) range_error(what, "= " + std::to_string(p) + " exceeds 2147483647 (BLAS int)");
    return p;
  }

  float* output(const char* field, uint64_t length, const char* shape) {
    return buffer(field, length, shape, false, false, true);
  }
  float* optional_output(const char* field, uint64_t length, const char* shape, bool at_least = false) {
    return buffer(field, length, shape, true, at_least, true);
  }
  const float* input(const char* field, uint64_t length, const char* shape) {
    return buffer(field, length, shape, false, false, false);
  }
  const float* optional_input(const char* field, uint64_t length, const char* shape) {
    return buffer(field, length, shape, true, false, false);
  }
  const float* input_at_least(const char* field, uint64_t length, const char* shape) {
    return buffer(field, length, shape, false, true, false);
  }

  // Outputs must not share memory with any other buffer: a kernel reads inputs while writing outputs.
  void check_no_overlap() const {
    for (const Span& out : spans_) {
      if (!out.output) continue;
      for (const Span& other : spans_) {
        if (&other == &out || other.begin >= out.end || out.begin >= other.end) continue;
        range_error(out.field, std::string("shares memory with args.") + other.field +
                                   "; outputs need buffers of their own");
      }
    }
  }

  ~ArgReader() {
    for (napi_ref ref : refs_) napi_delete_reference(env_, ref);
  }
  ArgReader(const ArgReader&) = delete;
  ArgReader& operator=(const ArgReader&) = delete;

  // References to the typed arrays read (only when constructed with keep_alive); the caller now
  // owns them and deletes them once the kernel finished.
  std::vector<napi_ref> take_references() { return std::move(refs_); }

  [[noreturn]] void type_error(const char* field, const std::string& what) const {
    throw Napi::TypeError::New(env_, std::string(fn_) + ": args." + field + " " + what);
  }
  [[noreturn]] void range_error(const char* field, const std::string& what) const {
    throw Napi::RangeError::New(env_, std::string(fn_) + ": args." + field + " " + what);
  }

 private:
  struct Span {
    const char* field;
    uintptr_t begin, end;
    bool output;
  };

  void fetch_one(const char* name) {
    for (const auto& entry : values_) {
      if (std::strcmp(entry.first, name) == 0) return;
    }
    const Napi::Value v = args_.Get(name);
    if (v.IsUndefined()) type_error(name, "is missing");
    values_.emplace_back(name, v);
  }

  Napi::Value value(const char* field) const {
    for (const auto& entry : values_) {
      if (std::strcmp(entry.first, field) == 0) return entry.second;
    }
    type_error(field, "was not fetched (internal error)");
  }

  float* buffer(const char* field, uint64_t length, const char* shape, bool nullable, bool at_least, bool output) {
    const Napi::Value v = value(field);
    const std::string expected = std::string("a Float32Array ") + shape + " of length " + (at_least ? ">= " : "") +
                                 std::to_string(length) + (nullable ? " or null" : "");
    if (v.IsNull()) {
      if (nullable) return nullptr;
      type_error(field, "must be " + expected + ", got null");
    }
    if (!v.IsTypedArray()) type_error(field, "must be " + expected + ", got " + describe(v));
    napi_typedarray_type type;
    size_t count = 0;
    void* data = nullptr;
    napi_value arraybuffer;
    size_t byte_offset = 0;
    NAPI_THROW_IF_FAILED(env_, napi_get_typedarray_info(env_, v, &type, &count, &data, &arraybuffer, &byte_offset),
                         nullptr);
    if (type != napi_float32_array) type_error(field, "must be " + expected + ", got " + describe(v));
    bool is_plain_buffer = false;
    NAPI_THROW_IF_FAILED(env_, napi_is_arraybuffer(env_, arraybuffer, &is_plain_buffer), nullptr);
    if (!is_plain_buffer) {
      type_error(field, "must not be backed by a SharedArrayBuffer (another thread could change it mid-kernel)");
    }
    bool detached = false;
    NAPI_THROW_IF_FAILED(env_, napi_is_detached_arraybuffer(env_, arraybuffer, &detached), nullptr);
    if (detached) type_error(field, "is backed by a detached ArrayBuffer (it was transferred)");
    if (at_least ? count < length : count != length) {
      range_error(field, "must be " + expected + ", got length " + std::to_string(count));
    }
    if (count > 0 && data == nullptr) type_error(field, "has no memory behind it");
    const uintptr_t begin = reinterpret_cast<uintptr_t>(data);
    if (count > 0) spans_.push_back({field, begin, begin + count * sizeof(float), output});
    if (keep_alive_) {
      napi_ref ref = nullptr;
      NAPI_THROW_IF_FAILED(env_, napi_create_reference(env_, v, 1, &ref), nullptr);
      refs_.push_back(ref);
    }
    return static_cast<float*>(data);
  }

  static std::string number_text(double d) {
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
    char text[64];
    std::snprintf(text, sizeof(text), "%.17g", d);
    return text;
  }

  static std::string describe(const Napi::Value& v) {
    if (v.IsUndefined()) return "undefined";
    if (v.IsNull()) return "null";
    if (v.IsBoolean()) return "a boolean";
    if (v.IsNumber()) return "the number " + number_text(v.As<Napi::Number>().DoubleValue());
    if (v.IsString()) return "a string";
    if (v.IsArray()) return "an Array";
    if (v.IsTypedArray()) {
      switch (v.As<Napi::TypedArray>().TypedArrayType()) {
        case napi_int8_array: return "an Int8Array";
        case napi_uint8_array: return "a Uint8Array";
        case napi_uint8_clamped_array: return "a Uint8ClampedArray";
        case napi_int16_array: return "an Int16Array";
        case napi_uint16_array: return "a Uint16Array";
        case napi_int32_array: return "an Int32Array";
        case napi_uint32_array: return "a Uint32Array";
        case napi_float32_array: return "a Float32Array";
        case napi_float64_array: return "a Float64Array";
        default: return "a typed array other than Float32Array";
      }
    }
    if (v.IsArrayBuffer()) return "an ArrayBuffer";
    if (v.IsDataView()) return "a DataView";
    if (v.IsFunction()) return "a function";
    return "an object";
  }

  Napi::Env env_;
  const char* fn_;
  bool keep_alive_;
  Napi::Object args_;
  std::vector<std::pair<const char*, Napi::Value>> values_;
  std::vector<Span> spans_;
  std::vector<napi_ref> refs_;
};

}  // namespace rnn
