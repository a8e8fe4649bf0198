#include "venues/mock/server_state.hpp"

#include <array>
#include <cstdint>

#include <fmt/format.h>

#include "venues/mock/rest_target.hpp"

namespace xarb::mock {

namespace {

using steady = std::chrono::steady_clock;

constexpr std::string_view control_prefix = "/__mock/";
constexpr std::string_view default_junk = R"({"broken":)";

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        else
          out.push_back(c);
    }
  }
  return out;
}

std::string param(const rest_call& c, std::string_view key) {
  auto it = c.query.find(key);
  return it == c.query.end() ? std::string{} : it->second;
}

std::optional<int64_t> number(const std::string& s) {
  if (s.empty() || s.size() > 12)
    return std::nullopt;
  int64_t v = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9')
      return std::nullopt;
    v = v * 10 + (ch - '0');
  }
  return v;
}

} // namespace

// -- stats -----------------------------------------------------------------------------

std::string to_json(const mock_stats& s) {
  auto map = [](const std::map<std::string, uint64_t, std::less<>>& m) {
    std::string out = "{";
    for (const auto& [k, v] : m) {
      if (out.size() > 1)
        out += ',';
      out += fmt::format(R"("{}":{})", json_escape(k), v);
    }
    return out + "}";
  };
  return fmt::format(
    R"({{"clients":{},"ws_connections":{},"frames_in":{},"frames_sent":{},"frames_withheld":{},)"
    R"("subscriptions":{},"faults":{},"rest_requests":{},"rest_faulted":{},)"
    R"("clients_dropped_slow":{},"ticks":{},"stalled":{},"errors":{},"last_error":"{}"}})",
    s.clients, s.ws_connections, s.frames_in, map(s.frames_sent), s.frames_withheld,
    map(s.subscriptions), map(s.faults), map(s.rest_requests), s.rest_faulted,
    s.clients_dropped_slow, s.ticks, s.stalled ? "true" : "false", s.errors,
    json_escape(s.last_error));
}

