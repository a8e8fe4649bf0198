#include "web/web_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "monitoring/telemetry.hpp"
#include "web/stream.hpp"

namespace xarb {

std::string http_route_label(std::string_view path) {
  for (std::string_view fixed : {"/metrics", "/healthz", "/readyz", "/ws/stream"})
    if (path == fixed)
      return std::string{fixed};
  if (path.starts_with("/api/pairs/"))
    return "/api/pairs/{id}";
  if (path.starts_with("/api/export/"))
    return "/api/export/{kind}";
  if (path.starts_with("/api/") && path.size() <= 40
      && path.find_first_not_of("abcdefghijklmnopqrstuvwxyz/-") == std::string_view::npos)
    return std::string{path};
  return "other";
}

std::string http_route_label(std::string_view path, unsigned status) {
  auto label = http_route_label(path);
  if ((status == 404 || status == 429) && label.starts_with("/api/")
      && label.find('{') == std::string::npos)
    return "other";
  return label;
}

namespace {

// 100 us .. 10 s: a JSON page is sub-millisecond, an export may take seconds.
const std::vector<double>& request_buckets() {
  static const std::vector<double> b{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                     0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5,
                                     5,      10};
  return b;
}

// 10 us .. 1 s: one pass over the status board.
const std::vector<double>& refresh_buckets() {
  static const std::vector<double> b{0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005,
                                     0.001,   0.0025,   0.005,   0.01,   0.025,   0.05,
                                     0.1,     0.25,     1};
  return b;
}

constexpr std::array<std::string_view, 4> drop_reasons{"slow", "auth_timeout", "errors",
                                                       "shutdown"};

} // namespace

web_metrics::web_metrics(telemetry& tel) {
  auto& reg = *tel.registry();
  requests_ = &prometheus::BuildCounter()
                 .Name("xarb_http_requests_total")
                 .Help("HTTP requests answered, by route template and status code.")
                 .Register(reg);
  duration_ = &prometheus::BuildHistogram()
                 .Name("xarb_http_request_duration_seconds")
                 .Help("Time to build an HTTP response, from the parsed request.")
                 .Register(reg)
                 .Add({}, request_buckets());
  rate_limited_ = &prometheus::BuildCounter()
                     .Name("xarb_http_rate_limited_total")
                     .Help("HTTP requests refused with 429 by the per-client rate limit.")
                     .Register(reg)
                     .Add({});
  ws_clients_ = &prometheus::BuildGauge()
                   .Name("xarb_ws_clients")
                   .Help("WebSocket clients connected to /ws/stream.")
                   .Register(reg)
                   .Add({});
  auto& messages = prometheus::BuildCounter()
                     .Name("xarb_ws_messages_sent_total")
                     .Help("WebSocket messages written to /ws/stream clients, by topic "
                           "(control = hello, pong, subscribed, errors).")
                     .Register(reg);
  for (std::size_t i = 0; i < stream_topic_names.size(); ++i)
    ws_messages_[i] = &messages.Add({{"topic", std::string{stream_topic_names[i]}}});
  ws_messages_.back() = &messages.Add({{"topic", "control"}});
  ws_bytes_ = &prometheus::BuildCounter()
                 .Name("xarb_ws_bytes_sent_total")
                 .Help("WebSocket payload bytes written to /ws/stream clients.")
                 .Register(reg)
                 .Add({});
  auto& dropped = prometheus::BuildCounter()
                    .Name("xarb_ws_clients_dropped_total")
                    .Help("WebSocket clients closed by the server, by reason (slow, "
                          "auth_timeout, errors, shutdown).")
                    .Register(reg);
  for (std::size_t i = 0; i < drop_reasons.size(); ++i)
    ws_dropped_[i] = &dropped.Add({{"reason", std::string{drop_reasons[i]}}});
  hub_refresh_ = &prometheus::BuildHistogram()
                    .Name("xarb_ws_hub_refresh_seconds")
                    .Help("Time of one poll of the stream source by the /ws/stream hub.")
                    .Register(reg)
                    .Add({}, refresh_buckets());
}

void web_metrics::request(std::string_view route, unsigned code, double seconds) {
  requests_->Add({{"route", std::string{route}}, {"code", std::to_string(code)}})
    .Increment();
  duration_->Observe(seconds);
}

void web_metrics::rate_limited() {
  rate_limited_->Increment();
}

void web_metrics::ws_connected() {
  ws_clients_->Increment();
}

void web_metrics::ws_disconnected() {
  ws_clients_->Decrement();
}

void web_metrics::ws_sent(std::string_view topic, std::size_t bytes) {
  auto i = stream_topic_index(topic);
  ws_messages_[i ? *i : ws_messages_.size() - 1]->Increment();
  ws_bytes_->Increment(static_cast<double>(bytes));
}

void web_metrics::ws_dropped(ws_drop_reason why) {
  ws_dropped_[static_cast<std::size_t>(why)]->Increment();
}

void web_metrics::hub_refresh(double seconds) {
  hub_refresh_->Observe(seconds);
}

} // namespace xarb
