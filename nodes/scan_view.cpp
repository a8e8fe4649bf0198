#include "nodes/scan_view.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "nodes/scan_model.hpp"

namespace xarb::cli {

namespace {

using namespace scan;

constexpr const char* bold = "\x1b[1m";
constexpr const char* red = "\x1b[31m";
constexpr const char* green = "\x1b[32m";
constexpr const char* yellow = "\x1b[33m";
constexpr const char* reset = "\x1b[0m";

// -- formatting ----------------------------------------------------------------

/// printf "%.*f", without a "-0.00" for tiny negatives.
std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s{buf};
  if (s.front() == '-' && s.find_first_not_of("-0.") == std::string::npos)
    s.erase(0, 1);
  return s;
}

/// "?" bad, "-" null, else fixed.
std::string show(const num& n, int decimals) {
  if (n.bad)
    return "?";
  return n.v ? fixed(*n.v, decimals) : "-";
}

std::string show(const text& t) {
  if (t.bad)
    return "?";
  return t.v ? *t.v : "-";
}

/// An integer-valued number ("20") or one decimal ("2.5").
std::string show_count(const num& n) {
  if (n.bad || !n.v)
    return show(n, 0);
  double v = *n.v;
  return v == static_cast<double>(static_cast<int64_t>(v)) ? fixed(v, 0) : fixed(v, 1);
}

/// A duration in ms: "120 ms", "12.3 s".
std::string show_ms(double ms) {
  return ms < 10'000 ? fixed(ms, 0) + " ms" : fixed(ms / 1000, 1) + " s";
}

/// How long ago: "0s", "42s", "3m", "5h", "2d".
std::string ago(int64_t ns) {
  int64_t s = std::max<int64_t>(ns, 0) / 1'000'000'000;
  if (s < 60)
    return std::to_string(s) + "s";
  if (s < 3600)
    return std::to_string(s / 60) + "m";
  if (s < 86'400)
    return std::to_string(s / 3600) + "h";
  return std::to_string(s / 86'400) + "d";
}

// -- layout --------------------------------------------------------------------

/// The screen being built: every line clipped to `width` visible columns;
/// colour codes (only when `colour`) do not count.
class screen {
public:
  screen(int width, bool colour) : width_(width), colour_(colour) {}

  /// Appends to the current line, clipped at the width.
  void add(std::string_view s, const char* c = nullptr) {
    auto room = static_cast<std::size_t>(std::max(width_ - used_, 0));
    if (s.size() > room)
      s = s.substr(0, room);
    if (s.empty())
      return;
    if (c && colour_)
      out_.append(c).append(s).append(reset);
    else
      out_.append(s);
    used_ += static_cast<int>(s.size());
  }

  void end_line() {
    out_ += '\n';
    used_ = 0;
  }

  void line(std::string_view s, const char* c = nullptr) {
    add(s, c);
    end_line();
  }

  /// Tokens joined by `sep`, wrapped onto more lines (indented by two)
  /// rather than clipped.
  void wrap(const std::vector<std::pair<std::string, const char*>>& tokens,
            std::string_view sep) {
    bool first = true;
    for (auto& [t, c] : tokens) {
      if (!first && used_ + static_cast<int>(sep.size() + t.size()) > width_) {
        end_line();
        add("  ");
      } else if (!first) {
        add(sep);
      }
      add(t, c);
      first = false;
    }
    end_line();
  }

  int width() const { return width_; }
  int room() const { return width_ - used_; }
  std::string str() && { return std::move(out_); }

private:
  int width_;
  bool colour_;
  int used_ = 0;
  std::string out_;
};

struct cell {
  std::string text;
  const char* colour = nullptr;
};

struct column {
  std::string title;
  int width;
  bool right;   ///< numbers are right-aligned
  int drop = 0; ///< 0: always shown; else dropped first (highest) when narrow
  int min_width = 0; ///< text columns shrink to this before anything is clipped
};

/// A table that fits the screen: drops low-priority columns, then shrinks
/// text columns, then (narrower still) leaves out the columns that do not fit.
class table {
public:
  table(std::vector<column> cols, int width) : cols_(std::move(cols)) {
    shown_.assign(cols_.size(), true);
    while (total() > width) {
      int victim = -1;
      for (std::size_t i = 0; i < cols_.size(); ++i)
        if (shown_[i] && cols_[i].drop > 0
            && (victim < 0 || cols_[i].drop > cols_[static_cast<std::size_t>(victim)].drop))
          victim = static_cast<int>(i);
      if (victim < 0)
        break;
      shown_[static_cast<std::size_t>(victim)] = false;
    }
    for (auto& c : cols_)
      if (total() > width && c.min_width > 0)
        c.width = std::max(c.min_width, c.width - (total() - width));
  }

  void header(screen& s) const {
    std::vector<cell> titles;
    for (auto& c : cols_)
      titles.push_back({c.title, nullptr});
    row(s, titles, bold);
  }

  /// One row; `line_colour` colours cells that have none of their own.
  void row(screen& s, const std::vector<cell>& cells, const char* line_colour = nullptr) const {
    bool first = true;
    for (std::size_t i = 0; i < cols_.size() && i < cells.size(); ++i) {
      if (!shown_[i])
        continue;
      // A column that no longer fits is left out whole: a clipped number lies.
      if (s.room() < cols_[i].width + (first ? 0 : 1))
        break;
      if (!first)
        s.add(" ");
      first = false;
      s.add(pad(cells[i].text, cols_[i]), cells[i].colour ? cells[i].colour : line_colour);
    }
    s.end_line();
  }

private:
  int total() const {
    int t = 0, n = 0;
    for (std::size_t i = 0; i < cols_.size(); ++i)
      if (shown_[i]) {
        t += cols_[i].width;
        ++n;
      }
    return t + std::max(n - 1, 0);
  }

  /// Fits `text` into the column: text is cut with a '~', a number that
  /// does not fit is shown as '#'s rather than misleading digits.
  static std::string pad(const std::string& text, const column& c) {
    auto w = static_cast<std::size_t>(c.width);
    if (text.size() > w) {
      if (c.right)
        return std::string(w, '#');
      return w == 0 ? std::string{} : text.substr(0, w - 1) + "~";
    }
    std::string fill(w - text.size(), ' ');
    return c.right ? fill + text : text + fill;
  }

  std::vector<column> cols_;
  std::vector<bool> shown_;
};

// -- sections ------------------------------------------------------------------

void header_section(screen& s, const expected<top_spreads>& top, const scan_options& opts,
                    int64_t now_ns) {
  std::vector<std::pair<std::string, const char*>> tokens;
  tokens.emplace_back(clock_utc(now_ns) + " UTC", bold);
  tokens.emplace_back(opts.standalone ? std::string{"standalone"} : opts.url, nullptr);
  if (top) {
    // Age from the snapshot's own time; the node's age_ms if the clocks disagree.
    // ts 0: no snapshot yet.
    std::string age = top->ts.bad ? "?" : "-";
    if (top->ts.v && *top->ts.v <= 0)
      age = "-";
    else if (top->ts.v && now_ns >= *top->ts.v)
      age = show_ms(static_cast<double>(now_ns - *top->ts.v) / 1e6);
    else if (top->age_ms.v)
      age = show_ms(*top->age_ms.v);
    tokens.emplace_back("age " + age, nullptr);
    tokens.emplace_back("symbols " + show_count(top->symbols), nullptr);
    tokens.emplace_back("ranked " + show_count(top->ranked), nullptr);
    bool any_stale = top->stale_rows.v && *top->stale_rows.v > 0;
    tokens.emplace_back("stale " + show_count(top->stale_rows), any_stale ? yellow : nullptr);
    tokens.emplace_back("sort " + (top->sort.v ? *top->sort.v : opts.sort), nullptr);
    tokens.emplace_back("refresh " + show(top->refresh_ms, 2) + " ms", nullptr);
    if (top->ready == false)
      tokens.emplace_back("NOT READY (no snapshot yet)", yellow);
  }
  s.wrap(tokens, "  ");
}

void venues_section(screen& s, const top_spreads& top) {
  std::vector<std::pair<std::string, const char*>> tokens;
  tokens.emplace_back("venues:", nullptr);
  for (auto& v : top.venues) {
    bool stale = v.stale.v.value_or(false);
    // quotes/symbols: how many of the venue's common symbols have a quote.
    tokens.emplace_back(show(v.venue) + " " + show(v.state) + " " + show_count(v.quotes) + "/"
                          + show_count(v.symbols) + (stale ? " STALE" : ""),
                        stale ? red : nullptr);
  }
  if (top.venues.empty())
    tokens.emplace_back("none", nullptr);
  s.wrap(tokens, "  ");
}

/// The top-N table. The sort key's column is never dropped.
void rows_section(screen& s, const top_spreads& top, const scan_options& opts) {
  auto sort = top.sort.v ? *top.sort.v : opts.sort;
  auto hours = [](const num& h) {
    return h.v && *h.v > 0 ? "/" + show_count(h) + "h" : std::string{};
  };
  auto keep = [&](std::string_view key, int drop) { return sort == key ? 0 : drop; };
  std::vector<column> cols{
    {"#", 3, true},
    {"SYMBOL", 16, false, 0, 8},
    {"SELL@", 12, false, 0, 6},
    {"BUY@", 12, false, 0, 6},
    {"SPREAD", 9, true},
    {"NOTIONAL", 10, true, keep("notional", 1)},
    {"LEV", 5, true, 2},
    {"FUND" + hours(top.funding_basis_hours), 9, true, keep("funding", 4)},
    {"APR %", 8, true, keep("funding", 5)},
    {"CARRY" + hours(top.carry_horizon_hours), 9, true, keep("carry", 3)},
    {"AGE ms", 13, true, 6},
  };
  table t{std::move(cols), s.width()};
  s.line("top " + std::to_string(top.rows.size()) + " by " + sort
         + "  (bps; LEV * = fallback leverage; AGE = sell/buy quote ages)");
  t.header(s);
  for (auto& r : top.rows) {
    std::string lev = show_count(r.leverage);
    lev += r.leverage_fallback.bad ? "?" : r.leverage_fallback.v.value_or(false) ? "*" : " ";
    // Ages in the row's direction: sell venue first.
    bool swapped = r.sell_venue.v && r.venue_b.v && r.sell_venue.v == r.venue_b.v
                   && r.venue_a.v != r.venue_b.v;
    auto age_sell = show(swapped ? r.age_ms_b : r.age_ms_a, 0);
    auto age_buy = show(swapped ? r.age_ms_a : r.age_ms_b, 0);
    const char* carry_colour = r.carry_bps.v && *r.carry_bps.v > 0 ? green : nullptr;
    t.row(s, {{show_count(r.rank)},
              {show(r.symbol)},
              {show(r.sell_venue)},
              {show(r.buy_venue)},
              {show(r.spread_bps, 2)},
              {show(r.notional_bps, 2)},
              {lev},
              {show(r.funding_diff_bps, 3)},
              {show(r.funding_apr_pct, 2)},
              {show(r.carry_bps, 2), carry_colour},
              {age_sell + "/" + age_buy}});
  }
  if (top.rows.empty())
    s.line("  no ranked rows yet");
}

void stale_section(screen& s, const top_spreads& top) {
  bool any = top.stale_rows.v && *top.stale_rows.v > 0;
  s.add("stale (not ranked): " + show_count(top.stale_rows), any ? yellow : nullptr);
  std::string examples;
  for (auto& r : top.stale) {
    examples += examples.empty() ? "  e.g. " : ", ";
    examples += show(r.symbol) + " " + show(r.venue_a) + "/" + show(r.venue_b);
    if (!r.stale_venues.empty()) {
      std::string who;
      for (auto& v : r.stale_venues)
        who += (who.empty() ? "" : ",") + v;
      examples += " (" + who + ")";
    }
  }
  s.add(examples);
  s.end_line();
}

void signals_section(screen& s, const expected<signals_doc>& sig, int64_t now_ns) {
  if (!sig) {
    s.line("signals: error: " + sig.error().message, red);
    return;
  }
  s.line("signals: last " + std::to_string(sig->signals.size()) + " of " + show_count(sig->kept)
         + " kept  (>= " + show_count(sig->threshold_bps) + " bps for "
         + show_count(sig->samples) + " samples, cooldown " + show_count(sig->cooldown_s)
         + " s)");
  if (sig->signals.empty()) {
    s.line("  none yet");
    return;
  }
  table t{{{"TIME", 8, false},
           {"AGO", 5, true, 2},
           {"SYMBOL", 16, false, 0, 8},
           {"SELL@", 12, false, 0, 6},
           {"BUY@", 12, false, 0, 6},
           {"SPREAD", 9, true},
           {"NOTIONAL", 10, true, 1},
           {"CARRY", 9, true, 3}},
          s.width()};
  t.header(s);
  for (auto& g : sig->signals) {
    std::string when = g.ts.bad ? "?" : g.ts.v ? clock_utc(*g.ts.v) : "-";
    std::string since = g.ts.bad ? "?" : g.ts.v ? ago(now_ns - *g.ts.v) : "-";
    t.row(s, {{when},
              {since},
              {show(g.symbol)},
              {show(g.sell_venue)},
              {show(g.buy_venue)},
              {show(g.spread_bps, 2)},
              {show(g.notional_bps, 2)},
              {show(g.carry_bps, 2)}});
  }
}

void problems_section(screen& s, const problems& top_p, const problems& sig_p) {
  auto total = top_p.total + sig_p.total;
  if (total == 0)
    return;
  s.line("");
  s.line("data problems (" + std::to_string(total) + "; shown as ?):", yellow);
  constexpr std::size_t shown_max = 5;
  std::size_t shown = 0;
  for (auto* p : {&top_p, &sig_p})
    for (auto& item : p->items)
      if (shown < shown_max) {
        s.line(std::string{"  "} + (p == &top_p ? "top-spreads " : "signals ") + item, yellow);
        ++shown;
      }
  if (total > shown)
    s.line("  ... and " + std::to_string(total - shown) + " more", yellow);
}

} // namespace

std::string render_notice(std::string_view text, const scan_options& opts) {
  int width = opts.width > 0 ? std::max(opts.width, scan_min_width) : scan_default_width;
  screen s{width, !opts.plain};
  std::vector<std::pair<std::string, const char*>> words;
  for (std::size_t at = 0; at < text.size();) {
    auto end = std::min(text.find(' ', at), text.size());
    if (end > at)
      words.emplace_back(printable(text.substr(at, end - at)), red);
    at = end + 1;
  }
  s.wrap(words, " ");
  return std::move(s).str();
}

std::string clock_utc(int64_t ts_ns) {
  // Floor division so that times before 1970 still print.
  int64_t secs = ts_ns / 1'000'000'000 - (ts_ns % 1'000'000'000 < 0 ? 1 : 0);
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  if (!gmtime_r(&t, &tm))
    return "??:??:??";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string render_scan(std::string_view top_spreads_json, std::string_view signals_json,
                        const scan_options& opts, int64_t now_ns) {
  int width = opts.width > 0 ? std::max(opts.width, scan_min_width) : scan_default_width;
  screen s{width, !opts.plain};
  problems top_p;
  problems sig_p;
  auto top = parse_top_spreads(top_spreads_json, static_cast<std::size_t>(std::max(opts.limit, 0)),
                               3, top_p);
  auto sig = parse_signals(signals_json, scan_signals_shown, sig_p);
  header_section(s, top, opts, now_ns);
  if (!top) {
    s.line("top-spreads: error: " + top.error().message, red);
  } else {
    venues_section(s, *top);
    s.line("");
    rows_section(s, *top, opts);
    stale_section(s, *top);
  }
  s.line("");
  signals_section(s, sig, now_ns);
  problems_section(s, top_p, sig_p);
  return std::move(s).str();
}

} // namespace xarb::cli
