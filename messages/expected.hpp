#pragma once
// A small expected<T> for CAF-free code (core/, venues/ codecs). std::expected
// is C++23 and g++ 12 does not ship it.

#include <utility>
#include <variant>

#include "messages/error_code.hpp"

namespace xarb {

template <class T>
class [[nodiscard]] expected {
public:
  expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  expected(error_info err) : v_(std::in_place_index<1>, std::move(err)) {}
  expected(error_code code, std::string message = {})
    : v_(std::in_place_index<1>, error_info{code, std::move(message)}) {}

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const error_info& error() const& { return std::get<1>(v_); }
  error_code code() const noexcept {
    return has_value() ? error_code::none : std::get<1>(v_).code;
  }

private:
  std::variant<T, error_info> v_;
};

} // namespace xarb
