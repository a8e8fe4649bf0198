#include "monitoring/scan_board.hpp"

#include <algorithm>

namespace xarb {

void scan_board::set_settings(scanner_settings s) {
  std::lock_guard guard{mtx_};
  settings_ = std::move(s);
  while (signals_.size() > settings_.signals.keep)
    signals_.pop_front();
}

scanner_settings scan_board::settings() const {
  std::lock_guard guard{mtx_};
  return settings_;
}

void scan_board::publish(std::shared_ptr<const scanner::scan_snapshot> snap) {
  std::lock_guard guard{mtx_};
  // The previous snapshot is released by its last reader, not here under
  // the lock, when a reader still holds it.
  snap_.swap(snap);
}

std::shared_ptr<const scanner::scan_snapshot> scan_board::snapshot() const {
  std::lock_guard guard{mtx_};
  return snap_;
}

void scan_board::set_problems(std::vector<std::string> problems) {
  std::lock_guard guard{mtx_};
  problems_ = std::move(problems);
}

std::vector<std::string> scan_board::problems() const {
  std::lock_guard guard{mtx_};
  return problems_;
}

void scan_board::add_signal(const scanner::arb_signal& s) {
  std::lock_guard guard{mtx_};
  signals_.push_back(s);
  while (signals_.size() > settings_.signals.keep)
    signals_.pop_front();
}

std::vector<scanner::arb_signal> scan_board::signals(uint64_t after, std::size_t limit) const {
  std::lock_guard guard{mtx_};
  // Sequences increase along the deque: binary search the first newer one.
  auto first = std::partition_point(signals_.begin(), signals_.end(),
                                    [&](const scanner::arb_signal& s) { return s.seq <= after; });
  const auto n = static_cast<std::size_t>(std::distance(first, signals_.end()));
  if (n > limit)
    first += static_cast<std::ptrdiff_t>(n - limit);
  return {first, signals_.end()};
}

} // namespace xarb
