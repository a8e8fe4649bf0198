#include "actors/storage/csv_export.hpp"

#include <charconv>
#include <cstdio>
#include <initializer_list>
#include <string>

namespace xarb::storage {

namespace {

/// Days since 1970-01-01 -> civil date (H. Hinnant's algorithm).
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2)
    ++y;
}

std::string num(double x) {
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, x);
  return std::string{buf, res.ptr};
}

class row_writer {
public:
  explicit row_writer(std::ostream& out) : out_(out) {}

  void row(std::initializer_list<std::string_view> fields) {
    bool first = true;
    for (auto f : fields) {
      if (!first)
        out_ << ',';
      first = false;
      out_ << csv_field(f);
    }
    out_ << "\r\n";
  }

private:
  std::ostream& out_;
};

bool contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}

/// (bid + ask) / 2 rounded to 1e-9 (half away from zero); empty when a side
/// is missing (zero or less) or on overflow.
std::string mid_of(price bid, price ask) {
  if (bid.raw() <= 0 || ask.raw() <= 0)
    return {};
  int64_t half = 0;
  if (detail::mul_div(ask.raw() - bid.raw(), 1, 2, rounding::nearest, half) != error_code::none)
    return {};
  return (bid + price::from_raw(half)).to_string();
}

/// One row per venue of a market sample.
void history_rows(row_writer& w, const market_sample& x) {
  const auto ts_ns = std::to_string(x.ts);
  const auto ts = iso8601_utc(x.ts);
  for (const auto& v : x.venues)
    w.row({ts_ns, ts, x.symbol, v.venue, v.bid.to_string(), v.ask.to_string(),
           mid_of(v.bid, v.ask), v.funding_rate.to_string(), std::to_string(v.interval_s),
           v.funding_known ? "true" : "false", v.stale ? "true" : "false"});
}

} // namespace

std::string iso8601_utc(timestamp_ns ts) {
  constexpr int64_t ns_per_s = 1'000'000'000;
  constexpr int64_t s_per_day = 86'400;
  // Floor divisions so that negative times land on the previous second/day.
  int64_t secs = ts / ns_per_s;
  int64_t nanos = ts % ns_per_s;
  if (nanos < 0) {
    nanos += ns_per_s;
    --secs;
  }
  int64_t days = secs / s_per_day;
  int64_t sod = secs % s_per_day;
  if (sod < 0) {
    sod += s_per_day;
    --days;
  }
  int64_t y = 0;
  unsigned m = 0;
  unsigned d = 0;
  civil_from_days(days, y, m, d);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%09lldZ",
                static_cast<long long>(y), m, d, static_cast<long long>(sod / 3600),
                static_cast<long long>(sod / 60 % 60), static_cast<long long>(sod % 60),
                static_cast<long long>(nanos));
  return buf;
}

