#pragma once
// The browser console's files (web/ui/dist, built by `make ui`), served by
// the web server for every GET/HEAD the API does not own. Pure (no Beast, no
// socket): a directory and a request in, a reply out, so every refusal is
// unit tested on a temp dir.
//
// Rules (docs/API.md "Browser console"):
// - "/" and any path whose last segment has no '.' -> index.html (SPA
//   fallback: the UI routes by hash, a reload of a deep link still works);
// - a refused path is 404: a bad escape, "." / ".." / empty inner segments,
//   a dotfile or dot-directory, backslash, NUL or any control character, a
//   file whose canonical path (symlinks resolved) leaves ui_dir, anything
//   but a regular file, or a file over max_static_bytes;
// - the console not built (ui_dir or its index.html missing): the index and
//   fallback paths answer 503 with an HTML page that says how to build it;
// - ETag from size and mtime; If-None-Match with it -> 304 without a body;
// - /assets/* (content-hashed names) are cached for a year, anything else
//   is revalidated (no-cache); every reply carries the security headers
//   (CSP, nosniff, frame denial, no referrer).
// HEAD gets the same reply as GET: the transport drops the body and keeps
// Content-Length.

#include <cstddef>
#include <string>
#include <string_view>

#include "web/routes.hpp"

namespace xarb {

/// Largest file served (the bundle is far smaller; a bigger one is refused).
inline constexpr std::size_t max_static_bytes = 8 * 1024 * 1024;

/// The Content-Security-Policy of every console reply.
inline constexpr std::string_view console_csp =
  "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
  "style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'";

/// The compiled-in console directory (<repo>/web/ui/dist, XARB_UI_DIST_DIR).
std::string default_ui_dir();

/// `configured` when not empty ([web] ui_dir), else default_ui_dir().
std::string resolve_ui_dir(std::string_view configured);

/// True when `method` + `path` (no query, still encoded) belong to the
/// console: GET or HEAD, not /api..., /ws..., /metrics, /healthz or
/// /readyz, and no route of the API route table matches the path.
bool is_console_request(std::string_view method, std::string_view path);

/// The content type for a file name's extension (application/octet-stream
/// for an unknown one).
std::string_view static_content_type(std::string_view file_name);

/// Serves `path` (no query, still percent-encoded) from `ui_dir`.
/// `if_none_match` is the request's If-None-Match header ("" if absent).
http_reply serve_static(std::string_view ui_dir, std::string_view method,
                        std::string_view path, std::string_view if_none_match);

} // namespace xarb
