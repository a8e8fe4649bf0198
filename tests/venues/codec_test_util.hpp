#pragma once
// What every venue codec test needs, in one place (library
// xarb_venue_test_util): exact-value helpers, a recording md_handler, one
// decode() wrapper, a fake market_view for the mock protocols, REST plumbing
// between a codec's http_request and a protocol's rest_call, the recorded
// mock frames file (tests/venues/data/mock-<venue>.txt), robustness sweeps
// (prefixes, byte mutations, junk) and the allocation counter.

#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/order_book.hpp"
#include "messages/decimal.hpp"
#include "messages/market.hpp"
#include "venues/common/md_codec.hpp"
#include "venues/mock/venue_protocol.hpp"

namespace xarb::test {

using venues::frame_kind;

// -- exact values ------------------------------------------------------------------

price px(std::string_view s);
quantity qty(std::string_view s);
ratio rt(std::string_view s);
money mon(std::string_view s);
inline book_level lvl(std::string_view p, std::string_view q) { return {px(p), qty(q)}; }
inline constexpr timestamp_ns ms(int64_t v) { return v * 1'000'000; }

// -- recording ---------------------------------------------------------------------

/// Keeps copies of everything a codec reported; checksums[i] goes with deltas[i].
struct recorder final : venues::md_handler {
  std::vector<book_snapshot> snapshots;
  std::vector<book_delta> deltas;
  std::vector<std::optional<int32_t>> checksums;
  std::vector<top_of_book> tops;
  std::vector<venues::mark_update> marks;

  void on_snapshot(const book_snapshot& s) override { snapshots.push_back(s); }
  void on_delta(const book_delta& d, std::optional<int32_t> c) override {
    deltas.push_back(d);
    checksums.push_back(c);
  }
  void on_top(const top_of_book& t) override { tops.push_back(t); }
  void on_mark(const venues::mark_update& m) override { marks.push_back(m); }

  std::size_t calls() const {
    return snapshots.size() + deltas.size() + tops.size() + marks.size();
  }
  void clear() { *this = recorder{}; }
};

/// Only counts calls (a recorder would allocate).
struct counting_handler final : venues::md_handler {
  std::size_t calls = 0;
  void on_snapshot(const book_snapshot&) override { ++calls; }
  void on_delta(const book_delta&, std::optional<int32_t>) override { ++calls; }
  void on_top(const top_of_book&) override { ++calls; }
  void on_mark(const venues::mark_update&) override { ++calls; }
};

/// Decodes a copy of `frame` at `recv_ts`; the copy's content must not change.
venues::decode_result decode(venues::md_codec& c, std::string_view frame, venues::md_handler& h,
                             timestamp_ns recv_ts = 7);

/// The only element of `out` (REQUIREd), which is cleared.
std::string one(std::vector<std::string>& out);

// -- a fake market for the mock protocols -------------------------------------------

/// A market_view over hand-set books (one order_book each) and marks.
/// Instruments are listed in the order added (index = position).
class fake_market final : public mock::market_view {
public:
  explicit fake_market(timestamp_ns now = ms(1'700'000'000'000)) : now_(now) {}

  std::string venue = "mock";   ///< venue field of book()
  timestamp_ns step = 0;        ///< change() first moves the clock by this
  bool seq_per_level = false;   ///< change(): seq += changed levels (else + 1)

  void add(instrument_spec spec);
  /// add() plus the book (levels best first) at `seq` and the mark.
  void add(instrument_spec spec, std::vector<book_level> bids, std::vector<book_level> asks,
           uint64_t seq, mock::mark_state mark);
  /// Replaces a book; `ts` is its exchange time (default: the clock at book()).
  void set_book(std::string_view native, const std::vector<book_level>& bids,
                const std::vector<book_level>& asks, uint64_t seq,
                std::optional<timestamp_ns> ts = {});
  void set_mark(std::string_view native, mock::mark_state m);
  void set_now(timestamp_ns t) { now_ = t; }

  /// Applies changed levels (qty 0 removes) and returns the delta as the
  /// simulator publishes it: prev_seq = old, first_seq = old + 1, seq = old + 1
  /// (or old + levels with seq_per_level), exchange_ts = the clock.
  book_delta change(std::string_view native, std::vector<book_level> bids,
                    std::vector<book_level> asks);
  /// Applies a delta made elsewhere: its levels, seq and exchange_ts.
  void apply(const book_delta& d);
  top_of_book top(std::string_view native) const;
  const std::string& native(std::size_t i) const { return instruments_.at(i).spec.native_symbol; }

  const std::vector<mock::mock_instrument>& instruments() const override { return instruments_; }
  const mock::mock_instrument* find(std::string_view native) const override;
  book_snapshot book(std::string_view native, std::size_t depth) const override;
  std::optional<mock::mark_state> mark(std::string_view native) const override;
  timestamp_ns now() const override { return now_; }

private:
  struct book_state {
    order_book book;
    uint64_t seq = 0;
    std::optional<timestamp_ns> ts;
  };
  book_state& state(std::string_view native);

