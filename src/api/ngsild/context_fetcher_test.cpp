// Remote @context downloads over HTTP and HTTPS (a tiny Beast server on 127.0.0.1, port 0;
// for TLS a self-signed certificate made for the test, naming "localhost") and
// LdContextNotAvailable for an unreachable host, a document that is not JSON, an untrusted
// certificate or one for another host. Caching and its use: context_catalog_test.cpp.
#include "api/ngsild/context_fetcher.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace renkei::api::ngsild {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

// A self-signed certificate for "localhost" and its key, as PEM files in a temp directory.
class TestCertificate {
 public:
  TestCertificate() {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() / ("renkei-tls-" + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
    std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    const std::string common_name = "localhost";
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                               0);
    X509_set_issuer_name(cert.get(), name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    for (auto [nid, value] : {std::pair{NID_subject_alt_name, "DNS:localhost"},
                              std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
      X509_add_ext(cert.get(), ext, -1);
      X509_EXTENSION_free(ext);
    }
    X509_sign(cert.get(), key.get(), EVP_sha256());
    std::unique_ptr<FILE, decltype(&fclose)> cert_file(fopen(CertPath().c_str(), "w"), fclose);
    PEM_write_X509(cert_file.get(), cert.get());
    std::unique_ptr<FILE, decltype(&fclose)> key_file(fopen(KeyPath().c_str(), "w"), fclose);
    PEM_write_PrivateKey(key_file.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  }
  ~TestCertificate() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string CertPath() const { return (dir_ / "cert.pem").string(); }
  std::string KeyPath() const { return (dir_ / "key.pem").string(); }

 private:
  std::filesystem::path dir_;
};

// Serves `body` as application/ld+json to every request until stopped, over TLS with
// `certificate` when given; counts the requests answered.
class ContextServer {
 public:
  explicit ContextServer(std::string body, const TestCertificate* certificate = nullptr)
      : tls_(asio::ssl::context::tls_server),
        acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}),
        body_(std::move(body)),
        use_tls_(certificate != nullptr) {
    if (use_tls_) {
      tls_.use_certificate_chain_file(certificate->CertPath());
      tls_.use_private_key_file(certificate->KeyPath(), asio::ssl::context::pem);
    }
    thread_ = std::thread([this] { Serve(); });
  }
  ~ContextServer() {
    stop_ = true;
    // Wake the blocking accept with one last connection.
    asio::io_context io;
    asio::ip::tcp::socket s(io);
    boost::system::error_code ec;
    s.connect(acceptor_.local_endpoint(), ec);
    thread_.join();
  }
  std::string Url(std::string_view host = "127.0.0.1") const {
    return std::string(use_tls_ ? "https://" : "http://") + std::string(host) + ":" +
           std::to_string(acceptor_.local_endpoint().port()) + "/ctx.jsonld";
  }
  int requests() const { return requests_; }

 private:
  void Serve() {
    while (!stop_) {
      asio::ip::tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stop_) return;
      if (!use_tls_) {
        Answer(socket);
        continue;
      }
      asio::ssl::stream<asio::ip::tcp::socket> stream(std::move(socket), tls_);
      stream.handshake(asio::ssl::stream_base::server, ec);
      if (ec) continue;  // the client refused our certificate
      Answer(stream);
      stream.shutdown(ec);
    }
  }
  template <class Stream>
  void Answer(Stream& stream) {
    boost::system::error_code ec;
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::read(stream, buffer, request, ec);
    if (ec) return;
    // Counted before the answer goes out: a client that has the answer must see the count
    // (counting after the write raced with the test's check).
    ++requests_;
    http::response<http::string_body> response(http::status::ok, 11);
    response.set(http::field::content_type, "application/ld+json");
    response.set(http::field::cache_control, "public, max-age=600");
    response.body() = body_;
    response.prepare_payload();
    http::write(stream, response, ec);
  }

