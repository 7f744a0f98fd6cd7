#include "store/sqlite/crc32c.hpp"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace renkei::store::sqlite::crc32c {
namespace {

constexpr std::uint32_t kPolynomial = 0x82F63B78u;  // 0x1EDC6F41 bit-reversed

std::array<std::uint32_t, 256> MakeTable() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kPolynomial : c >> 1;
    table[i] = c;
  }
  return table;
}

#if defined(__x86_64__)
// Eight bytes per instruction; the tail a byte at a time. `target` lets this one function use
// SSE4.2 while the rest of the program still runs on any x86-64.
__attribute__((target("sse4.2"))) std::uint32_t HardwareRaw(std::uint32_t crc,
                                                            std::string_view data) {
  const char* p = data.data();
  std::size_t n = data.size();
  std::uint64_t wide = crc;
  for (; n >= 8; n -= 8, p += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, 8);  // little endian, as the table version reads bytes in order
    wide = _mm_crc32_u64(wide, word);
  }
  auto narrow = static_cast<std::uint32_t>(wide);
  for (; n > 0; --n, ++p) narrow = _mm_crc32_u8(narrow, static_cast<unsigned char>(*p));
  return narrow;
}
#endif

using ExtendFn = std::uint32_t (*)(std::uint32_t, std::string_view);

ExtendFn Choose() { return HardwareAvailable() ? ExtendHardware : ExtendPortable; }

}  // namespace

std::uint32_t ExtendPortable(std::uint32_t crc, std::string_view data) {
  static const std::array<std::uint32_t, 256> table = MakeTable();
  crc = ~crc;
  for (unsigned char byte : data) crc = table[(crc ^ byte) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

bool HardwareAvailable() {
#if defined(__x86_64__)
  return __builtin_cpu_supports("sse4.2");
#else
  return false;
#endif
}

std::uint32_t ExtendHardware(std::uint32_t crc, std::string_view data) {
#if defined(__x86_64__)
  return ~HardwareRaw(~crc, data);
#else
  return ExtendPortable(crc, data);  // never called: HardwareAvailable() is false
#endif
}

std::uint32_t Extend(std::uint32_t crc, std::string_view data) {
  static const ExtendFn chosen = Choose();  // the CPU does not change while we run
  return chosen(crc, data);
}

}  // namespace renkei::store::sqlite::crc32c
