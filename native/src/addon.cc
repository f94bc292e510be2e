// The only N-API file of @rnn/native. It turns the plain argument objects of the TypeScript contract
// (packages/backend-api/src/kernel-args.ts, same field names) into the C++ structs of src/kernels/,
// checking EVERYTHING first: a wrong call from JavaScript throws a TypeError / RangeError naming the
// function and the field, and never reaches memory.
//
// Exports: lstmForward, lstmBackward, gruForward, gruBackward, rnnForward, rnnBackward, gemm (sync),
// the same with an `Async` suffix (Promise, run on a libuv worker thread), setNumThreads,
// getNumThreads, blasInfo.
#include <napi.h>

#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <thread>

#include "arg_reader.h"
#include "kernels/gemm.h"
#include "kernels/gru.h"
#include "kernels/lstm.h"
#include "kernels/simple_rnn.h"

namespace rnn {
namespace {

// One kernel at a time: OpenBLAS already uses every core we give it, so two kernels at once (sync
// on the main thread plus async on libuv workers) would only oversubscribe; it also makes the
// per-GEMM thread toggling in gemm.cc race-free.
std::mutex& kernel_mutex() {
  static std::mutex m;
  return m;
}

using Job = std::function<void()>;

const char* const kForwardFields[] = {"y", "hT", "workspace", "x", "h0", "mask", "wIh", "wHh", "bIh", "bHh",
                                      "recurrentMask", "reverse", "T", "B", "I", "H"};
const char* const kBackwardFields[] = {"dx", "dh0", "dWIh", "dWHh", "dBIh", "dBHh", "dy", "dhT", "x", "h0", "mask",
                                       "wIh", "wHh", "y", "workspace", "recurrentMask", "reverse", "T", "B", "I", "H"};

// Sizes of one recurrent call with every product checked (and T·B, G·H within BLAS's int).
struct Sizes {
  SequenceDims dims;
  uint64_t TB, TBI, TBH, BH, GH, GHI, GHH;
};

Sizes read_sizes(ArgReader& r, int gates) {
  Sizes s;
  s.dims.T = r.dim("T");
  s.dims.B = r.dim("B");
  s.dims.I = r.dim("I");
  s.dims.H = r.dim("H");
  const uint64_t T = s.dims.T, B = s.dims.B, I = s.dims.I, H = s.dims.H;
  s.TB = r.product({T, B}, "T·B", true);
  s.GH = r.product({static_cast<uint64_t>(gates), H}, "G·H", true);
  s.TBI = r.product({T, B, I}, "T·B·I", false);
  s.TBH = r.product({T, B, H}, "T·B·H", false);
  s.BH = r.product({B, H}, "B·H", true);
  s.GHI = r.product({s.GH, I}, "G·H·I", false);
  s.GHH = r.product({s.GH, H}, "G·H·H", false);
  return s;
}

// Workspace floats the cell needs: gates [T, B, G·H] plus one [T, B, H] (LSTM c, GRU extra); SimpleRNN none.
uint64_t workspace_floats(ArgReader& r, const Sizes& s, int gates) {
  if (gates == 1) return 0;
  return r.product({s.TB, s.GH + static_cast<uint64_t>(s.dims.H)}, "workspace size", false);
}

void read_forward_base(ArgReader& r, RecurrentForward& f, const Sizes& s, int gates) {
  f.dims = s.dims;
  f.reverse = r.boolean("reverse");
  f.y = r.output("y", s.TBH, "[T, B, H]");
  f.h_T = r.output("hT", s.BH, "[B, H]");
  f.workspace = r.optional_output("workspace", workspace_floats(r, s, gates), "[workspace]", true);
  f.x = r.input("x", s.TBI, "[T, B, I]");
  f.h0 = r.optional_input("h0", s.BH, "[B, H]");
  f.mask = r.optional_input("mask", s.TB, "[T, B]");
  f.w_ih = r.input("wIh", s.GHI, "[G·H, I]");
  f.w_hh = r.input("wHh", s.GHH, "[G·H, H]");
  f.b_ih = r.optional_input("bIh", s.GH, "[G·H]");
  f.b_hh = r.optional_input("bHh", s.GH, "[G·H]");
  f.recurrent_mask = r.optional_input("recurrentMask", s.BH, "[B, H]");
}

void read_backward_base(ArgReader& r, RecurrentBackward& g, const Sizes& s, int gates) {
  g.dims = s.dims;
  g.reverse = r.boolean("reverse");
  g.dx = r.optional_output("dx", s.TBI, "[T, B, I]");
  g.dh0 = r.optional_output("dh0", s.BH, "[B, H]");
  g.dw_ih = r.output("dWIh", s.GHI, "[G·H, I]");
  g.dw_hh = r.output("dWHh", s.GHH, "[G·H, H]");
  g.db_ih = r.optional_output("dBIh", s.GH, "[G·H]");
  g.db_hh = r.optional_output("dBHh", s.GH, "[G·H]");
  g.dy = r.optional_input("dy", s.TBH, "[T, B, H]");
  g.dh_T = r.optional_input("dhT", s.BH, "[B, H]");
  g.x = r.input("x", s.TBI, "[T, B, I]");
  g.h0 = r.optional_input("h0", s.BH, "[B, H]");
  g.mask = r.optional_input("mask", s.TB, "[T, B]");
  g.w_ih = r.input("wIh", s.GHI, "[G·H, I]");
  g.w_hh = r.input("wHh", s.GHH, "[G·H, H]");
  g.y = r.input("y", s.TBH, "[T, B, H]");
  g.workspace = r.input_at_least("workspace", workspace_floats(r, s, gates), "[workspace]");
  g.recurrent_mask = r.optional_input("recurrentMask", s.BH, "[B, H]");
}

Job parse_lstm_forward(ArgReader& r) {
  r.fetch(kForwardFields);
  r.fetch({"cT", "c0", "peephole", "activation", "recurrentActivation"});
  LstmForward f;
  const Sizes s = read_sizes(r, 4);
  f.activation = r.activation("activation");
  f.recurrent_activation = r.activation("recurrentActivation");
  read_forward_base(r, f, s, 4);
  f.c_T = r.output("cT", s.BH, "[B, H]");
  f.c0 = r.optional_input("c0", s.BH, "[B, H]");
  f.peephole = r.optional_input("peephole", 3ull * s.dims.H, "[3H]");
  r.check_no_overlap();
  return [f] { lstm_forward(f); };
}

Job parse_lstm_backward(ArgReader& r) {
  r.fetch(kBackwardFields);
  r.fetch({"dc0", "dPeephole", "dcT", "c0", "peephole", "activation", "recurrentActivation"});
  LstmBackward g;
  const Sizes s = read_sizes(r, 4);
  g.activation = r.activation("activation");
  g.recurrent_activation = r.activation("recurrentActivation");
  read_backward_base(r, g, s, 4);
  g.dc0 = r.optional_output("dc0", s.BH, "[B, H]");
  g.dpeephole = r.optional_output("dPeephole", 3ull * s.dims.H, "[3H]");
  g.dc_T = r.optional_input("dcT", s.BH, "[B, H]");
  g.c0 = r.optional_input("c0", s.BH, "[B, H]");
  g.peephole = r.optional_input("peephole", 3ull * s.dims.H, "[3H]");
  if (g.dpeephole != nullptr && g.peephole == nullptr) r.range_error("dPeephole", "must be null when peephole is null");
  r.check_no_overlap();
  return [g] { lstm_backward(g); };
}

Job parse_gru_forward(ArgReader& r) {
  r.fetch(kForwardFields);
  r.fetch({"resetAfter", "activation", "recurrentActivation"});
  GruForward f;
  const Sizes s = read_sizes(r, 3);
  f.reset_after = r.boolean("resetAfter");
  f.activation = r.activation("activation");
  f.recurrent_activation = r.activation("recurrentActivation");
  read_forward_base(r, f, s, 3);
  r.check_no_overlap();
  return [f] { gru_forward(f); };
}

Job parse_gru_backward(ArgReader& r) {
  r.fetch(kBackwardFields);
  r.fetch({"resetAfter", "activation", "recurrentActivation"});
  GruBackward g;
  const Sizes s = read_sizes(r, 3);
  g.reset_after = r.boolean("resetAfter");
  g.activation = r.activation("activation");
  g.recurrent_activation = r.activation("recurrentActivation");
  read_backward_base(r, g, s, 3);
  r.check_no_overlap();
  return [g] { gru_backward(g); };
}

Job parse_rnn_forward(ArgReader& r) {
  r.fetch(kForwardFields);
  r.fetch({"activation"});
  RnnForward f;
  const Sizes s = read_sizes(r, 1);
  f.activation = r.activation("activation");
  read_forward_base(r, f, s, 1);
  r.check_no_overlap();
  return [f] { rnn_forward(f); };
}

Job parse_rnn_backward(ArgReader& r) {
  r.fetch(kBackwardFields);
  r.fetch({"activation"});
  RnnBackward g;
  const Sizes s = read_sizes(r, 1);
  g.activation = r.activation("activation");
  read_backward_base(r, g, s, 1);
  r.check_no_overlap();
  return [g] { rnn_backward(g); };
}

Job parse_gemm(ArgReader& r) {
  r.fetch({"c", "a", "b", "M", "N", "K", "transA", "transB", "alpha", "beta"});
  const int M = r.dim("M"), N = r.dim("N"), K = r.dim("K");
  const bool trans_a = r.boolean("transA"), trans_b = r.boolean("transB");
  const float alpha = r.finite_number("alpha"), beta = r.finite_number("beta");
  float* c = r.output("c", r.product({uint64_t(M), uint64_t(N)}, "M·N", false), "[M, N]");
  const float* a = r.input("a", r.product({uint64_t(M), uint64_t(K)}, "M·K", false), trans_a ? "[K, M]" : "[M, K]");
  const float* b = r.input("b", r.product({uint64_t(K), uint64_t(N)}, "K·N", false), trans_b ? "[N, K]" : "[K, N]");
  r.check_no_overlap();
  return [=] {
    sgemm(trans_a, trans_b, M, N, K, alpha, a, trans_a ? M : K, b, trans_b ? K : N, beta, c, N);
  };
}

using Parser = Job (*)(ArgReader&);

// Runs a kernel job under the kernel lock; allocation failure becomes a RangeError, not an abort.
void run_job(const Job& job) {
  std::lock_guard<std::mutex> lock(kernel_mutex());
  job();
}

template <Parser parse>
Napi::Value call_sync(const Napi::CallbackInfo& info, const char* fn) {
  ArgReader r(info, fn, false);
  const Job job = parse(r);
  try {
    run_job(job);
  } catch (const std::bad_alloc&) {
    throw Napi::RangeError::New(info.Env(), std::string(fn) + ": out of memory for the kernel's scratch buffers");
  }
  return info.Env().Undefined();
}

// Runs the job on a libuv worker thread; the typed arrays stay referenced until the promise settles.
class KernelWorker : public Napi::AsyncWorker {
 public:
  KernelWorker(Napi::Env env, const char* fn, Job job, std::vector<Napi::Reference<Napi::Value>> keep_alive)
      : Napi::AsyncWorker(env, fn),
        fn_(fn),
        job_(std::move(job)),
        keep_alive_(std::move(keep_alive)),
        deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      run_job(job_);
    } catch (const std::bad_alloc&) {
      SetError(std::string(fn_) + ": out of memory for the kernel's scratch buffers");
    }
  }
  void OnOK() override {
    keep_alive_.clear();
    deferred_.Resolve(Env().Undefined());
  }
  void OnError(const Napi::Error& error) override {
    keep_alive_.clear();
    deferred_.Reject(Napi::RangeError::New(Env(), error.Message()).Value());
  }

