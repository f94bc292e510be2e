#include "kernel_reader.h"

#include <algorithm>
#include <cmath>

namespace rnn {

bool is_float32_array(const Napi::Value& v) {
  return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_float32_array;
}

bool kernel_buffer_view(napi_env env, napi_value v, float** data, std::size_t* count) {
  bool typed = false;
  if (napi_is_typedarray(env, v, &typed) != napi_ok || !typed) return false;
  napi_typedarray_type type;
  void* first = nullptr;
  napi_value buffer = nullptr;
  if (napi_get_typedarray_info(env, v, &type, count, &first, &buffer, nullptr) != napi_ok || type != napi_float32_array) {
    return false;
  }
  bool plain = false, detached = false;
  if (napi_is_arraybuffer(env, buffer, &plain) != napi_ok || !plain) return false;
  if (napi_is_detached_arraybuffer(env, buffer, &detached) != napi_ok || detached) return false;
  *data = static_cast<float*>(first);
  return true;
}

bool is_kernel_buffer(Napi::Env env, const Napi::Value& v) {
  float* data = nullptr;
  std::size_t count = 0;
  return kernel_buffer_view(env, v, &data, &count);
}

namespace {

const char* const kDot = "\xC2\xB7";  // ·

bool is_struct(const Napi::Value& v) {
  return v.IsObject() && !v.IsFunction() && !v.IsArray() && !v.IsTypedArray() && !v.IsDataView();
}

bool is_safe_integer(double d) { return std::isfinite(d) && d == std::trunc(d) && std::fabs(d) <= 9007199254740991.0; }

// JavaScript reports these as TypeError; the rest (sizes, limits, scalars, lengths, pairs, shared
// memory) as RangeError.
bool is_type_problem(Problem p) {
  return p == Problem::Struct || p == Problem::Flag || p == Problem::Activation || p == Problem::Missing ||
         p == Problem::Type;
}

// Π factors as JavaScript computes it (a left fold in doubles), so that both sides compare alike.
double product(const std::vector<Factor>& factors, const FieldValues& values) {
  double n = 1;
  for (const Factor& f : factors) n *= f.size < 0 ? f.constant : values[f.size].number;
  return n;
}

// The buffer's stored shape as one factor list: the axes reversed when its transposing flag is set.
std::vector<Factor> stored_factors(const FieldSpec& spec, const FieldValues& values) {
  const bool transposed = spec.transposed_by >= 0 && values[spec.transposed_by].flag;
  std::vector<Factor> out;
  for (std::size_t a = 0; a < spec.axes.size(); ++a) {
    const auto& axis = spec.axes[transposed ? spec.axes.size() - 1 - a : a];
    out.insert(out.end(), axis.begin(), axis.end());
  }
  return out;
}

// product(stored_factors(spec, values), values), the same fold, without building the list (every
// buffer of every call computes it; the list is for messages).
double stored_floats(const FieldSpec& spec, const FieldValues& values) {
  const bool transposed = spec.transposed_by >= 0 && values[spec.transposed_by].flag;
  double n = 1;
  for (std::size_t a = 0; a < spec.axes.size(); ++a) {
    for (const Factor& f : spec.axes[transposed ? spec.axes.size() - 1 - a : a]) {
      n *= f.size < 0 ? f.constant : values[f.size].number;
    }
  }
  return n;
}

}  // namespace

FieldValues KernelReader::read(const Napi::Value& args) {
  fetch(args);
  FieldValues values(spec_.fields.size());
  check_sizes(values);
  check_limits(values);
  check_options(values);
  for (std::size_t i = 0; i < spec_.fields.size(); ++i) {
    if (spec_.fields[i].kind == FieldKind::Buffer) check_buffer(static_cast<int>(i), values);
  }
  check_pairs();
  check_aliases();
  return values;
}

std::vector<napi_ref> KernelReader::hold() const {
  std::vector<napi_ref> refs;
  for (const Buffer& b : buffers_) {
    napi_ref ref = nullptr;
    const napi_status status = napi_create_reference(env_, fetched_[b.field], 1, &ref);
    if (status != napi_ok) {
      for (napi_ref r : refs) napi_delete_reference(env_, r);
      NAPI_THROW_IF_FAILED(env_, status, std::vector<napi_ref>());
    }
    refs.push_back(ref);
  }
  return refs;
}

void KernelReader::fetch(const Napi::Value& args) {
  if (!is_struct(args)) fail(Problem::Struct, "", {{"value", describe_value(env_, args)}});
  fetched_.reserve(spec_.fields.size());
  buffers_.reserve(spec_.fields.size());
  napi_value keys = nullptr;
  NAPI_THROW_IF_FAILED_VOID(env_, napi_get_reference_value(env_, contract_.keys, &keys));
  for (const FieldSpec& field : spec_.fields) {
    napi_value key = nullptr, value = nullptr;
    NAPI_THROW_IF_FAILED_VOID(env_, napi_get_element(env_, keys, field.key, &key));
    NAPI_THROW_IF_FAILED_VOID(env_, napi_get_property(env_, args, key, &value));  // a getter's throw propagates
    fetched_.emplace_back(env_, value);
  }
}

void KernelReader::check_sizes(FieldValues& out) {
  for (std::size_t i = 0; i < spec_.fields.size(); ++i) {
    if (spec_.fields[i].kind != FieldKind::Size) continue;
    const Napi::Value& v = fetched_[i];
    const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : 0.0;
    if (!v.IsNumber() || !is_safe_integer(d) || d < 1) {
      fail(Problem::Size, spec_.fields[i].name, {{"value", describe_value(env_, v)}});
    }
    out[i].number = d;
  }
}

void KernelReader::check_limits(const FieldValues& values) {
  for (const std::vector<Factor>& limit : spec_.limits) {
    const double value = product(limit, values);
    if (value <= contract_.max_dimension) continue;
    std::string name;
    for (const Factor& f : limit) name += (name.empty() ? "" : kDot) + factor_text(f);
    fail(Problem::Limit, name,
         {{"value", js_number(env_, value)}, {"max", js_number(env_, contract_.max_dimension)},
          {"sizes", sizes_text(limit, values)}});
  }
}

void KernelReader::check_options(FieldValues& out) {
  for (std::size_t i = 0; i < spec_.fields.size(); ++i) {
    const FieldSpec& field = spec_.fields[i];
    const Napi::Value& v = fetched_[i];
    bool ok = true;
    Problem problem = Problem::Flag;
    if (field.kind == FieldKind::Flag) {
      ok = v.IsBoolean();
      if (ok) out[i].flag = v.As<Napi::Boolean>().Value();
    } else if (field.kind == FieldKind::Scalar) {
      problem = Problem::Scalar;
      ok = v.IsNumber() && std::isfinite(v.As<Napi::Number>().DoubleValue());
      if (ok) out[i].number = v.As<Napi::Number>().DoubleValue();
    } else if (field.kind == FieldKind::Activation) {
      problem = Problem::Activation;
      const std::string name = v.IsString() ? v.As<Napi::String>().Utf8Value() : std::string();
      ok = false;
      for (std::size_t a = 0; v.IsString() && a < contract_.activation_names.size(); ++a) {
        if (contract_.activation_names[a] != name) continue;
        out[i].activation = contract_.activations[a];
        ok = true;
      }
    }
    if (!ok) fail(problem, field.name, {{"value", describe_value(env_, v)}, {"allowed", contract_.allowed_activations}});
  }
}

void KernelReader::check_buffer(int i, FieldValues& values) {
  const FieldSpec& spec = spec_.fields[i];
  const Napi::Value& v = fetched_[i];
  if (v.IsNull() && spec.nullable) return;
  const double floats = stored_floats(spec, values);
  const auto reject = [&](Problem p, const std::string& got) {
    fail(p, spec.name, {{"need", need_text(spec, stored_factors(spec, values), values)}, {"value", got}});
  };
  if (v.IsNull() || v.IsUndefined()) reject(Problem::Missing, describe_value(env_, v));
  float* data = nullptr;
  std::size_t count = 0;
  if (!kernel_buffer_view(env_, v, &data, &count)) reject(Problem::Type, describe_buffer(env_, v));
  const double length = static_cast<double>(count);
  if (spec.at_least ? length < floats : length != floats) reject(Problem::Length, std::to_string(count));
  values[i].buffer = data;
  buffers_.push_back({i, data, count * sizeof(float)});
}

void KernelReader::check_pairs() {
  for (std::size_t i = 0; i < spec_.fields.size(); ++i) {
    const FieldSpec& field = spec_.fields[i];
    if (field.kind != FieldKind::Buffer || field.paired_with < 0) continue;
    const bool given = !fetched_[i].IsNull();  // every buffer passed its checks: null or an array
    const bool other = !fetched_[field.paired_with].IsNull();
    if (given == other) continue;
    const auto state = [](bool g) { return std::string(g ? "given" : "null"); };
    fail(Problem::Pair, field.name,
         {{"other", spec_.fields[field.paired_with].name}, {"fieldState", state(given)}, {"otherState", state(other)}});
  }
}

void KernelReader::check_aliases() {
  for (const Buffer& out : buffers_) {
    if (spec_.fields[out.field].access == Access::Read || out.bytes == 0) continue;
    const auto begin = reinterpret_cast<uintptr_t>(out.data), end = begin + out.bytes;
    for (const Buffer& other : buffers_) {
      if (&other == &out || other.bytes == 0) continue;
      const auto other_begin = reinterpret_cast<uintptr_t>(other.data);
      if (other_begin < end && begin < other_begin + other.bytes) {
        fail(Problem::Alias, spec_.fields[out.field].name, {{"other", spec_.fields[other.field].name}});
      }
    }
  }
}

void KernelReader::fail(Problem problem, const std::string& field,
                        std::vector<std::pair<std::string, std::string>> values) const {
  values.emplace_back("kernel", fn_);
  values.emplace_back("field", field);
  const std::string message = fill_template(contract_.messages[static_cast<int>(problem)], values);
  const bool buffer_problem = contract_.buffer_problems[static_cast<int>(problem)];
  const Napi::String code = Napi::String::New(env_, buffer_problem ? "RNN_KERNEL_BUFFER" : "RNN_KERNEL_ARGUMENT");
  napi_value error = nullptr;
  const Napi::String text = Napi::String::New(env_, message);
  NAPI_THROW_IF_FAILED_VOID(env_, is_type_problem(problem) ? napi_create_type_error(env_, code, text, &error)
                                                            : napi_create_range_error(env_, code, text, &error));
  Napi::Object issue = Napi::Object::New(env_);
  issue.Set("kernel", spec_.name);
  issue.Set("field", field);
  issue.Set("problem", kProblemNames[static_cast<int>(problem)]);
  Napi::Object(env_, error).Set("issue", issue);
  throw Napi::Error(env_, error);
}

std::string KernelReader::factor_text(const Factor& f) const {
  return f.size < 0 ? js_number(env_, f.constant) : spec_.fields[f.size].name;
}

std::string KernelReader::sizes_text(const std::vector<Factor>& factors, const FieldValues& values) const {
  std::string out;
  std::vector<int> seen;
  for (const Factor& f : factors) {
    if (f.size < 0 || std::find(seen.begin(), seen.end(), f.size) != seen.end()) continue;
    seen.push_back(f.size);
    out += (out.empty() ? "" : ", ") + spec_.fields[f.size].name + " = " +
           js_number(env_, values[f.size].number);
  }
  return out;
}

std::string KernelReader::need_text(const FieldSpec& spec, const std::vector<Factor>& factors,
                                    const FieldValues& values) const {
  const std::string floats = js_number(env_, product(factors, values));
  const std::string at_least = spec.at_least ? "at least " : "";
  if (!spec.length_name.empty()) {
    return fill_template(contract_.need_named, {{"atLeast", at_least}, {"name", spec.length_name}, {"floats", floats}});
  }
  std::string formula;
  for (const Factor& f : factors) formula += (formula.empty() ? "" : kDot) + factor_text(f);
  std::string text = fill_template(contract_.need_formula, {{"atLeast", at_least}, {"formula", formula},
                                                            {"floats", floats}, {"sizes", sizes_text(factors, values)}});
  if (text.size() >= 3 && text.compare(text.size() - 3, 3, " ()") == 0) text.resize(text.size() - 3);
  return text;
}

}  // namespace rnn
