// Every adapter by name: codec and mock protocol exist, agree on the name,
// and every public sample of venue-samples.txt decodes without being
// refused (each venue's own tests check the values; this one guarantees no
// sample line is orphaned and no name is missing).
#include <doctest/doctest.h>

#include <set>

#include "tests/venues/venue_samples.hpp"
#include "venues/registry/registry.hpp"

using namespace xarb;
using namespace xarb::venues;

namespace {

struct counting_handler final : md_handler {
  int calls = 0;
  void on_snapshot(const book_snapshot&) override { ++calls; }
  void on_delta(const book_delta&, std::optional<int32_t>) override { ++calls; }
  void on_top(const top_of_book&) override { ++calls; }
  void on_mark(const mark_update&) override { ++calls; }
};

} // namespace

TEST_CASE("every adapter name has a codec and a mock protocol of the same name") {
  REQUIRE(codec_names().size() == 11);
  for (auto name : codec_names()) {
    CAPTURE(name);
    CHECK(has_codec(name));
    auto codec = make_codec(name);
    REQUIRE(codec.has_value());
    CHECK((*codec)->info().name == name);
    CHECK_FALSE((*codec)->info().ws_mainnet.empty());
    CHECK_FALSE((*codec)->info().rest_mainnet.empty());
    CHECK_FALSE((*codec)->instruments_requests().empty());
    auto proto = make_protocol(name);
    REQUIRE(proto.has_value());
    CHECK((*proto)->venue() == name);
  }
  CHECK_FALSE(has_codec("sim-a"));
  auto bad = make_codec("nasdaq");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code == error_code::unknown_venue);
  CHECK(bad.error().message.find("binance") != std::string::npos);
  CHECK_FALSE(make_protocol("nasdaq").has_value());
}

TEST_CASE("every public sample belongs to an adapter and is understood by it") {
  std::set<std::string> venues_seen;
  for (auto& s : test::venue_samples()) {
    CAPTURE(s.venue);
    CAPTURE(s.kind);
    venues_seen.insert(s.venue);
    auto codec = make_codec(s.venue);
    REQUIRE(codec.has_value());
    if (s.kind.rfind("rest_", 0) == 0)
      continue; // REST bodies: parsed by each venue's listing/snapshot tests
    counting_handler h;
    decode_result r;
    std::string frame = s.json;
    (*codec)->decode(frame, 1, h, r);
    CHECK(r.kind != frame_kind::malformed);
    if (r.kind == frame_kind::malformed)
      MESSAGE(r.error);
  }
  // All eleven venues have at least one public sample.
  CHECK(venues_seen.size() == 11);
}
