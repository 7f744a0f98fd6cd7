// Fuzzes the storage codec (core/entity_codec.hpp) with the whole input as a stored text.
// Checks: DecodeEntity fails only with kInternalError; for whatever it accepts,
// DecodeEntity(EncodeEntity(e)) succeeds and equals e, and re-encoding gives the same text.
#include <cstddef>
#include <cstdint>

#include "core/entity_codec.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using renkei::fuzz::FuzzCheck;
  auto entity = renkei::core::DecodeEntity(renkei::fuzz::AsText(data, size));
  if (!entity) {
    FuzzCheck(entity.error().code == renkei::base::ErrorCode::kInternalError,
              "DecodeEntity error is not kInternalError");
    return 0;
  }
  auto text = renkei::core::EncodeEntity(*entity);
  auto again = renkei::core::DecodeEntity(text);
  FuzzCheck(again.has_value(), "DecodeEntity rejects what EncodeEntity wrote");
  FuzzCheck(*again == *entity, "Decode(Encode(e)) != e");
  FuzzCheck(renkei::core::EncodeEntity(*again) == text, "encoding is not stable");
  return 0;
}
