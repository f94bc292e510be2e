#include "thread_controls.h"

#include <sched.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <string>
#include <thread>

#include "kernel_reader.h"
#include "kernels/gemm.h"
#include "kernels/parallel.h"
#include "runtime/kernel_scheduler.h"
#include "runtime/split_policy.h"

namespace rnn {

namespace {

constexpr int kMaxThreads = 1024;

// The CPUs this process may run on (its affinity mask, as Node's os.availableParallelism() counts
// them), else what the hardware reports.
int available_cpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
  const unsigned cores = std::thread::hardware_concurrency();
  return cores > 0 ? static_cast<int>(cores) : blas_cores();
}

// RNN_NUM_THREADS, read once per process (thread_setting_error): the count it names, else 0 (unset,
// empty, or wrong: then the error says why, and the addon does not load).
int g_env_threads = 0;
std::string g_env_threads_error;

void read_threads_setting() {
  const char* env = std::getenv("RNN_NUM_THREADS");
  if (env == nullptr || *env == '\0') return;
  char* end = nullptr;
  errno = 0;
  const long n = std::strtol(env, &end, 10);
  if (end != env && *end == '\0' && errno == 0 && n >= 1 && n <= kMaxThreads) {
    g_env_threads = static_cast<int>(n);
    return;
  }
  g_env_threads_error = "RNN_NUM_THREADS must be an integer in [1, " + std::to_string(kMaxThreads) + "], got '" + env + "'";
}

Napi::Value set_num_threads(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "setNumThreads: expected a number of threads");
  const double n = info[0].As<Napi::Number>().DoubleValue();
  if (!(n >= 1 && n <= kMaxThreads) || n != std::floor(n)) {
    throw Napi::RangeError::New(env, "setNumThreads: threads must be an integer in [1, " + std::to_string(kMaxThreads) +
                                         "], got " + js_number(env, n));
  }
  return Napi::Number::New(env, KernelScheduler::shared().set_threads(static_cast<int>(n)));
}

Napi::Value get_num_threads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), process_threads()); }

// Outside a call, the policy is the process's: what a call started now would take.
Napi::Value lone_rows(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), lone_rows_max()); }

Napi::Value blas_info(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("blas", blas_description());
  out.Set("threads", process_threads());
  out.Set("cores", blas_cores());
  out.Set("cpus", process_cpus());
  out.Set("splitWidth", process_policy().width);
  out.Set("singleThreadMnkThreshold", Napi::Number::New(env, 2.0 * static_cast<double>(process_policy().gemm_block_macs)));
  return out;
}

Napi::Object thresholds_object(Napi::Env env) {
  const SplitPolicy p = process_policy();
  Napi::Object out = Napi::Object::New(env);
  out.Set("rowBlockMacs", Napi::Number::New(env, static_cast<double>(p.row_block_macs)));
  out.Set("rowBlockMinRows", Napi::Number::New(env, p.row_block_min_rows));
  out.Set("loneRowMacs", Napi::Number::New(env, static_cast<double>(p.lone_row_macs)));
  out.Set("gemmBlockMacs", Napi::Number::New(env, static_cast<double>(p.gemm_block_macs)));
  out.Set("pointwiseBlockFloats", Napi::Number::New(env, static_cast<double>(p.pointwise_block_floats)));
  out.Set("splitBeyondCpus", Napi::Boolean::New(env, split_beyond_cpus()));
  return out;
}

// `key` of the thresholds object: a non-negative safe integer, or `fallback` when undefined.
long long threshold_field(const Napi::Object& thresholds, const char* key, long long fallback) {
  const Napi::Env env = thresholds.Env();
  const Napi::Value value = thresholds.Get(key);
  if (value.IsUndefined()) return fallback;
  const double n = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : -1;
  if (!(n >= 0 && n <= 9007199254740991.0) || n != std::floor(n)) {
    throw Napi::RangeError::New(env, std::string("setSplitThresholds: ") + key + " must be a non-negative safe integer");
  }
  return static_cast<long long>(n);
}