namespace detail {

std::string_view name_of(out_kind k) {
  static constexpr std::array<std::string_view, 7> names = {
    "reply", "snapshot", "delta", "top", "mark", "ping", "malformed"};
  return names[static_cast<std::size_t>(k)];
}

http_answer control_error(int status, std::string_view message) {
  return {status, fmt::format(R"({{"ok":false,"error":"{}"}})", json_escape(message)),
          "application/json", {}};
}

void server_state::note_error(std::string_view what) {
  update_stats([&](mock_stats& s) {
    ++s.errors;
    s.last_error = std::string{what};
  });
}

std::vector<std::shared_ptr<ws_peer>> server_state::live_peers() {
  std::vector<std::shared_ptr<ws_peer>> live;
  std::erase_if(peers, [&](const std::weak_ptr<ws_peer>& w) {
    if (auto p = w.lock()) {
      live.push_back(std::move(p));
      return false;
    }
    return true;
  });
  return live;
}

void server_state::refresh_subscriptions() {
  uint64_t books = 0, tops = 0, marks = 0;
  for (auto& p : live_peers()) {
    if (!p->open())
      continue;
    books += p->client.books.size();
    tops += p->client.tops.size();
    marks += p->client.marks.size();
  }
  update_stats([&](mock_stats& s) {
    s.subscriptions["books"] = books;
    s.subscriptions["tops"] = tops;
    s.subscriptions["marks"] = marks;
  });
}

void server_state::send_all(ws_peer& p, out_kind kind, std::vector<std::string>& frames) {
  for (auto& f : frames)
    p.send(kind, std::move(f));
  frames.clear();
}

void server_state::deliver_snapshots(ws_peer& p) {
  if (p.client.snapshot_due.empty())
    return;
  auto due = std::move(p.client.snapshot_due);
  p.client.snapshot_due.clear();
  std::vector<std::string> out;
  for (const auto& native : due) {
    if (!market->find(native))
      continue;
    protocol->snapshot_frames(market->book(native, cfg.snapshot_depth), p.client, *market,
                              out);
    send_all(p, out_kind::snapshot, out);
  }
}

void server_state::on_open(ws_peer& p) {
  std::vector<std::string> out;
  try {
    protocol->on_open(p.client, *market, out);
    send_all(p, out_kind::reply, out);
    deliver_snapshots(p);
  } catch (const std::exception& e) {
    note_error(e.what());
  }
}

void server_state::on_text(ws_peer& p, std::string_view text) {
  ++p.client.frames_in;
  update_stats([](mock_stats& s) { ++s.frames_in; });
  std::vector<std::string> out;
  try {
    protocol->on_client_text(text, p.client, *market, out);
    send_all(p, out_kind::reply, out);
    deliver_snapshots(p); // a new subscription's snapshot need not wait for the tick
  } catch (const std::exception& e) {
    note_error(e.what());
  }
  refresh_subscriptions();
}

void server_state::dispatch(const market_change& c,
                            const std::vector<std::shared_ptr<ws_peer>>& live) {
  std::vector<std::string> out;
  if (const auto* d = std::get_if<book_delta>(&c)) {
    bool withheld = false;
    if (auto it = gaps.find(d->symbol); it != gaps.end()) {
      gaps.erase(it);
      withheld = true;
    }
    for (const auto& p : live) {
      if (!p->open() || !p->client.books.contains(d->symbol)
          || p->client.snapshot_due.contains(d->symbol))
        continue;
      protocol->book_frames(*d, p->client, *market, out);
      if (withheld) {
        // Encoded (per-connection numbering advances), sent to nobody.
        update_stats([&](mock_stats& s) { s.frames_withheld += out.size(); });
        out.clear();
      } else {
        send_all(*p, out_kind::delta, out);
      }
    }
  } else if (const auto* t = std::get_if<top_of_book>(&c)) {
    for (const auto& p : live) {
      if (!p->open() || !p->client.tops.contains(t->symbol))
        continue;
      protocol->top_frames(*t, p->client, out);
      send_all(*p, out_kind::top, out);
    }
  }
}

void server_state::tick() {
  const auto t = steady::now();
  if (gate.held && t >= stall_until)
    resume(false);
  auto live = live_peers();
  for (auto& p : live)
    if (p->open())
      deliver_snapshots(*p);
  market->advance(clock(), [&](const market_change& c) { dispatch(c, live); });
  const bool marks_due = t >= next_mark;
  if (marks_due)
    next_mark = t + cfg.mark_interval;
  const bool ping_due = t >= next_ping;
  if (ping_due)
    next_ping = t + cfg.ping_interval;
  const std::string ping = ping_due ? protocol->server_ping(market->now()) : std::string{};
  std::vector<std::string> out;
  for (auto& p : live) {
    if (!p->open())
      continue;
    if (marks_due) {
      for (const auto& native : p->client.marks)
        if (auto m = market->mark(native))
          protocol->mark_frames(native, *m, market->now(), p->client, out);
      send_all(*p, out_kind::mark, out);
    }
    if (!ping.empty())
      p->send(out_kind::ping, ping);
  }
  refresh_subscriptions();
  update_stats([](mock_stats& s) { ++s.ticks; });
}

void server_state::count_fault(std::string_view kind) {
  update_stats([&](mock_stats& s) { ++s.faults[std::string{kind}]; });
}

error_info server_state::gap(std::string_view native) {
  if (native.empty()) {
    for (const auto& i : market->instruments())
      gaps.insert(i.spec.native_symbol);
  } else {
    if (!market->find(native))
      return {error_code::unknown_symbol,
              "the mock venue does not list '" + std::string{native} + "'"};
    gaps.emplace(native);
  }
  count_fault("gap");
  return {};
}

error_info server_state::disconnect(bool graceful) {
  for (auto& p : live_peers())
    p->drop(graceful);
  count_fault("disconnect");
  return {};
}

error_info server_state::stall(std::chrono::milliseconds duration) {
  if (duration.count() < 0)
    return {error_code::config_error, "stall duration must be >= 0"};
  gate.held = true;
  stall_until = duration.count() > 0 ? steady::now() + duration : steady::time_point::max();
  update_stats([](mock_stats& s) { s.stalled = true; });
  count_fault("stall");
  return {};
}

error_info server_state::resume(bool counted) {
  if (gate.held) {
    gate.held = false;
    stall_until = steady::time_point::max();
    for (auto& p : live_peers())
      p->wake();
    update_stats([](mock_stats& s) { s.stalled = false; });
  }
  if (counted)
    count_fault("resume");
  return {};
}

error_info server_state::malformed(std::string text) {
  if (text.empty())
    text = std::string{default_junk};
  for (auto& p : live_peers())
    if (p->open())
      p->send(out_kind::malformed, text);
  count_fault("malformed");
  return {};
}

error_info server_state::rest_error(int status, uint32_t count) {
  if (status < 400 || status > 599)
    return {error_code::config_error, "rest_error status must be in 400..599"};
  if (count == 0)
    return {error_code::config_error, "rest_error count must be >= 1"};
  rest_status = status;
  rest_left = count;
  count_fault("rest_error");
  return {};
}

http_answer server_state::handle_http(std::string_view method, std::string_view target,
                                      std::string body) {
  auto call = make_rest_call(method, target, std::move(body));
  if (!call)
    return control_error(400, call.error().message);
  if (cfg.control && call->path.starts_with(control_prefix))
    return control(*call);
  update_stats([&](mock_stats& s) { ++s.rest_requests[call->path]; });
  if (rest_left > 0) {
    --rest_left;
    update_stats([](mock_stats& s) { ++s.rest_faulted; });
    http_answer a{rest_status,
                  fmt::format(R"({{"code":{},"msg":"mock fault: HTTP {}"}})", rest_status,
                              rest_status),
                  "application/json",
                  {}};
    if (rest_status == 429)
      a.headers.emplace_back("Retry-After", "1");
    return a;
  }
  try {
    auto r = protocol->rest(*call, *market);
    return {r.status, std::move(r.body), std::move(r.content_type), {}};
  } catch (const std::exception& e) {
    note_error(e.what());
    return control_error(500, std::string{"mock protocol failed: "} + e.what());
  }
}

http_answer server_state::control(const rest_call& c) {
  const auto what = std::string_view{c.path}.substr(control_prefix.size());
  if (what == "stats") {
    if (c.method != "GET")
      return control_error(405, "use GET /__mock/stats");
    refresh_subscriptions();
    std::lock_guard lock{stats_mtx};
    return {200, to_json(stats), "application/json", {}};
  }
  if (what != "fault")
    return control_error(404, "unknown control path " + c.path);
  if (c.method != "POST")
    return control_error(405, "use POST /__mock/fault?kind=...");
  const auto kind = param(c, "kind");
  error_info err;
  if (kind == "gap") {
    err = gap(param(c, "symbol"));
  } else if (kind == "disconnect") {
    const auto g = param(c, "graceful");
    err = disconnect(g == "1" || g == "true");
  } else if (kind == "stall") {
    const auto ms = param(c, "ms");
    auto n = ms.empty() ? std::optional<int64_t>{0} : number(ms);
    if (!n)
      return control_error(400, "ms must be a number of milliseconds");
    err = stall(std::chrono::milliseconds{*n});
  } else if (kind == "resume") {
    err = resume(true);
  } else if (kind == "malformed") {
    err = malformed(param(c, "text"));
  } else if (kind == "rest_error") {
    auto status = number(param(c, "status"));
    const auto cnt = param(c, "count");
    auto count = cnt.empty() ? std::optional<int64_t>{1} : number(cnt);
    if (!status || !count || *count > UINT32_MAX)
      return control_error(400, "rest_error needs status=4xx|5xx and count=N");
    err = rest_error(static_cast<int>(*status), static_cast<uint32_t>(*count));
  } else {
    return control_error(400, "unknown fault kind '" + kind
                                + "' (gap, disconnect, stall, resume, malformed, rest_error)");
  }
  if (err)
    return control_error(400, err.message);
  return {200, fmt::format(R"({{"ok":true,"kind":"{}"}})", json_escape(kind)),
          "application/json", {}};
}

} // namespace detail

} // namespace xarb::mock
