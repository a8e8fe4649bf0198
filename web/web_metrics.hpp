#pragma once
// Metrics of the HTTP server and of /ws/stream, on the node's telemetry
// registry (families merge by name, so a restarted server reuses them):
//   xarb_http_requests_total{route,code}       requests answered
//   xarb_http_request_duration_seconds         time to build a response
//   xarb_http_rate_limited_total               requests answered 429
//   xarb_ws_clients                            connected stream clients
//   xarb_ws_messages_sent_total{topic}         frames written (topic "control"
//                                              for hello, pong, errors, ...)
//   xarb_ws_bytes_sent_total                   payload bytes written
//   xarb_ws_clients_dropped_total{reason}      slow|auth_timeout|errors|shutdown
//   xarb_ws_hub_refresh_seconds                one poll of the stream source
// `route` must be a bounded label: see http_route_label(); the browser
// console's files (web/static_files.hpp) are all "ui".

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "web/stream.hpp"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
class Histogram;
template <typename T>
class Family;
} // namespace prometheus

namespace xarb {

class telemetry;

/// The route label of a request path (no query): the route's template, never
/// the raw path. "/metrics", "/healthz", "/readyz", "/ws/stream" as they
/// are; "/api/pairs/..." -> "/api/pairs/{id}"; "/api/export/..." ->
/// "/api/export/{kind}"; another "/api/..." path verbatim when at most 40
/// characters of [a-z/-]; anything else "other".
std::string http_route_label(std::string_view path);

/// The label actually recorded: like http_route_label(), but a verbatim
/// "/api/..." label becomes "other" for 404 and 429 (any client can invent
/// such paths; only routes that exist may add series).
std::string http_route_label(std::string_view path, unsigned status);

enum class ws_drop_reason { slow, auth_timeout, errors, shutdown };

class web_metrics {
public:
  explicit web_metrics(telemetry& tel);

  void request(std::string_view route, unsigned code, double seconds);
  void rate_limited();
  void ws_connected();
  void ws_disconnected();
  /// One frame written; `topic` as in stream_out ("" = a reply).
  void ws_sent(std::string_view topic, std::size_t bytes);
  void ws_dropped(ws_drop_reason why);
  void hub_refresh(double seconds);

private:
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Histogram* duration_;
  prometheus::Counter* rate_limited_;
  prometheus::Gauge* ws_clients_;
  std::array<prometheus::Counter*, stream_topic_names.size() + 1> ws_messages_{}; // + control
  prometheus::Counter* ws_bytes_;
  std::array<prometheus::Counter*, 4> ws_dropped_{};
  prometheus::Histogram* hub_refresh_;
};

} // namespace xarb