  std::vector<mock::mock_instrument> instruments_;
  std::map<std::string, book_state, std::less<>> books_;
  std::map<std::string, mock::mark_state, std::less<>> marks_;
  timestamp_ns now_;
};

// -- REST -----------------------------------------------------------------------------

/// A codec's request as the mock server hands it to a protocol (query decoded).
mock::rest_call to_rest_call(const venues::http_request& r);

/// The protocol's answer body to `req`; the status must be 200.
std::string rest_body(mock::venue_protocol& p, const mock::market_view& m,
                      const venues::http_request& req);

/// Listing round trip: the codec reads back the market's specs, field by
/// field and whole. `adjust(want, got)` first fixes what the venue's listing
/// cannot carry. Returns the codec's skip lines.
std::vector<std::string> check_listing_roundtrip(
  venues::md_codec& codec, mock::venue_protocol& p, const mock::market_view& m,
  const std::function<void(instrument_spec& want, const instrument_spec& got)>& adjust = {});

/// Every `stride`-th strict prefix of `body` is refused by parse_snapshot.
void check_snapshot_prefixes(venues::md_codec& codec, std::string_view native,
                             std::string_view body, std::size_t stride = 1);
/// Every `stride`-th strict prefix of bodies[i] (the others whole) is refused
/// by parse_instruments.
void check_listing_prefixes(venues::md_codec& codec, const std::vector<std::string>& bodies,
                            std::size_t i, std::size_t stride = 1);

// -- WebSocket sessions against a mock protocol -------------------------------------------

struct subscribed {
  venues::ws_plan plan;
  mock::ws_client client;
  std::vector<std::string> greeting; ///< what on_open() sent
  std::vector<std::string> answers;  ///< what the subscribe frames got back
};

/// Opens one mock client per plan() connection (natives: every instrument of
/// `m`) and sends its subscribe frames. acks_per_frame >= 0: every frame gets
/// exactly that many answers, each an ack without handler calls; < 0: answers
/// are not checked. Without `greeting`, on_open() must send nothing.
std::vector<subscribed> subscribe_all(venues::md_codec& codec, mock::venue_protocol& p,
                                      const mock::market_view& m, int acks_per_frame,
                                      bool greeting = false);

struct level_change {
  std::string native;
  std::vector<book_level> bids, asks;
};

/// In-band books: the protocol's snapshot of every instrument, then each
/// change made on `m` right before it is encoded; every delta decodes to what
/// was published and keeps a local book equal to the market's top `depth`
/// levels. `each(frame, published, decoded, local)` adds the venue's checks.
/// Returns the local books.
std::map<std::string, order_book> check_book_stream(
  venues::md_codec& codec, mock::venue_protocol& p, fake_market& m, mock::ws_client& c,
  const std::vector<level_change>& changes, std::size_t depth,
  const std::function<void(const std::string& frame, const book_delta& published,
                           const recorder& decoded, const book_snapshot& local)>& each = {});

/// BBO of every instrument: top_frames(m.top(n)) decodes to that top.
void check_tops(venues::md_codec& codec, mock::venue_protocol& p, const fake_market& m,
                mock::ws_client& c);

// -- recorded mock frames --------------------------------------------------------------

/// One line "venue|kind|source|frame" (the format of venue-samples.txt).
struct frame_line {
  std::string venue, kind, source, frame;
  friend bool operator==(const frame_line&, const frame_line&) = default;
};

/// Collects the lines a test records from its mock ("mock:" + what).
struct frame_log {
  std::string venue;
  std::vector<frame_line> lines;
  void add(std::string kind, std::string what, std::string frame) {
    lines.push_back({venue, std::move(kind), "mock:" + std::move(what), std::move(frame)});
  }
};

/// Lines of `path` ('#' lines are comments), of `venue` only if given.
std::vector<frame_line> read_frames(const std::string& path, std::string_view venue = {});

/// XARB_WRITE_MOCK_FRAMES set: (re)write the recorded file.
bool write_frames_requested();

/// The recorded file is what the mock says today: with XARB_WRITE_MOCK_FRAMES
/// it is (re)written from `now` (`header`: comment lines), otherwise it must
/// equal `now` line by line, so a changed mock is re-recorded on purpose and
/// never drifts silently. Returns the file's lines.
std::vector<frame_line> check_recorded_file(const std::string& path, const std::string& header,
                                            const std::vector<frame_line>& now);

/// The recorded line of `kind` (first one); throws if absent.
const frame_line& frame_of(const std::vector<frame_line>& lines, std::string_view kind);

// -- robustness -------------------------------------------------------------------------

/// Every strict prefix of `frame` decodes to malformed or ignored with a
/// reason, no handler call and no reply (a frame cut anywhere is never
/// half-applied).
void check_prefixes(venues::md_codec& c, std::string_view frame);

/// Single-byte mutations at every position (JSON punctuation, digits, NUL,
/// 0xff, a bit flip): no crash, and a frame that is not data calls nothing.
void check_mutations(venues::md_codec& c, std::string_view frame);

/// check_prefixes and check_mutations for every public sample of `venue`.
void check_samples_robust(venues::md_codec& c, const std::string& venue);

/// Frames of every venue family that no codec may choke on.
const std::vector<std::string>& junk_frames();

enum class junk_rule {
  not_data,          ///< any kind but data
  malformed_or_ignored, ///< except reply-shaped junk ({"result":..}, {"error":..}, {"code":..}): not data
};
/// Every junk frame: never data (or malformed/ignored), no handler call;
/// with `native`, parse_snapshot refuses it and parse_instruments survives it.
void check_junk(venues::md_codec& c, junk_rule rule = junk_rule::malformed_or_ignored,
                std::optional<std::string> native = {});

/// Each frame decodes to malformed without a handler call.
void check_all_malformed(venues::md_codec& c, const std::vector<std::string>& frames);

// -- allocations --------------------------------------------------------------------------

/// Heap allocations of this thread so far (operator new is replaced in
/// alloc_counter.cpp).
std::size_t allocations() noexcept;

/// Decodes every frame once (warm-up), then all of them `rounds` times: no
/// allocation after the warm-up, data frames reach the handler each time.
void check_no_allocation(venues::md_codec& codec, const std::vector<std::string>& texts,
                         int rounds = 50);

/// Allocations made by decoding `frame` 10 more times once the codec is warm
/// (the frame must not be malformed).
std::size_t warm_allocations(venues::md_codec& c, const std::string& frame);

} // namespace xarb::test
