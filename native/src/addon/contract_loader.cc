// load_contract: the embedded JSON contract into the structs of contract.h.
#include <cstring>
#include <stdexcept>

#include "contract.h"
#include "kernel_contract.generated.h"

namespace rnn {

namespace {


[[noreturn]] void unsupported(const std::string& what) {
  throw std::runtime_error("@rnn/native: the kernel contract " + what + ", which this addon does not implement");
}

std::string text(const Napi::Value& v) { return v.IsString() ? v.As<Napi::String>().Utf8Value() : std::string(); }

int problem_number(const std::string& name) {
  for (int p = 0; p < static_cast<int>(Problem::Count); ++p) {
    if (name == kProblemNames[p]) return p;
  }
  unsupported("has the problem '" + name + "'");
}

FieldKind kind_named(const std::string& name) {
  if (name == "size") return FieldKind::Size;
  if (name == "flag") return FieldKind::Flag;
  if (name == "scalar") return FieldKind::Scalar;
  if (name == "activation") return FieldKind::Activation;
  if (name == "buffer") return FieldKind::Buffer;
  unsupported("has a field of kind '" + name + "'");
}

// One factor list ([4, "H"]) with sizes as field numbers.
std::vector<Factor> factors_of(const Napi::Array& list, const Napi::Array& fields) {
  std::vector<Factor> out;
  for (uint32_t i = 0; i < list.Length(); ++i) {
    const Napi::Value f = list.Get(i);
    Factor factor;
    if (f.IsNumber()) {
      factor.constant = f.As<Napi::Number>().DoubleValue();
    } else {
      for (uint32_t k = 0; k < fields.Length(); ++k) {
        if (text(fields.Get(k).As<Napi::Object>().Get("name")) == text(f)) factor.size = static_cast<int>(k);
      }
    }
    out.push_back(factor);
  }
  return out;
}

int field_number(const Napi::Value& name, const Napi::Array& fields) {
  if (!name.IsString()) return -1;
  for (uint32_t k = 0; k < fields.Length(); ++k) {
    if (text(fields.Get(k).As<Napi::Object>().Get("name")) == text(name)) return static_cast<int>(k);
  }
  return -1;
}

FieldSpec field_of(const Napi::Object& f, const Napi::Array& fields) {
  FieldSpec spec;
  spec.name = text(f.Get("name"));
  spec.kind = kind_named(text(f.Get("kind")));
  if (spec.kind != FieldKind::Buffer) return spec;
  const std::string access = text(f.Get("access"));
  spec.access = access == "read" ? Access::Read : access == "write" ? Access::Write : Access::Accumulate;
  spec.nullable = f.Get("nullable").ToBoolean();
  spec.at_least = f.Get("atLeast").ToBoolean();
  spec.length_name = text(f.Get("lengthName"));
  spec.transposed_by = field_number(f.Get("transposedBy"), fields);
  spec.paired_with = field_number(f.Get("pairedWith"), fields);
  const Napi::Array shape = f.Get("shape").As<Napi::Array>();
  for (uint32_t a = 0; a < shape.Length(); ++a) spec.axes.push_back(factors_of(shape.Get(a).As<Napi::Array>(), fields));
  return spec;
}

KernelSpec kernel_of(const std::string& name, const Napi::Object& k) {
  KernelSpec spec;
  spec.name = name;
  const Napi::Array fields = k.Get("fields").As<Napi::Array>();
  for (uint32_t i = 0; i < fields.Length(); ++i) spec.fields.push_back(field_of(fields.Get(i).As<Napi::Object>(), fields));
  const Napi::Array limits = k.Get("limits").As<Napi::Array>();
  for (uint32_t i = 0; i < limits.Length(); ++i) spec.limits.push_back(factors_of(limits.Get(i).As<Napi::Array>(), fields));
  return spec;
}

void read_vocabulary(Contract& c, const Napi::Object& json) {
  const Napi::Array names = json.Get("activations").As<Napi::Array>();
  for (uint32_t i = 0; i < names.Length(); ++i) {
    const std::string name = text(names.Get(i));
    Activation a;
    if (!activation_named(name.c_str(), a)) unsupported("has the activation '" + name + "'");
    c.activation_names.push_back(name);
    c.activations.push_back(a);
    c.allowed_activations += (i > 0 ? ", '" : "'") + name + "'";
  }
  const Napi::Object messages = json.Get("messages").As<Napi::Object>();
  c.messages.assign(static_cast<std::size_t>(Problem::Count), std::string());
  const Napi::Array problems = messages.GetPropertyNames();
  for (uint32_t i = 0; i < problems.Length(); ++i) {
    const std::string problem = text(problems.Get(i));
    c.messages[problem_number(problem)] = text(messages.Get(problem));
  }
  c.buffer_problems.assign(static_cast<std::size_t>(Problem::Count), false);
  const Napi::Array buffer_problems = json.Get("bufferProblems").As<Napi::Array>();
  for (uint32_t i = 0; i < buffer_problems.Length(); ++i) c.buffer_problems[problem_number(text(buffer_problems.Get(i)))] = true;
  const Napi::Object need = json.Get("need").As<Napi::Object>();
  c.need_formula = text(need.Get("formula"));
  c.need_named = text(need.Get("named"));
}

}  // namespace

const KernelSpec& Contract::kernel(const char* name) const {
  for (const KernelSpec& k : kernels) {
    if (k.name == name) return k;
  }
  unsupported(std::string("lacks the kernel ") + name);
}

void Contract::release_keys(napi_env env) {
  if (keys != nullptr) napi_delete_reference(env, keys);
  keys = nullptr;
}

Contract load_contract(Napi::Env env) {
  const Napi::Object json_api = env.Global().Get("JSON").As<Napi::Object>();
  const Napi::Object json =
      json_api.Get("parse").As<Napi::Function>().Call(json_api, {Napi::String::New(env, kKernelContractJson)}).As<Napi::Object>();
  Contract c;
  c.max_dimension = json.Get("maxDimension").As<Napi::Number>().DoubleValue();
  read_vocabulary(c, json);
  const Napi::Object kernels = json.Get("kernels").As<Napi::Object>();
  const Napi::Array names = kernels.GetPropertyNames();
  for (uint32_t i = 0; i < names.Length(); ++i) {
    const std::string name = text(names.Get(i));
    c.kernels.push_back(kernel_of(name, kernels.Get(name).As<Napi::Object>()));
  }
  Napi::Array keys = Napi::Array::New(env);
  for (KernelSpec& k : c.kernels) {
    for (FieldSpec& f : k.fields) {
      f.key = keys.Length();
      keys.Set(f.key, Napi::String::New(env, f.name));
    }
  }
  NAPI_THROW_IF_FAILED(env, napi_create_reference(env, keys, 1, &c.keys), c);
  return c;
}

}  // namespace rnn
