#pragma once
// Counts heap allocations of the calling thread (operator new is replaced
// in alloc_counter.cpp, linked into the OKX, Bitget and Bybit test
// binaries): proves decode() does not allocate once warm.

#include <doctest/doctest.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "venues/common/md_codec.hpp"

namespace xarb::test {

/// Allocations made by this thread so far.
std::size_t allocations() noexcept;

/// A handler that only counts calls (a recorder would allocate).
struct counting_handler : venues::md_handler {
  std::size_t calls = 0;
  void on_snapshot(const book_snapshot&) override { ++calls; }
  void on_delta(const book_delta&, std::optional<int32_t>) override { ++calls; }
  void on_top(const top_of_book&) override { ++calls; }
  void on_mark(const venues::mark_update&) override { ++calls; }
};

/// Decodes every frame once (warm-up), then all of them `rounds` times:
/// no allocation may happen after the warm-up, and data frames reach the
/// handler each time.
inline void check_no_allocation(venues::md_codec& codec, const std::vector<std::string>& texts,
                                int rounds = 50) {
  {
    const auto before = allocations(); // the counter does count
    auto probe = std::make_unique<int>(1);
    CHECK(allocations() == before + 1);
  }
  std::vector<std::string> frames;
  for (const auto& t : texts) {
    frames.push_back(t);
    frames.back().reserve(t.size() + 64); // the transport's padding
  }
  counting_handler h;
  venues::decode_result r;
  r.error.reserve(256);
  r.reply.reserve(64);
  std::size_t data = 0;
  for (auto& f : frames) {
    codec.decode(f, 1, h, r);
    data += r.kind == venues::frame_kind::data;
  }
  const auto before = allocations();
  const auto calls = h.calls;
  for (int i = 0; i < rounds; ++i)
    for (auto& f : frames)
      codec.decode(f, 1, h, r);
  CHECK(allocations() == before);
  CHECK(h.calls - calls >= data * static_cast<std::size_t>(rounds));
  CHECK(data > 0);
}

} // namespace xarb::test
