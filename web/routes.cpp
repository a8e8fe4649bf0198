#include "web/routes.hpp"

#include "monitoring/json_writer.hpp"
#include "monitoring/status_board.hpp"
#include "monitoring/telemetry.hpp"

namespace xarb {

namespace {

http_reply make(unsigned status, std::string_view type, std::string body) {
  http_reply r;
  r.status = status;
  r.content_type = std::string{type};
  r.body = std::move(body);
  return r;
}

std::string_view path_of(std::string_view target) {
  auto q = target.find_first_of("?#");
  return q == std::string_view::npos ? target : target.substr(0, q);
}

} // namespace

http_reply error_reply(unsigned status, std::string_view code, std::string_view message) {
  json::writer w;
  w.begin_object().key("error").value(code).key("message").value(message).end_object();
  return make(status, content_type_json, std::move(w).str());
}

http_reply route_request(std::string_view method, std::string_view target,
                         const status_board& board, telemetry* tel, timestamp_ns now) {
  auto path = path_of(target);
  bool known = path == "/metrics" || path == "/healthz" || path == "/readyz"
               || path == "/api/status";
  if (!known)
    return error_reply(404, "not_found", "no route for this path");
  if (method != "GET" && method != "HEAD") {
    auto r = error_reply(405, "method_not_allowed", "only GET and HEAD are supported");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  if (path == "/healthz")
    return make(200, content_type_text, "ok\n");
  if (path == "/readyz") {
    auto r = board.check_readiness();
    return make(r.ready ? 200 : 503, content_type_json, to_json(r));
  }
  if (path == "/api/status")
    return make(200, content_type_json, board.status_json(now));
  // /metrics
  if (tel == nullptr)
    return make(200, content_type_metrics, "");
  tel->refresh_book_ages(board, now);
  return make(200, content_type_metrics, tel->serialize());
}

} // namespace xarb
