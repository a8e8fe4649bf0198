#pragma once
// Logging for the whole process (spdlog; CAF's own logger is compiled out in
// Debian's build). One thread-safe sink chain to stderr shared by every
// component logger, so the format and level are switched in one place:
//
//   text: 2024-05-01T12:00:00.123456Z info  [venue_session] message
//   json: {"ts":"2024-05-01T12:00:00.123456Z","level":"info",
//          "logger":"venue_session","msg":"message"}      (one object per line)
//
// Component loggers are created on first use by log::get("component") and
// may be fetched before init_logging(); they pick up its settings anyway.
// spdlog's default logger (spdlog::info(...)) writes through the same sink.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/common.h>
#include <spdlog/logger.h>

#include "messages/event.hpp"

namespace xarb {

/// "trace", "debug", "info", "warn"/"warning", "error", "critical", "off".
std::optional<spdlog::level::level_enum> parse_log_level(std::string_view name);

/// The log level of an operational event's severity.
spdlog::level::level_enum level_of(severity s) noexcept;

/// Sets the level (unknown names fall back to info, with a warning) and the
/// format of every logger. `sink`: where lines go; default stderr (tests
/// pass an ostream sink). Call once at start-up; safe to call again.
void init_logging(std::string_view level, bool json, spdlog::sink_ptr sink = nullptr);

namespace log {

/// The logger of a component, created (and registered with spdlog) on
/// first use. Thread-safe; keep the pointer in actor state.
std::shared_ptr<spdlog::logger> get(const std::string& component);

} // namespace log

} // namespace xarb
