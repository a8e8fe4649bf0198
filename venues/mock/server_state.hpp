#pragma once
// What the mock server's sessions, its ticker and the fault calls share
// (internal to venues/mock). Everything but `stats` (under stats_mtx) and
// `cfg` is touched by the server thread only. Beast-free: the sessions
// (mock_sessions.cpp) see clients through ws_peer.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "messages/error_code.hpp"
#include "venues/mock/byte_stream.hpp"
#include "venues/mock/mock_market.hpp"
#include "venues/mock/mock_server.hpp"
#include "venues/mock/venue_protocol.hpp"

namespace xarb::mock::detail {

/// What a frame sent to a client was (stats: frames_sent by kind).
enum class out_kind : uint8_t { reply, snapshot, delta, top, mark, ping, malformed };

std::string_view name_of(out_kind k);

struct http_answer {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

/// {"ok":false,"error":"..."} with that status.
http_answer control_error(int status, std::string_view message);

/// A WebSocket client as the server sees it.
class ws_peer {
public:
  virtual ~ws_peer() = default;
  /// Accepted and not closing: frames may be queued.
  virtual bool open() const noexcept = 0;
  virtual void send(out_kind kind, std::string text) = 0;
  /// Closes now: abrupt (TCP close) or graceful (1001 close frame first).
  virtual void drop(bool graceful) = 0;
  /// The stall ended: held reads/writes proceed.
  virtual void wake() = 0;

  ws_client client;
};

struct server_state {
  using time_point = std::chrono::steady_clock::time_point;

  server_config cfg;
  std::function<timestamp_ns()> clock;
  std::unique_ptr<venue_protocol> protocol;
  std::unique_ptr<mock_market> market;
  std::unique_ptr<boost::asio::ssl::context> tls; ///< null = plain
  detail::gate gate;
  bool stopping = false;
  std::vector<std::weak_ptr<ws_peer>> peers;

  // faults
  std::set<std::string, std::less<>> gaps; ///< natives whose next delta is withheld
  time_point stall_until = time_point::max(); ///< stall timeout
  int rest_status = 0;
  uint32_t rest_left = 0;

  time_point next_mark{};
  time_point next_ping{};

  mutable std::mutex stats_mtx;
  mock_stats stats;

  template <class F>
  void update_stats(F&& f) {
    std::lock_guard lock{stats_mtx};
    f(stats);
  }

  void note_error(std::string_view what);
  /// The clients still alive (forgets the others).
  std::vector<std::shared_ptr<ws_peer>> live_peers();
  /// Recounts the subscriptions of open clients into `stats`.
  void refresh_subscriptions();

  // -- WebSocket traffic --------------------------------------------------------

  void send_all(ws_peer& p, out_kind kind, std::vector<std::string>& frames);
  /// Books whose snapshot is due: snapshot_frames(book(native, depth)).
  void deliver_snapshots(ws_peer& p);
  /// A client was accepted: the protocol's greeting, due snapshots.
  void on_open(ws_peer& p);
  /// A client frame: the protocol's answers, then due snapshots at once.
  void on_text(ws_peer& p, std::string_view text);

  /// One market change to every client that subscribed it. Called right
  /// after the change is applied, so book() is the book after this delta.
  void dispatch(const market_change& c, const std::vector<std::shared_ptr<ws_peer>>& live);

  /// Once per tick: stall timeout, due snapshots, market advance with
  /// delivery, marks and pings.
  void tick();

  // -- faults (server thread) ---------------------------------------------------

  // (mock_server.hpp describes them; resume(false) is the stall timeout.)
  void count_fault(std::string_view kind);
  error_info gap(std::string_view native);
  error_info disconnect(bool graceful);
  error_info stall(std::chrono::milliseconds duration);
  error_info resume(bool counted);
  error_info malformed(std::string text);
  error_info rest_error(int status, uint32_t count);

  // -- HTTP ----------------------------------------------------------------------

  /// A plain HTTP request: control (/__mock/*), a rest_error fault, or the
  /// protocol's answer.
  http_answer handle_http(std::string_view method, std::string_view target, std::string body);
  http_answer control(const rest_call& c);
};

using state_ptr = std::shared_ptr<server_state>;

} // namespace xarb::mock::detail
