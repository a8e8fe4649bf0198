#include "web/api_token.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <vector>

namespace xarb {

namespace {

constexpr std::size_t min_token_chars = 16;

error_info config(std::string msg) {
  return error_info{error_code::config_error, std::move(msg)};
}

/// Trims one trailing newline (an editor's), nothing else.
std::string strip_newline(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
    s.pop_back();
  return s;
}

std::optional<std::string> malformed(const std::string& t) {
  if (t.size() < min_token_chars)
    return "shorter than " + std::to_string(min_token_chars) + " characters";
  for (unsigned char c : t)
    if (c <= 0x20 || c == 0x7f)
      return std::string{"contains whitespace or control characters"};
  return std::nullopt;
}

expected<api_token> read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return config("token file " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return config("token file " + path + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return config("token file " + path + " has mode " + mode
                  + ": it must be readable by its owner only (chmod 600 " + path + ")");
  }
  std::string text;
  char buf[512];
  for (;;) {
    auto n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      ::close(fd);
      return config("token file " + path + ": " + std::strerror(errno));
    }
    if (n == 0)
      break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > 4096) {
      ::close(fd);
      return config("token file " + path + " is larger than 4 KiB");
    }
  }
  ::close(fd);
  auto token = strip_newline(std::move(text));
  if (auto why = malformed(token))
    return config("token file " + path + ": the token is " + *why);
  return api_token{std::move(token), path, false};
}

} // namespace

expected<std::string> random_hex(std::size_t n) {
  std::vector<unsigned char> bytes(n);
  std::size_t got = 0;
  while (got < n) {
    auto r = ::getrandom(bytes.data() + got, n - got, 0);
    if (r < 0) {
      if (errno == EINTR)
        continue;
      return error_info{error_code::io_error,
                        std::string{"getrandom: "} + std::strerror(errno)};
    }
    got += static_cast<std::size_t>(r);
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (auto b : bytes) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

expected<api_token> load_api_token(const char* env_value, const std::string& token_file) {
  if (env_value != nullptr && *env_value != '\0') {
    std::string t{env_value};
    if (auto why = malformed(t))
      return config("XARB_API_TOKEN is " + *why);
    return api_token{std::move(t), "XARB_API_TOKEN", false};
  }
  if (token_file.empty())
    return config("no API token: set XARB_API_TOKEN or [web] token_file");
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::symlink_status(token_file, ec)))
    return read_file(token_file);
  auto parent = std::filesystem::path{token_file}.parent_path();
  if (!parent.empty())
    std::filesystem::create_directories(parent, ec);
  auto token = random_hex(32);
  if (!token)
    return token.error();
  // O_EXCL: never overwrite a token another process just wrote.
  int fd = ::open(token_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST)
      return read_file(token_file);
    return error_info{error_code::io_error,
                      "cannot create token file " + token_file + ": " + std::strerror(errno)};
  }
  const std::string line = *token + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size())
            && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(token_file.c_str());
    return error_info{error_code::io_error, "cannot write token file " + token_file};
  }
  return api_token{std::move(*token), token_file, true};
}

} // namespace xarb
