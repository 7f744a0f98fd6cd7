#include "auth/api_key.hpp"

#include <array>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace renkei::auth {
namespace {

constexpr std::string_view kPrefix = "rk_";
constexpr std::size_t kIdBytes = 9;       // 12 base64url characters
constexpr std::size_t kSecretBytes = 32;  // 256 bits: out of reach of guessing (ADR 0008)
constexpr std::size_t kIdChars = 12;
constexpr std::size_t kSecretChars = 43;

// RFC 4648 §5 base64url without padding.
std::string Base64Url(const unsigned char* data, std::size_t size) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (std::size_t i = 0; i < size; ++i) {
    bits = (bits << 8) | data[i];
    count += 8;
    while (count >= 6) {
      count -= 6;
      out += kAlphabet[(bits >> count) & 0x3f];
    }
  }
  if (count > 0) out += kAlphabet[(bits << (6 - count)) & 0x3f];
  return out;
}

bool IsBase64Url(std::string_view text) {
  for (char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

template <std::size_t N>
base::Result<std::string> RandomText() {
  std::array<unsigned char, N> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return base::Fail(base::ErrorCode::kInternalError, "InternalError",
                      "the random generator failed; no API key was made");
  }
  return Base64Url(bytes.data(), bytes.size());
}

}  // namespace

base::Result<GeneratedApiKey> GenerateApiKey() {
  RENKEI_TRY(std::string id, RandomText<kIdBytes>());
  RENKEI_TRY(std::string secret, RandomText<kSecretBytes>());
  GeneratedApiKey key;
  key.key_id = std::string(kPrefix) + id;
  key.text = key.key_id + "." + secret;
  return key;
}

std::optional<std::string_view> ApiKeyIdOf(std::string_view text) {
  const std::size_t id_end = kPrefix.size() + kIdChars;
  if (text.size() != id_end + 1 + kSecretChars || !text.starts_with(kPrefix) ||
      text[id_end] != '.' || !IsBase64Url(text.substr(kPrefix.size(), kIdChars)) ||
      !IsBase64Url(text.substr(id_end + 1))) {
    return std::nullopt;
  }
  return text.substr(0, id_end);
}

std::string HashApiKey(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(), nullptr);
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0f];
  }
  return out;
}

bool SameHash(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace renkei::auth
