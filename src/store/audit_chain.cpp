#include "store/audit_chain.hpp"

#include <openssl/evp.h>

#include <array>

namespace renkei::store {
namespace {

void AppendField(std::string& out, std::string_view value) {
  out += std::to_string(value.size());
  out += ':';
  out += value;
}

std::string Sha256Hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  // EVP_Digest: OpenSSL's one-shot digest (no hand-written crypto, architecture.md).
  EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0x0f];
  }
  return hex;
}

}  // namespace

std::string AuditCanonicalContent(const AuditRecord& record) {
  std::string out;
  AppendField(out, std::to_string(record.seq));
  AppendField(out, std::to_string(record.time.millis));
  for (const std::string* field :
       {&record.tenant, &record.actor_kind, &record.actor_subject, &record.actor_client_id,
        &record.actor_issuer, &record.resident, &record.action, &record.entity_id,
        &record.entity_type, &record.purpose}) {
    AppendField(out, *field);
  }
  AppendField(out, record.allowed ? "allowed" : "denied");
  AppendField(out, record.correlator);
  return out;
}

std::string AuditChainHash(const AuditRecord& record) {
  return Sha256Hex(record.prev_hash + AuditCanonicalContent(record));
}

}  // namespace renkei::store
