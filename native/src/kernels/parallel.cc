#include "parallel.h"

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>

#include "gemm.h"

namespace rnn {

namespace {

// Below this many per-step-GEMM multiply-adds per call, waking the worker costs more than the second
// core saves. For scale: the bench's small LSTM (T20 B32 H32) has 2.6e6; a 1×1 problem has 1.
long long split_min_macs() {
  static const long long value = [] {
    if (const char* env = std::getenv("RNN_SPLIT_MIN_MACS")) {
      char* end = nullptr;
      const long long n = std::strtoll(env, &end, 10);
      if (end != env && *end == '\0' && n >= 0) return n;
    }
    return 100'000LL;
  }();
  return value;
}

std::atomic<bool> g_in_split{false};

// One persistent worker thread, since spawning a thread per call would cost more than a small call
// computes. It is never joined (a detached thread blocked on its condition variable does not keep
// the process alive).
class Worker {
 public:
  Worker() { std::thread([this] { loop(); }).detach(); }

  // Runs job on the worker; wait() blocks until it finished.
  void post(const std::function<void()>* job) {
    {
      std::lock_guard<std::mutex> lock(m_);
      job_ = job;
      done_ = false;
    }
    cv_.notify_one();
  }

  void wait() {
    // Spin briefly first: the halves finish close together, and a futex sleep + wake adds latency.
    for (int i = 0; i < 4000; ++i) {
      if (done_flag_.load(std::memory_order_acquire)) break;
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
    std::unique_lock<std::mutex> lock(m_);
    done_cv_.wait(lock, [this] { return done_; });
    done_flag_.store(false, std::memory_order_relaxed);
  }

 private:
  void loop() {
    for (;;) {
      const std::function<void()>* job;
      {
        std::unique_lock<std::mutex> lock(m_);
        cv_.wait(lock, [this] { return job_ != nullptr; });
        job = job_;
        job_ = nullptr;
      }
      (*job)();  // never throws: for_row_halves wraps it
      {
        std::lock_guard<std::mutex> lock(m_);
        done_ = true;
        done_flag_.store(true, std::memory_order_release);
      }
      done_cv_.notify_one();
    }
  }

  std::mutex m_;
  std::condition_variable cv_;
  std::condition_variable done_cv_;
  const std::function<void()>* job_ = nullptr;
  bool done_ = true;
  std::atomic<bool> done_flag_{false};
};

Worker& worker() {
  static Worker* w = new Worker();  // intentionally never destroyed (the thread outlives statics)
  return *w;
}

}  // namespace

bool should_split_rows(int B, long long loop_macs) {
  return B >= 2 && blas_threads() >= 2 && loop_macs >= split_min_macs();
}

bool in_split_region() { return g_in_split.load(std::memory_order_relaxed); }

void run_pair(const std::function<void()>& on_worker, const std::function<void()>& on_caller) {
  std::exception_ptr worker_error;
  const std::function<void()> first = [&] {
    try {
      on_worker();
    } catch (...) {
      worker_error = std::current_exception();
    }
  };
  set_current_blas_threads(1);
  g_in_split.store(true, std::memory_order_relaxed);
  Worker& w = worker();
  w.post(&first);
  std::exception_ptr own_error;
  try {
    on_caller();
  } catch (...) {
    own_error = std::current_exception();
  }
  w.wait();
  g_in_split.store(false, std::memory_order_relaxed);
  if (worker_error) std::rethrow_exception(worker_error);
  if (own_error) std::rethrow_exception(own_error);
}

void for_row_halves(int B, bool split, const std::function<void(int b0, int b1)>& rows) {
  if (!split || B < 2) {
    rows(0, B);
    return;
  }
  const int mid = B / 2;
  run_pair([&] { rows(0, mid); }, [&] { rows(mid, B); });
}

}  // namespace rnn