std::string csv_field(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos)
    return std::string{field};
  std::string out;
  out.reserve(field.size() + 2);
  out.push_back('"');
  for (char c : field) {
    if (c == '"')
      out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

error_info export_csv(const store& db, std::string_view kind, timestamp_ns from,
                      timestamp_ns to, std::string_view pair_filter, std::ostream& out) {
  row_writer w{out};
  auto pair_ok = [pair_filter](std::string_view pair) {
    return pair_filter.empty() || pair == pair_filter;
  };
  error_info err;
  if (kind == "orders") {
    w.row({"ts_ns", "ts", "pair_id", "client_id", "venue", "symbol", "side", "tif",
           "purpose", "price", "qty", "filled", "fees", "from", "to", "reason"});
    err = db.scan(family::orders, from, to, [&](const stored_record& r) {
      const auto& x = std::get<order_update>(r.value);
      if (pair_ok(x.pair_id))
        w.row({std::to_string(r.ts), iso8601_utc(r.ts), x.pair_id, x.client_id, x.venue,
               x.symbol, to_string(x.sd), to_string(x.tif), to_string(x.purpose),
               x.px.to_string(), x.qty.to_string(), x.filled.to_string(),
               x.fees.to_string(), to_string(x.from), to_string(x.to), x.reason});
      return true;
    });
  } else if (kind == "fills") {
    w.row({"ts_ns", "ts", "pair_id", "client_id", "venue_order_id", "fill_id", "venue",
           "symbol", "side", "price", "qty", "leaves_qty", "fee", "liquidity"});
    err = db.scan(family::fills, from, to, [&](const stored_record& r) {
      const auto* xp = std::get_if<fill_record>(&r.value);
      if (!xp)
        return true; // a funding payment: `export funding`
      const auto& x = *xp;
      const auto& f = x.fill;
      if (pair_ok(x.pair_id))
        w.row({std::to_string(r.ts), iso8601_utc(r.ts), x.pair_id, f.client_id,
               f.venue_order_id, f.fill_id, f.venue, f.symbol, to_string(f.sd),
               f.px.to_string(), f.qty.to_string(), f.leaves_qty.to_string(),
               f.fee.to_string(), to_string(f.liq)});
      return true;
    });
  } else if (kind == "funding") {
    w.row({"ts_ns", "ts", "pair_id", "venue", "symbol", "position", "mark", "rate",
           "amount"});
    err = db.scan(family::fills, from, to, [&](const stored_record& r) {
      const auto* x = std::get_if<funding_record>(&r.value);
      if (x && pair_ok(x->pair_id)) {
        const auto& p = x->payment;
        w.row({std::to_string(r.ts), iso8601_utc(r.ts), x->pair_id, p.venue, p.symbol,
               p.position.to_string(), p.mark.to_string(), p.rate.to_string(),
               p.amount.to_string()});
      }
      return true;
    });
  } else if (kind == "events") {
    w.row({"ts_ns", "ts", "severity", "source", "text"});
    err = db.scan(family::events, from, to, [&](const stored_record& r) {
      const auto& x = std::get<event>(r.value);
      if (pair_filter.empty() || contains(x.source, pair_filter)
          || contains(x.text, pair_filter))
        w.row({std::to_string(r.ts), iso8601_utc(r.ts), to_string(x.sev), x.source,
               x.text});
      return true;
    });
  } else if (kind == "spreads") {
    w.row({"ts_ns", "ts", "pair_id", "symbol", "venue_a", "venue_b", "bid_a", "ask_a",
           "bid_b", "ask_b", "size", "spread_ab", "spread_ba", "mean_ab", "std_ab",
           "z_ab", "mean_ba", "std_ba", "z_ba", "samples", "valid", "net_ab_bps",
           "net_ba_bps"});
    err = db.scan(family::spreads, from, to, [&](const stored_record& r) {
      const auto& x = std::get<spread_update>(r.value);
      if (pair_ok(x.pair_id))
        w.row({std::to_string(r.ts), iso8601_utc(r.ts), x.pair_id, x.symbol, x.venue_a,
               x.venue_b, x.bid_a.to_string(), x.ask_a.to_string(), x.bid_b.to_string(),
               x.ask_b.to_string(), x.size.to_string(), x.spread_ab.to_string(),
               x.spread_ba.to_string(), num(x.mean_ab), num(x.std_ab), num(x.z_ab),
               num(x.mean_ba), num(x.std_ba), num(x.z_ba), std::to_string(x.samples),
               x.valid ? "true" : "false", num(x.net_ab_bps), num(x.net_ba_bps)});
      return true;
    });
  } else if (kind == "history") {
    w.row({"ts_ns", "ts", "symbol", "venue", "bid", "ask", "mid", "funding_rate",
           "interval_s", "funding_known", "stale"});
    if (!pair_filter.empty())
      err = db.scan_history(pair_filter, from, to, [&](const market_sample& x) {
        history_rows(w, x);
        return true;
      });
    else
      err = db.scan(family::history, from, to, [&](const stored_record& r) {
        history_rows(w, std::get<market_sample>(r.value));
        return true;
      });
  } else {
    return {error_code::config_error, "unknown export kind '" + std::string{kind}
                                        + "'; valid kinds: " + std::string{csv_kinds}};
  }
  if (err)
    return err;
  if (!out)
    return {error_code::io_error, "export: write to output failed"};
  return {};
}

} // namespace xarb::storage
