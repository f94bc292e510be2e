// The kernel contract as the addon holds it: @rnn/backend-api's tables (packages/backend-api/src/
// contract/), embedded at build time as JSON (kernel_contract.generated.h) and turned into these
// structs once per environment (load_contract). kernel_reader.cc walks them in the contract's check
// order; the generated bind() functions then fill a kernel's argument struct from FieldValues.
#pragma once

#include <napi.h>

#include <string>
#include <vector>

#include "kernels/activations.h"

namespace rnn {

enum class FieldKind { Size, Flag, Scalar, Activation, Buffer };
enum class Access { Read, Write, Accumulate };

// The contract's problems (its error vocabulary), named as kProblemNames spells them.
enum class Problem { Struct, Size, Limit, Flag, Scalar, Activation, Missing, Type, Length, Pair, Alias, Count };
inline const char* const kProblemNames[] = {"struct",  "size", "limit",  "flag", "scalar", "activation",
                                            "missing", "type", "length", "pair", "alias"};
static_assert(sizeof(kProblemNames) / sizeof(kProblemNames[0]) == static_cast<int>(Problem::Count));

// A factor of a length: the field number of a size field (size >= 0), or a constant.
struct Factor {
  int size = -1;
  double constant = 1.0;
};

// One field of a kernel's argument struct; the buffer members only for buffers.
struct FieldSpec {
  std::string name;
  FieldKind kind = FieldKind::Size;
  Access access = Access::Read;
  bool nullable = false;
  bool at_least = false;                  // the buffer may be longer than its shape (a workspace)
  std::string length_name;                // how messages name the length ("" = by its formula)
  int transposed_by = -1;                 // the flag field whose true swaps the axes; -1: none
  int paired_with = -1;                   // the field that must be null exactly when this one is; -1: none
  std::vector<std::vector<Factor>> axes;  // the row-major shape, each axis a product of factors
  uint32_t key = 0;  // where Contract::keys holds the field's name
};

struct KernelSpec {
  std::string name;
  std::vector<FieldSpec> fields;             // in table order
  std::vector<std::vector<Factor>> limits;   // products that must not exceed max_dimension
};

struct Contract {
  double max_dimension = 0;
  std::vector<std::string> activation_names;
  std::vector<Activation> activations;     // the kernels' enum for each name
  std::string allowed_activations;         // 'tanh', 'sigmoid', … as messages list them
  std::vector<std::string> messages;       // by Problem
  std::vector<bool> buffer_problems;       // by Problem: a KernelBufferError in TypeScript
  std::string need_formula, need_named;    // the {need} templates
  std::vector<KernelSpec> kernels;

  // Every field's name as a JavaScript string of this environment (the contract is loaded per
  // environment), in an array the fields index: keys made once, where a key made from UTF-8 on every
  // read was a tenth of a small call's cost. (Node 20 references objects only, hence the array.)
  napi_ref keys = nullptr;

  const KernelSpec& kernel(const char* name) const;
  // Deletes the reference to the keys (the environment's cleanup hook).
  void release_keys(napi_env env);
};

// Parses the embedded contract (with the engine's JSON.parse). Throws when the contract names
// something the addon does not implement (an activation, a problem, a field kind).
Contract load_contract(Napi::Env env);

// The checked value of every field, by field number, for the generated bind() functions.
class FieldValues {
 public:
  struct Value {
    float* buffer = nullptr;  // null for a null (nullable) buffer
    double number = 0.0;      // a size or scalar
    bool flag = false;
    Activation activation = Activation::Tanh;
  };

  explicit FieldValues(std::size_t count) : values_(count) {}
  Value& operator[](std::size_t i) { return values_[i]; }
  const Value& operator[](std::size_t i) const { return values_[i]; }

  const float* input(int i) const { return values_[i].buffer; }
  float* output(int i) const { return values_[i].buffer; }
  // Sizes fit an int: each is bounded by one of the kernel's limits (the generator checks that).
  int size(int i) const { return static_cast<int>(values_[i].number); }
  bool flag(int i) const { return values_[i].flag; }
  float scalar(int i) const { return static_cast<float>(values_[i].number); }
  Activation activation(int i) const { return values_[i].activation; }

 private:
  std::vector<Value> values_;
};

}  // namespace rnn
