#pragma once
// Paradex public market data (venue-protocols.md section 6): JSON-RPC 2.0 over
// WebSocket, with public payloads in SBE binary (venues/paradex/sbe.hpp) when
// the connection asks for it (mandatory from 21 September 2026).
//
// Sync (snapshots): the `order_book.{market}.snapshot@15@{rate}` feed sends
// the whole 15-level book on every push (JSON update_type "s", SBE pkgType
// SNAPSHOT): book_snapshot::seq = seq_no. For a delta push (JSON "d", SBE
// DELTA; not subscribed by plan()) the codec emits a book_delta with
// seq = seq_no and first_seq = prev_seq = 0, i.e. consecutive numbering —
// the delta feed's gap rule is UNVERIFIED.
// BBO: `bbo.{market}`. Funding/mark: `funding_data.{market}` (rate per
// funding_period_hours) and `markets_summary.{market}` (mark, index, rate).

#include <cstdint>
#include <memory>
#include <string>

#include "venues/common/md_codec.hpp"

namespace xarb::venues {

struct paradex_options {
  /// Ask for SBE binary payloads (?sbeSchemaId=1&sbeSchemaVersion=N). The
  /// codec decodes JSON and SBE frames either way; this only picks the URL.
  bool sbe = true;
  /// sbeSchemaVersion to ask for (UNVERIFIED: the SDK example says 0, the
  /// AsyncAPI page 1, the generated decoder knows 2). Decoding is
  /// version-tolerant (blockLength-driven).
  int sbe_schema_version = 0;
  /// Book refresh rate of the snapshot feed: "50ms" or "100ms".
  std::string book_refresh = "100ms";
};

std::unique_ptr<md_codec> make_paradex_codec(paradex_options opts = {});

} // namespace xarb::venues
