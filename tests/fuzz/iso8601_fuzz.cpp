// Fuzzes ISO 8601 parsing (base/time.hpp: ParseIso8601) with the whole input as the text.
// Checks: whatever parses formats (FormatIso8601) to a text that parses back to the same
// instant, and formatting that text again gives the same text.
#include <cstddef>
#include <cstdint>

#include "base/time.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using renkei::fuzz::FuzzCheck;
  auto parsed = renkei::base::ParseIso8601(renkei::fuzz::AsText(data, size));
  if (!parsed) return 0;
  auto text = renkei::base::FormatIso8601(*parsed);
  auto again = renkei::base::ParseIso8601(text);
  FuzzCheck(again.has_value(), "FormatIso8601 wrote a text ParseIso8601 rejects");
  FuzzCheck(*again == *parsed, "format/parse round trip changed the instant");
  FuzzCheck(renkei::base::FormatIso8601(*again) == text, "formatting is not stable");
  return 0;
}
