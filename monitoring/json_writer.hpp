#pragma once
// A minimal streaming JSON writer for the few documents xarb produces itself
// (/api/status, /readyz, JSON log lines). It escapes strings properly
// (control characters, quotes, backslashes) and replaces invalid UTF-8 with
// U+FFFD so that every output is valid JSON whatever bytes a venue or a log
// message contained. No DOM, no templates: cheap to include anywhere.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace xarb::json {

/// Appends `s` to `out` as a quoted, escaped JSON string.
void append_quoted(std::string& out, std::string_view s);

/// Returns `s` as a quoted, escaped JSON string.
std::string quote(std::string_view s);

/// Builds one JSON document. Commas and nesting are tracked for the caller;
/// misuse (a value where a key is expected) is a programming error and is
/// caught by tests, not at run time.
class writer {
public:
  writer& begin_object();
  writer& end_object();
  writer& begin_array();
  writer& end_array();

  /// Object key; must be followed by exactly one value or container.
  writer& key(std::string_view k);

  writer& value(std::string_view s);
  writer& value(const char* s) { return value(std::string_view{s}); }
  writer& value(const std::string& s) { return value(std::string_view{s}); }
  writer& value(bool b);
  writer& value(int64_t x);
  writer& value(uint64_t x);
  writer& value(int x) { return value(static_cast<int64_t>(x)); }
  writer& value(unsigned x) { return value(static_cast<uint64_t>(x)); }
  /// Shortest round-trip representation; NaN and infinities become null
  /// because JSON has no spelling for them.
  writer& value(double x);
  writer& null();

  /// Inserts pre-serialized JSON verbatim (caller guarantees validity).
  writer& raw(std::string_view json);

  const std::string& str() const& noexcept { return out_; }
  std::string str() && noexcept { return std::move(out_); }

private:
  void before_value();

  std::string out_;
  // One entry per open container: true while nothing was written into it.
  std::vector<bool> first_;
  bool after_key_ = false;
};

} // namespace xarb::json
