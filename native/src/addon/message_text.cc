// The texts of kernel-argument messages, spelled as @rnn/backend-api spells them (fillTemplate,
// describeValue, describeBuffer, String(number)), so that both validators' messages read the same
// (the differential test compares them).
#include <algorithm>
#include <cctype>

#include "kernel_reader.h"

namespace rnn {

namespace {

std::string coerced(Napi::Env env, const Napi::Value& value) {
  napi_value text = nullptr;
  if (napi_coerce_to_string(env, value, &text) != napi_ok) return "?";
  return Napi::String(env, text).Utf8Value();
}

std::string article(const std::string& name) {
  const bool vowel = !name.empty() && (name[0] == 'A' || name[0] == 'E' || name[0] == 'I' || name[0] == 'O');
  return vowel ? "an " : "a ";
}

// Object.getPrototypeOf(value)?.constructor?.name, or "" (also when a getter throws).
std::string constructor_name(const Napi::Value& prototype) {
  try {
    if (!prototype.IsObject()) return "";
    const Napi::Value constructor = prototype.As<Napi::Object>().Get("constructor");
    if (!constructor.IsObject()) return "";
    const Napi::Value name = constructor.As<Napi::Object>().Get("name");
    return name.IsString() ? name.As<Napi::String>().Utf8Value() : "";
  } catch (const Napi::Error&) {
    return "";
  }
}

Napi::Value prototype_of(const Napi::Object& object) {
  napi_value proto = nullptr;
  if (napi_get_prototype(object.Env(), object, &proto) != napi_ok) return object.Env().Null();
  return Napi::Value(object.Env(), proto);
}

std::string symbol_text(Napi::Env env, const Napi::Value& symbol) {
  try {
    const Napi::Object prototype = env.Global().Get("Symbol").As<Napi::Object>().Get("prototype").As<Napi::Object>();
    return prototype.Get("toString").As<Napi::Function>().Call(symbol, {}).As<Napi::String>().Utf8Value();
  } catch (const Napi::Error&) {
    return "a symbol";
  }
}

// A string as describeValue quotes it: whole, or its first 57 UTF-16 units and an ellipsis.
std::string quoted(Napi::Env env, const Napi::String& value) {
  const std::u16string text = value.Utf16Value();
  if (text.size() <= 60) return "'" + value.Utf8Value() + "'";
  return "'" + Napi::String::New(env, text.substr(0, 57)).Utf8Value() + "\xE2\x80\xA6'";  // …
}

// Short arrays of plain values whole (`[2, 3]`), others by length.
std::string array_text(Napi::Env env, const Napi::Array& array) {
  const uint32_t n = array.Length();
  std::string out = "[";
  for (uint32_t i = 0; i < n && n <= 8; ++i) {
    const Napi::Value v = array.Get(i);
    if (!v.IsNull() && !v.IsNumber() && !v.IsBoolean()) return "an array of length " + std::to_string(n);
    out += (i > 0 ? ", " : "") + coerced(env, v);
  }
  return n <= 8 ? out + "]" : "an array of length " + std::to_string(n);
}

bool is_shared_buffer(Napi::Env env, const Napi::Value& value) {
  const Napi::Value shared = env.Global().Get("SharedArrayBuffer");
  bool result = false;
  return shared.IsFunction() && napi_instanceof(env, value, shared, &result) == napi_ok && result;
}

// The ArrayBuffer under a typed array or DataView, and its element count (byte length for a DataView).
Napi::Value view_buffer(Napi::Env env, const Napi::Value& view, std::size_t& length, std::size_t& bytes) {
  napi_value buffer = nullptr;
  if (view.IsTypedArray()) {
    napi_typedarray_type type;
    napi_get_typedarray_info(env, view, &type, &length, nullptr, &buffer, nullptr);
    bytes = view.As<Napi::TypedArray>().ByteLength();
  } else {
    napi_get_dataview_info(env, view, &bytes, nullptr, &buffer, nullptr);
    length = bytes;
  }
  return Napi::Value(env, buffer);
}

// A plain object by its class, or by its keys.
std::string object_text(Napi::Env env, const Napi::Object& object) {
  const Napi::Value proto = prototype_of(object);
  const Napi::Value object_prototype = env.Global().Get("Object").As<Napi::Object>().Get("prototype");
  const std::string name = constructor_name(proto);
  if (!proto.IsNull() && !proto.StrictEquals(object_prototype) && !name.empty()) return "a " + name;
  napi_value keys = nullptr;
  if (napi_get_all_property_names(env, object, napi_key_own_only,
                                  static_cast<napi_key_filter>(napi_key_enumerable | napi_key_skip_symbols),
                                  napi_key_numbers_to_strings, &keys) != napi_ok) {
    return "an object";
  }
  const Napi::Array list(env, keys);
  if (list.Length() == 0) return "an empty object";
  std::string shown;
  for (uint32_t i = 0; i < list.Length() && i < 6; ++i) shown += (i > 0 ? ", " : "") + coerced(env, list.Get(i));
  return "an object with keys " + shown + (list.Length() > 6 ? ", \xE2\x80\xA6" : "");
}

}  // namespace

std::string js_number(Napi::Env env, double n) { return coerced(env, Napi::Number::New(env, n)); }

std::string describe_value(Napi::Env env, const Napi::Value& value) {
  switch (value.Type()) {
    case napi_string:
      return quoted(env, value.As<Napi::String>());
    case napi_number:
    case napi_boolean:
    case napi_undefined:
      return coerced(env, value);
    case napi_bigint:
      return coerced(env, value) + "n";
    case napi_symbol:
      return symbol_text(env, value);
    case napi_function: {
      const Napi::Value name = value.As<Napi::Object>().Get("name");
      const std::string text = name.IsString() ? name.As<Napi::String>().Utf8Value() : "";
      return text.empty() ? "a function" : "the function " + text;
    }
    case napi_null:
      return "null";
    default:
      break;
  }
  if (value.IsArray()) return array_text(env, value.As<Napi::Array>());
  const std::string name = constructor_name(prototype_of(value.As<Napi::Object>()));
  if (value.IsTypedArray() || value.IsDataView()) {
    std::size_t length = 0, bytes = 0;
    view_buffer(env, value, length, bytes);
    return "a " + name + " of length " + std::to_string(length);
  }
  if (value.IsArrayBuffer() || is_shared_buffer(env, value)) {
    return "a " + name + " of " + coerced(env, value.As<Napi::Object>().Get("byteLength")) + " bytes";
  }
  return object_text(env, value.As<Napi::Object>());
}

std::string describe_buffer(Napi::Env env, const Napi::Value& value) {
  if (value.IsArray()) return "an Array of length " + std::to_string(value.As<Napi::Array>().Length());
  if (!value.IsTypedArray() && !value.IsDataView()) return describe_value(env, value);
  const std::string name = constructor_name(prototype_of(value.As<Napi::Object>()));
  std::size_t length = 0, bytes = 0;
  const Napi::Value buffer = view_buffer(env, value, length, bytes);
  if (!buffer.IsArrayBuffer()) return "a " + name + " backed by a SharedArrayBuffer (another thread could change it during the kernel)";
  bool detached = false;
  if (bytes == 0 && napi_is_detached_arraybuffer(env, buffer, &detached) == napi_ok && detached) {
    return "a " + name + " over a detached ArrayBuffer (it was transferred)";
  }
  return article(name) + name;
}

std::string fill_template(const std::string& text, const std::vector<std::pair<std::string, std::string>>& values) {
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t open = text.find('{', at);
    const std::size_t close = open == std::string::npos ? open : text.find('}', open);
    if (close == std::string::npos) break;
    const std::string name = text.substr(open + 1, close - open - 1);
    const bool word = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
      return std::isalnum(c) || c == '_';
    });
    const auto found = std::find_if(values.begin(), values.end(), [&](const auto& v) { return v.first == name; });
    out.append(text, at, open - at);
    if (word && found != values.end()) {
      out += found->second;
      at = close + 1;
    } else {
      out += '{';  // not a placeholder we fill: keep it, and look for the next one after its brace
      at = open + 1;
    }
  }
  out.append(text, at, std::string::npos);
  return out;
}

}  // namespace rnn
