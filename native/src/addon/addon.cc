// The module's exports. It turns the plain argument objects of the TypeScript contract
// (packages/backend-api/src/kernel-args.ts, same field names) into the C++ structs of src/kernels/,
// checking EVERYTHING first: a wrong call from JavaScript throws a TypeError / RangeError naming the
// function and the field, and never reaches memory.
//
// Exports: lstmForward, lstmBackward, gruForward, gruBackward, rnnForward, rnnBackward, gemm (sync,
// on the caller's thread), the same with an `Async` suffix (a Promise; the kernel runs on the
// scheduler's executor thread, never on libuv's pool), setNumThreads, getNumThreads, blasInfo.
// Context-aware: each environment (main thread, worker) gets its own AddonInstance.
#include <napi.h>

#include <cstdlib>
#include <exception>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <utility>

#include "arg_reader.h"
#include "async_calls.h"
#include "kernels/gemm.h"
#include "kernels/gru.h"
#include "kernels/lstm.h"
#include "kernels/simple_rnn.h"
#include "runtime/kernel_scheduler.h"

namespace rnn {
namespace {

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

void read_base(ArgReader& r, RecurrentForward& f, const Sizes& s, int gates) {
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

void read_base(ArgReader& r, RecurrentBackward& g, const Sizes& s, int gates) {
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

void fetch_base(ArgReader& r, const RecurrentForward&) { r.fetch(kForwardFields); }
void fetch_base(ArgReader& r, const RecurrentBackward&) { r.fetch(kBackwardFields); }

template <class Args>
void read_activations(ArgReader& r, Args& a) {
  a.activation = r.activation("activation");
  a.recurrent_activation = r.activation("recurrentActivation");
}

// read(r, args): fetches and reads every field of one call, in the order errors are reported.
void read(ArgReader& r, LstmForward& f) {
  fetch_base(r, f);
  r.fetch({"cT", "c0", "peephole", "activation", "recurrentActivation"});
  const Sizes s = read_sizes(r, 4);
  read_activations(r, f);
  read_base(r, f, s, 4);
  f.c_T = r.output("cT", s.BH, "[B, H]");
  f.c0 = r.optional_input("c0", s.BH, "[B, H]");
  f.peephole = r.optional_input("peephole", 3ull * s.dims.H, "[3H]");
}

void read(ArgReader& r, LstmBackward& g) {
  fetch_base(r, g);
  r.fetch({"dc0", "dPeephole", "dcT", "c0", "peephole", "activation", "recurrentActivation"});
  const Sizes s = read_sizes(r, 4);
  read_activations(r, g);
  read_base(r, g, s, 4);
  g.dc0 = r.optional_output("dc0", s.BH, "[B, H]");
  g.dpeephole = r.optional_output("dPeephole", 3ull * s.dims.H, "[3H]");
  g.dc_T = r.optional_input("dcT", s.BH, "[B, H]");
  g.c0 = r.optional_input("c0", s.BH, "[B, H]");
  g.peephole = r.optional_input("peephole", 3ull * s.dims.H, "[3H]");
  if (g.dpeephole != nullptr && g.peephole == nullptr) r.range_error("dPeephole", "must be null when peephole is null");
}

template <class Args>  // GruForward or GruBackward
void read_gru(ArgReader& r, Args& a) {
  fetch_base(r, a);
  r.fetch({"resetAfter", "activation", "recurrentActivation"});
  const Sizes s = read_sizes(r, 3);
  a.reset_after = r.boolean("resetAfter");
  read_activations(r, a);
  read_base(r, a, s, 3);
}
void read(ArgReader& r, GruForward& f) { read_gru(r, f); }
void read(ArgReader& r, GruBackward& g) { read_gru(r, g); }

template <class Args>  // RnnForward or RnnBackward
void read_rnn(ArgReader& r, Args& a) {
  fetch_base(r, a);
  r.fetch({"activation"});
  const Sizes s = read_sizes(r, 1);
  a.activation = r.activation("activation");
  read_base(r, a, s, 1);
}
void read(ArgReader& r, RnnForward& f) { read_rnn(r, f); }
void read(ArgReader& r, RnnBackward& g) { read_rnn(r, g); }

// A recurrent call: every field read and checked, then the kernel bound to the arguments.
template <class Args, void (*run)(const Args&, KernelContext&)>
Kernel parse_recurrent(ArgReader& r) {
  Args args;
  read(r, args);
  r.check_no_overlap();
  return [args](KernelContext& context) { run(args, context); };
}

Kernel parse_gemm(ArgReader& r) {
  r.fetch({"c", "a", "b", "M", "N", "K", "transA", "transB", "alpha", "beta"});
  const int M = r.dim("M"), N = r.dim("N"), K = r.dim("K");
  const bool trans_a = r.boolean("transA"), trans_b = r.boolean("transB");
  const float alpha = r.finite_number("alpha"), beta = r.finite_number("beta");
  float* c = r.output("c", r.product({uint64_t(M), uint64_t(N)}, "M·N", false), "[M, N]");
  const float* a = r.input("a", r.product({uint64_t(M), uint64_t(K)}, "M·K", false), trans_a ? "[K, M]" : "[M, K]");
  const float* b = r.input("b", r.product({uint64_t(K), uint64_t(N)}, "K·N", false), trans_b ? "[N, K]" : "[K, N]");
  r.check_no_overlap();
  return [=](KernelContext&) {
    sgemm(trans_a, trans_b, M, N, K, alpha, a, trans_a ? M : K, b, trans_b ? K : N, beta, c, N);
  };
}

using Parser = Kernel (*)(ArgReader&);

[[noreturn]] void throw_kernel_failure(Napi::Env env, const char* fn, const std::exception* e) {
  if (e == nullptr) throw Napi::RangeError::New(env, std::string(fn) + ": out of memory for the kernel's scratch buffers");
  throw Napi::Error::New(env, std::string(fn) + ": the native kernel failed: " + e->what());
}

// Runs the kernel on this thread, under a kernel slot.
template <Parser parse>
Napi::Value call_sync(const Napi::CallbackInfo& info, const char* fn) {
  ArgReader r(info, fn, false);
  const Kernel kernel = parse(r);
  try {
    KernelScheduler::shared().run_inline(kernel);
  } catch (const std::bad_alloc&) {
    throw_kernel_failure(info.Env(), fn, nullptr);
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw_kernel_failure(info.Env(), fn, &e);
  }
  return info.Env().Undefined();
}

// Queues the kernel on the scheduler's executor; the typed arrays stay referenced until the promise settles.
template <Parser parse>
Napi::Value call_async(const Napi::CallbackInfo& info, const char* fn) {
  ArgReader r(info, fn, true);
  Kernel kernel = parse(r);
  return AddonInstance::of(info.Env()).submit(info.Env(), fn, std::move(kernel), r.take_references());
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
  int in_force = 0;
  KernelScheduler::shared().run_exclusive([&] { in_force = set_blas_threads(static_cast<int>(n)); });
  return Napi::Number::New(env, in_force);
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
  AddonInstance::create(env);
  // The thread default is process-wide: set by the first environment that loads the addon (a worker
  // loading it later must not undo the main thread's setNumThreads).
  static std::once_flag threads_set;
  std::call_once(threads_set, [] { KernelScheduler::shared().run_exclusive([] { set_blas_threads(default_threads()); }); });
  RNN_EXPORT_KERNEL("lstmForward", (parse_recurrent<LstmForward, lstm_forward>));
  RNN_EXPORT_KERNEL("lstmBackward", (parse_recurrent<LstmBackward, lstm_backward>));
  RNN_EXPORT_KERNEL("gruForward", (parse_recurrent<GruForward, gru_forward>));
  RNN_EXPORT_KERNEL("gruBackward", (parse_recurrent<GruBackward, gru_backward>));
  RNN_EXPORT_KERNEL("rnnForward", (parse_recurrent<RnnForward, rnn_forward>));
  RNN_EXPORT_KERNEL("rnnBackward", (parse_recurrent<RnnBackward, rnn_backward>));
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
