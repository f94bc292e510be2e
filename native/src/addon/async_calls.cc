#include "async_calls.h"

#include <string>
#include <utility>

namespace rnn {

// One async call: the kernel task plus what it owes JavaScript (the promise, the held arrays).
class AsyncCall final : public KernelTask {
 public:
  AsyncCall(TaskOwner* owner, Kernel kernel, const char* fn, napi_deferred deferred, std::vector<napi_ref> held)
      : KernelTask(owner, std::move(kernel)), fn(fn), deferred(deferred), held(std::move(held)) {}

  // Drops the references to the typed arrays (on the environment's thread, while it exists).
  void release(napi_env env) noexcept {
    for (napi_ref ref : held) napi_delete_reference(env, ref);
    held.clear();
  }

  const char* fn;
  napi_deferred deferred;
  std::vector<napi_ref> held;
};

napi_value kernel_failure(napi_env env, const char* fn, KernelOutcome outcome, const std::string& what) noexcept {
  const bool oom = outcome == KernelOutcome::OutOfMemory;
  const std::string text =
      std::string(fn) + (oom ? ": out of memory for the kernel's scratch buffers" : ": the native kernel failed: " + what);
  napi_value message = nullptr, code = nullptr, error = nullptr;
  if (napi_create_string_utf8(env, text.c_str(), text.size(), &message) != napi_ok) return nullptr;
  if (napi_create_string_utf8(env, "RNN_KERNEL_FAILED", NAPI_AUTO_LENGTH, &code) != napi_ok) return nullptr;
  const napi_status status =
      oom ? napi_create_range_error(env, code, message, &error) : napi_create_error(env, code, message, &error);
  return status == napi_ok ? error : nullptr;
}

void AddonInstance::create(Napi::Env env) {
  auto* self = new AddonInstance(env, load_contract(env));
  napi_value name = nullptr;
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_string_utf8(env, "rnn.kernel", NAPI_AUTO_LENGTH, &name));
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, nullptr, nullptr,
                                                                 self, call_js, &self->tsfn_));
  // Idle, the addon must not keep the event loop alive; submit() refs it while calls are pending.
  NAPI_THROW_IF_FAILED_VOID(env, napi_unref_threadsafe_function(env, self->tsfn_));
  // After the thread-safe function: cleanup hooks run in reverse order, so ours runs before its own.
  NAPI_THROW_IF_FAILED_VOID(env, napi_add_env_cleanup_hook(env, cleanup, self));
  env.SetInstanceData<AddonInstance>(self);
}

AddonInstance& AddonInstance::of(Napi::Env env) { return *env.GetInstanceData<AddonInstance>(); }

Napi::Promise AddonInstance::submit(Napi::Env env, const char* fn, Kernel kernel, std::vector<napi_ref> held) {
  napi_deferred deferred = nullptr;
  napi_value promise = nullptr;
  const napi_status status = napi_create_promise(env, &deferred, &promise);
  if (status != napi_ok) {
    for (napi_ref ref : held) napi_delete_reference(env, ref);
    NAPI_THROW_IF_FAILED(env, status, Napi::Promise());
  }
  auto* call = new AsyncCall(this, std::move(kernel), fn, deferred, std::move(held));
  pending_.insert(call);
  if (pending_.size() == 1) napi_ref_threadsafe_function(env, tsfn_);
  KernelScheduler::shared().submit(call);
  return Napi::Promise(env, promise);
}

void AddonInstance::deliver(KernelTask* task) noexcept {
  // Unbounded queue: never blocks, never full. It is closing only after our cleanup hook detached us.
  napi_call_threadsafe_function(tsfn_, task, napi_tsfn_nonblocking);
}

void AddonInstance::call_js(napi_env env, napi_value, void* context, void* data) noexcept {
  auto* call = static_cast<AsyncCall*>(data);
  if (env == nullptr) {
    // The thread-safe function is being torn down with this call still queued: cleanup() has
    // already released its references; only the C++ object is left.
    call->held.clear();
    delete call;
    return;
  }
  static_cast<AddonInstance*>(context)->settle(env, call);
}

void AddonInstance::settle(napi_env env, AsyncCall* call) noexcept {
  pending_.erase(call);
  if (!closing_) {
    call->release(env);
    if (call->outcome() == KernelOutcome::Done) {
      napi_value undefined = nullptr;
      if (napi_get_undefined(env, &undefined) == napi_ok) napi_resolve_deferred(env, call->deferred, undefined);
    } else if (napi_value error = kernel_failure(env, call->fn, call->outcome(), call->failure())) {
      napi_reject_deferred(env, call->deferred, error);
    }
    if (pending_.empty()) napi_unref_threadsafe_function(env, tsfn_);
  }
  call->held.clear();
  delete call;
}

void AddonInstance::cleanup(void* arg) noexcept {
  auto* self = static_cast<AddonInstance*>(arg);
  self->closing_ = true;
  // Waits for this environment's running kernel, so its arrays stay valid until it returns.
  for (KernelTask* task : KernelScheduler::shared().detach(self)) {
    auto* call = static_cast<AsyncCall*>(task);
    self->pending_.erase(call);
    call->release(self->env_);
    delete call;
  }
  // The rest ran and wait in the thread-safe function's queue; call_js frees them without an env.
  for (AsyncCall* call : self->pending_) call->release(self->env_);
  self->pending_.clear();
  self->held_weights_.clear(self->env_);
  self->contract_.release_keys(self->env_);
}

}  // namespace rnn
