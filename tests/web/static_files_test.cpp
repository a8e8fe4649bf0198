// The browser console's files (web/static_files.hpp) on a temp dir: index
// and SPA fallback, content types, cache and security headers, ETag/304,
// every traversal spelling, symlinks out of the directory, the "not built"
// page; then the same through the HTTP server over loopback (HEAD, 304,
// the "ui" metric label, API paths never served from disk).
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <unistd.h>

#include "monitoring/status_board.hpp"
#include "monitoring/telemetry.hpp"
#include "tests/web/http_test_client.hpp"
#include "web/http_server.hpp"
#include "web/static_files.hpp"

using namespace xarb;
namespace fs = std::filesystem;
namespace http = boost::beast::http;

namespace {

constexpr std::string_view index_html = "<!doctype html><title>xarb</title>";
constexpr std::string_view app_js = "console.log('xarb');";
constexpr std::string_view secret = "TOP-SECRET-OUTSIDE-UI";
constexpr std::string_view csp =
  "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
  "style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'";

void write(const fs::path& p, std::string_view text) {
  fs::create_directories(p.parent_path());
  std::ofstream out{p, std::ios::binary | std::ios::trunc};
  out << text;
  REQUIRE(out.good());
}

/// <tmp>/ui is the console (index, assets, a dotfile, symlinks in and out);
/// <tmp>/secret.txt and <tmp>/outside/ are what no request may reach.
struct console_dir {
  fs::path base;
  fs::path ui;

  console_dir() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    base = fs::temp_directory_path()
           / ("xarb_static_test_" + std::to_string(::getpid()) + "_"
              + std::to_string(counter++) + "_" + std::to_string(rd()));
    ui = base / "ui";
    write(ui / "index.html", index_html);
    write(ui / "assets" / "app-1a2b.js", app_js);
    write(ui / "assets" / "app-1a2b.css", "body{}");
    write(ui / "favicon.ico", "ico");
    write(ui / "robots.txt", "User-agent: *");
    write(ui / ".env", "TOKEN=leak");
    write(ui / "assets" / ".hidden" / "x.js", "hidden");
    write(base / "secret.txt", secret);
    write(base / "outside" / "x.js", secret);
    fs::create_directories(ui / "dir.js");
    fs::create_symlink(base / "secret.txt", ui / "leak.txt");
    fs::create_symlink(base / "outside", ui / "assets" / "out");
    fs::create_symlink(ui / "assets" / "app-1a2b.js", ui / "alias.js"); // stays inside
  }
  ~console_dir() {
    std::error_code ec;
    fs::remove_all(base, ec);
  }
  console_dir(const console_dir&) = delete;
  console_dir& operator=(const console_dir&) = delete;

  http_reply get(std::string_view path, std::string_view inm = {}) const {
    return serve_static(ui.string(), "GET", path, inm);
  }
};

std::string header(const http_reply& r, std::string_view name) {
  for (auto& [k, v] : r.headers)
    if (k == name)
      return v;
  return {};
}

void check_security_headers(const http_reply& r) {
  CHECK(header(r, "X-Content-Type-Options") == "nosniff");
  CHECK(header(r, "X-Frame-Options") == "DENY");
  CHECK(header(r, "Referrer-Policy") == "no-referrer");
  CHECK(header(r, "Content-Security-Policy") == csp);
}

} // namespace

