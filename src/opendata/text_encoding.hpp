// Character-set detection and conversion of open-data files to UTF-8 (glibc iconv).
//
// Municipal CSVs come as UTF-8 with or without a BOM, CP932 (Windows Shift_JIS) or
// UTF-16LE tab-separated (municipal-context.md §3.1 "Encoding, dates and coordinates in
// practice"). DecodeToUtf8 sniffs a BOM, then UTF-16 by its zero bytes, then accepts the
// bytes as UTF-8 only when they are strictly valid, and otherwise converts from CP932.
// Thread-safe: every call opens its own iconv descriptor.
#pragma once

#include <string>
#include <string_view>

#include "base/result.hpp"

namespace renkei::opendata {

enum class TextEncoding { kUtf8, kUtf8Bom, kCp932, kUtf16Le, kUtf16Be };

struct DecodedText {
  std::string text;  // UTF-8 without BOM
  TextEncoding encoding = TextEncoding::kUtf8;
};

// "UTF-8", "UTF-8 (BOM)", "CP932", "UTF-16LE", "UTF-16BE".
std::string_view EncodingName(TextEncoding encoding);

// True when `bytes` is well-formed UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

// Converts `bytes` from the iconv charset `from` to `to`. kBadRequestData naming the byte
// offset when the input is not valid in `from`; kInternalError when iconv lacks the charset.
base::Result<std::string> ConvertEncoding(std::string_view bytes, const char* from, const char* to);

// Detects the encoding of a whole file and returns its text as UTF-8 (BOM removed).
// kBadRequestData when the bytes are neither UTF-8, UTF-16 nor CP932.
base::Result<DecodedText> DecodeToUtf8(std::string_view bytes);

}  // namespace renkei::opendata
