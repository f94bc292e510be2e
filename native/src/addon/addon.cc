// The module's exports: the contract's kernels (sync, on the caller's thread, and with an `Async`
// suffix, a Promise whose kernel runs on the scheduler's executor thread, never on libuv's pool),
// setNumThreads, getNumThreads, blasInfo. Every kernel call's argument object is read and checked
// against the kernel's contract table first (kernel_reader.h): a wrong call from JavaScript throws
// the contract's error naming the function and the field, and never reaches memory.
// Context-aware: each environment (main thread, worker) gets its own AddonInstance.
#include <napi.h>

#include <cstdlib>
#include <exception>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <utility>

#include "async_calls.h"
#include "kernel_contract.generated.h"
#include "kernel_reader.h"
#include "kernels/gemm.h"
#include "kernels/gru.h"
#include "kernels/lstm.h"
#include "kernels/simple_rnn.h"
#include "runtime/kernel_scheduler.h"

namespace rnn {
namespace {

void run_gemm(const Gemm& g, KernelContext&) {
  sgemm(g.trans_a, g.trans_b, g.M, g.N, g.K, g.alpha, g.a, g.trans_a ? g.M : g.K, g.b, g.trans_b ? g.K : g.N, g.beta,
        g.c, g.N);
}

// The kernel bound to a call's checked values.
template <class Args, void (*run)(const Args&, KernelContext&)>
Kernel bound(const FieldValues& values) {
  Args args;
  bind(values, args);
  return [args](KernelContext& context) { run(args, context); };
}

using Binder = Kernel (*)(const FieldValues&);

[[noreturn]] void throw_kernel_failure(Napi::Env env, const char* fn, const std::exception* e) {
  const KernelOutcome outcome = e == nullptr ? KernelOutcome::OutOfMemory : KernelOutcome::Failed;
  throw Napi::Error(env, kernel_failure(env, fn, outcome, e == nullptr ? "" : e->what()));
}

// Runs the kernel on this thread, under a kernel slot.
template <Binder bind_call>
Napi::Value call_sync(const Napi::CallbackInfo& info, const char* kernel, const char* fn) {
  const Contract& contract = AddonInstance::of(info.Env()).contract();
  KernelReader reader(info.Env(), contract, contract.kernel(kernel), fn);
  const Kernel run = bind_call(reader.read(info[0]));
  try {
    KernelScheduler::shared().run_inline(run);
  } catch (const std::bad_alloc&) {
    throw_kernel_failure(info.Env(), fn, nullptr);
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw_kernel_failure(info.Env(), fn, &e);
  }
  return info.Env().Undefined();
}

// Queues the kernel on the scheduler; the typed arrays stay referenced until the promise settles.
template <Binder bind_call>
Napi::Value call_async(const Napi::CallbackInfo& info, const char* kernel, const char* fn) {
  AddonInstance& self = AddonInstance::of(info.Env());
  KernelReader reader(info.Env(), self.contract(), self.contract().kernel(kernel), fn);
  Kernel run = bind_call(reader.read(info[0]));
  return self.submit(info.Env(), fn, std::move(run), reader.hold());
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

// Exports `name` and `name`Async for the kernel whose arguments bind_call binds.
#define RNN_EXPORT_KERNEL(name, bind_call)                                                                     \
  exports.Set(name, Napi::Function::New(                                                                      \
                        env, [](const Napi::CallbackInfo& info) { return call_sync<bind_call>(info, name, name); }, \
                        name));                                                                               \
  exports.Set(name "Async",                                                                                   \
              Napi::Function::New(                                                                            \
                  env, [](const Napi::CallbackInfo& info) { return call_async<bind_call>(info, name, name "Async"); }, \
                  name "Async"))

Napi::Object init(Napi::Env env, Napi::Object exports) {
  AddonInstance::create(env);
  // The thread default is process-wide: set by the first environment that loads the addon (a worker
  // loading it later must not undo the main thread's setNumThreads).
  static std::once_flag threads_set;
  std::call_once(threads_set, [] { KernelScheduler::shared().run_exclusive([] { set_blas_threads(default_threads()); }); });
  RNN_EXPORT_KERNEL("lstmForward", (bound<LstmForward, lstm_forward>));
  RNN_EXPORT_KERNEL("lstmBackward", (bound<LstmBackward, lstm_backward>));
  RNN_EXPORT_KERNEL("gruForward", (bound<GruForward, gru_forward>));
  RNN_EXPORT_KERNEL("gruBackward", (bound<GruBackward, gru_backward>));
  RNN_EXPORT_KERNEL("rnnForward", (bound<RnnForward, rnn_forward>));
  RNN_EXPORT_KERNEL("rnnBackward", (bound<RnnBackward, rnn_backward>));
  RNN_EXPORT_KERNEL("gemm", (bound<Gemm, run_gemm>));
  exports.Set("setNumThreads", Napi::Function::New(env, set_num_threads, "setNumThreads"));
  exports.Set("getNumThreads", Napi::Function::New(env, get_num_threads, "getNumThreads"));
  exports.Set("blasInfo", Napi::Function::New(env, blas_info, "blasInfo"));
  return exports;
}

}  // namespace
}  // namespace rnn

static Napi::Object InitRnnNative(Napi::Env env, Napi::Object exports) { return rnn::init(env, exports); }

NODE_API_MODULE(rnn_native, InitRnnNative)
