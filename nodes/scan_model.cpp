#include "nodes/scan_model.hpp"

#include <simdjson.h>

namespace xarb::cli::scan {

namespace {

namespace dom = simdjson::dom;

std::string_view type_name(dom::element_type t) {
  switch (t) {
    case dom::element_type::ARRAY: return "an array";
    case dom::element_type::OBJECT: return "an object";
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE: return "a number";
    case dom::element_type::STRING: return "a string";
    case dom::element_type::BOOL: return "a boolean";
    case dom::element_type::NULL_VALUE: return "null";
  }
  return "?";
}

/// Reads the fields of one object, recording problems under `where`
/// ("rows[3]"; "" at the top level).
class reader {
public:
  reader(dom::object obj, std::string where, problems& found)
    : obj_(obj), where_(std::move(where)), found_(found) {}

  num number(std::string_view key) {
    return read<double>(key, "a number",
                        [](const dom::element& e, double& v) { return e.get_double().get(v); });
  }

  stamp timestamp(std::string_view key) {
    return read<int64_t>(key, "an integer (ns since the epoch)",
                         [](const dom::element& e, int64_t& v) { return e.get_int64().get(v); });
  }

  text string(std::string_view key) {
    return read<std::string>(key, "a string", [](const dom::element& e, std::string& v) {
      std::string_view s;
      auto err = e.get_string().get(s);
      if (err == simdjson::SUCCESS)
        v = printable(s);
      return err;
    });
  }

  flag boolean(std::string_view key) {
    return read<bool>(key, "a boolean",
                      [](const dom::element& e, bool& v) { return e.get_bool().get(v); });
  }

  /// The array at `key`; nullopt (and a problem unless `optional`) if it is
  /// missing or not an array. null counts as an empty array.
  std::optional<dom::array> array(std::string_view key, bool optional = false) {
    dom::element e;
    auto err = obj_.at_key(key).get(e);
    if (err) {
      if (!optional)
        found_.add(path(key) + ": missing");
      return std::nullopt;
    }
    if (e.is_null())
      return std::nullopt;
    dom::array a;
    if (e.get_array().get(a) != simdjson::SUCCESS) {
      found_.add(path(key) + ": expected an array, got " + std::string{type_name(e.type())});
      return std::nullopt;
    }
    return a;
  }

  std::string path(std::string_view key) const {
    return where_.empty() ? std::string{key} : where_ + "." + std::string{key};
  }

private:
  /// One field of type T: its value, null, or bad (missing / wrong type,
  /// recorded). `get` converts the element into T, returning simdjson's error.
  template <class T, class Get>
  field<T> read(std::string_view key, std::string_view expected_type, Get get) {
    field<T> out;
    if (auto e = lookup(key, out.bad)) {
      T v{};
      if (get(*e, v) == simdjson::SUCCESS)
        out.v = std::move(v);
      else
        wrong(key, expected_type, *e, out.bad);
    }
    return out;
  }

  /// The element if present and not null; a missing key is a problem.
  std::optional<dom::element> lookup(std::string_view key, bool& bad) {
    dom::element e;
    if (obj_.at_key(key).get(e) != simdjson::SUCCESS) {
      bad = true;
      found_.add(path(key) + ": missing");
      return std::nullopt;
    }
    if (e.is_null())
      return std::nullopt;
    return e;
  }

  void wrong(std::string_view key, std::string_view expected_type, const dom::element& e,
             bool& bad) {
    bad = true;
    found_.add(path(key) + ": expected " + std::string{expected_type} + " or null, got "
               + std::string{type_name(e.type())});
  }

