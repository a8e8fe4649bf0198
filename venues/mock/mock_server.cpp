#include "venues/mock/mock_server.hpp"

#include <atomic>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "venues/mock/mock_sessions.hpp"
#include "venues/mock/server_state.hpp"

namespace xarb::mock {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;
using detail::server_state;
using detail::state_ptr;

timestamp_ns wall_clock() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

std::string host_for_url(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

// -- listener and ticker ----------------------------------------------------------

class listener : public std::enable_shared_from_this<listener> {
public:
  listener(asio::io_context& ioc, tcp::acceptor acceptor, state_ptr st)
    : ioc_(ioc), acceptor_(std::move(acceptor)), retry_(ioc), st_(std::move(st)) {}

  void do_accept() {
    // One thread runs everything: sockets need no strand.
    acceptor_.async_accept(ioc_,
                           beast::bind_front_handler(&listener::on_accept, shared_from_this()));
  }

private:
  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open() || st_->stopping)
      return;
    if (ec) { // e.g. out of descriptors: back off instead of spinning
      retry_.expires_after(std::chrono::milliseconds(50));
      retry_.async_wait([self = shared_from_this()](beast::error_code wec) {
        if (!wec)
          self->do_accept();
      });
      return;
    }
    detail::start_http_session(std::move(socket), st_);
    do_accept();
  }

  asio::io_context& ioc_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_;
  state_ptr st_;
};

// Advances the market and delivers once per tick; never bursts to catch up.
class ticker : public std::enable_shared_from_this<ticker> {
public:
  ticker(asio::io_context& ioc, state_ptr st) : timer_(ioc), st_(std::move(st)) {
    period_ = std::max<steady::duration>(st_->cfg.tick, std::chrono::milliseconds(1));
  }

  void start() {
    next_ = steady::now() + period_;
    arm();
  }

private:
  void arm() {
    timer_.expires_at(next_);
    timer_.async_wait(beast::bind_front_handler(&ticker::on_timer, shared_from_this()));
  }

  void on_timer(beast::error_code ec) {
    if (ec || st_->stopping)
      return;
    try {
      st_->tick();
    } catch (const std::exception& e) {
      st_->note_error(e.what());
    }
    next_ += period_;
    if (auto now = steady::now(); next_ < now)
      next_ = now + period_;
    arm();
  }

  asio::steady_timer timer_;
  state_ptr st_;
  steady::duration period_{};
  steady::time_point next_{};
};

} // namespace

// -- mock_server -------------------------------------------------------------------------

struct mock_server::impl {
  state_ptr st;
  std::unique_ptr<asio::io_context> ioc;
  std::thread thread;
  std::thread::id io_id;
  std::atomic<uint16_t> port{0};
  std::mutex ctl; ///< start/stop against control calls

  // Runs `fn` on the server thread and waits; directly when not running.
  error_info call(const std::function<error_info()>& fn) {
    std::unique_lock lock{ctl};
    if (!ioc || std::this_thread::get_id() == io_id)
      return fn();
    auto done = std::make_shared<std::promise<error_info>>();
    auto result = done->get_future();
    asio::post(*ioc, [done, fn] {
      try {
        done->set_value(fn());
      } catch (...) {
        done->set_exception(std::current_exception());
      }
    });
    lock.unlock();
    try {
      return result.get();
    } catch (const std::future_error&) { // stopped before it ran
      return {error_code::shutting_down, "mock server stopped"};
    }
  }
};

mock_server::mock_server(std::unique_ptr<venue_protocol> protocol, market_config market,
                         server_config cfg)
  : impl_(std::make_unique<impl>()) {
  if (!protocol)
    throw std::invalid_argument("mock_server: no protocol");
  auto st = std::make_shared<server_state>();
  st->clock = cfg.clock ? cfg.clock : std::function<timestamp_ns()>{wall_clock};
  st->cfg = std::move(cfg);
  st->market = std::make_unique<mock_market>(*protocol, std::move(market));
  st->protocol = std::move(protocol);
  impl_->st = std::move(st);
}

mock_server::~mock_server() {
  stop();
}