 private:
  const char* fn_;
  Job job_;
  std::vector<Napi::Reference<Napi::Value>> keep_alive_;
  Napi::Promise::Deferred deferred_;
};

template <Parser parse>
Napi::Value call_async(const Napi::CallbackInfo& info, const char* fn) {
  ArgReader r(info, fn, true);
  Job job = parse(r);
  auto* worker = new KernelWorker(info.Env(), fn, std::move(job), r.take_references());
  Napi::Promise promise = worker->promise();
  worker->Queue();  // the worker deletes itself after OnOK / OnError
  return promise;
}

int default_threads() {
  if (const char* env = std::getenv("RNN_NUM_THREADS")) {
    char* end = nullptr;
    const long n = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && n >= 1 && n <= 1024) return static_cast<int>(n);
  }
  const unsigned cores = std::thread::hardware_concurrency();
  return cores > 0 ? static_cast<int>(cores) : blas_cores();
}

Napi::Value set_num_threads(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "setNumThreads: expected a number of threads");
  const double n = info[0].As<Napi::Number>().DoubleValue();
  if (!(n >= 1 && n <= 1024) || n != static_cast<double>(static_cast<int>(n))) {
    throw Napi::RangeError::New(env, "setNumThreads: threads must be an integer in [1, 1024], got " + std::to_string(n));
  }
  std::lock_guard<std::mutex> lock(kernel_mutex());
  return Napi::Number::New(env, set_blas_threads(static_cast<int>(n)));
}