  dom::object obj_;
  std::string where_;
  problems& found_;
};

/// Each object element of `arr` (at most `max`), with its reader; a
/// non-object element is a problem and skipped.
template <class Fn>
void for_objects(dom::array arr, std::string_view name, std::size_t max, problems& found,
                 Fn&& fn) {
  std::size_t i = 0;
  for (dom::element e : arr) {
    if (i >= max)
      break;
    auto where = std::string{name} + "[" + std::to_string(i) + "]";
    ++i;
    dom::object o;
    if (e.get_object().get(o) != simdjson::SUCCESS) {
      found.add(where + ": expected an object, got " + std::string{type_name(e.type())});
      continue;
    }
    reader r{o, where, found};
    fn(r, o);
  }
}

/// The root object of a body, or a parse_error.
expected<dom::object> parse_root(dom::parser& parser, std::string_view json) {
  simdjson::padded_string padded{json};
  dom::element root;
  if (auto err = parser.parse(padded).get(root))
    return error_info{error_code::parse_error,
                      std::string{"malformed JSON ("} + simdjson::error_message(err) + ")"};
  dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS)
    return error_info{error_code::parse_error,
                      "expected a JSON object, got " + std::string{type_name(root.type())}};
  return obj;
}

spread_row read_row(reader& r) {
  spread_row row;
  row.rank = r.number("rank");
  row.symbol = r.string("symbol");
  row.venue_a = r.string("venue_a");
  row.venue_b = r.string("venue_b");
  row.sell_venue = r.string("sell_venue");
  row.buy_venue = r.string("buy_venue");
  row.spread_bps = r.number("spread_bps");
  row.notional_bps = r.number("notional_spread_bps");
  row.leverage = r.number("leverage");
  row.leverage_fallback = r.boolean("leverage_fallback");
  row.funding_diff_bps = r.number("funding_diff_bps");
  row.funding_apr_pct = r.number("funding_diff_apr_pct");
  row.carry_bps = r.number("carry_bps");
  row.age_ms_a = r.number("age_ms_a");
  row.age_ms_b = r.number("age_ms_b");
  return row;
}

/// A stale row: only what the examples show.
spread_row read_stale_row(reader& r, dom::object o, problems& found) {
  spread_row row;
  row.symbol = r.string("symbol");
  row.venue_a = r.string("venue_a");
  row.venue_b = r.string("venue_b");
  dom::element e;
  dom::array venues;
  if (o.at_key("stale_venues").get(e) == simdjson::SUCCESS && !e.is_null()) {
    if (e.get_array().get(venues) != simdjson::SUCCESS) {
      found.add(r.path("stale_venues") + ": expected an array, got "
                + std::string{type_name(e.type())});
    } else {
      for (dom::element v : venues) {
        std::string_view s;
        if (v.get_string().get(s) == simdjson::SUCCESS)
          row.stale_venues.push_back(printable(s));
      }
    }
  }
  return row;
}

} // namespace

void problems::add(std::string what) {
  if (items.size() < keep)
    items.push_back(std::move(what));
  ++total;
}

std::string printable(std::string_view s) {
  std::string out{s};
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
      c = '?';
  return out;
}

expected<top_spreads> parse_top_spreads(std::string_view json, std::size_t max_rows,
                                        std::size_t max_stale, problems& found) {
  dom::parser parser;
  auto root = parse_root(parser, json);
  if (!root)
    return root.error();
  reader r{*root, "", found};
  top_spreads doc;
  // Not in every node's answer: read only if present and a boolean.
  dom::element ready;
  bool ready_value = false;
  if (root->at_key("ready").get(ready) == simdjson::SUCCESS
      && ready.get_bool().get(ready_value) == simdjson::SUCCESS)
    doc.ready = ready_value;
  doc.ts = r.timestamp("ts");
  doc.age_ms = r.number("age_ms");
  doc.refresh_ms = r.number("refresh_ms");
  doc.sort = r.string("sort");
  doc.funding_basis_hours = r.number("funding_basis_hours");
  doc.carry_horizon_hours = r.number("carry_horizon_hours");
  doc.symbols = r.number("symbols");
  doc.ranked = r.number("ranked");
  doc.stale_rows = r.number("stale_rows");
  if (auto venues = r.array("venues"))
    for_objects(*venues, "venues", 1000, found, [&](reader& v, dom::object) {
      venue_status s;
      s.venue = v.string("venue");
      s.state = v.string("state");
      s.symbols = v.number("symbols");
      s.quotes = v.number("quotes");
      s.stale = v.boolean("stale");
      doc.venues.push_back(std::move(s));
    });
  if (auto rows = r.array("rows"))
    for_objects(*rows, "rows", max_rows, found,
                [&](reader& row, dom::object) { doc.rows.push_back(read_row(row)); });
  // Optional: the node may leave the stale rows out (only the count is needed).
  if (auto stale = r.array("stale", true))
    for_objects(*stale, "stale", max_stale, found, [&](reader& row, dom::object o) {
      doc.stale.push_back(read_stale_row(row, o, found));
    });
  return doc;
}

expected<signals_doc> parse_signals(std::string_view json, std::size_t max_signals,
                                    problems& found) {
  dom::parser parser;
  auto root = parse_root(parser, json);
  if (!root)
    return root.error();
  reader r{*root, "", found};
  signals_doc doc;
  doc.threshold_bps = r.number("threshold_bps");
  doc.samples = r.number("samples");
  doc.cooldown_s = r.number("cooldown_s");
  doc.kept = r.number("kept");
  if (auto list = r.array("signals"))
    for_objects(*list, "signals", max_signals, found, [&](reader& s, dom::object) {
      signal sig;
      sig.ts = s.timestamp("ts");
      sig.symbol = s.string("symbol");
      sig.sell_venue = s.string("sell_venue");
      sig.buy_venue = s.string("buy_venue");
      sig.spread_bps = s.number("spread_bps");
      sig.notional_bps = s.number("notional_spread_bps");
      sig.carry_bps = s.number("carry_bps");
      doc.signals.push_back(std::move(sig));
    });
  return doc;
}

} // namespace xarb::cli::scan
