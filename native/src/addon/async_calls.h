// The addon's state in one JS environment (the main thread or one worker_threads worker), and the
// path of an async kernel call: a Promise now, the kernel on the shared scheduler, the settlement
// back on this environment's thread through a thread-safe function.
//
// Teardown (a worker terminated or calling process.exit() with calls in flight): a cleanup hook,
// registered after the thread-safe function so that it runs before the function is torn down,
// detaches the environment from the scheduler. That drops its queued calls and waits for its running
// one (asked to stop early), so no kernel touches the environment's typed arrays after they are
// freed and no completion reaches a torn-down environment. No C++ exception leaves any callback.
#pragma once

#include <napi.h>

#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "contract.h"
#include "held_weights.h"
#include "runtime/kernel_scheduler.h"

namespace rnn {

class AsyncCall;

// The error for a kernel that did not finish (code RNN_KERNEL_FAILED): a RangeError when it ran out
// of memory, else an Error saying `what`. nullptr when it cannot be made (environment stopping).
napi_value kernel_failure(napi_env env, const char* fn, KernelOutcome outcome, const std::string& what) noexcept;

class AddonInstance final : public TaskOwner {
 public:
  // Creates the instance of `env` and stores it as the environment's instance data (freed with it).
  static void create(Napi::Env env);
  static AddonInstance& of(Napi::Env env);

  // The kernel contract, loaded once per environment.
  const Contract& contract() const { return contract_; }

  // The weights this environment holds constant (held_weights.h).
  HeldWeightRegistry& held_weights() { return held_weights_; }

  // Queues `kernel`; the promise settles on this environment's thread once it ran. `held` are
  // references to the typed arrays the kernel reads and writes, released when the promise settles.
  Napi::Promise submit(Napi::Env env, const char* fn, Kernel kernel, std::vector<napi_ref> held);

  void deliver(KernelTask* task) noexcept override;

 private:
  AddonInstance(napi_env env, Contract contract) : env_(env), contract_(std::move(contract)) {}
  static void call_js(napi_env env, napi_value js_callback, void* context, void* data) noexcept;
  static void cleanup(void* arg) noexcept;
  void settle(napi_env env, AsyncCall* call) noexcept;

  napi_env env_;
  Contract contract_;
  HeldWeightRegistry held_weights_;
  napi_threadsafe_function tsfn_ = nullptr;
  std::unordered_set<AsyncCall*> pending_;  // submitted, not yet settled (this thread only)
  bool closing_ = false;
};

}  // namespace rnn
