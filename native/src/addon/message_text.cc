// The texts of kernel-argument messages, spelled as @rnn/backend-api spells them (fillTemplate,
// describeValue, String(number)), so that both validators' messages read the same.
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

// Object.getPrototypeOf(value)?.constructor?.name, or "" (also when a getter throws).
std::string constructor_name(const Napi::Object& object) {
  try {
    napi_value proto = nullptr;
    if (napi_get_prototype(object.Env(), object, &proto) != napi_ok) return "";
    const Napi::Value prototype(object.Env(), proto);
    if (!prototype.IsObject()) return "";
    const Napi::Value constructor = prototype.As<Napi::Object>().Get("constructor");
    if (!constructor.IsObject()) return "";
    const Napi::Value name = constructor.As<Napi::Object>().Get("name");
    return name.IsString() ? name.As<Napi::String>().Utf8Value() : "";
  } catch (const Napi::Error&) {
    return "";
  }
}

std::string symbol_text(Napi::Env env, const Napi::Value& symbol) {
  try {
    const Napi::Object prototype = env.Global().Get("Symbol").As<Napi::Object>().Get("prototype").As<Napi::Object>();
    return prototype.Get("toString").As<Napi::Function>().Call(symbol, {}).As<Napi::String>().Utf8Value();
  } catch (const Napi::Error&) {
    return "a symbol";
  }
}

}  // namespace

std::string js_number(Napi::Env env, double n) { return coerced(env, Napi::Number::New(env, n)); }

std::string describe_value(Napi::Env env, const Napi::Value& value) {
  switch (value.Type()) {
    case napi_string:
      return "'" + value.As<Napi::String>().Utf8Value() + "'";
    case napi_number:
    case napi_boolean:
      return coerced(env, value);
    case napi_bigint:
      return coerced(env, value) + "n";
    case napi_symbol:
      return symbol_text(env, value);
    case napi_function:
      return "a function";
    case napi_undefined:
      return "undefined";
    case napi_null:
      return "null";
    default:
      break;
  }
  if (value.IsArray()) return "an Array of length " + std::to_string(value.As<Napi::Array>().Length());
  const std::string name = constructor_name(value.As<Napi::Object>());
  if (name.empty()) return "an object";
  const bool vowel = name[0] == 'A' || name[0] == 'E' || name[0] == 'I' || name[0] == 'O';
  return std::string(vowel ? "an " : "a ") + name;
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
