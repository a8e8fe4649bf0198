#pragma once
// Client TLS for the venue transport (OpenSSL 3 through Asio's ssl::context).
//
// Secure by default: TLS >= 1.2, the peer's chain verified against the
// system CA store (or `ca_file`), and the certificate checked against the
// host we dialled: a DNS name as a name (SNI sent), an IP literal as an IP
// (no SNI, RFC 6066). `insecure_skip_verify` turns all verification off; it
// exists for explicit configuration only and logs a warning on every
// connection. Asio types are forward-declared: this header stays cheap.

#include <memory>
#include <string>
#include <string_view>

#include "messages/expected.hpp"

namespace boost::asio::ssl {
class context;
} // namespace boost::asio::ssl

struct ssl_st; // OpenSSL's SSL

namespace xarb::net {

struct tls_options {
  std::string ca_file;               ///< PEM bundle of trusted CAs; empty = system store
  bool insecure_skip_verify = false; ///< DANGEROUS: no chain, no hostname check
  friend bool operator==(const tls_options&, const tls_options&) = default;
};

/// A client context for `opts`. Fails (config_error) when the CA file cannot
/// be loaded or the system store is unusable. `log_name` names the owner in
/// the insecure-mode warning.
expected<std::shared_ptr<boost::asio::ssl::context>>
make_client_tls_context(const tls_options& opts, std::string_view log_name);

/// Per connection, before the handshake: SNI for names and the expected
/// host (name or IP) for verification. Returns a non-empty error_info
/// (internal) if OpenSSL refuses the settings.
error_info prepare_tls_session(ssl_st* ssl, std::string_view host, const tls_options& opts,
                               std::string_view log_name);

/// A readable reason for a failed handshake: the certificate verification
/// result when that is what failed ("certificate verification failed:
/// hostname mismatch"), else `fallback` (the socket/OpenSSL error text).
std::string tls_failure_reason(ssl_st* ssl, std::string_view fallback);

} // namespace xarb::net
