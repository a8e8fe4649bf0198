#include "web/board_stream.hpp"

#include "monitoring/board_json.hpp"
#include "monitoring/scan_board.hpp"
#include "monitoring/scan_json.hpp"
#include "monitoring/status_board.hpp"

namespace xarb {

namespace {

template <class Fn>
std::string json_of(Fn&& fn) {
  json::writer w;
  fn(w);
  return std::move(w).str();
}

/// The scanner's default ranking, one item per row.
std::vector<stream_item> ranking_items(const scan_board* scan) {
  std::vector<stream_item> out;
  if (!scan)
    return out;
  auto snap = scan->snapshot();
  if (!snap)
    return out;
  const auto settings = scan->settings();
  scanner::rank_query q;
  q.sort = settings.sort;
  q.limit = settings.top_n;
  q.stale_limit = 0;
  auto ranked = scanner::rank(*snap, q);
  out.reserve(ranked.rows.size());
  for (std::size_t i = 0; i < ranked.rows.size(); ++i)
    out.push_back({scan_json::row_id(*snap, *ranked.rows[i].row), json_of([&](json::writer& w) {
                     scan_json::write_row(w, *snap, ranked.rows[i], i + 1);
                   })});
  return out;
}

std::vector<stream_item> keyed_items(const status_board& board, std::string_view topic,
                                     timestamp_ns now) {
  std::vector<stream_item> out;
  if (topic == "tops") {
    for (auto& v : board.venues())
      for (auto& b : v.books)
        out.push_back({v.name + "/" + b.symbol,
                       json_of([&](json::writer& w) { board_json::write_top(w, v.name, b); })});
  } else if (topic == "spreads" || topic == "pairs") {
    const bool full = topic == "pairs";
    for (auto& p : board.pairs())
      out.push_back({p.id, json_of([&](json::writer& w) {
                       if (full)
                         board_json::write_pair(w, p);
                       else
                         board_json::write_spread(w, p);
                     })});
  } else if (topic == "risk") {
    if (auto r = board.risk(); !r.empty())
      out.push_back({"risk", std::move(r)});
  } else if (topic == "venues") {
    for (auto& v : board.venues())
      out.push_back(
        {v.name, json_of([&](json::writer& w) { board_json::write_venue(w, v, now, false); })});
  }
  return out;
}

template <class T, class Write>
std::vector<stream_entry> entries(const std::vector<logged<T>>& log, Write&& write) {
  std::vector<stream_entry> out;
  out.reserve(log.size());
  for (auto& e : log)
    out.push_back({e.seq, json_of([&](json::writer& w) { write(w, e.item, e.seq); })});
  return out;
}

} // namespace

std::shared_ptr<const stream_source> make_board_stream(const status_board& board,
                                                       std::function<timestamp_ns()> clock,
                                                       const scan_board* scan) {
  auto src = std::make_shared<stream_source>();
  src->keyed = [&board, clock, scan](std::string_view topic) {
    if (topic == "rankings")
      return ranking_items(scan);
    return keyed_items(board, topic, clock ? clock() : 0);
  };
  src->log = [&board, scan](std::string_view topic, uint64_t after,
                            std::size_t limit) -> std::vector<stream_entry> {
    if (topic == "signals") {
      std::vector<stream_entry> out;
      if (scan)
        for (auto& s : scan->signals(after, limit))
          out.push_back({s.seq, json_of([&](json::writer& w) { scan_json::write_signal(w, s); })});
      return out;
    }
    if (topic == "orders")
      return entries(board.orders(after, limit),
                     [](json::writer& w, const order_update& u, uint64_t seq) {
                       board_json::write_order(w, u, seq);
                     });
    if (topic == "fills")
      return entries(board.fills(after, limit),
                     [](json::writer& w, const fill_record& f, uint64_t seq) {
                       board_json::write_fill(w, f, seq);
                     });
    if (topic == "equity") {
      std::vector<stream_entry> out;
      for (auto& p : board.equity(after, limit).points)
        out.push_back({p.seq, json_of([&](json::writer& w) { board_json::write_equity(w, p); })});
      return out;
    }
    if (topic == "events")
      return entries(board.events(after, limit),
                     [](json::writer& w, const event& e, uint64_t seq) {
                       board_json::write_event(w, e, seq);
                     });
    return {};
  };
  return src;
}

} // namespace xarb
