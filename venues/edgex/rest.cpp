#include "venues/edgex/rest.hpp"

#include <algorithm>
#include <utility>

#include <simdjson.h>

#include "core/instrument_registry.hpp"
#include "venues/edgex/wire.hpp"

namespace xarb::venues::edgex_rest {
namespace {

namespace od = simdjson::ondemand;
using edgex_wire::depth_entry;

constexpr int32_t k_default_interval_s = 4 * 3600; // EdgeX settles every 240 min by default

/// A leverage like "50" or "50.0" as an int (0..10000).
int32_t leverage_of(ratio lev) noexcept {
  const int64_t units = lev.raw() / decimal_scale;
  return static_cast<int32_t>(std::clamp<int64_t>(units, 0, 10'000));
}

/// One contractList entry: a spec, or a skip line.
bool read_contract(od::value& el, symbol_style style, const venue_info& info,
                   std::vector<instrument_spec>& out,
                   std::unordered_map<uint64_t, contract>& by_id,
                   std::vector<std::string>* skipped) {
  std::string_view id_text, name, tick, step, min_size, maker, taker, max_lev, interval,
    enable;
  int32_t tier_max = 0;
  if (!walk::for_fields(el, [&](std::string_view k, od::value& v) {
        if (k == "contractId")
          walk::text(v, id_text);
        else if (k == "contractName")
          walk::text(v, name);
        else if (k == "tickSize")
          walk::text(v, tick);
        else if (k == "stepSize")
          walk::text(v, step);
        else if (k == "minOrderSize")
          walk::text(v, min_size);
        else if (k == "defaultMakerFeeRate")
          walk::text(v, maker);
        else if (k == "defaultTakerFeeRate")
          walk::text(v, taker);
        else if (k == "displayMaxLeverage")
          walk::text(v, max_lev);
        else if (k == "fundingRateIntervalMin")
          walk::text(v, interval);
        else if (k == "enableTrade")
          walk::text(v, enable);
        else if (k == "riskTierList") {
          od::json_type t;
          if (v.type().get(t) != simdjson::SUCCESS || t != od::json_type::array)
            return true;
          return walk::for_elements(v, [&](od::value& tier) {
            od::json_type tt;
            if (tier.type().get(tt) != simdjson::SUCCESS || tt != od::json_type::object)
              return true;
            return walk::for_fields(tier, [&](std::string_view tk, od::value& tv) {
              std::string_view lt;
              ratio lev;
              if (tk == "maxLeverage" && walk::text(tv, lt)
                  && ratio::parse(lt, lev, rounding::down) == error_code::none)
                tier_max = std::max(tier_max, leverage_of(lev));
              return true;
            });
          });
        }
        return true;
      }))
    return false;
  auto skip = [&](std::string_view why) {
    if (skipped)
      skipped->push_back(std::string(name.empty() ? id_text : name) + ": "
                         + std::string(why));
    return true;
  };
  uint64_t id = 0;
  if (!walk::parse_u64(id_text, id))
    return skip("bad contractId '" + std::string(id_text) + "'");
  if (name.empty())
    return skip("no contractName");
  if (enable != "true")
    return skip("not trading (enableTrade " + std::string(enable) + ")");
  auto sym = parse_native_symbol(style, name);
  if (!sym)
    return skip("symbol not recognised");
  instrument_spec s;
  s.venue = info.name;
  s.native_symbol = std::string(name);
  s.base = sym->base;
  s.quote = sym->quote;
  s.symbol = canonical_symbol(sym->base);
  s.multiplier = sym->unit;
  if (price::parse(tick, s.tick) != error_code::none || !s.tick.is_positive())
    return skip("bad tickSize '" + std::string(tick) + "'");
  if (quantity::parse(step, s.lot) != error_code::none || !s.lot.is_positive())
    return skip("bad stepSize '" + std::string(step) + "'");
  if (min_size.empty())
    s.min_qty = s.lot;
  else if (quantity::parse(min_size, s.min_qty) != error_code::none || s.min_qty.is_negative())
    return skip("bad minOrderSize '" + std::string(min_size) + "'");
  s.min_notional = money::zero(); // not in the listing
  s.maker_fee = info.maker_fee;
  s.taker_fee = info.taker_fee;
  if (!maker.empty() && ratio::parse(maker, s.maker_fee) != error_code::none)
    return skip("bad defaultMakerFeeRate '" + std::string(maker) + "'");
  if (!taker.empty() && ratio::parse(taker, s.taker_fee) != error_code::none)
    return skip("bad defaultTakerFeeRate '" + std::string(taker) + "'");
  s.max_leverage = tier_max;
  if (ratio lev; !max_lev.empty() && ratio::parse(max_lev, lev, rounding::down) == error_code::none)
    s.max_leverage = leverage_of(lev);
  s.funding_interval_s = k_default_interval_s;
  if (!interval.empty()) {
    uint64_t minutes = 0;
    if (!walk::parse_u64(interval, minutes) || minutes == 0 || minutes > 7 * 24 * 60)
      return skip("bad fundingRateIntervalMin '" + std::string(interval) + "'");
    s.funding_interval_s = static_cast<int32_t>(minutes * 60);
  }
  by_id[id] = contract{s.native_symbol, s.funding_interval_s};
  out.push_back(std::move(s));
  return true;
}

} // namespace

expected<std::vector<instrument_spec>>
parse_metadata(std::string_view text, const venue_info& info,
               std::unordered_map<uint64_t, contract>& by_id_out,
               std::vector<std::string>* skipped) {
  simdjson::padded_string body(text);
  od::parser parser;
  od::document doc;
  od::object root;
  if (parser.iterate(body).get(doc) != simdjson::SUCCESS
      || doc.get_object().get(root) != simdjson::SUCCESS)
    return error_info{error_code::parse_error, "edgex getMetaData: not a JSON object"};
  std::string_view code, msg;
  bool have_list = false;
  std::vector<instrument_spec> out;
  std::unordered_map<uint64_t, contract> by_id;
  const auto style = style_for_venue(info.name);
  // Walk the whole document (its closing brace included: a truncated body fails).
  const bool ok = walk::for_fields(root, [&](std::string_view k, od::value& v) {
    if (k == "code")
      walk::text(v, code);
    else if (k == "msg")
      walk::text(v, msg);
    else if (k == "data") {
      od::json_type t;
      if (v.type().get(t) != simdjson::SUCCESS || t != od::json_type::object)
        return true; // null on errors
      return walk::for_fields(v, [&](std::string_view dk, od::value& dv) {
        if (dk != "contractList")
          return true;
        have_list = true;
        return walk::for_elements(dv, [&](od::value& el) {
          return read_contract(el, style, info, out, by_id, skipped);
        });
      });
    }
    return true;
  });
  if (!ok)
    return error_info{error_code::parse_error, "edgex getMetaData: malformed document"};
  if (code != "SUCCESS")
    return error_info{error_code::venue_unavailable,
                      "edgex getMetaData: " + std::string(code) + " " + std::string(msg)};
  if (!have_list)
    return error_info{error_code::parse_error, "edgex getMetaData: no contractList"};
  by_id_out = std::move(by_id);
  return out;
}

expected<book_snapshot> parse_depth(std::string_view native, std::optional<uint64_t> id,
                                    std::string_view text, const venue_info& info) {
  simdjson::padded_string buf(text);
  od::parser parser;
  od::document doc;
  od::object root;
  if (parser.iterate(buf).get(doc) != simdjson::SUCCESS
      || doc.get_object().get(root) != simdjson::SUCCESS)
    return error_info{error_code::parse_error, "edgex getDepth: not a JSON object"};
  std::string_view code, msg;
  book_snapshot s;
  s.venue = info.name;
  s.symbol = std::string(native);
  bool found = false;
  int64_t response_ms = 0;
  depth_entry e;
  std::string_view name;
  const bool ok = walk::for_fields(root, [&](std::string_view k, od::value& v) {
    if (k == "code")
      walk::text(v, code);
    else if (k == "msg")
      walk::text(v, msg);
    else if (k == "responseTime")
      return edgex_wire::opt_i64(v, response_ms);
    else if (k == "data") {
      od::json_type t;
      if (v.type().get(t) != simdjson::SUCCESS || t != od::json_type::array)
        return true;
      return walk::for_elements(v, [&](od::value& el) {
        if (found)
          return true;
        e.reset();
        name = {};
        if (!edgex_wire::read_depth_entry(el, e, &name))
          return false;
        if (id ? (e.has_id && e.id == *id) : name == native) {
          found = true;
          s.seq = e.end;
          s.bids = e.bids;
          s.asks = e.asks;
        }
        return true;
      });
    }
    return true;
  });
  if (!ok)
    return error_info{error_code::parse_error, "edgex getDepth: malformed document"};
  if (code != "SUCCESS")
    return error_info{error_code::venue_unavailable,
                      "edgex getDepth: " + std::string(code) + " " + std::string(msg)};
  if (!found)
    return error_info{error_code::unknown_symbol,
                      "edgex getDepth: no depth for " + std::string(native)};
  s.exchange_ts = edgex_wire::ms_to_ns(response_ms);
  return s;
}

} // namespace xarb::venues::edgex_rest
