// web/api_token: the API bearer token from XARB_API_TOKEN or the token file
// (created 0600 with a random token when missing, refused when loose,
// malformed, not a regular file or a symlink). Tests run as root, so
// permission-denied paths are not exercised.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "web/api_token.hpp"

using namespace xarb;
namespace fs = std::filesystem;

namespace {

/// A fresh directory under the system temp dir, removed with everything in it.
struct temp_dir {
  fs::path path;
  temp_dir() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    path = fs::temp_directory_path()
           / ("xarb_api_token_test_" + std::to_string(::getpid()) + "_"
              + std::to_string(counter++) + "_" + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  std::string file(const std::string& name) const { return (path / name).string(); }
};

void write_file(const std::string& path, const std::string& content, mode_t mode) {
  {
    std::ofstream out{path, std::ios::binary | std::ios::trunc};
    out << content;
  }
  REQUIRE(::chmod(path.c_str(), mode) == 0);
}

std::string read_all(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  return std::string{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

mode_t mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

bool is_lower_hex(const std::string& s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return true;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

/// load_api_token must fail with config_error; returns the message.
std::string config_error_of(const char* env, const std::string& path) {
  auto r = load_api_token(env, path);
  REQUIRE_MESSAGE(!r.has_value(), "expected an error, got token from " << r->source);
  CHECK(r.error().code == error_code::config_error);
  return r.error().message;
}

const std::string good_token = "0123456789abcdef0123456789abcdef"; // 32 chars

} // namespace

TEST_SUITE("api_token") {

TEST_CASE("XARB_API_TOKEN wins over the token file") {
  temp_dir d;
  auto path = d.file("api_token");
  write_file(path, good_token + "\n", 0600);
  auto r = load_api_token("env-token-0123456789", path);
  REQUIRE(r.has_value());
  CHECK(r->token == "env-token-0123456789");
  CHECK(r->source == "XARB_API_TOKEN");
  CHECK_FALSE(r->generated);

  // With the env token, a missing file is neither needed nor created.
  auto missing = d.file("nothing/here");
  auto r2 = load_api_token("env-token-0123456789", missing);
  REQUIRE(r2.has_value());
  CHECK(r2->source == "XARB_API_TOKEN");
  CHECK_FALSE(fs::exists(missing));
  CHECK_FALSE(fs::exists(d.file("nothing")));

  // Exactly 16 characters is the minimum accepted.
  auto r3 = load_api_token("abcdefghijklmnop", missing);
  REQUIRE(r3.has_value());
  CHECK(r3->token == "abcdefghijklmnop");
}

TEST_CASE("an empty XARB_API_TOKEN counts as unset") {
  temp_dir d;
  auto path = d.file("api_token");
  write_file(path, good_token + "\n", 0600);
  auto r = load_api_token("", path);
  REQUIRE(r.has_value());
  CHECK(r->token == good_token);
  CHECK(r->source == path);
}

TEST_CASE("a short or whitespace XARB_API_TOKEN is refused") {
  temp_dir d;
  auto path = d.file("api_token");
  auto msg = config_error_of("abcdefghijklmno", path); // 15 chars
  CHECK(contains(msg, "XARB_API_TOKEN"));
  CHECK(contains(msg, "shorter than 16"));
  msg = config_error_of("abcdefgh ijklmnopqrs", path);
  CHECK(contains(msg, "XARB_API_TOKEN"));
  CHECK(contains(msg, "whitespace"));
  config_error_of("abcdefghijklmnopqrs\n", path);
  config_error_of("abcdefghij\tklmnopqrs", path);
  // Refusing the env token must not fall back to (or create) the file.
  CHECK_FALSE(fs::exists(path));
}

TEST_CASE("no env and no file: a 0600 file with a new token is created") {
  temp_dir d;
  auto path = d.file("a/b/c/api_token"); // parents do not exist yet
  auto r = load_api_token(nullptr, path);
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
  CHECK(r->generated);
  CHECK(r->source == path);
  CHECK(r->token.size() == 64);
  CHECK(is_lower_hex(r->token));
  REQUIRE(fs::is_regular_file(path));
  CHECK(mode_of(path) == 0600);
  CHECK(read_all(path) == r->token + "\n");

  SUBCASE("a second call reads the same token back") {
    auto again = load_api_token(nullptr, path);
    REQUIRE(again.has_value());
    CHECK(again->token == r->token);
    CHECK_FALSE(again->generated);
    CHECK(again->source == path);
    CHECK(read_all(path) == r->token + "\n"); // never overwritten
  }
  SUBCASE("another file gets another token") {
    auto other = load_api_token(nullptr, d.file("other_token"));
    REQUIRE(other.has_value());
    CHECK(other->generated);
    CHECK(other->token != r->token);
  }
}

TEST_CASE("an existing file is read: trailing newline stripped, 0400 accepted") {
  temp_dir d;
  auto path = d.file("api_token");
  write_file(path, good_token + "\r\n", 0600);
  auto r = load_api_token(nullptr, path);
  REQUIRE(r.has_value());
  CHECK(r->token == good_token);
  CHECK_FALSE(r->generated);

  auto ro = d.file("ro_token");
  write_file(ro, "operator-chosen-token-42", 0400);
  auto r2 = load_api_token(nullptr, ro);
  REQUIRE_MESSAGE(r2.has_value(), (r2 ? "" : r2.error().message));
  CHECK(r2->token == "operator-chosen-token-42");
  CHECK(r2->source == ro);
  CHECK(mode_of(ro) == 0400); // not touched

  // No trailing newline at all is fine too.
  auto bare = d.file("bare_token");
  write_file(bare, good_token, 0600);
  auto r3 = load_api_token(nullptr, bare);
  REQUIRE(r3.has_value());
  CHECK(r3->token == good_token);
}

TEST_CASE("a token file readable by group or others is refused") {
  temp_dir d;
  for (mode_t mode : {mode_t{0644}, mode_t{0640}, mode_t{0604}, mode_t{0660}, mode_t{0666}}) {
    CAPTURE(mode);
    auto path = d.file("token_" + std::to_string(mode));
    write_file(path, good_token + "\n", mode);
    auto msg = config_error_of(nullptr, path);
    char octal[8];
    std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mode));
    CHECK_MESSAGE(contains(msg, octal), msg);
    CHECK_MESSAGE(contains(msg, "chmod 600"), msg);
    CHECK(contains(msg, path));
    // The loose file is left as it is (not rewritten, not re-moded).
    CHECK(mode_of(path) == mode);
    CHECK(read_all(path) == good_token + "\n");
  }
}

TEST_CASE("an empty, short or whitespace token file is refused") {
  temp_dir d;
  auto empty = d.file("empty");
  write_file(empty, "", 0600);
  CHECK(contains(config_error_of(nullptr, empty), "shorter than 16"));
  CHECK(read_all(empty).empty()); // an empty file is not replaced by a new token

  auto newline_only = d.file("newline_only");
  write_file(newline_only, "\n", 0600);
  config_error_of(nullptr, newline_only);

  auto short_token = d.file("short");
  write_file(short_token, "abcdefghijklmno\n", 0600); // 15
  CHECK(contains(config_error_of(nullptr, short_token), "shorter than 16"));

  auto spaced = d.file("spaced");
  write_file(spaced, "abcdefgh ijklmnopqrstuvwxyz\n", 0600);
  CHECK(contains(config_error_of(nullptr, spaced), "whitespace"));

  auto two_lines = d.file("two_lines");
  write_file(two_lines, good_token + "\n" + good_token + "\n", 0600);
  config_error_of(nullptr, two_lines);

  auto leading_space = d.file("leading_space");
  write_file(leading_space, " " + good_token + "\n", 0600);
  config_error_of(nullptr, leading_space);
}

TEST_CASE("a directory at the token path is refused") {
  temp_dir d;
  auto path = d.file("dir_token");
  fs::create_directories(path);
  auto msg = config_error_of(nullptr, path);
  CHECK(contains(msg, path));
  CHECK(fs::is_directory(path));
}

TEST_CASE("a symlink at the token path is refused (O_NOFOLLOW)") {
  temp_dir d;
  auto target = d.file("real_token");
  write_file(target, good_token + "\n", 0600);
  auto link = d.file("link_token");
  fs::create_symlink(target, link);
  config_error_of(nullptr, link);

  // A dangling symlink is not followed to create a file at its target.
  auto dangling_target = d.file("not_there");
  auto dangling = d.file("dangling_token");
  fs::create_symlink(dangling_target, dangling);
  config_error_of(nullptr, dangling);
  CHECK_FALSE(fs::exists(dangling_target));
}

TEST_CASE("a token file larger than 4 KiB is refused") {
  temp_dir d;
  auto path = d.file("big");
  write_file(path, std::string(5000, 'a'), 0600);
  auto msg = config_error_of(nullptr, path);
  CHECK(contains(msg, "4 KiB"));

  // Just under the limit, a long token without whitespace is accepted.
  auto ok = d.file("big_ok");
  write_file(ok, std::string(4000, 'b') + "\n", 0600);
  auto r = load_api_token(nullptr, ok);
  REQUIRE(r.has_value());
  CHECK(r->token == std::string(4000, 'b'));
}

TEST_CASE("no env and no token file path is a config error") {
  auto r = load_api_token(nullptr, "");
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == error_code::config_error);
}

TEST_CASE("random_hex gives 2n lowercase hex digits, different each call") {
  auto a = random_hex(32);
  auto b = random_hex(32);
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK(a->size() == 64);
  CHECK(b->size() == 64);
  CHECK(is_lower_hex(*a));
  CHECK(is_lower_hex(*b));
  CHECK(*a != *b);
  auto one = random_hex(1);
  REQUIRE(one.has_value());
  CHECK(one->size() == 2);
  CHECK(is_lower_hex(*one));
  auto none = random_hex(0);
  REQUIRE(none.has_value());
  CHECK(none->empty());
  // Over many bytes every hex digit shows up (a stuck nibble would not).
  auto many = random_hex(512);
  REQUIRE(many.has_value());
  for (char c : std::string{"0123456789abcdef"})
    CHECK(many->find(c) != std::string::npos);
}

}
