#include "http/tls_context.hpp"

#include <openssl/ssl.h>

namespace renkei::http {
namespace {

namespace ssl = boost::asio::ssl;

base::Unexpected TlsFileError(const std::string& what, const std::string& file,
                              const boost::system::error_code& ec) {
  return base::Fail(base::ErrorCode::kInvalidRequest, "TlsConfigError",
                    "cannot use " + what + " '" + file + "': " + ec.message());
}

}  // namespace

base::Result<std::shared_ptr<TlsContext>> MakeServerTlsContext(const std::string& cert_file,
                                                               const std::string& key_file) {
  auto context = std::make_shared<TlsContext>(ssl::context::tls_server);
  boost::system::error_code ec;
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                           ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                           ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                       ec);
  if (ec) return TlsFileError("TLS options for", cert_file, ec);
  if (SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION) != 1) {
    return base::Fail(base::ErrorCode::kInternalError, "TlsConfigError",
                      "OpenSSL refused TLS 1.2 as the minimum version");
  }
  // An encrypted key would make OpenSSL prompt on the terminal, stalling a reload; an empty
  // password makes it fail instead.
  context->set_password_callback(
      [](std::size_t, ssl::context::password_purpose) { return std::string(); }, ec);
  if (ec) return TlsFileError("a password callback for", key_file, ec);
  context->use_certificate_chain_file(cert_file, ec);
  if (ec) return TlsFileError("the certificate file", cert_file, ec);
  context->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) return TlsFileError("the private key file", key_file, ec);
  if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
    return base::Fail(
        base::ErrorCode::kInvalidRequest, "TlsConfigError",
        "the private key '" + key_file + "' does not match the certificate '" + cert_file + "'");
  }
  return context;
}

base::Result<void> TlsContextSlot::Load() {
  RENKEI_TRY(auto context, MakeServerTlsContext(options_.cert_file, options_.key_file));
  std::lock_guard lock(mu_);
  current_ = std::move(context);
  return base::Ok();
}

std::shared_ptr<TlsContext> TlsContextSlot::Current() const {
  std::lock_guard lock(mu_);
  return current_;
}

}  // namespace renkei::http