expected<uint16_t> mock_server::start() {
  std::lock_guard lock{impl_->ctl};
  auto& st = *impl_->st;
  const auto& cfg = st.cfg;
  if (impl_->ioc)
    return error_info{error_code::internal, "mock server already running"};
  if (cfg.tls_cert_file.empty() != cfg.tls_key_file.empty())
    return error_info{error_code::config_error,
                      "TLS needs both a certificate and a key file (or neither)"};
  beast::error_code ec;
  if (!cfg.tls_cert_file.empty()) {
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2
                     | ssl::context::no_sslv3 | ssl::context::no_tlsv1
                     | ssl::context::no_tlsv1_1);
    if (ctx->use_certificate_chain_file(cfg.tls_cert_file, ec); ec)
      return error_info{error_code::config_error, "TLS certificate " + cfg.tls_cert_file
                                                    + ": " + ec.message()};
    if (ctx->use_private_key_file(cfg.tls_key_file, ssl::context::pem, ec); ec)
      return error_info{error_code::config_error,
                        "TLS key " + cfg.tls_key_file + ": " + ec.message()};
    st.tls = std::move(ctx);
  } else {
    st.tls.reset();
  }
  auto addr = asio::ip::make_address(cfg.host, ec);
  if (ec)
    return error_info{error_code::config_error,
                      "invalid listen address '" + cfg.host + "': expected an IP address"};
  const auto where = cfg.host + ":" + std::to_string(cfg.port);
  auto ioc = std::make_unique<asio::io_context>(1);
  tcp::acceptor acceptor{*ioc};
  const tcp::endpoint ep{addr, cfg.port};
  auto fail = [&](const char* what) {
    return error_info{error_code::io_error,
                      "cannot listen on " + where + ": " + what + ": " + ec.message()};
  };
  if (acceptor.open(ep.protocol(), ec); ec)
    return fail("open");
  if (acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec)
    return fail("setsockopt");
  if (acceptor.bind(ep, ec); ec)
    return fail("bind");
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec)
    return fail("listen");
  const auto bound = acceptor.local_endpoint(ec).port();
  if (ec)
    return fail("local_endpoint");

  st.stopping = false;
  st.gate.held = false;
  st.stall_until = steady::time_point::max();
  st.update_stats([](mock_stats& s) { s.stalled = false; });
  // Books exist before the first request.
  std::vector<market_change> ignored;
  st.market->advance(st.clock(), ignored);
  const auto now = steady::now();
  st.next_mark = now + cfg.mark_interval;
  st.next_ping = now + cfg.ping_interval;

  std::make_shared<listener>(*ioc, std::move(acceptor), impl_->st)->do_accept();
  std::make_shared<ticker>(*ioc, impl_->st)->start();
  impl_->ioc = std::move(ioc);
  impl_->port = bound;
  std::promise<std::thread::id> id;
  auto id_ready = id.get_future();
  impl_->thread = std::thread([io = impl_->ioc.get(), st = impl_->st, &id] {
    id.set_value(std::this_thread::get_id());
    for (;;) { // a throwing handler must not end the server
      try {
        io->run();
        return;
      } catch (const std::exception& e) {
        st->note_error(e.what());
      }
    }
  });
  impl_->io_id = id_ready.get();
  return bound;
}

void mock_server::stop() {
  std::lock_guard lock{impl_->ctl};
  if (!impl_->ioc)
    return;
  auto st = impl_->st;
  asio::post(*impl_->ioc, [st] {
    st->stopping = true;
    for (auto& p : st->live_peers())
      p->drop(false);
  });
  // Let the drops run, then end the loop; destroying the io_context destroys
  // every pending handler and with them the sessions and their sockets.
  std::promise<void> drained;
  auto done = drained.get_future();
  asio::post(*impl_->ioc, [&drained] { drained.set_value(); });
  done.wait_for(std::chrono::seconds(2));
  impl_->ioc->stop();
  impl_->thread.join();
  impl_->ioc.reset();
  st->peers.clear();
  impl_->io_id = {};
  impl_->port = 0;
}

bool mock_server::running() const noexcept {
  return impl_->port.load() != 0;
}

uint16_t mock_server::port() const noexcept {
  return impl_->port;
}

bool mock_server::tls() const noexcept {
  return !impl_->st->cfg.tls_cert_file.empty();
}

std::string_view mock_server::venue() const noexcept {
  return impl_->st->protocol->venue();
}

std::string mock_server::http_url() const {
  return (tls() ? "https://" : "http://") + host_for_url(impl_->st->cfg.host) + ":"
         + std::to_string(port());
}

std::string mock_server::ws_url() const {
  return (tls() ? "wss://" : "ws://") + host_for_url(impl_->st->cfg.host) + ":"
         + std::to_string(port());
}

error_info mock_server::inject_gap(std::string_view native) {
  std::string n{native};
  return impl_->call([st = impl_->st, n] { return st->gap(n); });
}

error_info mock_server::disconnect(bool graceful) {
  return impl_->call([st = impl_->st, graceful] { return st->disconnect(graceful); });
}

error_info mock_server::stall(std::chrono::milliseconds duration) {
  return impl_->call([st = impl_->st, duration] { return st->stall(duration); });
}

error_info mock_server::resume() {
  return impl_->call([st = impl_->st] { return st->resume(true); });
}

error_info mock_server::send_malformed(std::string text) {
  return impl_->call([st = impl_->st, t = std::move(text)] { return st->malformed(t); });
}

error_info mock_server::fail_rest(int status, uint32_t count) {
  return impl_->call([st = impl_->st, status, count] { return st->rest_error(status, count); });
}

mock_stats mock_server::stats() const {
  std::lock_guard lock{impl_->st->stats_mtx};
  return impl_->st->stats;
}

void mock_server::inspect(const std::function<void(const mock_market&)>& fn) {
  (void)impl_->call([st = impl_->st, &fn] {
    fn(*st->market);
    return error_info{};
  });
}

} // namespace xarb::mock
