#pragma once
// An exception escaping a handler ends the actor (its supervisor decides what
// happens next). CAF's default handler prints to stdout; this one logs the
// actor's name and the exception through spdlog and exits with
// xarb::error_code::internal carrying the text, so restarts show the cause.

#include <exception>
#include <string>

#include <caf/error.hpp>
#include <caf/scheduled_actor.hpp>

#include "actors/exception_text.hpp"
#include "messages/caf_errors.hpp"
#include "monitoring/logging.hpp"

namespace xarb {

inline caf::error log_and_convert(const char* component, const std::string& who,
                                  std::exception_ptr& eptr) {
  auto what = exception_text(eptr);
  log::get(component)->error("{} crashed: {}", who, what);
  return caf::make_error(error_code::internal, who + ": " + what);
}

/// Installs the logging exception handler on `self`.
template <class Self>
void install_exception_logging(Self* self, const char* component, std::string who) {
  self->set_exception_handler(
    [component, who = std::move(who)](caf::scheduled_actor*, std::exception_ptr& eptr) {
      return log_and_convert(component, who, eptr);
    });
}

} // namespace xarb