TEST_SUITE("static_files") {

TEST_CASE("the index, the SPA fallback and the assets") {
  console_dir d;
  auto r = d.get("/");
  CHECK(r.status == 200);
  CHECK(r.body == index_html);
  CHECK(r.content_type == "text/html; charset=utf-8");
  CHECK(header(r, "Cache-Control") == "no-cache");
  CHECK(header(r, "ETag").starts_with("\""));
  check_security_headers(r);
  CHECK(console_csp == csp);

  // Extension-less last segments are UI routes: the index answers.
  for (auto spa : {"/pairs", "/pairs/BTC-PERP", "/logs/", "/a%20b", "/index"}) {
    CAPTURE(spa);
    auto s = d.get(spa);
    CHECK(s.status == 200);
    CHECK(s.body == index_html);
    CHECK(header(s, "Cache-Control") == "no-cache");
  }
  CHECK(d.get("/index.html").body == index_html);

  auto js = d.get("/assets/app-1a2b.js");
  CHECK(js.status == 200);
  CHECK(js.body == app_js);
  CHECK(js.content_type == "text/javascript; charset=utf-8");
  CHECK(header(js, "Cache-Control") == "public, max-age=31536000, immutable");
  check_security_headers(js);
  CHECK(d.get("/assets/app-1a2b.css").content_type == "text/css; charset=utf-8");

  auto ico = d.get("/favicon.ico");
  CHECK(ico.status == 200);
  CHECK(ico.content_type == "image/x-icon");
  CHECK(header(ico, "Cache-Control") == "no-cache");
  CHECK(d.get("/robots.txt").content_type == "text/plain; charset=utf-8");
  // A symlink that stays inside the directory is served.
  CHECK(d.get("/alias.js").body == app_js);

  // A missing file with an extension is the API's JSON 404.
  auto missing = d.get("/assets/nope.js");
  CHECK(missing.status == 404);
  CHECK(missing.content_type == "application/json");
  CHECK(missing.body.find("\"not_found\"") != std::string::npos);
  check_security_headers(missing);
}

TEST_CASE("content types by extension") {
  CHECK(static_content_type("a.html") == "text/html; charset=utf-8");
  CHECK(static_content_type("a.js") == "text/javascript; charset=utf-8");
  CHECK(static_content_type("a.mjs") == "text/javascript; charset=utf-8");
  CHECK(static_content_type("a.css") == "text/css; charset=utf-8");
  CHECK(static_content_type("a.svg") == "image/svg+xml");
  CHECK(static_content_type("a.png") == "image/png");
  CHECK(static_content_type("a.ico") == "image/x-icon");
  CHECK(static_content_type("a.json") == "application/json");
  CHECK(static_content_type("a.js.map") == "application/json");
  CHECK(static_content_type("a.woff2") == "font/woff2");
  CHECK(static_content_type("a.txt") == "text/plain; charset=utf-8");
  CHECK(static_content_type("site.webmanifest") == "application/manifest+json");
  CHECK(static_content_type("A.PNG") == "image/png");
  CHECK(static_content_type("a.exe") == "application/octet-stream");
  CHECK(static_content_type("noext") == "application/octet-stream");
}

TEST_CASE("ETag and If-None-Match: 304 without a body, a changed file revalidates") {
  console_dir d;
  auto first = d.get("/assets/app-1a2b.js");
  auto etag = header(first, "ETag");
  REQUIRE(etag.size() > 2);
  CHECK(d.get("/assets/app-1a2b.js").headers == first.headers); // stable

  for (auto inm : {etag, "W/" + etag, "\"other\", " + etag, std::string{"*"}}) {
    CAPTURE(inm);
    auto r = d.get("/assets/app-1a2b.js", inm);
    CHECK(r.status == 304);
    CHECK(r.body.empty());
    CHECK(header(r, "ETag") == etag);
    CHECK(header(r, "Cache-Control") == "public, max-age=31536000, immutable");
    check_security_headers(r);
  }
  CHECK(d.get("/assets/app-1a2b.js", "\"stale\"").status == 200);
  // The index revalidates too (SPA routes share its ETag).
  auto idx = header(d.get("/"), "ETag");
  CHECK(d.get("/pairs", idx).status == 304);

  write(d.ui / "assets" / "app-1a2b.js", "console.log('a longer build');");
  auto changed = d.get("/assets/app-1a2b.js", etag);
  CHECK(changed.status == 200);
  CHECK(header(changed, "ETag") != etag);
}

TEST_CASE("traversal, dotfiles, control characters and backslashes are 404") {
  console_dir d;
  for (auto bad : {"/../secret.txt", "/../etc/passwd", "/%2e%2e/secret.txt",
                   "/%2E%2E/secret.txt", "/%2e%2e/", "/%2e%2e", "/..", "/assets/..%2fx",
                   "/assets/..%2f..%2fsecret.txt", "/assets/%2e%2e/%2e%2e/secret.txt",
                   "/.env", "/%2eenv", "/assets/.hidden/x.js", "/./index.html",
                   "/assets/./app-1a2b.js", "/a\\b", "/a%5cb", "/..\\secret.txt",
                   "/x%00.js", "/%00", "/index.html%00", "/a%0ab", "/assets//app-1a2b.js",
                   "//etc/passwd", "/%zz.js", "/%", "/%c0%ae%c0%ae/secret.txt", "index.html",
                   ""}) {
    CAPTURE(bad);
    auto r = d.get(bad);
    CHECK(r.status == 404);
    CHECK(r.body.find(secret) == std::string::npos);
    CHECK(r.body.find("TOKEN=leak") == std::string::npos);
    CHECK(r.body.find(index_html) == std::string::npos);
    check_security_headers(r);
  }
}

TEST_CASE("symlinks out of the directory, directories and huge files are 404") {
  console_dir d;
  for (auto bad : {"/leak.txt", "/assets/out/x.js", "/dir.js"}) {
    CAPTURE(bad);
    auto r = d.get(bad);
    CHECK(r.status == 404);
    CHECK(r.body.find(secret) == std::string::npos);
  }
  {
    std::ofstream{d.ui / "big.js"};
    fs::resize_file(d.ui / "big.js", max_static_bytes + 1);
  }
  CHECK(d.get("/big.js").status == 404);
  fs::resize_file(d.ui / "big.js", max_static_bytes);
  auto ok = d.get("/big.js");
  CHECK(ok.status == 200);
  CHECK(ok.body.size() == max_static_bytes);
}

TEST_CASE("the console not built: 503 page for the index and UI routes") {
  console_dir d;
  auto check_not_built = [](const http_reply& r) {
    CHECK(r.status == 503);
    CHECK(r.content_type == "text/html; charset=utf-8");
    CHECK(r.body.find("the console is not built: run `make ui` (or make run)")
          != std::string::npos);
    check_security_headers(r);
  };
  const auto missing = (d.base / "no-such-dir").string();
  check_not_built(serve_static(missing, "GET", "/", ""));
  check_not_built(serve_static(missing, "GET", "/pairs", ""));
  check_not_built(serve_static("", "GET", "/", ""));
  CHECK(serve_static(missing, "GET", "/assets/app.js", "").status == 404);
  // The directory exists but the build did not finish (no index.html).
  fs::remove(d.ui / "index.html");
  check_not_built(d.get("/"));
  CHECK(d.get("/assets/app-1a2b.js").status == 200);
  // ui_dir itself a file: not built either.
  check_not_built(serve_static((d.base / "secret.txt").string(), "GET", "/", ""));
}

TEST_CASE("methods: HEAD answers like GET, others 405") {
  console_dir d;
  auto get = d.get("/assets/app-1a2b.js");
  auto head = serve_static(d.ui.string(), "HEAD", "/assets/app-1a2b.js", "");
  CHECK(head.status == 200);
  CHECK(head.headers == get.headers);
  CHECK(head.body == get.body); // the transport drops it, keeping Content-Length
  auto post = serve_static(d.ui.string(), "POST", "/", "");
  CHECK(post.status == 405);
  CHECK(header(post, "Allow") == "GET, HEAD");
}

TEST_CASE("API paths never belong to the console") {
  for (auto api : {"/api/status", "/api/nope", "/api/nope.json", "/api", "/api/",
                   "/ws/stream", "/ws", "/ws/other", "/metrics", "/metrics.txt", "/healthz",
                   "/readyz", "/healthz/x"}) {
    CAPTURE(api);
    CHECK_FALSE(is_console_request("GET", api));
    CHECK_FALSE(is_console_request("HEAD", api));
  }
  for (auto ui : {"/", "/index.html", "/assets/app.js", "/pairs", "/favicon.ico"}) {
    CAPTURE(ui);
    CHECK(is_console_request("GET", ui));
    CHECK(is_console_request("HEAD", ui));
    CHECK_FALSE(is_console_request("POST", ui));
    CHECK_FALSE(is_console_request("DELETE", ui));
  }
  CHECK_FALSE(is_console_request("GET", "*"));
  CHECK_FALSE(is_console_request("GET", "http://x/"));
  CHECK(resolve_ui_dir("/srv/ui") == "/srv/ui");
  CHECK(resolve_ui_dir("") == default_ui_dir());
  CHECK(default_ui_dir().ends_with("/web/ui/dist"));
}

TEST_CASE("through the HTTP server: headers, HEAD, 304, metrics, API first") {
  console_dir d;
  // A file where an API path would be: the API must still answer.
  write(d.ui / "api" / "nope.json", secret);
  write(d.ui / "metrics", secret);
  status_board board;
  board.set_node({"xarb", "0.0.1-test", 1, "sim", "paper"});
  telemetry tel{"0.0.1-test"};
  http_server_config cfg;
  cfg.port = 0;
  cfg.rate_limit_rps = 0;
  cfg.ui_dir = d.ui.string();
  http_server server{cfg, board, &tel};
  auto port = server.start();
  REQUIRE(port.has_value());

  test::connection c{*port};
  REQUIRE(c.connected());
  auto r = c.request(http::verb::get, "/");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == index_html);
  CHECK(r->header_count("Cache-Control") == 1);
  CHECK(r->header("Cache-Control") == "no-cache");
  CHECK(r->header("Content-Security-Policy") == csp);
  CHECK(r->header("X-Frame-Options") == "DENY");
  auto etag = r->header("ETag");
  REQUIRE(!etag.empty());

  auto head = c.request(http::verb::head, "/assets/app-1a2b.js?v=1");
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(head->body.empty());
  CHECK(head->content_length == std::to_string(app_js.size()));
  CHECK(head->content_type == "text/javascript; charset=utf-8");
  CHECK(head->header("Cache-Control") == "public, max-age=31536000, immutable");

  auto not_modified = c.request(http::verb::get, "/pairs", {}, {{"If-None-Match", etag}});
  REQUIRE(not_modified);
  CHECK(not_modified->status == 304);
  CHECK(not_modified->body.empty());

  auto trav = c.request(http::verb::get, "/%2e%2e/secret.txt");
  REQUIRE(trav);
  CHECK(trav->status == 404);
  CHECK(trav->body.find(secret) == std::string::npos);

  // The API owns its paths even where the directory has a file.
  auto api = c.request(http::verb::get, "/api/nope.json");
  REQUIRE(api);
  CHECK(api->status == 404);
  CHECK(api->body.find("no route") != std::string::npos);
  auto health = c.request(http::verb::get, "/healthz");
  REQUIRE(health);
  CHECK(health->body == "ok\n");
  CHECK(health->header("Content-Security-Policy").empty());
  auto post = c.request(http::verb::post, "/");
  REQUIRE(post);
  CHECK(post->status == 404); // not the console's: the API's JSON 404
  CHECK(post->content_type == "application/json");

  auto m = c.request(http::verb::get, "/metrics");
  REQUIRE(m);
  CHECK(m->body.find(R"(xarb_http_requests_total{code="200",route="ui"} 2)")
        != std::string::npos);
  CHECK(m->body.find(R"(xarb_http_requests_total{code="304",route="ui"} 1)")
        != std::string::npos);
  CHECK(m->body.find(R"(xarb_http_requests_total{code="404",route="ui"} 1)")
        != std::string::npos);
  CHECK(m->body.find(secret) == std::string::npos);
  server.stop();
}

TEST_CASE("through the HTTP server without a console: unknown paths stay 404") {
  status_board board;
  http_server_config cfg;
  cfg.port = 0;
  http_server server{cfg, board, nullptr};
  auto port = server.start();
  REQUIRE(port.has_value());
  auto r = test::fetch(*port, "/");
  REQUIRE(r);
  CHECK(r->status == 404);
  CHECK(r->content_type == "application/json");
  server.stop();
}

}
