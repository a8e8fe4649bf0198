#include "venues/mock/mock_market.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>
#include <set>
#include <stdexcept>

#include "core/instrument_registry.hpp"
#include "venues/sim/sim_venue.hpp"
#include "venues/sim/world_generator.hpp"

namespace xarb::mock {

namespace {

constexpr std::size_t npos = static_cast<std::size_t>(-1);

std::string upper(std::string_view s) {
  std::string out{s};
  for (auto& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

sim::venue_config& venue_config_of(sim::world_config& w, const std::string& name) {
  for (auto& v : w.venues)
    if (v.name == name)
      return v;
  std::string known;
  for (const auto& v : w.venues)
    known += (known.empty() ? "" : ", ") + v.name;
  throw std::invalid_argument("mock market: unknown sim venue '" + name + "' (configured: "
                              + (known.empty() ? "none" : known) + ")");
}

// How a venue config of the world spells `s` (as the simulator does).
std::string sim_native_name(const sim::venue_config& v, const sim::symbol_config& s) {
  for (const auto& o : v.contracts)
    if (o.symbol == s.symbol && !o.native_symbol.empty())
      return o.native_symbol;
  std::string out = v.native_format;
  const std::string key = "{base}";
  if (auto pos = out.find(key); pos != std::string::npos)
    out.replace(pos, key.size(), s.base);
  return out;
}

// Base coins per canonical unit: the largest unit any venue of the world
// spells (1000 for PEPE when one venue trades 1000PEPEUSDT), like the
// instrument registry chooses it.
ratio canonical_unit(const sim::world_config& w, const sim::symbol_config& s) {
  ratio best = ratio::from_units(1);
  for (const auto& v : w.venues) {
    auto info = parse_native_symbol(symbol_style::automatic, sim_native_name(v, s));
    if (info && info->unit > best)
      best = info->unit;
  }
  return best;
}

// Lists only the requested symbols: everything else of the world becomes
// unlisted on the mock's venue.
void restrict_listing(sim::world_config& w, sim::venue_config& v,
                      const std::vector<std::string>& wanted) {
  if (wanted.empty())
    return;
  const auto all = sim::world_symbols(w);
  std::set<std::string> keep;
  for (const auto& want : wanted) {
    const auto key = upper(want);
    auto it = std::find_if(all.begin(), all.end(), [&](const sim::symbol_config& s) {
      return upper(s.symbol) == key || upper(s.base) == key;
    });
    if (it == all.end()) {
      std::string known;
      for (const auto& s : all)
        known += (known.empty() ? "" : ", ") + s.symbol;
      throw std::invalid_argument("mock market: unknown symbol '" + want + "' (world: " + known
                                  + ")");
    }
    keep.insert(it->symbol);
  }
  for (const auto& s : all)
    if (!keep.contains(s.symbol)
        && std::find(v.unlisted.begin(), v.unlisted.end(), s.symbol) == v.unlisted.end())
      v.unlisted.push_back(s.symbol);
  // Generated symbols asked for by name are listed whatever the ratio says.
  if (w.generate_symbols > 0)
    v.listing_ratio = 1.0;
}

// Exact on the simulator's grids; nearest only as a fallback that the
// simulator's construction (native tick/lot, canonical = native x mult)
// never needs.
price native_price(price px, ratio mult) {
  if (mult == ratio::from_units(1))
    return px;
  if (auto v = multiply(px, mult, rounding::exact))
    return *v;
  auto v = multiply(px, mult, rounding::nearest);
  return v ? *v : px;
}

quantity native_qty(quantity qty, ratio mult) {
  if (mult == ratio::from_units(1))
    return qty;
  if (auto v = divide_by(qty, mult, rounding::exact))
    return *v;
  auto v = divide_by(qty, mult, rounding::nearest);
  return v ? *v : qty;
}

bool same_level(const book_level& a, const std::optional<book_level>& b) {
  return b ? a == *b : a == book_level{};
}

} // namespace

mock_market::mock_market(const venue_protocol& protocol, market_config cfg)
  : venue_(protocol.venue()) {
  auto& world = cfg.world;
  if (cfg.seed)
    world.seed = *cfg.seed;
  auto& vc = venue_config_of(world, cfg.sim_venue);
  // The mock is the exchange: the network adds the latency, the server the
  // faults.
  vc.latency_ms = 0;
  vc.gap_probability = 0;
  vc.corrupt_probability = 0;
  restrict_listing(world, vc, cfg.symbols);
  sim_ = std::make_unique<sim::venue>(world, cfg.sim_venue);

  const auto all = sim::world_symbols(world);
  const auto& specs = sim_->instruments();
  syms_.resize(specs.size());
  instruments_.reserve(specs.size());
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const auto& spec = specs[i];
    auto s = std::find_if(all.begin(), all.end(),
                          [&](const sim::symbol_config& x) { return x.symbol == spec.symbol; });
    const ratio canon = s != all.end() ? canonical_unit(world, *s) : ratio::from_units(1);
    auto unit = multiply(canon, spec.multiplier, rounding::exact);
    if (!unit)
      unit = multiply(canon, spec.multiplier, rounding::nearest);
    syms_[i].unit = unit ? *unit : spec.multiplier;
    syms_[i].interval_s = spec.funding_interval_s;

    mock_instrument mi;
    mi.spec = spec;
    mi.spec.venue = venue_;
    mi.spec.native_symbol = protocol.native_symbol(spec.base, syms_[i].unit);
    mi.index = static_cast<uint32_t>(i);
    if (mi.spec.native_symbol.empty())
      throw std::invalid_argument("mock market: " + venue_ + " has no name for "
                                  + spec.symbol);
    if (!by_native_.emplace(mi.spec.native_symbol, i).second)
      throw std::invalid_argument("mock market: " + venue_ + " names two instruments "
                                  + mi.spec.native_symbol);
    by_canonical_.emplace(spec.symbol, i);
    instruments_.push_back(std::move(mi));
  }
}

mock_market::~mock_market() = default;

// -- lookups ----------------------------------------------------------------------

std::size_t mock_market::index_of(std::string_view native) const {
  auto it = by_native_.find(native);
  return it == by_native_.end() ? npos : it->second;
}

std::size_t mock_market::index_of_canonical(std::string_view symbol) const {
  auto it = by_canonical_.find(symbol);
  return it == by_canonical_.end() ? npos : it->second;
}

const mock_instrument* mock_market::find(std::string_view native) const {
  const auto i = index_of(native);
  return i == npos ? nullptr : &instruments_[i];
}

std::optional<ratio> mock_market::unit_of(std::string_view native) const {
  const auto i = index_of(native);
  if (i == npos)
    return std::nullopt;
  return syms_[i].unit;
}

book_snapshot mock_market::book(std::string_view native, std::size_t depth) const {
  const auto i = index_of(native);
  if (i == npos)
    throw std::invalid_argument("mock market: unknown symbol '" + std::string{native} + "'");
  book_snapshot s;
  s.venue = venue_;
  s.symbol = instruments_[i].spec.native_symbol;
  syms_[i].book.to_snapshot(s, depth);
  s.exchange_ts = now_;
  s.recv_ts = now_;
  return s;
}

std::optional<mark_state> mock_market::mark(std::string_view native) const {
  const auto i = index_of(native);
  if (i == npos || !started())
    return std::nullopt;
  const auto& st = syms_[i];
  const auto& spec = instruments_[i].spec;
  mark_state m;
  // Index: the simulator's fair price (a model double) onto the native tick.
  const double fair = sim_->fair_mid(spec.symbol);
  auto index = price::from_raw(std::llround(fair * static_cast<double>(decimal_scale)));
  index = native_price(index, spec.multiplier);
  if (auto r = index.round_to(spec.tick, rounding::nearest))
    index = *r;
  m.index = index;
  // Mark: the book mid (rounded toward the bid when odd in nanos, like the
  // simulator's settlement), else one side, else the index.
  const auto bid = st.book.best_bid();
  const auto ask = st.book.best_ask();
  if (bid && ask)
    m.mark = price::from_raw(std::midpoint(bid->px.raw(), ask->px.raw()));
  else if (bid || ask)
    m.mark = bid ? bid->px : ask->px;
  else
    m.mark = index;
  m.rate = st.rate;
  m.interval_s = st.interval_s;
  m.next_funding_ts = st.next_funding_ts;
  return m;
}

// -- driving -----------------------------------------------------------------------

void mock_market::advance(timestamp_ns now, std::vector<market_change>& out) {
  run(now, out, nullptr);
}

void mock_market::advance(timestamp_ns now,
                          const std::function<void(const market_change&)>& on_change) {
  scratch_.clear();
  run(now, scratch_, &on_change);
  scratch_.clear();
}

void mock_market::publish(market_change c) {
  out_->push_back(std::move(c));
  if (each_ && *each_)
    (*each_)(out_->back());
}

void mock_market::run(timestamp_ns now, std::vector<market_change>& out, const change_fn* each) {
  out_ = &out;
  each_ = each;
  struct reset { // a throwing callback must not leave dangling pointers
    mock_market* m;
    ~reset() { m->out_ = nullptr, m->each_ = nullptr; }
  } guard{this};
  if (now < now_)
    now = now_;
  if (now <= 0)
    now = 1; // 0 means "not started" here
  events_.clear();
  sim_->advance(now, events_);
  now_ = now;
  for (auto& e : events_) {
    if (const auto* s = std::get_if<book_snapshot>(&e)) {
      if (auto i = index_of_canonical(s->symbol); i != npos) {
        ++book_events_;
        on_snapshot(i, *s);
        note_top(i, s->exchange_ts);
      }
    } else if (const auto* d = std::get_if<book_delta>(&e)) {
      if (auto i = index_of_canonical(d->symbol); i != npos) {
        ++book_events_;
        on_delta(i, *d);
      }
    } else if (const auto* f = std::get_if<funding_rate>(&e)) {
      if (auto i = index_of_canonical(f->symbol); i != npos) {
        auto& st = syms_[i];
        st.rate = f->rate;
        st.interval_s = f->interval_s;
        st.next_funding_ts = f->next_funding_ts;
      }
    }
    // funding payments and order events: the mock has no account.
  }
}

book_level mock_market::to_native(const book_level& l, std::size_t i) const {
  const ratio mult = instruments_[i].spec.multiplier;
  return {native_price(l.px, mult), native_qty(l.qty, mult)};
}

void mock_market::on_snapshot(std::size_t i, const book_snapshot& s) {
  book_snapshot n;
  n.venue = venue_;
  n.symbol = instruments_[i].spec.native_symbol;
  n.seq = s.seq;
  n.exchange_ts = s.exchange_ts;
  n.recv_ts = s.recv_ts;
  n.bids.reserve(s.bids.size());
  n.asks.reserve(s.asks.size());
  for (const auto& l : s.bids)
    n.bids.push_back(to_native(l, i));
  for (const auto& l : s.asks)
    n.asks.push_back(to_native(l, i));
  if (syms_[i].book.apply(n) != error_code::none)
    resync(i);
}

void mock_market::on_delta(std::size_t i, const book_delta& d) {
  book_delta n;
  n.venue = venue_;
  n.symbol = instruments_[i].spec.native_symbol;
  n.first_seq = d.first_seq;
  n.seq = d.seq;
  n.prev_seq = d.prev_seq;
  n.exchange_ts = d.exchange_ts;
  n.recv_ts = d.recv_ts;
  n.bids.reserve(d.bids.size());
  n.asks.reserve(d.asks.size());
  for (const auto& l : d.bids)
    n.bids.push_back(to_native(l, i));
  for (const auto& l : d.asks)
    n.asks.push_back(to_native(l, i));
  // The simulator numbers without holes here (no wire gaps), so apply()
  // cannot fail; if it ever did, the exchange's own book is the truth.
  if (syms_[i].book.apply(n) != error_code::none)
    resync(i);
  const auto ts = n.exchange_ts;
  publish(std::move(n));
  note_top(i, ts);
}

void mock_market::note_top(std::size_t i, timestamp_ns ts) {
  auto& st = syms_[i];
  const auto bid = st.book.best_bid();
  const auto ask = st.book.best_ask();
  if (same_level(st.top_bid, bid) && same_level(st.top_ask, ask))
    return;
  st.top_bid = bid.value_or(book_level{});
  st.top_ask = ask.value_or(book_level{});
  top_of_book t;
  t.venue = venue_;
  t.symbol = instruments_[i].spec.native_symbol;
  t.seq = st.book.seq();
  t.bid = st.top_bid;
  t.ask = st.top_ask;
  t.exchange_ts = ts;
  t.recv_ts = now_;
  publish(std::move(t));
}

void mock_market::resync(std::size_t i) {
  auto s = sim_->snapshot(instruments_[i].spec.symbol);
  book_snapshot n;
  n.venue = venue_;
  n.symbol = instruments_[i].spec.native_symbol;
  n.seq = s.seq;
  n.exchange_ts = s.exchange_ts;
  for (const auto& l : s.bids)
    n.bids.push_back(to_native(l, i));
  for (const auto& l : s.asks)
    n.asks.push_back(to_native(l, i));
  (void)syms_[i].book.apply(n);
}

} // namespace xarb::mock
