#pragma once
// Request-target helpers for the routes: split path and query, find a query
// parameter, decode percent-escapes strictly. Pure and allocation-light.
//
// Strict on purpose: a malformed escape ("%", "%4", "%zz") is an error, not
// passed through, so a command never acts on a target the operator did not
// spell. Decoded text is also checked (valid UTF-8, no control characters,
// bounded length) before it reaches logs, the risk guard or a JSON body.

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "messages/expected.hpp"

namespace xarb::url {

struct target_parts {
  std::string_view path;  ///< before '?' (or '#'), still percent-encoded
  std::string_view query; ///< between '?' and '#', without them; "" if none
};

target_parts split_target(std::string_view target);

/// Decodes "%XX" escapes (hex, either case). With `plus_is_space` (query
/// strings, form encoding) '+' decodes to ' '; in paths it stays '+'.
/// Fails (parse_error) on a truncated or non-hex escape.
expected<std::string> percent_decode(std::string_view in, bool plus_is_space);

/// The raw (still encoded) value of `name` in `query` ("a=1&b=2"); a key
/// without '=' has an empty value. nullopt if absent. Fails (parse_error)
/// if the key occurs more than once: which one would win is ambiguous.
/// Keys are compared as written (not decoded).
expected<std::optional<std::string_view>> query_param(std::string_view query,
                                                      std::string_view name);

/// The first key in `query` that is not in `allowed` (empty items like
/// "a=1&&b=2" are skipped), or nullopt if every key is allowed.
std::optional<std::string_view> unexpected_param(std::string_view query,
                                                 std::initializer_list<std::string_view> allowed);

/// Number of code points if `s` is valid UTF-8 without control characters
/// (C0, DEL, C1); otherwise an error naming the problem.
expected<std::size_t> checked_text_length(std::string_view s);

/// Decodes a query value or path segment and checks it: valid UTF-8, no
/// control characters, at most `max_chars` code points. `what` names the
/// parameter in the error message.
expected<std::string> decode_text(std::string_view raw, bool plus_is_space,
                                  std::size_t max_chars, std::string_view what);

} // namespace xarb::url
