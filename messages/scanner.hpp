#pragma once
// Cross-venue scanner vocabulary (issue 7): what a venue session sends to
// market watchers (the scanner), and the per-symbol market sample the scanner
// keeps in storage for /api/history.

#include <cstdint>
#include <string>
#include <vector>

#include "messages/decimal.hpp"
#include "messages/event.hpp"
#include "messages/instrument.hpp"
#include "messages/market.hpp"

namespace xarb {

/// Everything a market watcher needs from one venue session, batched per
/// session tick instead of one message per top: at 1,000 symbols x 10
/// updates/s a venue produces ~10k top changes per second, which travel in
/// ~200 messages.
///
/// The first batch after (re)subscribing is full (`full` = true): every
/// instrument the venue lists, every synced top, every known funding rate.
/// Later batches carry only what changed since the previous one (specs
/// empty). `state` is the session's health at `ts`; `unsynced` lists the
/// symbols whose book stopped being usable since the previous batch (a
/// resync, a stale book), so the watcher drops their tops until a new top
/// arrives.
struct market_watch_batch {
  std::string venue;
  bool full = false;
  health_state state = health_state::starting;
  std::vector<instrument_spec> specs;
  std::vector<top_of_book> tops;
  std::vector<funding_rate> rates;
  std::vector<std::string> unsynced;
  timestamp_ns ts = 0;
  friend bool operator==(const market_watch_batch&, const market_watch_batch&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, market_watch_batch& x) {
  return f(x.venue, x.full, x.state, x.specs, x.tops, x.rates, x.unsynced, x.ts);
}

/// One venue's quote of a symbol in a market sample (canonical units).
/// `funding_rate` is per the venue's own `interval_s`; zero with
/// `funding_known` false when the venue has not published one yet.
struct venue_quote_sample {
  std::string venue;
  price bid;
  price ask;
  ratio funding_rate;
  int32_t interval_s = 0;
  bool funding_known = false;
  bool stale = false;     ///< the quote was older than the staleness budget
  friend bool operator==(const venue_quote_sample&, const venue_quote_sample&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, venue_quote_sample& x) {
  return f(x.venue, x.bid, x.ask, x.funding_rate, x.interval_s, x.funding_known, x.stale);
}

/// Every venue's quote and funding of one canonical symbol at `ts`: the unit
/// of spread and funding history (storage family "history"). Spreads between
/// any two venues are derived from it when read.
struct market_sample {
  std::string symbol;
  timestamp_ns ts = 0;
  std::vector<venue_quote_sample> venues;
  friend bool operator==(const market_sample&, const market_sample&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, market_sample& x) {
  return f(x.symbol, x.ts, x.venues);
}

} // namespace xarb
