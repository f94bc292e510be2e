#include "row_handoff.h"

#include <chrono>
#include <thread>
#include <vector>

#include "parallel.h"
#include "runtime/cpu_relax.h"

namespace rnn {

namespace {

// The fewest rows either side of a hand-off keeps: a step kernel call reuses each weight panel it
// loads over its rows, up to six at a time (the AVX2 micro-tile), so fewer would cost more than the
// hand-off gains.
constexpr int kMinRows = 6;
// The fewest steps a hand-off leaves to run.
constexpr int kMinSteps = 2;

std::atomic<long long> handoff_counts[2]{};  // per RowLoop
std::atomic<bool> handoffs_enabled{true};
std::atomic<int> block_delay_micros{0};

std::uint64_t pack(int begin, int step, int end) {
  return static_cast<std::uint64_t>(begin) << 42 | static_cast<std::uint64_t>(step) << 21 | static_cast<std::uint64_t>(end);
}
int field(std::uint64_t offer, int shift) { return static_cast<int>(offer >> shift & ((1u << 21) - 1)); }

// Marks the lane idle when its owner's loop ends, even by an exception: a thief may be waiting.
template <class Stop>
struct AtExit {
  Stop stop;
  ~AtExit() { stop(); }
};
template <class Stop>
AtExit(Stop) -> AtExit<Stop>;

}  // namespace

long long row_handoff_count(RowLoop loop) { return handoff_counts[static_cast<int>(loop)].load(std::memory_order_relaxed); }

void set_row_handoffs_for_tests(bool enabled, int slow_block_micros) {
  handoffs_enabled.store(enabled, std::memory_order_relaxed);
  block_delay_micros.store(slow_block_micros, std::memory_order_relaxed);
}

void RowLane::start(int b0, int b1, int s0, int T) {
  b0_ = b0, b1_ = b1, s0_ = s0, T_ = T;
  left_.store(static_cast<long long>(b1 - b0) * (T - s0), std::memory_order_relaxed);
  running_.store(true, std::memory_order_seq_cst);
}

void RowLane::sleep_for_tests() const { std::this_thread::sleep_for(std::chrono::microseconds(delay_micros_)); }

void RowLane::answer(int s) {
  // Taken first, so that a thief that found the lane idle a moment ago cannot withdraw while the
  // rows it asked for are being given away.
  int asked = kAsked;
  if (!request_.compare_exchange_strong(asked, kAnswering, std::memory_order_acq_rel)) return;
  const int rows = b1_ - b0_;
  std::uint64_t offer = 0;  // nothing
  if (rows >= 2 * kMinRows && T_ - s >= kMinSteps) {
    const int m = b0_ + (rows + 1) / 2;
    offer = pack(m, s, b1_);
    b1_ = m;
    left_.store(static_cast<long long>(b1_ - b0_) * (T_ - s), std::memory_order_relaxed);
  }
  offer_.store(offer, std::memory_order_relaxed);
  request_.store(kAnswered, std::memory_order_release);  // the rows' states up to step s go with it
}

void RowLane::stop() {
  left_.store(0, std::memory_order_relaxed);
  running_.store(false, std::memory_order_seq_cst);
  int asked = kAsked;
  if (!request_.compare_exchange_strong(asked, kAnswering, std::memory_order_acq_rel)) return;
  offer_.store(0, std::memory_order_relaxed);
  request_.store(kAnswered, std::memory_order_release);
}

class RowHandoffs {
 public:
  // `handoffs`: whether rows may move (an offer packs rows and steps into 21 bits each).
  RowHandoffs(RowLoop loop, int blocks, int T, bool handoffs)
      : lanes_(blocks), count_(handoff_counts[static_cast<int>(loop)]), T_(T), handoffs_(handoffs) {}

