// Fuzzes the NGSIv2 Simple Query Language parsers (core/q/filter.hpp: ParseV2Query for `q`,
// ParseV2MetadataQuery for `mq`) with the whole input as the parameter text. Checks: errors
// are kBadRequestData with a description; a parsed Filter has a tree and evaluating it
// against fixed entities (NGSIv2 and NGSI-LD shaped, and an empty one) terminates without a
// sanitizer report and gives the same answer twice.
#include <cstddef>
#include <cstdint>

#include "core/q/filter.hpp"
#include "tests/fuzz/fuzz_input.hpp"
#include "tests/fuzz/sample_entities.hpp"

namespace {

using renkei::fuzz::FuzzCheck;

void Exercise(const renkei::base::Result<renkei::core::q::Filter>& filter) {
  static const renkei::core::Entity kV2 = renkei::fuzz::SampleV2Entity();
  static const renkei::core::Entity kLd = renkei::fuzz::SampleLdEntity();
  static const renkei::core::Entity kEmpty;
  if (!filter) {
    FuzzCheck(filter.error().code == renkei::base::ErrorCode::kBadRequestData,
              "q error is not kBadRequestData");
    FuzzCheck(!filter.error().detail.empty(), "q error without description");
    return;
  }
  FuzzCheck(!filter->empty(), "a parsed q has no tree");
  bool first = filter->Matches(kV2);
  FuzzCheck(first == filter->Matches(kV2), "Matches is not deterministic");
  (void)filter->Matches(kLd);
  (void)filter->Matches(kEmpty);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = renkei::fuzz::AsText(data, size);
  Exercise(renkei::core::q::ParseV2Query(text));
  Exercise(renkei::core::q::ParseV2MetadataQuery(text));
  return 0;
}
