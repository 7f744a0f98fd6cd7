// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of the record log's
// frames (record_log.hpp). Two implementations give the same values: the SSE4.2 `crc32`
// instruction where the CPU has it (x86-64), and a table one byte at a time everywhere else.
// Extend picks one at the first call; the other entry points exist for tests and benches.
#pragma once

#include <cstdint>
#include <string_view>

namespace renkei::store::sqlite::crc32c {

// The CRC of the bytes fed so far followed by `data`; start from 0. Extend(Extend(0, a), b)
// equals Extend(0, a + b), so a frame's parts need not be joined first.
std::uint32_t Extend(std::uint32_t crc, std::string_view data);

std::uint32_t ExtendPortable(std::uint32_t crc, std::string_view data);
// True when ExtendHardware may be called on this CPU.
bool HardwareAvailable();
// Only when HardwareAvailable().
std::uint32_t ExtendHardware(std::uint32_t crc, std::string_view data);

}  // namespace renkei::store::sqlite::crc32c