Napi::Value get_num_threads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), blas_threads()); }

Napi::Value blas_info(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("blas", blas_description());
  out.Set("threads", blas_threads());
  out.Set("cores", blas_cores());
  out.Set("singleThreadMnkThreshold", Napi::Number::New(env, static_cast<double>(single_thread_mnk_threshold())));
  return out;
}

#define RNN_EXPORT_KERNEL(name, parser)                                                                      \
  exports.Set(name, Napi::Function::New(                                                                    \
                        env, [](const Napi::CallbackInfo& info) { return call_sync<parser>(info, name); }, name)); \
  exports.Set(name "Async", Napi::Function::New(                                                              \
                                env, [](const Napi::CallbackInfo& info) { return call_async<parser>(info, name "Async"); }, \
                                name "Async"))

Napi::Object init(Napi::Env env, Napi::Object exports) {
  set_blas_threads(default_threads());
  RNN_EXPORT_KERNEL("lstmForward", parse_lstm_forward);
  RNN_EXPORT_KERNEL("lstmBackward", parse_lstm_backward);
  RNN_EXPORT_KERNEL("gruForward", parse_gru_forward);
  RNN_EXPORT_KERNEL("gruBackward", parse_gru_backward);
  RNN_EXPORT_KERNEL("rnnForward", parse_rnn_forward);
  RNN_EXPORT_KERNEL("rnnBackward", parse_rnn_backward);
  RNN_EXPORT_KERNEL("gemm", parse_gemm);
  exports.Set("setNumThreads", Napi::Function::New(env, set_num_threads, "setNumThreads"));
  exports.Set("getNumThreads", Napi::Function::New(env, get_num_threads, "getNumThreads"));
  exports.Set("blasInfo", Napi::Function::New(env, blas_info, "blasInfo"));
  return exports;
}

}  // namespace
}  // namespace rnn

static Napi::Object InitRnnNative(Napi::Env env, Napi::Object exports) { return rnn::init(env, exports); }

NODE_API_MODULE(rnn_native, InitRnnNative)