  asio::io_context io_;
  asio::ssl::context tls_;
  asio::ip::tcp::acceptor acceptor_;
  std::string body_;
  bool use_tls_;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

TEST(HttpContextFetcher, FetchesTheDocumentAndItsMaxAge) {
  ContextServer server(R"({"@context": {"Shelf": "https://example.org/Shelf"}})");
  HttpContextFetcher fetcher(std::chrono::milliseconds(2000));
  auto fetched = fetcher.Fetch(server.Url() + "#fragment");
  ASSERT_TRUE(fetched.has_value()) << fetched.error().detail;
  EXPECT_EQ(fetched->document.at("@context").at("Shelf"), "https://example.org/Shelf");
  EXPECT_EQ(fetched->max_age, std::chrono::seconds(600));
  EXPECT_EQ(server.requests(), 1);
}

TEST(HttpContextFetcher, UnreachableOrNonJsonIsLdContextNotAvailable) {
  HttpContextFetcher fetcher(std::chrono::milliseconds(500));
  auto unreachable = fetcher.Fetch("http://127.0.0.1:1/none.jsonld");
  ASSERT_FALSE(unreachable.has_value());
  EXPECT_EQ(unreachable.error().code, base::ErrorCode::kLdContextNotAvailable);
  ContextServer server("not json");
  auto garbage = fetcher.Fetch(server.Url());
  ASSERT_FALSE(garbage.has_value());
  EXPECT_EQ(garbage.error().code, base::ErrorCode::kLdContextNotAvailable);
  EXPECT_EQ(fetcher.Fetch("ftp://example.org/x").error().code,
            base::ErrorCode::kLdContextNotAvailable);
}

constexpr std::string_view kBody = R"({"@context": {"Shelf": "https://example.org/Shelf"}})";

TEST(HttpContextFetcherTls, FetchesFromATrustedServer) {
  TestCertificate certificate;
  ContextServer server(std::string(kBody), &certificate);
  HttpContextFetcher fetcher(std::chrono::milliseconds(3000), certificate.CertPath());
  auto fetched = fetcher.Fetch(server.Url("localhost"));
  ASSERT_TRUE(fetched.has_value()) << fetched.error().detail;
  EXPECT_EQ(fetched->document.at("@context").at("Shelf"), "https://example.org/Shelf");
  EXPECT_EQ(server.requests(), 1);
}

TEST(HttpContextFetcherTls, AnUntrustedCertificateIsLdContextNotAvailable) {
  TestCertificate certificate;
  ContextServer server(std::string(kBody), &certificate);
  HttpContextFetcher system_trust(std::chrono::milliseconds(3000));
  auto untrusted = system_trust.Fetch(server.Url("localhost"));
  ASSERT_FALSE(untrusted.has_value());
  EXPECT_EQ(untrusted.error().code, base::ErrorCode::kLdContextNotAvailable);
  EXPECT_NE(untrusted.error().detail.find("certificate verify failed"), std::string::npos)
      << untrusted.error().detail;
  EXPECT_EQ(server.requests(), 0);
}

TEST(HttpContextFetcherTls, ACertificateForAnotherHostIsLdContextNotAvailable) {
  TestCertificate certificate;
  ContextServer server(std::string(kBody), &certificate);
  HttpContextFetcher fetcher(std::chrono::milliseconds(3000), certificate.CertPath());
  // The certificate names "localhost", not the address 127.0.0.1.
  auto mismatch = fetcher.Fetch(server.Url("127.0.0.1"));
  ASSERT_FALSE(mismatch.has_value());
  EXPECT_EQ(mismatch.error().code, base::ErrorCode::kLdContextNotAvailable);
  EXPECT_NE(mismatch.error().detail.find("certificate verify failed"), std::string::npos)
      << mismatch.error().detail;
  EXPECT_EQ(server.requests(), 0);
}

}  // namespace
}  // namespace renkei::api::ngsild
