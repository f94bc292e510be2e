// Reads and checks the argument object of one kernel call against the kernel's contract table,
// in the contract's check order (packages/backend-api/src/contract/kernel-contract.ts):
//   1. the argument is an object;  2. sizes;  3. size limits;  4. flags, scalars, activations;
//   5. buffers (present or null where nullable; a Float32Array over an attached, non-shared
//      ArrayBuffer; the length);  6. pairs;  7. outputs sharing memory with another buffer.
// The first failure throws, with the contract's message for its problem: a TypeError (the struct,
// a flag, an activation, a missing or mistyped buffer) or a RangeError (a size, a limit, a scalar,
// a length, a pair, shared memory). Either carries `code` ('RNN_KERNEL_BUFFER' for the problems
// TypeScript reports as KernelBufferError, else 'RNN_KERNEL_ARGUMENT') and `issue` ({kernel,
// field, problem}), which core's native backend maps to the same RnnError classes.
//
// Every field is read first (getters run then, and only then); the checks after that only
// inspect the values read, so no JavaScript runs between checking a buffer and using it.
#pragma once

#include <napi.h>

#include <string>
#include <vector>

#include "contract.h"

namespace rnn {

class KernelReader {
 public:
  // fn: the function called, as messages name it (e.g. lstmForwardAsync).
  KernelReader(Napi::Env env, const Contract& contract, const KernelSpec& spec, const char* fn)
      : env_(env), contract_(contract), spec_(spec), fn_(fn) {}

  // The checked values of the call's fields; throws the contract's error for the first failure.
  FieldValues read(const Napi::Value& args);

  // References keeping every buffer of the call alive (for async calls; the caller deletes them).
  std::vector<napi_ref> hold() const;

 private:
  struct Buffer {
    int field;
    float* data;
    std::size_t bytes;
  };

  void fetch(const Napi::Value& args);
  void check_sizes(FieldValues& out);
  void check_limits(const FieldValues& values);
  void check_options(FieldValues& out);
  void check_buffer(int field, FieldValues& values);  // sets the field's pointer when it passes
  void check_pairs();
  void check_aliases();

  // The contract's error for `problem` at `field` (for a limit, its product), message filled from `values`.
  [[noreturn]] void fail(Problem problem, const std::string& field,
                         std::vector<std::pair<std::string, std::string>> values) const;
  std::string need_text(const FieldSpec& spec, const std::vector<Factor>& factors, const FieldValues& values) const;
  std::string sizes_text(const std::vector<Factor>& factors, const FieldValues& values) const;
  std::string factor_text(const Factor& f) const;

  Napi::Env env_;
  const Contract& contract_;
  const KernelSpec& spec_;
  const char* fn_;
  std::vector<Napi::Value> fetched_;  // by field number
  std::vector<Buffer> buffers_;       // the non-null buffers, in table order
};

// `template` with every {name} of `values` filled in; unknown placeholders stay as they are.
std::string fill_template(const std::string& text, const std::vector<std::pair<std::string, std::string>>& values);

// Whether a value is a Float32Array (any buffer: the kernel contract's buffers add more conditions).
bool is_float32_array(const Napi::Value& v);

// A buffer a kernel may be given (the contract's isKernelBuffer): a Float32Array over an attached
// ArrayBuffer no other thread shares.
bool is_kernel_buffer(Napi::Env env, const Napi::Value& v);

// The same test, and where it passes, the buffer's first float and its length in floats.
bool kernel_buffer_view(napi_env env, napi_value v, float** data, std::size_t* count);

// What a value is, for a message's "got …", as @rnn/backend-api's describeValue says it.
std::string describe_value(Napi::Env env, const Napi::Value& value);

// What came instead of a usable buffer, as @rnn/backend-api's describeBuffer says it.
std::string describe_buffer(Napi::Env env, const Napi::Value& value);

// A number as JavaScript's String(n) prints it.
std::string js_number(Napi::Env env, double n);

}  // namespace rnn
