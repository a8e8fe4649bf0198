#pragma once
// A JSON request body that must be an object (parameter patches, config
// patches): parsed once, or every reason it is not one, in the words the
// API answers with. Internal to nodes/ (includes simdjson).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

namespace xarb {

/// Parses `padded` with `parser` (which owns the returned object's memory).
/// Not JSON: appends "malformed JSON: <why>"; JSON but not an object:
/// appends `not_object`. Either way returns nullopt.
std::optional<simdjson::dom::object> parse_json_object(simdjson::dom::parser& parser,
                                                       const simdjson::padded_string& padded,
                                                       std::string_view not_object,
                                                       std::vector<std::string>& errors);

} // namespace xarb
