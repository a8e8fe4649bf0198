#pragma once
// The text of an exception in flight, for logs and error contexts.

#include <exception>
#include <string>

namespace xarb {

inline std::string exception_text(const std::exception_ptr& eptr) {
  try {
    std::rethrow_exception(eptr);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

} // namespace xarb
