#include "actors/net_transport.hpp"

#include <atomic>
#include <map>
#include <mutex>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <caf/actor.hpp>
#include <caf/send.hpp>

#include "messages/feed.hpp"
#include "messages/type_ids.hpp"
#include "monitoring/telemetry.hpp"
#include "venues/net/http_client.hpp"
#include "venues/net/io_thread.hpp"
#include "venues/net/net_clock.hpp"
#include "venues/net/ws_connection.hpp"

namespace xarb {

namespace {

/// The venue's request-weight header, where it sends one (Binance, Aster).
int64_t used_weight(const venues::http_response& r) {
  for (auto& [k, v] : r.headers) {
    if (k.size() != 20 && k.size() != 19)
      continue;
    std::string lower;
    for (char c : k)
      lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    if (lower == "x-mbx-used-weight-1m")
      try {
        return std::stoll(v);
      } catch (...) {
        return -1;
      }
  }
  return -1;
}

class net_transport final : public md_transport {
public:
  net_transport(net_transport_options opts, caf::actor session)
    : opts_(std::move(opts)), session_(std::move(session)), io_("net." + opts_.venue),
      timer_(io_.context()) {
    io_.start();
    if (opts_.metrics)
      io_.post([this] { arm_export(); });
  }

  ~net_transport() override {
    // Connections and clients first (no callback after their destructor),
    // then the loop.
    io_.post([this] { timer_.cancel(); });
    {
      std::lock_guard guard{conns_mtx_};
      conns_.clear();
    }
    http_.clear();
    io_.stop();
    io_.join();
  }

  void connect(uint32_t conn, const std::string& url, const venues::heartbeat_rules& hb,
               int max_msgs_per_s) override {
    if (conns_.size() <= conn) {
      std::lock_guard guard{conns_mtx_};
      conns_.resize(conn + 1);
    }
    net::ws_config cfg;
    cfg.name = opts_.venue + "/" + std::to_string(conn);
    cfg.url = url;
    cfg.proxy = opts_.proxy;
    cfg.tls.ca_file = opts_.ca_file;
    cfg.heartbeat = hb;
    cfg.max_msgs_per_s = max_msgs_per_s;
    auto slot = std::make_unique<connection>();
    auto* c = slot.get();
    net::ws_callbacks cb;
    cb.on_open = [this, conn, c](uint64_t generation) {
      c->generation = generation;
      caf::anon_send(session_, md_link{conn, generation, true, {}, net::net_now()});
    };
    cb.on_frame = [this, conn, c](std::string&& payload, bool binary, timestamp_ns recv) {
      caf::anon_send(session_, md_frame{conn, c->generation, std::move(payload), binary, recv});
    };
    cb.on_close = [this, conn](const net::ws_close_info& info) {
      std::string reason{net::to_string(info.reason)};
      if (!info.detail.empty())
        reason += ": " + info.detail;
      if (info.retry_in_ns >= 0)
        reason += " (retry in " + std::to_string(info.retry_in_ns / 1'000'000) + " ms)";
      caf::anon_send(session_, md_link{conn, info.generation, false, std::move(reason),
                                       net::net_now()});
    };
    c->ws = std::make_unique<net::ws_connection>(io_, std::move(cfg), std::move(cb));
    if (opts_.metrics)
      c->series = opts_.metrics->venue_ws(opts_.venue, std::to_string(conn));
    {
      std::lock_guard guard{conns_mtx_};
      conns_[conn] = std::move(slot);
    }
    if (auto err = c->ws->start())
      caf::anon_send(session_, md_link{conn, 0, false, "cannot connect: " + err.message,
                                       net::net_now()});
  }

  void send(uint32_t conn, std::string frame) override {
    if (conn < conns_.size() && conns_[conn])
      conns_[conn]->ws->send_text(std::move(frame));
  }

  void request(uint64_t id, const std::string& base, const venues::http_request& r) override {
    auto i = http_.find(base);
    if (i == http_.end()) {
      net::http_client_config cfg;
      cfg.name = opts_.venue + "/rest";
      cfg.base_url = base;
      cfg.proxy = opts_.proxy;
      cfg.tls.ca_file = opts_.ca_file;
      i = http_.emplace(base, std::make_unique<net::http_client>(io_, std::move(cfg))).first;
    }
    i->second->request(r, [session = session_, id](expected<venues::http_response> res) {
      rest_reply reply;
      reply.id = id;
      reply.ts = net::net_now();
      if (res) {
        reply.status = res->status;
        reply.used_weight = used_weight(*res);
        reply.body = std::move(res->body);
      } else {
        reply.error = res.error().message;
      }
      caf::anon_send(session, std::move(reply));
    });
  }

  void note_lag(uint32_t conn, int64_t ns) override {
    if (conn < conns_.size() && conns_[conn])
      conns_[conn]->ws->note_lag(ns);
  }

private:
  struct connection {
    std::unique_ptr<net::ws_connection> ws;
    uint64_t generation = 0; // io thread only
    std::optional<ws_series> series;
    uint64_t frames_seen = 0;
    uint64_t reconnects_seen = 0;
  };

  /// Every second: the connections' statistics into their series. Runs on
  /// the io thread while the session's thread may add connections (the
  /// listing can arrive at any time): the list is read under its mutex.
  void arm_export() {
    timer_.expires_after(std::chrono::seconds(1));
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec)
        return;
      export_stats();
      arm_export();
    });
  }

  void export_stats() {
    // Never wait here: the destructor holds the mutex while a connection's
    // destructor may wait for this thread.
    std::unique_lock guard{conns_mtx_, std::try_to_lock};
    if (!guard.owns_lock())
      return;
    for (auto& slot : conns_) {
      if (!slot || !slot->series)
        continue;
      const auto s = slot->ws->snapshot();
      auto& m = *slot->series;
      m.connected->Set(s.state == net::ws_state::open ? 1 : 0);
      m.msgs_per_s->Set(s.msgs_per_s);
      m.lag->Set(s.lag_ewma_ns / 1e9);
      m.lag_max->Set(static_cast<double>(s.lag_max_ns) / 1e9);
      m.backoff->Set(static_cast<double>(s.backoff_ns) / 1e9);
      if (s.frames_in > slot->frames_seen)
        m.frames->Increment(static_cast<double>(s.frames_in - slot->frames_seen));
      slot->frames_seen = s.frames_in;
      if (s.reconnects > slot->reconnects_seen)
        m.reconnects->Increment(static_cast<double>(s.reconnects - slot->reconnects_seen));
      slot->reconnects_seen = s.reconnects;
    }
  }

  net_transport_options opts_;
  caf::actor session_;
  net::io_thread io_;
  boost::asio::steady_timer timer_;
  std::mutex conns_mtx_; // conns_ between the session's thread and the exporter
  std::vector<std::unique_ptr<connection>> conns_;
  std::map<std::string, std::unique_ptr<net::http_client>> http_;
};

} // namespace

md_transport_factory make_net_transport(net_transport_options opts) {
  return [opts](caf::actor session) -> std::unique_ptr<md_transport> {
    return std::make_unique<net_transport>(opts, std::move(session));
  };
}

} // namespace xarb
