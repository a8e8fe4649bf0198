#include "venues/net/tls.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ssl/context.hpp>

#include "monitoring/logging.hpp"
#include "venues/net/url.hpp"

namespace xarb::net {

namespace ssl = boost::asio::ssl;

expected<std::shared_ptr<ssl::context>> make_client_tls_context(const tls_options& opts,
                                                               std::string_view log_name) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  // TLS 1.0/1.1 are broken and no venue needs them; no compression, no
  // renegotiation surprises.
  if (SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION) != 1)
    return error_info{error_code::internal, "cannot require TLS >= 1.2"};
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_compression);
  if (opts.insecure_skip_verify) {
    ctx->set_verify_mode(ssl::verify_none);
    log::get("net")->warn("{}: TLS CERTIFICATE VERIFICATION IS DISABLED (insecure_skip_verify); "
                          "anyone on the path can read and forge this venue's data",
                          log_name);
    return ctx;
  }
  boost::system::error_code ec;
  if (opts.ca_file.empty()) {
    ctx->set_default_verify_paths(ec);
    if (ec)
      return error_info{error_code::config_error,
                        "cannot load the system CA store: " + ec.message()};
  } else {
    ctx->load_verify_file(opts.ca_file, ec);
    if (ec)
      return error_info{error_code::config_error,
                        "cannot load CA file '" + opts.ca_file + "': " + ec.message()};
  }
  ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  return ctx;
}

error_info prepare_tls_session(ssl_st* ssl, std::string_view host, const tls_options& opts,
                               std::string_view log_name) {
  std::string h{host};
  bool ip = is_ip_literal(host);
  // SNI is for host names only (RFC 6066 3): IP literals are not sent.
  if (!ip && SSL_set_tlsext_host_name(ssl, h.c_str()) != 1)
    return {error_code::internal, "cannot set SNI to '" + h + "'"};
  if (opts.insecure_skip_verify) {
    log::get("net")->warn("{}: connecting to {} WITHOUT TLS certificate verification",
                          log_name, h);
    return {};
  }
  // OpenSSL checks the name (or IP) during the handshake; a mismatch fails
  // it with X509_V_ERR_HOSTNAME_MISMATCH / IP_ADDRESS_MISMATCH.
  auto* param = SSL_get0_param(ssl);
  int ok = 0;
  if (ip) {
    ok = X509_VERIFY_PARAM_set1_ip_asc(param, h.c_str());
  } else {
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    ok = X509_VERIFY_PARAM_set1_host(param, h.c_str(), h.size());
  }
  if (ok != 1)
    return {error_code::internal, "cannot set the expected TLS peer '" + h + "'"};
  return {};
}

std::string tls_failure_reason(ssl_st* ssl, std::string_view fallback) {
  if (ssl) {
    auto v = SSL_get_verify_result(ssl);
    if (v != X509_V_OK)
      return std::string{"certificate verification failed: "}
             + X509_verify_cert_error_string(v);
  }
  return std::string{fallback};
}

} // namespace xarb::net
