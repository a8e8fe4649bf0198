#pragma once
// Where the API bearer token comes from (docs/API.md):
//   1. XARB_API_TOKEN, if set and non-empty;
//   2. else the token file ([web] token_file, default <data_dir>/api_token),
//      which must be a regular file readable by its owner only (0600 or
//      0400): a wider mode is refused, as ssh refuses a loose private key;
//   3. else a new random token (32 bytes from the OS, 64 hex digits) is
//      written to the token file (created 0600, never overwritten) and
//      handed back with `generated` set, so the caller prints it once.
// The token itself is never logged; only its source is.

#include <string>

#include "messages/expected.hpp"

namespace xarb {

struct api_token {
  std::string token;
  std::string source;     ///< "XARB_API_TOKEN" or the file's path
  bool generated = false; ///< created now (print it once)
};

/// `env_value` is XARB_API_TOKEN's value (nullptr = unset). Fails with
/// config_error on a loose or unreadable file, an empty or malformed file
/// (whitespace inside, shorter than 16 characters), and io_error when a new
/// file cannot be written.
expected<api_token> load_api_token(const char* env_value, const std::string& token_file);

/// `n` random bytes from the OS (getrandom), as 2n lowercase hex digits.
expected<std::string> random_hex(std::size_t n);

} // namespace xarb
