#include "web/web_actor.hpp"

#include <filesystem>

#include "messages/caf_errors.hpp"
#include "messages/type_ids.hpp"
#include "monitoring/logging.hpp"
#include "monitoring/status_board.hpp"
#include "web/listen_address.hpp"

namespace xarb {

namespace {

timestamp_ns wall_clock() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

/// Tells the operator where the console comes from, or how to build it.
void log_console(const std::string& ui_dir) {
  if (ui_dir.empty())
    return;
  std::error_code ec;
  if (std::filesystem::is_regular_file(std::filesystem::path{ui_dir} / "index.html", ec))
    log::get("web")->info("browser console served from {}", ui_dir);
  else
    log::get("web")->warn("browser console not built ({}/index.html missing): run `make ui`",
                          ui_dir);
}

} // namespace

web_state::web_state() = default;

web_state::~web_state() {
  if (server)
    server->stop();
}

caf::behavior web_actor(caf::stateful_actor<web_state>* self, web_config cfg,
                        status_board* board, telemetry* tel) {
  auto& st = self->state;
  auto fail = [self](const error_info& err) {
    log::get("web")->error("{}", err.message);
    self->quit(to_caf_error(err));
    return caf::behavior{};
  };
  if (!cfg.listen.empty()) {
    auto addr = parse_listen_address(cfg.listen);
    if (!addr)
      return fail(addr.error());
    cfg.http.host = addr->host;
    cfg.http.port = addr->port;
  }
  auto host = cfg.http.host;
  auto ui_dir = cfg.http.ui_dir;
  st.server = std::make_unique<http_server>(std::move(cfg.http), *board, tel);
  auto bound = st.server->start();
  if (!bound) {
    st.server.reset();
    return fail(bound.error());
  }
  st.port = *bound;
  log::get("web")->info("serving http://{}", to_string(listen_address{host, st.port}));
  log_console(ui_dir);
  // The equity curve: a point now, then one per interval.
  const auto every = cfg.equity_interval;
  auto sample = [board, on_equity = std::move(cfg.on_equity)] {
    auto p = board->sample_equity(wall_clock());
    if (on_equity)
      on_equity(p);
  };
  if (every.count() > 0) {
    board->set_equity_interval(static_cast<int>(every.count()));
    sample();
    self->delayed_send(self, every, atom::tick_v);
  }
  return {
    [self](atom::status) -> uint16_t { return self->state.port; },
    [self, every, sample](atom::tick) {
      sample();
      self->delayed_send(self, every, atom::tick_v);
    },
  };
}

} // namespace xarb
