#include "web/web_actor.hpp"

#include "messages/caf_errors.hpp"
#include "messages/type_ids.hpp"
#include "monitoring/logging.hpp"
#include "monitoring/status_board.hpp"
#include "web/listen_address.hpp"

namespace xarb {

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
  st.server = std::make_unique<http_server>(std::move(cfg.http), *board, tel);
  auto bound = st.server->start();
  if (!bound) {
    st.server.reset();
    return fail(bound.error());
  }
  st.port = *bound;
  log::get("web")->info("serving http://{}", to_string(listen_address{host, st.port}));
  return {
    [self](atom::status) -> uint16_t { return self->state.port; },
  };
}

} // namespace xarb
