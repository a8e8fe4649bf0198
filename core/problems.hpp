#pragma once
// Collects validation problems as "prefix.key: message" lines (one per line,
// "" when nothing is wrong). Every validate() in core/ builds its answer
// with one; config loading (nodes/) maps the lines back to file positions.

#include <string>
#include <string_view>
#include <utility>

namespace xarb {

class problems {
public:
  /// `prefix` ("" = none) is copied: callers may pass temporaries.
  explicit problems(std::string_view prefix) : prefix_(prefix) {}

  void bad(std::string_view key, std::string_view message) {
    if (!out_.empty())
      out_ += '\n';
    if (!prefix_.empty()) {
      out_ += prefix_;
      out_ += '.';
    }
    out_ += key;
    out_ += ": ";
    out_ += message;
  }

  /// Appends lines another validator produced (already prefixed).
  void append(std::string_view lines) {
    if (lines.empty())
      return;
    if (!out_.empty())
      out_ += '\n';
    out_ += lines;
  }

  const std::string& prefix() const noexcept { return prefix_; }
  bool empty() const noexcept { return out_.empty(); }
  std::string str() && { return std::move(out_); }

private:
  std::string prefix_;
  std::string out_;
};

} // namespace xarb
