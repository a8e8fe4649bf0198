#include "venues/grvt/rest.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

#include <simdjson.h>

#include "core/instrument_registry.hpp"
#include "venues/common/json_fields.hpp"
#include "venues/grvt/json_walk.hpp"

namespace xarb::venues::grvt_rest {
namespace {

namespace od = simdjson::ondemand;

/// The start of a body that is not the expected document (GRVT errors read
/// {"code":..,"message":..,"status":..}).
std::string error_text(std::string_view body) {
  return std::string(body.substr(0, std::min<std::size_t>(body.size(), 160)));
}

/// One InstrumentDisplay of the listing: a spec, or a skip line.
bool read_instrument(od::value& el, symbol_style style, const venue_info& info,
                     std::vector<instrument_spec>& out, std::vector<std::string>* skipped) {
  std::string_view native, kind, tick, min_size, min_notional, interval;
  bool venues_seen = false, on_book = false;
  if (!walk::for_fields(el, [&](std::string_view k, od::value& v) {
        if (k == "instrument")
          walk::text(v, native);
        else if (k == "kind")
          walk::text(v, kind);
        else if (k == "tick_size")
          walk::text(v, tick);
        else if (k == "min_size")
          walk::text(v, min_size);
        else if (k == "min_notional")
          walk::text(v, min_notional);
        else if (k == "funding_interval_hours")
          walk::text(v, interval);
        else if (k == "venues") {
          od::json_type t;
          if (v.type().get(t) != simdjson::SUCCESS || t != od::json_type::array)
            return true; // not a list: treated as absent
          venues_seen = true;
          return walk::for_elements(v, [&](od::value& ve) {
            std::string_view name;
            if (walk::text(ve, name) && name == "ORDERBOOK")
              on_book = true;
            return true;
          });
        }
        return true;
      }))
    return false;
  auto skip = [&](std::string_view why) {
    if (skipped)
      skipped->push_back(std::string(native.empty() ? "(unnamed)" : native) + ": "
                         + std::string(why));
    return true;
  };
  if (native.empty())
    return skip("no instrument name");
  if (kind != "PERPETUAL")
    return skip("kind " + std::string(kind) + " is not a perpetual");
  if (venues_seen && !on_book)
    return skip("not traded on the order book");
  auto sym = parse_native_symbol(style, native);
  if (!sym)
    return skip("symbol not recognised");
  instrument_spec s;
  s.venue = info.name;
  s.native_symbol = std::string(native);
  s.base = sym->base;
  s.quote = sym->quote;
  s.symbol = canonical_symbol(sym->base);
  s.multiplier = sym->unit;
  if (price::parse(tick, s.tick) != error_code::none || !s.tick.is_positive())
    return skip("bad tick_size '" + std::string(tick) + "'");
  if (quantity::parse(min_size, s.lot) != error_code::none || !s.lot.is_positive())
    return skip("bad min_size '" + std::string(min_size) + "'");
  s.min_qty = s.lot; // GRVT sizes step by min_size (ccxt: precision.amount = min_size)
  if (!min_notional.empty()
      && (money::parse(min_notional, s.min_notional) != error_code::none
          || s.min_notional.is_negative()))
    return skip("bad min_notional '" + std::string(min_notional) + "'");
  int64_t hours = 8;
  if (!interval.empty()) {
    auto [p, ec] = std::from_chars(interval.data(), interval.data() + interval.size(), hours);
    if (ec != std::errc{} || p != interval.data() + interval.size() || hours <= 0
        || hours > 24 * 7)
      return skip("bad funding_interval_hours '" + std::string(interval) + "'");
  }
  s.funding_interval_s = static_cast<int32_t>(hours * 3600);
  s.maker_fee = info.maker_fee;
  s.taker_fee = info.taker_fee;
  s.max_leverage = 0; // not in the public listing
  out.push_back(std::move(s));
  return true;
}

} // namespace

expected<std::vector<instrument_spec>> parse_listing(std::string_view text,
                                                     const venue_info& info,
                                                     std::vector<std::string>* skipped) {
  simdjson::padded_string body(text);
  od::parser parser;
  od::document doc;
  od::object root;
  if (parser.iterate(body).get(doc) != simdjson::SUCCESS
      || doc.get_object().get(root) != simdjson::SUCCESS)
    return error_info{error_code::parse_error, "grvt all_instruments: not a JSON object"};
  std::vector<instrument_spec> out;
  const auto style = style_for_venue(info.name);
  bool have_result = false;
  // Walk the whole document (its closing brace included: a truncated body fails).
  const bool ok = walk::for_fields(root, [&](std::string_view rk, od::value& result) {
    if (rk != "result")
      return true;
    have_result = true;
    return walk::for_elements(result, [&](od::value& el) {
      return read_instrument(el, style, info, out, skipped);
    });
  });
  if (!ok)
    return error_info{error_code::parse_error, "grvt all_instruments: malformed result"};
  if (!have_result)
    return error_info{error_code::parse_error,
                      "grvt all_instruments: no result (" + error_text(text) + ")"};
  return out;
}

expected<book_snapshot> parse_book(std::string_view native, std::string_view body,
                                   const venue_info& info) {
  simdjson::padded_string buf(body);
  od::parser parser;
  od::document doc;
  od::object root;
  if (parser.iterate(buf).get(doc) != simdjson::SUCCESS
      || doc.get_object().get(root) != simdjson::SUCCESS)
    return error_info{error_code::parse_error, "grvt book: not a JSON object"};
  book_snapshot s;
  s.venue = info.name;
  s.symbol = std::string(native);
  std::string_view instrument;
  bool have_result = false;
  const bool ok = walk::for_fields(root, [&](std::string_view rk, od::value& result) {
    if (rk != "result")
      return true;
    have_result = true;
    return walk::for_fields(result, [&](std::string_view k, od::value& v) {
      if (k == "event_time")
        return json::get_i64(v, s.exchange_ts) == error_code::none;
      if (k == "instrument")
        return walk::text(v, instrument);
      if (k == "bids")
        return walk::read_levels(v, s.bids);
      if (k == "asks")
        return walk::read_levels(v, s.asks);
      return true;
    });
  });
  if (!ok)
    return error_info{error_code::parse_error, "grvt book: malformed result"};
  if (!have_result)
    return error_info{error_code::parse_error,
                      "grvt book: no result (" + error_text(body) + ")"};
  if (!instrument.empty() && instrument != native)
    return error_info{error_code::unknown_symbol,
                      "grvt book: asked " + std::string(native) + ", got "
                        + std::string(instrument)};
  return s;
}

} // namespace xarb::venues::grvt_rest
