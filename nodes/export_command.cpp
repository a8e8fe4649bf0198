#include "nodes/export_command.hpp"

#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "actors/storage/csv_export.hpp"
#include "actors/storage/store.hpp"

namespace xarb::cli {

namespace {

/// Civil date -> days since 1970-01-01 (H. Hinnant's algorithm).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int64_t y, unsigned m) {
  static constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}

/// Exactly `n` digits at text[pos..], advancing pos.
bool digits(std::string_view text, std::size_t& pos, std::size_t n, unsigned& value) {
  if (pos + n > text.size())
    return false;
  value = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9')
      return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  pos += n;
  return true;
}

bool literal(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c)
    return false;
  ++pos;
  return true;
}

error_info bad_time(std::string_view text, std::string_view why) {
  return {error_code::parse_error,
          "invalid time '" + std::string{text} + "' (" + std::string{why}
            + "): expected ISO-8601 UTC like 2026-11-22T05:00:00Z or 2026-11-22T05:00:00.5Z,"
              " or integer nanoseconds since the epoch"};
}

expected<timestamp_ns> parse_iso(std::string_view text) {
  std::size_t pos = 0;
  unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!(digits(text, pos, 4, y) && literal(text, pos, '-') && digits(text, pos, 2, mo)
        && literal(text, pos, '-') && digits(text, pos, 2, d) && literal(text, pos, 'T')
        && digits(text, pos, 2, h) && literal(text, pos, ':') && digits(text, pos, 2, mi)
        && literal(text, pos, ':') && digits(text, pos, 2, s)))
    return bad_time(text, "malformed");
  int64_t nanos = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::size_t n = 0;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      if (++n > 9)
        return bad_time(text, "more than 9 fractional digits");
      nanos = nanos * 10 + (text[pos++] - '0');
    }
    if (n == 0)
      return bad_time(text, "no digit after '.'");
    for (; n < 9; ++n)
      nanos *= 10;
  }
  auto zone = text.substr(pos);
  if (zone != "Z" && zone != "+00:00")
    return bad_time(text, "the time zone must be Z (UTC)");
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59)
    return bad_time(text, "field out of range");
  __extension__ using i128 = __int128;
  i128 secs = static_cast<i128>(days_from_civil(y, mo, d)) * 86'400 + h * 3600 + mi * 60 + s;
  i128 ns = secs * 1'000'000'000 + nanos;
  if (ns > std::numeric_limits<timestamp_ns>::max() || ns < std::numeric_limits<timestamp_ns>::min())
    return bad_time(text, "outside 1677..2262");
  return static_cast<timestamp_ns>(ns);
}

/// RocksDB says "While lock file: .../LOCK: Resource temporarily unavailable"
/// when another process holds the database.
bool is_lock_error(std::string_view message) {
  return message.find("lock file") != std::string_view::npos
         || message.find("/LOCK") != std::string_view::npos;
}

} // namespace

expected<timestamp_ns> parse_time(std::string_view text) {
  if (text.empty())
    return bad_time(text, "empty");
  if (text.find_first_not_of("-0123456789") == std::string_view::npos) {
    timestamp_ns v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc::result_out_of_range)
      return bad_time(text, "out of range");
    if (ec != std::errc{} || end != text.data() + text.size())
      return bad_time(text, "malformed");
    return v;
  }
  return parse_iso(text);
}

std::string store_dir(const std::string& data_dir) { return data_dir + "/db"; }

int run_export(const export_request& req, std::ostream& out, std::ostream& err) {
  namespace fs = std::filesystem;
  auto dir = store_dir(req.data_dir);
  // Check first: a read-only open creates nothing, but this message is clearer
  // than RocksDB's about a missing CURRENT file.
  std::error_code ec;
  if (!fs::is_directory(dir, ec) || !fs::exists(fs::path{dir} / "CURRENT", ec)) {
    err << "xarb export: no data in " << dir << '\n';
    return 1;
  }
  auto db = storage::store::open_read_only(dir);
  if (!db) {
    if (is_lock_error(db.error().message))
      err << "xarb export: the node is running: stop it or export through the API later ("
          << db.error().message << ")\n";
    else
      err << "xarb export: cannot open " << dir << ": " << db.error().message << '\n';
    return 1;
  }
  std::ofstream file;
  if (!req.out_file.empty()) {
    file.open(req.out_file, std::ios::out | std::ios::trunc | std::ios::binary);
    if (!file) {
      err << "xarb export: cannot write " << req.out_file << ": "
          << std::error_code{errno, std::generic_category()}.message() << '\n';
      return 1;
    }
  }
  std::ostream& sink = req.out_file.empty() ? out : file;
  auto e = storage::export_csv(**db, req.kind, req.from, req.to, req.pair, sink);
  if (!e) {
    sink.flush();
    if (!sink)
      e = {error_code::io_error, "export: write to output failed"};
  }
  if (e) {
    err << "xarb export: " << e.message << '\n';
    return 1;
  }
  return 0;
}

} // namespace xarb::cli
