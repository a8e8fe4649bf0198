#include "monitoring/logging.hpp"

#include <array>
#include <cstdio>
#include <ctime>
#include <mutex>

#include <spdlog/details/log_msg.h>
#include <spdlog/formatter.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/dist_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "monitoring/json_writer.hpp"

namespace xarb {

namespace {

// Text lines: UTC timestamp, padded level, [component], message.
constexpr const char* text_pattern = "%Y-%m-%dT%H:%M:%S.%fZ %-8l [%n] %v";

/// One JSON object per line: {"ts","level","logger","msg"}, every string
/// escaped by monitoring/json_writer (control characters, invalid UTF-8).
class json_formatter final : public spdlog::formatter {
public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    using namespace std::chrono;
    auto since_epoch = msg.time.time_since_epoch();
    auto secs = duration_cast<seconds>(since_epoch);
    auto micros = duration_cast<microseconds>(since_epoch - secs).count();
    std::time_t tt = static_cast<std::time_t>(secs.count());
    std::tm tm{};
    ::gmtime_r(&tt, &tm);
    std::array<char, 40> ts{};
    auto n = std::snprintf(ts.data(), ts.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
                           tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                           tm.tm_min, tm.tm_sec, static_cast<int>(micros));
    auto level = spdlog::level::to_string_view(msg.level);
    json::writer w;
    w.begin_object()
      .key("ts").value(std::string_view{ts.data(), static_cast<std::size_t>(n)})
      .key("level").value(std::string_view{level.data(), level.size()})
      .key("logger").value(std::string_view{msg.logger_name.data(), msg.logger_name.size()})
      .key("msg").value(std::string_view{msg.payload.data(), msg.payload.size()})
      .end_object();
    auto& out = w.str();
    dest.append(out.data(), out.data() + out.size());
    dest.push_back('\n');
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<json_formatter>();
  }
};

std::unique_ptr<spdlog::formatter> make_formatter(bool json) {
  if (json)
    return std::make_unique<json_formatter>();
  return std::make_unique<spdlog::pattern_formatter>(text_pattern,
                                                     spdlog::pattern_time_type::utc);
}

// Every component logger writes into `dist`; init_logging swaps what is
// behind it, so loggers created earlier follow the new settings.
struct logging_state {
  std::mutex mtx;
  std::shared_ptr<spdlog::sinks::dist_sink_mt> dist;
  spdlog::level::level_enum level = spdlog::level::info;

  logging_state() : dist(std::make_shared<spdlog::sinks::dist_sink_mt>()) {
    auto err = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    err->set_formatter(make_formatter(false));
    dist->set_sinks({err});
  }
};

logging_state& state() {
  static logging_state s;
  return s;
}

std::shared_ptr<spdlog::logger> get_locked(logging_state& st, const std::string& component) {
  if (auto existing = spdlog::get(component))
    return existing;
  auto logger = std::make_shared<spdlog::logger>(component, st.dist);
  logger->set_level(st.level);
  logger->flush_on(spdlog::level::warn);
  spdlog::register_logger(logger);
  return logger;
}

} // namespace

spdlog::level::level_enum level_of(severity s) noexcept {
  switch (s) {
    case severity::debug: return spdlog::level::debug;
    case severity::info: return spdlog::level::info;
    case severity::warning: return spdlog::level::warn;
    case severity::error: return spdlog::level::err;
    case severity::critical: return spdlog::level::critical;
  }
  return spdlog::level::info;
}

std::optional<spdlog::level::level_enum> parse_log_level(std::string_view name) {
  using spdlog::level::level_enum;
  if (name == "trace") return level_enum::trace;
  if (name == "debug") return level_enum::debug;
  if (name == "info") return level_enum::info;
  if (name == "warn" || name == "warning") return level_enum::warn;
  if (name == "error") return level_enum::err;
  if (name == "critical") return level_enum::critical;
  if (name == "off") return level_enum::off;
  return std::nullopt;
}

void init_logging(std::string_view level, bool json, spdlog::sink_ptr sink) {
  auto& st = state();
  auto parsed = parse_log_level(level);
  {
    std::lock_guard guard{st.mtx};
    if (!sink)
      sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    sink->set_formatter(make_formatter(json));
    st.dist->set_sinks({sink});
    st.level = parsed.value_or(spdlog::level::info);
    spdlog::set_level(st.level); // every registered logger
    auto main_logger = get_locked(st, "xarb");
    main_logger->set_level(st.level);
    spdlog::set_default_logger(main_logger);
  }
  if (!parsed)
    log::get("xarb")->warn("unknown log level '{}', using info", level);
}

namespace log {

std::shared_ptr<spdlog::logger> get(const std::string& component) {
  auto& st = state();
  std::lock_guard guard{st.mtx};
  return get_locked(st, component);
}

} // namespace log

} // namespace xarb
