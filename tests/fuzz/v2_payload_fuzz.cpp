// Fuzzes the NGSIv2 payload parser (api/ngsiv2/payload_parser.hpp) with the whole input as a
// request body: ParseJsonBody, then ParseEntity, ParseAttributeObject and ParseAttribute in
// normalized and keyValues forms; also ParseTextValue (text/plain bodies), ValidateIdentifier
// and HasForbiddenChars. Checks: errors are kBadRequestData; a parsed entity has an id, a
// type and one metadata flag per attribute, and survives the storage codec
// (core/entity_codec.hpp) unchanged.
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/ngsiv2/payload_parser.hpp"
#include "core/entity_codec.hpp"
#include "tests/fuzz/fuzz_input.hpp"

namespace {

using renkei::fuzz::FuzzCheck;

void CheckError(const renkei::base::Error& error) {
  FuzzCheck(error.code == renkei::base::ErrorCode::kBadRequestData,
            "payload error is not kBadRequestData");
}

void CheckEntity(const renkei::api::ngsiv2::ParsedEntity& parsed) {
  const auto& entity = parsed.entity;
  FuzzCheck(!entity.id.empty() && !entity.types.empty(), "a parsed entity lacks id or type");
  FuzzCheck(parsed.metadata_given.size() == entity.attributes.size(),
            "metadata_given does not match the attributes");
  auto decoded = renkei::core::DecodeEntity(renkei::core::EncodeEntity(entity));
  FuzzCheck(decoded.has_value() && *decoded == entity,
            "a parsed entity does not survive the codec");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace v2 = renkei::api::ngsiv2;
  auto text = renkei::fuzz::AsText(data, size);

  (void)v2::HasForbiddenChars(text);
  if (auto valid = v2::ValidateIdentifier(text, "entity id"); !valid) CheckError(valid.error());
  if (auto value = v2::ParseTextValue(text); !value) CheckError(value.error());

  auto json = v2::ParseJsonBody(text);
  if (!json) {
    CheckError(json.error());
    return 0;
  }
  (void)v2::ValueCharactersAllowed(*json);
  for (bool key_values : {false, true}) {
    auto entity = v2::ParseEntity(*json, key_values, "Thing");
    if (entity) {
      CheckEntity(*entity);
    } else {
      CheckError(entity.error());
    }
    if (auto attrs = v2::ParseAttributeObject(*json, key_values); !attrs) {
      CheckError(attrs.error());
    }
    if (auto attr = v2::ParseAttribute("temperature", *json, key_values); !attr) {
      CheckError(attr.error());
    }
  }
  return 0;
}
