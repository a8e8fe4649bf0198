// The Binance-family scanner has two paths: a strict one-pass fast path and
// simdjson On-Demand for everything else. Whatever frame the fast path
// accepts, the simdjson path must read exactly the same way; these tests
// hold them together on every recorded mock frame and public sample of
// Binance, Aster and Backpack, every prefix of those frames and single-byte
// mutations of them, with digits planted in the bytes after each frame (the
// fast path may read the padding, never use it).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <simdjson.h>

#include "tests/venues/codec_test_util.hpp"
#include "tests/venues/venue_samples.hpp"
#include "venues/binance/event_scan.hpp"

using namespace xarb;
using venues::detail::scanned_frame;

namespace {

struct scan_result {
  bool ok = false;
  scanned_frame f;
  std::vector<book_level> bids, asks;
};

/// `frame` in a string whose spare capacity holds digits.
std::string with_digit_padding(std::string_view frame) {
  std::string s{frame};
  s.append(80, '9');
  s.resize(frame.size());
  return s;
}

std::size_t fast_accepted = 0;

void check_same(const std::string& frame) {
  CAPTURE(frame);
  static simdjson::ondemand::parser p1, p2; // reused: a parser allocates on first use
  scan_result a, b;
  std::string t1 = with_digit_padding(frame), t2 = with_digit_padding(frame);
  a.ok = venues::detail::scan_frame(p1, t1, a.f, a.bids, a.asks);
  b.ok = venues::detail::scan_frame_simdjson(p2, t2, b.f, b.bids, b.asks);
  REQUIRE(t1 == frame); // content unchanged
  REQUIRE(a.ok == b.ok);
  if (!a.ok)
    return;
  ++fast_accepted;
  const auto& x = a.f;
  const auto& y = b.f;
  CHECK(x.stream == y.stream);
  CHECK(x.has_data == y.has_data);
  CHECK(x.has_result == y.has_result);
  CHECK(x.has_id == y.has_id);
  CHECK(x.id == y.id);
  CHECK(x.has_error == y.has_error);
  CHECK(x.error_code == y.error_code);
  CHECK(x.error_msg == y.error_msg);
  for (auto field : {&scanned_frame::e, &scanned_frame::s, &scanned_frame::E, &scanned_frame::T,
                     &scanned_frame::U, &scanned_frame::u, &scanned_frame::pu, &scanned_frame::p,
                     &scanned_frame::i, &scanned_frame::r, &scanned_frame::f, &scanned_frame::n,
                     &scanned_frame::b, &scanned_frame::B, &scanned_frame::a, &scanned_frame::A})
    CHECK(x.*field == y.*field);
  CHECK(x.levels_b == y.levels_b);
  CHECK(x.levels_a == y.levels_a);
  CHECK(x.levels_bad == y.levels_bad);
  CHECK(a.bids == b.bids);
  CHECK(a.asks == b.asks);
}

std::vector<std::string> family_frames() {
  std::vector<std::string> out;
  for (const char* venue : {"binance", "aster", "backpack"}) {
    for (const auto& s : test::venue_samples(venue))
      out.push_back(s.json);
    for (const auto& l :
         test::read_frames(std::string{XARB_VENUE_DATA_DIR} + "/mock-" + venue + ".txt"))
      out.push_back(l.frame);
  }
  return out;
}

} // namespace

TEST_CASE("event scan: fast path and simdjson path agree on every recorded frame and sample") {
  const auto frames = family_frames();
  REQUIRE(frames.size() > 20);
  fast_accepted = 0;
  for (const auto& f : frames)
    check_same(f);
  CHECK(fast_accepted > 10);
}

TEST_CASE("event scan: ... on every prefix and on single-byte mutations") {
  static constexpr char replacements[] = {'0', '9', '.', '-', 'e', '"', ',', ']', '[', ' ',
                                          '\\', '}', '\t', '1'};
  for (const auto& f : family_frames()) {
    for (std::size_t n = 0; n < f.size(); ++n)
      check_same(f.substr(0, n));
    for (std::size_t i = 0; i < f.size(); ++i) {
      for (char c : replacements) {
        std::string m = f;
        m[i] = c;
        check_same(m);
      }
      std::string ins = f;
      ins.insert(i, 1, ' ');
      check_same(ins);
    }
  }
}
