// The console's static files (web/static_files.hpp). Every request path is
// decoded and checked segment by segment before it touches the file system,
// and the file actually opened is the canonical one, checked to be inside
// the canonical ui_dir: a symlink out of the directory is a 404 like "..".
#include "web/static_files.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <utility>

#include "web/route_table.hpp"
#include "web/url.hpp"

namespace xarb {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view not_built_page =
  "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
  "<title>xarb console</title></head>\n<body><h1>xarb console</h1>\n"
  "<p>the console is not built: run `make ui` (or make run)</p>\n"
  "<p>The API is up: <a href=\"/api/openapi.json\">/api/openapi.json</a>.</p>\n"
  "</body></html>\n";

constexpr std::string_view html_type = "text/html; charset=utf-8";

struct type_entry {
  std::string_view ext;
  std::string_view type;
};

constexpr std::array<type_entry, 12> content_types{{
  {"html", html_type},
  {"js", "text/javascript; charset=utf-8"},
  {"mjs", "text/javascript; charset=utf-8"},
  {"css", "text/css; charset=utf-8"},
  {"svg", "image/svg+xml"},
  {"png", "image/png"},
  {"ico", "image/x-icon"},
  {"json", "application/json"},
  {"map", "application/json"},
  {"woff2", "font/woff2"},
  {"txt", "text/plain; charset=utf-8"},
  {"webmanifest", "application/manifest+json"},
}};

void add_security_headers(http_reply& r) {
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Content-Security-Policy", std::string{console_csp});
}

http_reply not_found() {
  auto r = error_reply(404, "not_found", "no such file");
  add_security_headers(r);
  return r;
}

http_reply not_built() {
  http_reply r;
  r.status = 503;
  r.content_type = std::string{html_type};
  r.body = std::string{not_built_page};
  add_security_headers(r);
  return r;
}

/// The decoded path relative to ui_dir ("" for "/"), or nullopt when any
/// segment is refused. The last segment may be empty ("/logs/").
std::optional<std::string> checked_relative(std::string_view encoded) {
  if (!encoded.starts_with('/'))
    return std::nullopt;
  auto decoded = url::percent_decode(encoded.substr(1), false);
  if (!decoded || !url::checked_text_length(*decoded)) // bad escape, NUL, controls, bad UTF-8
    return std::nullopt;
  const std::string& rel = *decoded;
  if (rel.find('\\') != std::string::npos)
    return std::nullopt;
  std::size_t start = 0;
  for (;;) {
    auto slash = rel.find('/', start);
    auto seg = std::string_view{rel}.substr(start, slash == std::string::npos
                                                     ? std::string::npos
                                                     : slash - start);
    const bool last = slash == std::string::npos;
    if (seg.empty() && !last)
      return std::nullopt; // "//": no empty inner segments
    if (seg.starts_with('.'))
      return std::nullopt; // ".", "..", dotfiles and dot-directories
    if (last)
      break;
    start = slash + 1;
  }
  return rel;
}

bool inside(const fs::path& root, const fs::path& file) {
  auto [r, f] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
  return r == root.end() && f != file.end();
}

std::string hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(v));
  return buf;
}

/// True if the If-None-Match list names `etag` (weak comparison) or is "*".
bool etag_matches(std::string_view list, std::string_view etag) {
  while (!list.empty()) {
    auto comma = list.find(',');
    auto item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
      item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
      item.remove_suffix(1);
    if (item.starts_with("W/"))
      item.remove_prefix(2);
    if (item == "*" || item == etag)
      return true;
  }
  return false;
}

std::optional<std::string> read_file(const fs::path& file, std::size_t size) {
  std::ifstream in{file, std::ios::binary};
  if (!in)
    return std::nullopt;
  std::string body(size, '\0');
  in.read(body.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::size_t>(in.gcount()) != size)
    return std::nullopt; // shrank meanwhile
  return body;
}

} // namespace

std::string default_ui_dir() {
  return XARB_UI_DIST_DIR;
}

std::string resolve_ui_dir(std::string_view configured) {
  return configured.empty() ? default_ui_dir() : std::string{configured};
}

bool is_console_request(std::string_view method, std::string_view path) {
  if ((method != "GET" && method != "HEAD") || !path.starts_with('/'))
    return false;
  if (path == "/api" || path == "/ws")
    return false;
  for (std::string_view owned : {"/api/", "/ws/", "/metrics", "/healthz", "/readyz"})
    if (path.starts_with(owned))
      return false;
  for (auto& r : web_detail::route_table())
    if (web_detail::match_template(r.path, path))
      return false;
  return true;
}

std::string_view static_content_type(std::string_view file_name) {
  auto dot = file_name.rfind('.');
  if (dot == std::string_view::npos)
    return "application/octet-stream";
  std::string ext{file_name.substr(dot + 1)};
  for (auto& ch : ext)
    if (ch >= 'A' && ch <= 'Z')
      ch = static_cast<char>(ch - 'A' + 'a');
  for (auto& t : content_types)
    if (t.ext == ext)
      return t.type;
  return "application/octet-stream";
}

http_reply serve_static(std::string_view ui_dir, std::string_view method,
                        std::string_view path, std::string_view if_none_match) {
  if (method != "GET" && method != "HEAD") {
    auto r = error_reply(405, "method_not_allowed", "allowed methods: GET, HEAD");
    r.headers.emplace_back("Allow", "GET, HEAD");
    add_security_headers(r);
    return r;
  }
  auto rel = checked_relative(path);
  if (!rel)
    return not_found();
  const auto slash = rel->rfind('/');
  const std::string_view last =
    slash == std::string::npos ? std::string_view{*rel} : std::string_view{*rel}.substr(slash + 1);
  const bool index = last.find('.') == std::string_view::npos; // "/" or an SPA route
  const std::string name = index ? std::string{"index.html"} : *rel;

  std::error_code ec;
  const fs::path root = ui_dir.empty() ? fs::path{} : fs::canonical(fs::path{ui_dir}, ec);
  if (ui_dir.empty() || ec || !fs::is_directory(root, ec))
    return index ? not_built() : not_found();
  const fs::path file = fs::canonical(root / name, ec);
  if (ec || !inside(root, file))
    return index ? not_built() : not_found();
  const auto st = fs::status(file, ec);
  if (ec || !fs::is_regular_file(st))
    return index ? not_built() : not_found();
  const auto size = fs::file_size(file, ec);
  if (ec || size > max_static_bytes)
    return not_found();
  const auto mtime = fs::last_write_time(file, ec);
  if (ec)
    return not_found();
  const auto mtime_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          mtime.time_since_epoch())
                          .count();
  const std::string etag =
    "\"" + hex(size) + "-" + hex(static_cast<uint64_t>(mtime_ns)) + "\"";

  http_reply r;
  r.content_type = std::string{static_content_type(file.filename().string())};
  r.headers.emplace_back("ETag", etag);
  r.headers.emplace_back("Cache-Control", !index && rel->starts_with("assets/")
                                            ? "public, max-age=31536000, immutable"
                                            : "no-cache");
  add_security_headers(r);
  if (!if_none_match.empty() && etag_matches(if_none_match, etag)) {
    r.status = 304;
    return r;
  }
  auto body = read_file(file, static_cast<std::size_t>(size));
  if (!body)
    return not_found();
  r.status = 200;
  r.body = std::move(*body);
  return r;
}

} // namespace xarb
