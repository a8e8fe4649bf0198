#include "monitoring/json_writer.hpp"

#include <charconv>
#include <cmath>

namespace xarb::json {

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid
// (overlongs, surrogates and code points above U+10FFFF are invalid).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
  auto byte = [&](std::size_t k) -> unsigned {
    return static_cast<unsigned char>(s[k]);
  };
  auto cont = [&](std::size_t k) {
    return k < s.size() && (byte(k) & 0xC0u) == 0x80u;
  };
  unsigned b0 = byte(i);
  if (b0 < 0x80)
    return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF)
    return cont(i + 1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (!cont(i + 1) || !cont(i + 2))
      return 0;
    unsigned b1 = byte(i + 1);
    if (b0 == 0xE0 && b1 < 0xA0)
      return 0; // overlong
    if (b0 == 0xED && b1 > 0x9F)
      return 0; // UTF-16 surrogate
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3))
      return 0;
    unsigned b1 = byte(i + 1);
    if (b0 == 0xF0 && b1 < 0x90)
      return 0; // overlong
    if (b0 == 0xF4 && b1 > 0x8F)
      return 0; // > U+10FFFF
    return 4;
  }
  return 0;
}

} // namespace

void append_quoted(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out.reserve(out.size() + s.size() + 2);
  out.push_back('"');
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      auto n = utf8_sequence_length(s, i);
      if (n == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(s.data() + i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += "\\u00";
          out.push_back(hex[c >> 4]);
          out.push_back(hex[c & 0xF]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
}

std::string quote(std::string_view s) {
  std::string out;
  append_quoted(out, s);
  return out;
}

void writer::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back())
      out_.push_back(',');
    first_.back() = false;
  }
}

writer& writer::begin_object() {
  before_value();
  out_.push_back('{');
  first_.push_back(true);
  return *this;
}

writer& writer::end_object() {
  out_.push_back('}');
  first_.pop_back();
  return *this;
}

writer& writer::begin_array() {
  before_value();
  out_.push_back('[');
  first_.push_back(true);
  return *this;
}

writer& writer::end_array() {
  out_.push_back(']');
  first_.pop_back();
  return *this;
}

writer& writer::key(std::string_view k) {
  before_value();
  append_quoted(out_, k);
  out_.push_back(':');
  after_key_ = true;
  return *this;
}

writer& writer::value(std::string_view s) {
  before_value();
  append_quoted(out_, s);
  return *this;
}

writer& writer::value(bool b) {
  before_value();
  out_ += b ? "true" : "false";
  return *this;
}

writer& writer::value(int64_t x) {
  before_value();
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), x);
  out_.append(buf, res.ptr);
  return *this;
}

writer& writer::value(uint64_t x) {
  before_value();
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), x);
  out_.append(buf, res.ptr);
  return *this;
}

writer& writer::value(double x) {
  if (!std::isfinite(x))
    return null();
  before_value();
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof(buf), x);
  out_.append(buf, res.ptr);
  return *this;
}

writer& writer::null() {
  before_value();
  out_ += "null";
  return *this;
}

writer& writer::raw(std::string_view json) {
  before_value();
  out_.append(json);
  return *this;
}

} // namespace xarb::json
