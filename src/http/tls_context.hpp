// TlsContextSlot: the listener's current TLS server context, built from PEM files and
// swapped whole on reload (SIGHUP): a connection takes the context current at its accept and
// keeps it, so a reload never touches a handshake in progress (docs/tls.md).
//
// Thread-safety: Load and Current may be called from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "base/result.hpp"
#include "http/server.hpp"

namespace renkei::http {

using TlsContext = boost::asio::ssl::context;

// A server context: TLS 1.2 and later only (RFC 8996 deprecates 1.0 and 1.1), OpenSSL's
// default cipher suites, no client certificates. `cert_file` holds the certificate then its
// chain (PEM); `key_file` an unencrypted PEM private key matching it. kInvalidRequest
// naming the file and OpenSSL's reason when either cannot be used.
base::Result<std::shared_ptr<TlsContext>> MakeServerTlsContext(const std::string& cert_file,
                                                               const std::string& key_file);

class TlsContextSlot {
 public:
  explicit TlsContextSlot(TlsOptions options) : options_(std::move(options)) {}

  // (Re)reads the files of `options`. On failure the current context stays in use.
  base::Result<void> Load();
  // The context for a new connection; null before the first successful Load.
  std::shared_ptr<TlsContext> Current() const;
  const TlsOptions& options() const { return options_; }

 private:
  const TlsOptions options_;
  mutable std::mutex mu_;
  std::shared_ptr<TlsContext> current_;  // guarded by mu_
};

}  // namespace renkei::http
