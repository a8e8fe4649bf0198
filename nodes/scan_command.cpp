#include "nodes/scan_command.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <thread>

#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <simdjson.h>

#include "nodes/http_client.hpp"
#include "nodes/scan_model.hpp"

namespace xarb::cli {

namespace {

// -- SIGINT / SIGTERM ----------------------------------------------------------

volatile std::sig_atomic_t stop_requested = 0;

void on_stop_signal(int) { stop_requested = 1; }

/// Installs the flag-setting handlers for the loop's lifetime. No SA_RESTART:
/// a signal during a sleep ends it.
class stop_signals {
public:
  stop_signals() {
    stop_requested = 0;
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~stop_signals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  stop_signals(const stop_signals&) = delete;
  stop_signals& operator=(const stop_signals&) = delete;

  bool stopped() const { return stop_requested != 0; }

  /// Sleeps `d` in short slices so that a signal ends the wait promptly.
  void sleep(std::chrono::duration<double> d) const {
    auto until = std::chrono::steady_clock::now()
                 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(d);
    while (!stopped()) {
      auto left = until - std::chrono::steady_clock::now();
      if (left <= std::chrono::steady_clock::duration::zero())
        return;
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        left, std::chrono::milliseconds(50)));
    }
  }

private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

int64_t system_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

/// Columns of the terminal on stdout, or 0 if unknown.
int terminal_width() {
  winsize ws{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
    return ws.ws_col;
  return 0;
}

/// A frame for a terminal: home, each line cleared to its end, the rest of
/// the screen cleared. Redraws in place without the flicker of a full clear.
std::string in_place(const std::string& frame) {
  std::string out = "\x1b[H";
  std::size_t at = 0;
  while (at < frame.size()) {
    auto nl = frame.find('\n', at);
    auto end = nl == std::string::npos ? frame.size() : nl;
    out.append(frame, at, end - at).append("\x1b[K\n");
    at = end + 1;
  }
  return out + "\x1b[J";
}

/// "error: message" out of a JSON error body, else the body's start.
std::string describe_error_body(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded{body};
  simdjson::dom::element root;
  simdjson::dom::object obj;
  if (parser.parse(padded).get(root) == simdjson::SUCCESS
      && root.get_object().get(obj) == simdjson::SUCCESS) {
    std::string_view code;
    std::string_view message;
    bool has_code = obj["error"].get_string().get(code) == simdjson::SUCCESS;
    bool has_message = obj["message"].get_string().get(message) == simdjson::SUCCESS;
    if (has_code && has_message)
      return scan::printable(code) + ": " + scan::printable(message);
    if (has_code || has_message)
      return scan::printable(has_code ? code : message);
  }
  if (body.empty())
    return "(empty body)";
  constexpr std::size_t shown = 200;
  return scan::printable(std::string_view{body}.substr(0, shown))
         + (body.size() > shown ? "..." : "");
}

bool is_sort_key(std::string_view s) {
  return std::find(std::begin(scan_sort_keys), std::end(scan_sort_keys), s)
         != std::end(scan_sort_keys);
}

/// nullopt if `interval_s` is a usable refresh period.
std::optional<std::string> check_interval(double interval_s) {
  if (!std::isfinite(interval_s) || interval_s <= 0 || interval_s > 86'400)
    return std::string{"the interval must be > 0 and <= 86400 seconds"};
  return std::nullopt;
}

} // namespace

std::string percent_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                      || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
  return out;
}

std::string top_spreads_target(const scan_options& opts) {
  std::string t = "/api/market/top-spreads?limit=" + std::to_string(opts.limit)
                  + "&sort=" + percent_encode(opts.sort);
  for (auto& [venue, leverage] : opts.fallback_leverage)
    t += "&" + percent_encode(venue) + "_fallback_leverage=" + percent_encode(leverage);
  return t;
}

std::string signals_target(const scan_options&) {
  return "/api/arbitrage/signals?limit=" + std::to_string(scan_signals_shown);
}

expected<std::pair<std::string, std::string>> parse_fallback_leverage(std::string_view text) {
  auto bad = [&](std::string why) {
    return error_info{error_code::parse_error, "--fallback-leverage '" + scan::printable(text)
                                                 + "': " + why + " (expected VENUE=N, e.g. "
                                                   "paradex=5)"};
  };
  auto eq = text.find('=');
  if (eq == std::string_view::npos)
    return bad("no '='");
  auto venue = text.substr(0, eq);
  auto value = text.substr(eq + 1);
  if (venue.empty())
    return bad("no venue");
  if (venue.size() > 64)
    return bad("the venue name is longer than 64 characters");
  for (char c : venue)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
      return bad("the venue name must be printable ASCII without spaces");
  // N: digits, optionally a fraction; positive.
  auto dot = value.find('.');
  auto whole = value.substr(0, dot);
  auto frac = dot == std::string_view::npos ? std::string_view{} : value.substr(dot + 1);
  auto digits = [](std::string_view s) {
    return !s.empty()
           && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(whole) || (dot != std::string_view::npos && !digits(frac)) || value.size() > 12)
    return bad("N must be a positive number like 5 or 2.5");
  if (value.find_first_not_of("0.") == std::string_view::npos)
    return bad("N must be greater than 0");
  return std::pair{std::string{venue}, std::string{value}};
}

std::optional<std::string> validate_scan_options(const scan_options& opts) {
  if (!is_sort_key(opts.sort))
    return "--sort must be one of spread, notional, funding, carry (got '"
           + scan::printable(opts.sort) + "')";
  if (opts.limit < 1 || opts.limit > scan_max_limit)
    return "--limit must be in 1.." + std::to_string(scan_max_limit);
  if (auto bad = check_interval(opts.interval_s))
    return bad;
  if (opts.iterations < 0)
    return std::string{"iterations must be >= 0"};
  for (std::size_t i = 0; i < opts.fallback_leverage.size(); ++i) {
    auto& [venue, value] = opts.fallback_leverage[i];
    auto parsed = parse_fallback_leverage(venue + "=" + value);
    if (!parsed)
      return parsed.error().message;
    for (std::size_t j = 0; j < i; ++j)
      if (opts.fallback_leverage[j].first == venue)
        return "--fallback-leverage: venue '" + venue + "' given twice";
  }
  if (!opts.standalone)
    if (auto ep = parse_http_url(opts.url); !ep)
      return ep.error().message;
  return std::nullopt;
}

CLI::App* add_scan_subcommand(CLI::App& app, scan_options& opts) {
  auto* sc = app.add_subcommand(
    "scan", "Show the scanner's top spreads and latest signals, refreshing (Ctrl-C to quit)");
  auto* url = sc->add_option("--url", opts.url,
                             "Node to read from, http://HOST:PORT (default http://127.0.0.1:8080)")
                ->check(CLI::Validator{[](std::string& s) {
                                         auto ep = parse_http_url(s);
                                         return ep ? std::string{} : ep.error().message;
                                       },
                                       "URL"});
  auto* standalone =
    sc->add_flag("--standalone", opts.standalone,
                 "Run the embedded default node in-process instead of reading one");
  url->excludes(standalone);
  sc->add_option("-c,--config", opts.config_file,
                 "With --standalone: the TOML configuration to run (default: embedded)")
    ->check(CLI::ExistingFile)
    ->needs(standalone);
  sc->add_option("-n,--limit", opts.limit, "Rows to show, 1..500 (default 20)")
    ->check(CLI::Range(1, scan_max_limit));
  sc->add_option("--sort", opts.sort,
                 "Rank by spread, notional, funding or carry (default notional)")
    ->check(CLI::IsMember({"spread", "notional", "funding", "carry"}));
  sc->add_option_function<std::vector<std::string>>(
      "--fallback-leverage",
      [&opts](const std::vector<std::string>& items) {
        opts.fallback_leverage.clear();
        for (auto& item : items) {
          auto parsed = parse_fallback_leverage(item);
          if (!parsed)
            throw CLI::ValidationError("--fallback-leverage", parsed.error().message);
          for (auto& [venue, value] : opts.fallback_leverage)
            if (venue == parsed->first)
              throw CLI::ValidationError("--fallback-leverage",
                                         "venue '" + venue + "' given twice");
          opts.fallback_leverage.push_back(std::move(*parsed));
        }
      },
      "VENUE=N: leverage assumed for VENUE when it publishes none (repeatable)")
    ->type_name("VENUE=N");
  sc->add_option("--interval", opts.interval_s, "Seconds between refreshes (default 1)")
    ->check(CLI::Validator{[](std::string& s) {
                             char* end = nullptr;
                             double v = std::strtod(s.c_str(), &end);
                             if (s.empty() || *end != '\0')
                               return std::string{"the interval must be a number of seconds"};
                             auto bad = check_interval(v);
                             return bad ? *bad : std::string{};
                           },
                           "SECONDS"});
  sc->add_flag_callback("--once", [&opts] { opts.iterations = 1; },
                        "Print one frame and exit");
  sc->add_flag("--plain", opts.plain,
               "No colours or screen control (automatic when stdout is not a terminal)");
  return sc;
}

int run_scan(const scan_options& opts, const scan_fetch& fetch, std::ostream& out,
             std::ostream& err) {
  const bool tty = &out == &std::cout && isatty(STDOUT_FILENO) == 1;
  scan_options view = opts;
  view.plain = opts.plain || !tty;
  stop_signals signals;
  const auto top_target = top_spreads_target(opts);
  const auto sig_target = signals_target(opts);
  std::optional<std::pair<std::string, std::string>> last_good;
  int64_t last_good_ns = 0;
  for (int frame = 0; opts.iterations == 0 || frame < opts.iterations; ++frame) {
    if (frame > 0)
      signals.sleep(std::chrono::duration<double>(opts.interval_s));
    if (signals.stopped())
      break;
    if (opts.width <= 0)
      view.width = tty ? terminal_width() : 0;
    auto top = fetch(top_target);
    auto sig = top ? fetch(sig_target) : expected<std::string>{top.error()};
    const auto now = system_now_ns();
    std::string screen;
    if (top && sig) {
      last_good.emplace(std::move(*top), std::move(*sig));
      last_good_ns = now;
    } else {
      const auto& e = top ? sig.error() : top.error();
      if (!last_good) {
        err << "xarb scan: " << e.message << '\n';
        return 1;
      }
      std::ostringstream notice;
      notice << "refresh failed at " << clock_utc(now) << " UTC: " << e.message
             << "; showing data from " << clock_utc(last_good_ns) << " UTC, retrying every "
             << opts.interval_s << " s";
      screen = render_notice(notice.str(), view);
    }
    screen += render_scan(last_good->first, last_good->second, view, now);
    if (view.plain)
      out << (frame > 0 ? "\n" : "") << screen;
    else
      out << (frame == 0 ? "\x1b[2J" : "") << in_place(screen);
    out.flush();
  }
  return 0;
}

scan_fetch http_scan_fetch(const std::string& url, std::chrono::milliseconds timeout) {
  auto ep = parse_http_url(url);
  if (!ep) {
    auto e = ep.error();
    return [e](const std::string&) -> expected<std::string> { return e; };
  }
  return [ep = std::move(*ep), timeout](const std::string& target) -> expected<std::string> {
    auto res = http_get(ep, target, timeout);
    if (!res) {
      const auto& e = res.error();
      std::string msg = "cannot reach the node at " + ep.url + ": " + e.message;
      if (e.message == "connection refused")
        msg += " — start it with `xarb run` or use --standalone";
      return error_info{e.code, std::move(msg)};
    }
    if (res->status != 200) {
      auto path = target.substr(0, target.find('?'));
      return error_info{error_code::io_error,
                        "the node at " + ep.url + " answered HTTP " + std::to_string(res->status)
                          + " to " + path + ": " + describe_error_body(res->body)};
    }
    return std::move(res->body);
  };
}

} // namespace xarb::cli
