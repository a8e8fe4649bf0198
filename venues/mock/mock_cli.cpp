#include "venues/mock/mock_cli.hpp"

#include <csignal>
#include <exception>
#include <ostream>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>

namespace xarb::mock {

expected<std::pair<std::string, uint16_t>> parse_listen(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return error_info{error_code::parse_error, "listen address '" + std::string{text}
                                                 + "': " + std::string{why}};
  };
  std::string_view host;
  std::string_view port;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return bad("expected [IPV6]:PORT");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
      return bad("expected HOST:PORT");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos)
      return bad("an IPv6 address must be in brackets: [::1]:PORT");
  }
  if (port.empty() || port.size() > 5)
    return bad("port must be 0..65535");
  uint32_t p = 0;
  for (char c : port) {
    if (c < '0' || c > '9')
      return bad("port must be 0..65535");
    p = p * 10 + static_cast<uint32_t>(c - '0');
  }
  if (p > 65535)
    return bad("port must be 0..65535");
  boost::system::error_code ec;
  boost::asio::ip::make_address(std::string{host}, ec);
  if (host.empty() || ec)
    return bad("host must be a literal IP address");
  return std::pair<std::string, uint16_t>{std::string{host}, static_cast<uint16_t>(p)};
}

int run_mock_venue(mock_venue_options opts, std::ostream& out, std::ostream& err,
                   std::stop_token stop) {
  if (!opts.protocol) {
    err << "mock-venue: no venue protocol\n";
    return 2;
  }
  auto where = parse_listen(opts.listen);
  if (!where) {
    err << "mock-venue: " << where.error().message << "\n";
    return 2;
  }
  if (opts.tick_ms < 1) {
    err << "mock-venue: tick must be >= 1 ms\n";
    return 2;
  }
  market_config market;
  if (opts.world)
    market.world = std::move(*opts.world);
  market.sim_venue = opts.sim_venue;
  market.seed = opts.seed;
  market.symbols = opts.symbols;
  server_config cfg;
  cfg.host = where->first;
  cfg.port = where->second;
  cfg.tls_cert_file = opts.tls_cert;
  cfg.tls_key_file = opts.tls_key;
  cfg.tick = std::chrono::milliseconds{opts.tick_ms};
  cfg.control = opts.control;

  std::unique_ptr<mock_server> server;
  try {
    server = std::make_unique<mock_server>(std::move(opts.protocol), std::move(market),
                                           std::move(cfg));
  } catch (const std::exception& e) {
    err << "mock-venue: " << e.what() << "\n";
    return 2;
  }
  // Signals are caught from before the line is printed: whoever reads the
  // line may signal at once.
  boost::asio::io_context waiter{1};
  auto guard = boost::asio::make_work_guard(waiter);
  std::optional<boost::asio::signal_set> signals;
  if (opts.handle_signals) {
    signals.emplace(waiter, SIGINT, SIGTERM);
    signals->async_wait([&](const boost::system::error_code& ec, int) {
      if (!ec)
        waiter.stop();
    });
  }
  if (auto started = server->start(); !started) {
    err << "mock-venue: " << started.error().message << "\n";
    return 2;
  }
  out << "mock " << server->venue() << " listening on " << server->http_url() << " ("
      << server->ws_url() << ")" << std::endl;
  if (opts.on_ready)
    opts.on_ready(*server);

  // Block on this thread until a signal or the stop token.
  std::stop_callback on_stop{stop, [&] { waiter.stop(); }};
  waiter.run();
  server->stop();
  return 0;
}

} // namespace xarb::mock
