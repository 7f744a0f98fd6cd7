// Character-set detection and conversion of open-data files to UTF-8 (glibc iconv).
//
// Municipal CSVs come as UTF-8 with or without a BOM, CP932 (Windows Shift_JIS) or
// UTF-16LE tab-separated (municipal-context.md §3.1 "Encoding, dates and coordinates in
// practice"). DecodeToUtf8 sniffs a BOM, then UTF-16 by its zero bytes, then accepts the
// bytes as UTF-8 only when they are strictly valid, and otherwise converts from CP932.
// Thread-safe: every call opens its own iconv descriptor.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace renkei::opendata {

enum class TextEncoding { kUtf8, kUtf8Bom, kCp932, kUtf16Le, kUtf16Be };

// A file's text as UTF-8 without BOM. Text that was UTF-8 already is not copied: `text()`
// then views the bytes given to DecodeToUtf8, which must outlive it (a 45 MB file was copied
// once more for nothing before the first row was parsed).
class DecodedText {
 public:
  static DecodedText Borrowed(std::string_view utf8, TextEncoding encoding) {
    return DecodedText(utf8, std::nullopt, encoding);
  }
  static DecodedText Converted(std::string utf8, TextEncoding encoding) {
    return DecodedText({}, std::move(utf8), encoding);
  }
  std::string_view text() const { return converted_ ? std::string_view(*converted_) : borrowed_; }
  TextEncoding encoding() const { return encoding_; }

 private:
  DecodedText(std::string_view borrowed, std::optional<std::string> converted,
              TextEncoding encoding)
      : borrowed_(borrowed), converted_(std::move(converted)), encoding_(encoding) {}
  std::string_view borrowed_;
  std::optional<std::string> converted_;
  TextEncoding encoding_;
};

// "UTF-8", "UTF-8 (BOM)", "CP932", "UTF-16LE", "UTF-16BE".
std::string_view EncodingName(TextEncoding encoding);

// True when `bytes` is well-formed UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

// Converts `bytes` from the iconv charset `from` to `to`. kBadRequestData naming the byte
// offset when the input is not valid in `from`; kInternalError when iconv lacks the charset.
base::Result<std::string> ConvertEncoding(std::string_view bytes, const char* from, const char* to);

// Detects the encoding of a whole file and returns its text as UTF-8 (BOM removed), a view
// of `bytes` when they were UTF-8.
// kBadRequestData when the bytes are neither UTF-8, UTF-16 nor CP932.
base::Result<DecodedText> DecodeToUtf8(std::string_view bytes);

}  // namespace renkei::opendata