// `key` of the thresholds object: a boolean, or `fallback` when undefined.
bool flag_field(const Napi::Object& thresholds, const char* key, bool fallback) {
  const Napi::Value value = thresholds.Get(key);
  if (value.IsUndefined()) return fallback;
  if (!value.IsBoolean()) throw Napi::TypeError::New(thresholds.Env(), std::string("setSplitThresholds: ") + key + " must be a boolean");
  return value.As<Napi::Boolean>().Value();
}

// setSplitThresholds({ rowBlockMacs?, rowBlockMinRows?, loneRowMacs?, gemmBlockMacs?,
// pointwiseBlockFloats?, splitBeyondCpus? }): for the measuring tools and the thread tests (0 work
// thresholds and 1 row per block split whatever the width and the shape allow; splitBeyondCpus:
// true lets a split be as wide as the thread count beyond the CPUs). Returns them all, and starts
// schedulerCounts().widestSplit afresh.
Napi::Value set_split_thresholds(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "setSplitThresholds: expected an object");
  const Napi::Object thresholds = info[0].As<Napi::Object>();
  const SplitPolicy p = process_policy();
  const long long row = threshold_field(thresholds, "rowBlockMacs", p.row_block_macs);
  const long long min_rows = threshold_field(thresholds, "rowBlockMinRows", p.row_block_min_rows);
  if (min_rows < 1 || min_rows > std::numeric_limits<int>::max()) {
    throw Napi::RangeError::New(env, "setSplitThresholds: rowBlockMinRows must be a positive integer of at most 2^31 - 1, got " +
                                         std::to_string(min_rows));
  }
  const long long lone = threshold_field(thresholds, "loneRowMacs", p.lone_row_macs);
  const long long gemm = threshold_field(thresholds, "gemmBlockMacs", p.gemm_block_macs);
  const long long pointwise = threshold_field(thresholds, "pointwiseBlockFloats", p.pointwise_block_floats);
  const bool beyond = flag_field(thresholds, "splitBeyondCpus", split_beyond_cpus());
  set_process_thresholds(row, static_cast<int>(min_rows), lone, gemm, pointwise);
  set_split_beyond_cpus(beyond);
  KernelScheduler::shared().reset_widest_split();
  return thresholds_object(env);
}

Napi::Value split_thresholds(const Napi::CallbackInfo& info) { return thresholds_object(info.Env()); }

Napi::Value scheduler_counts(const Napi::CallbackInfo& info) {
  const KernelScheduler::Counts c = KernelScheduler::shared().counts();
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("executors", c.executors);
  out.Set("slots", c.slots);
  out.Set("queued", c.queued);
  out.Set("running", c.running);
  out.Set("widestSplit", c.widest_split);
  return out;
}

}  // namespace

const std::string& thread_setting_error() {
  static std::once_flag once;
  std::call_once(once, read_threads_setting);
  return g_env_threads_error;
}

void init_threads_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    keep_blas_single_threaded();
    const int cpus = available_cpus();
    set_process_cpus(cpus);
    thread_setting_error();
    KernelScheduler::shared().set_threads(g_env_threads > 0 ? g_env_threads : cpus);
  });
}

void export_thread_controls(Napi::Env env, Napi::Object exports) {
  exports.Set("setNumThreads", Napi::Function::New(env, set_num_threads, "setNumThreads"));
  exports.Set("getNumThreads", Napi::Function::New(env, get_num_threads, "getNumThreads"));
  exports.Set("loneRows", Napi::Function::New(env, lone_rows, "loneRows"));
  exports.Set("blasInfo", Napi::Function::New(env, blas_info, "blasInfo"));
  exports.Set("setSplitThresholds", Napi::Function::New(env, set_split_thresholds, "setSplitThresholds"));
  exports.Set("splitThresholds", Napi::Function::New(env, split_thresholds, "splitThresholds"));
  exports.Set("schedulerCounts", Napi::Function::New(env, scheduler_counts, "schedulerCounts"));
}

}  // namespace rnn
