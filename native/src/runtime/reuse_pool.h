// Objects made as needed and kept for reuse, the most recently released handed out first (its
// memory is the warmest). Addresses stay valid for the pool's life. Not thread-safe: the scheduler
// uses its pools under its lock.
#pragma once

#include <cstddef>
#include <deque>
#include <vector>

namespace rnn {

template <class T>
class ReusePool {
 public:
  // A free object, made when none is free.
  T* claim() {
    if (free_.empty()) return &all_.emplace_back();
    T* item = free_.back();
    free_.pop_back();
    return item;
  }

  void release(T* item) { free_.push_back(item); }

  // Objects made so far (the most ever claimed at once).
  std::size_t size() const { return all_.size(); }

 private:
  std::deque<T> all_;  // a deque: growing it moves nothing already handed out
  std::vector<T*> free_;
};

}  // namespace rnn
