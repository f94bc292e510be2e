// The module's exports: the contract's kernels (sync, on the caller's thread, and with an `Async`
// suffix, a Promise whose kernel runs on one of the scheduler's executor threads, never on libuv's
// pool), the thread controls (thread_controls.h), the CPU-level controls (cpu_exports.h) and the
// weights held constant (held_weights.h). Every kernel call's argument object is read and checked
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
#include "cpu_exports.h"
#include "data_exports.h"
#include "held_weights.h"
#include "optimizer_exports.h"
#include "kernel_contract.generated.h"
#include "kernel_reader.h"
#include "thread_controls.h"
#include "kernels/gemm.h"
#include "kernels/step_inputs.h"
#include "kernels/gru.h"
#include "kernels/lstm.h"
#include "kernels/row_handoff.h"
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
Kernel bound(const FieldValues& values, AddonInstance&) {
  Args args;
  bind(values, args);
  return [args](KernelContext& context) { run(args, context); };
}

// A forward kernel (G gate blocks) bound to a call's checked values, with its weights' held buffers
// (held_weights.h) where this environment holds them.
template <class Args, void (*run)(const Args&, KernelContext&), int G>
Kernel bound_forward(const FieldValues& values, AddonInstance& self) {
  const HeldWeightRegistry& registry = self.held_weights();
  if (registry.empty()) return bound<Args, run>(values, self);
  Args args;
  bind(values, args);
  const std::size_t GH = static_cast<std::size_t>(G) * args.H;
  const HeldWeights held{registry.find(args.w_ih, GH * args.I), registry.find(args.w_hh, GH * args.H)};
  return [args, held](KernelContext& context) {
    context.held = &held;
    run(args, context);
  };
}

using Binder = Kernel (*)(const FieldValues&, AddonInstance&);

[[noreturn]] void throw_kernel_failure(Napi::Env env, const char* fn, const std::exception* e) {
  const KernelOutcome outcome = e == nullptr ? KernelOutcome::OutOfMemory : KernelOutcome::Failed;
  throw Napi::Error(env, kernel_failure(env, fn, outcome, e == nullptr ? "" : e->what()));
}

// Runs the kernel on this thread now (with a kernel slot of its own: it never waits for other calls).
template <Binder bind_call>
Napi::Value call_sync(const Napi::CallbackInfo& info, const char* kernel, const char* fn) {
  AddonInstance& self = AddonInstance::of(info.Env());
  KernelReader reader(info.Env(), self.contract(), self.contract().kernel(kernel), fn);
  const Kernel run = bind_call(reader.read(info[0]), self);
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
  Kernel run = bind_call(reader.read(info[0]), self);
  return self.submit(info.Env(), fn, std::move(run), reader.hold());
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

// { fused, projected, ahead }: forward calls since load whose steps computed their own input
// pre-activations, those that projected them with one GEMM first, and those whose steps computed
// them a block of steps ahead (kernels/step_inputs.h).
Napi::Value input_path_counts_object(const Napi::CallbackInfo& info) {
  const InputPathCounts c = input_path_counts();
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("fused", static_cast<double>(c.fused));
  out.Set("projected", static_cast<double>(c.projected));
  out.Set("ahead", static_cast<double>(c.ahead));
  return out;
}

// Tests only: rowHandoffs() counts the forward and the backward loop's hand-offs since load;
// setRowHandoffsForTests(enabled, slowBlockMicros) turns them off, or slows every row block but the
// first to force them (kernels/row_handoff.h).
Napi::Value row_handoffs(const Napi::CallbackInfo& info) {
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("forward", static_cast<double>(row_handoff_count(RowLoop::kForward)));
  out.Set("backward", static_cast<double>(row_handoff_count(RowLoop::kBackward)));
  return out;
}

Napi::Value set_row_handoffs(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  if (info.Length() != 2 || !info[0].IsBoolean() || !info[1].IsNumber()) {
    throw Napi::TypeError::New(env, "setRowHandoffsForTests(enabled: boolean, slowBlockMicros: number)");
  }
  const double micros = info[1].As<Napi::Number>().DoubleValue();
  if (!(micros >= 0 && micros <= 100000)) {
    throw Napi::RangeError::New(env, "setRowHandoffsForTests: slowBlockMicros must be 0 to 100000");
  }
  set_row_handoffs_for_tests(info[0].As<Napi::Boolean>().Value(), static_cast<int>(micros));
  return env.Undefined();
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
  export_cpu_controls(env, exports);  // first: an RNN_CPU this CPU lacks stops the load here
  if (const std::string& error = thread_setting_error(); !error.empty()) {
    Napi::Error e = Napi::Error::New(env, error);
    e.Set("code", Napi::String::New(env, "RNN_NUM_THREADS"));
    throw e;
  }
  AddonInstance::create(env);
  init_threads_once();
  RNN_EXPORT_KERNEL("lstmForward", (bound_forward<LstmForward, lstm_forward, 4>));
  RNN_EXPORT_KERNEL("lstmBackward", (bound<LstmBackward, lstm_backward>));
  RNN_EXPORT_KERNEL("gruForward", (bound_forward<GruForward, gru_forward, 3>));
  RNN_EXPORT_KERNEL("gruBackward", (bound<GruBackward, gru_backward>));
  RNN_EXPORT_KERNEL("rnnForward", (bound_forward<RnnForward, rnn_forward, 1>));
  RNN_EXPORT_KERNEL("rnnBackward", (bound<RnnBackward, rnn_backward>));
  RNN_EXPORT_KERNEL("gemm", (bound<Gemm, run_gemm>));
  export_thread_controls(env, exports);
  export_data_passes(env, exports);
  export_optimizer_updates(env, exports);
  export_held_weights(env, exports);
  exports.Set("inputPathCounts", Napi::Function::New(env, input_path_counts_object, "inputPathCounts"));
  exports.Set("rowHandoffs", Napi::Function::New(env, row_handoffs, "rowHandoffs"));
  exports.Set("setRowHandoffsForTests", Napi::Function::New(env, set_row_handoffs, "setRowHandoffsForTests"));
  return exports;
}

}  // namespace
}  // namespace rnn

static Napi::Object InitRnnNative(Napi::Env env, Napi::Object exports) { return rnn::init(env, exports); }

NODE_API_MODULE(rnn_native, InitRnnNative)