  // Runs `run` over the lane's rows, then (once every block has a thread) over rows taken from the
  // busiest other lanes, until none has enough left to give.
  void run_block(int k, int b0, int b1, const std::function<void(RowLane&)>& run) {
    RowLane& own = lanes_[k];
    const int blocks = static_cast<int>(lanes_.size());
    const int delay = block_delay_micros.load(std::memory_order_relaxed);  // tests only
    const int own_delay = k > 0 ? delay : 0;  // every block but the first is slowed, rows taken too
    started_.fetch_add(1, std::memory_order_acq_rel);
    if (k == 0 && delay > 0) await_every_block(blocks);
    run_segment(own, b0, b1, 0, run, own_delay);
    if (!handoffs_ || !handoffs_enabled.load(std::memory_order_relaxed)) return;
    while (started_.load(std::memory_order_acquire) == blocks) {
      RowLane* victim = busiest(own);
      if (victim == nullptr) return;
      const std::uint64_t offer = ask(*victim);
      if (offer == kWithdrawn) {  // its loop ended, or another thief is asking it: look again
        cpu_relax();
        continue;
      }
      if (field(offer, 0) == 0) return;   // too little left there to share
      count_.fetch_add(1, std::memory_order_relaxed);
      run_segment(own, field(offer, 42), field(offer, 0), field(offer, 21), run, own_delay);
    }
  }

 private:
  static constexpr std::uint64_t kWithdrawn = ~std::uint64_t{0};

  // Tests only (a block delay set): the first block, the one not slowed, waits up to 200 ms for
  // every block to have a thread before it runs, so that it ends first and takes rows even when a
  // loaded machine starts an executor late (else the call's thread may run a slowed block itself,
  // after its own, and nothing moves). Past the limit it runs anyway: no executor is waited for.
  void await_every_block(int blocks) const {
    const auto limit = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
    while (started_.load(std::memory_order_acquire) < blocks && std::chrono::steady_clock::now() < limit) {
      std::this_thread::yield();
    }
  }

  void run_segment(RowLane& lane, int b0, int b1, int s0, const std::function<void(RowLane&)>& run, int delay_micros) {
    lane.delay_micros_ = delay_micros;
    lane.start(b0, b1, s0, T_);
    AtExit done{[&] { lane.stop(); }};
    run(lane);
  }

  // The running lane other than `own` with the most rows × steps left, if it has enough to share.
  RowLane* busiest(const RowLane& own) {
    RowLane* best = nullptr;
    long long most = 2LL * kMinRows * kMinSteps - 1;
    for (RowLane& lane : lanes_) {
      const long long left = lane.left_.load(std::memory_order_relaxed);
      if (&lane != &own && left > most) best = &lane, most = left;
    }
    return best;
  }

  // Asks `lane` for rows; its answer, or kWithdrawn when its loop ended before it answered (or
  // another thief's request is pending there).
  static std::uint64_t ask(RowLane& lane) {
    int idle = RowLane::kIdle;
    if (!lane.request_.compare_exchange_strong(idle, RowLane::kAsked, std::memory_order_acq_rel)) return kWithdrawn;
    for (int round = 0;; ++round) {
      const int state = lane.request_.load(std::memory_order_acquire);
      if (state == RowLane::kAnswered) break;
      if (state == RowLane::kAsked && !lane.running_.load(std::memory_order_seq_cst)) {
        int asked = RowLane::kAsked;
        if (lane.request_.compare_exchange_strong(asked, RowLane::kIdle, std::memory_order_acq_rel)) return kWithdrawn;
        continue;  // the owner is answering
      }
      cpu_relax();
      if (round % 64 == 63) std::this_thread::yield();  // the owner may be waiting for this core
    }
    const std::uint64_t offer = lane.offer_.load(std::memory_order_relaxed);
    lane.request_.store(RowLane::kIdle, std::memory_order_release);
    return offer;
  }

  std::vector<RowLane> lanes_;
  std::atomic<long long>& count_;
  int T_;
  bool handoffs_;
  std::atomic<int> started_{0};
};

void for_row_blocks(RowLoop loop, int B, int T, long long loop_macs, const std::function<void(RowLane&)>& run) {
  const int blocks = row_block_count(B, loop_macs);
  constexpr int kPackLimit = 1 << 21;
  RowHandoffs split(loop, blocks, T, B < kPackLimit && T < kPackLimit);
  parallel_blocks(blocks, [&](int k) {
    const BlockRange r = block_range(B, blocks, k);
    split.run_block(k, r.begin, r.end, run);
  });
}

}  // namespace rnn
