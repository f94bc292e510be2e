#include "cpu_level.h"

#include <atomic>
#include <cstdlib>
#include <mutex>

namespace rnn {

namespace {

constexpr CpuLevel kLevels[] = {CpuLevel::Generic, CpuLevel::Avx2, CpuLevel::Avx512};

bool cpu_has(CpuLevel level) {
#if defined(__GNUC__) && defined(__x86_64__)
  __builtin_cpu_init();
  // libgcc's checks include the OS side (XGETBV): the registers are saved across context switches.
  if (level == CpuLevel::Avx2) return __builtin_cpu_supports("x86-64-v3");
  if (level == CpuLevel::Avx512) return __builtin_cpu_supports("x86-64-v4");
#endif
  return level == CpuLevel::Generic;
}

CpuLevel best_level() {
  CpuLevel best = CpuLevel::Generic;
  for (CpuLevel level : kLevels) {
    if (cpu_has(level)) best = level;
  }
  return best;
}

std::atomic<CpuLevel>& active() {
  static std::atomic<CpuLevel> level{best_level()};
  return level;
}

std::string names_of(const std::vector<CpuLevel>& levels) {
  std::string out;
  for (CpuLevel level : levels) out += (out.empty() ? "" : ", ") + std::string(cpu_level_name(level));
  return out;
}

}  // namespace

const char* cpu_level_name(CpuLevel level) {
  switch (level) {
    case CpuLevel::Avx2:
      return "avx2";
    case CpuLevel::Avx512:
      return "avx512";
    case CpuLevel::Generic:
      break;
  }
  return "generic";
}

std::vector<CpuLevel> available_cpu_levels() {
  std::vector<CpuLevel> out;
  for (CpuLevel level : kLevels) {
    if (cpu_has(level)) out.push_back(level);
  }
  return out;
}

CpuLevel active_cpu_level() { return active().load(std::memory_order_relaxed); }

std::string parse_cpu_level(const std::string& name, const char* source, CpuLevel& out) {
  for (CpuLevel level : kLevels) {
    if (name != cpu_level_name(level)) continue;
    if (!cpu_has(level)) {
      return std::string(source) + " is '" + name + "' but this CPU lacks it; it can run: " +
             names_of(available_cpu_levels());
    }
    out = level;
    return "";
  }
  return std::string(source) + " must be one of generic, avx2, avx512, got '" + name + "'";
}

void set_cpu_level(CpuLevel level) { active().store(level, std::memory_order_relaxed); }

std::string cpu_level_from_environment() {
  static std::once_flag once;
  static std::string error;
  std::call_once(once, [] {
    const char* env = std::getenv("RNN_CPU");
    if (env == nullptr || *env == '\0') return;
    CpuLevel level;
    error = parse_cpu_level(env, "RNN_CPU", level);
    if (error.empty()) set_cpu_level(level);
  });
  return error;
}

}  // namespace rnn
