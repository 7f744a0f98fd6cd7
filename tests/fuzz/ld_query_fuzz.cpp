// Fuzzes NGSI-LD's selection languages (core/q): ParseLdQuery (q), ParseLdScopeQuery (scopeQ)
// and ParseTypeSelection (type), each given the whole input, with a term expander that
// prefixes a vocabulary as an @context would. Checks: errors are kBadRequestData; a parsed q
// evaluates against fixed entities; a scopeQ evaluates against fixed scope lists; for a type
// selection, every type AnyOf() lists is matched on its own, a selection that is not
// MatchesAll() and has AnyOf() matches no unlisted type, and `*` selections match any type.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/q/ld_query.hpp"
#include "core/q/scope_query.hpp"
#include "core/q/type_selection.hpp"
#include "tests/fuzz/fuzz_input.hpp"
#include "tests/fuzz/sample_entities.hpp"

namespace {

using renkei::base::ErrorCode;
using renkei::fuzz::FuzzCheck;

std::string Expand(std::string_view term) { return "https://example.org/" + std::string(term); }

void CheckError(const renkei::base::Error& error, const char* what) {
  FuzzCheck(error.code == ErrorCode::kBadRequestData && !error.detail.empty(), what);
}

void FuzzQ(std::string_view text) {
  static const renkei::core::Entity kLd = renkei::fuzz::SampleLdEntity();
  static const renkei::core::Entity kV2 = renkei::fuzz::SampleV2Entity();
  auto filter = renkei::core::q::ParseLdQuery(text, Expand);
  if (!filter) return CheckError(filter.error(), "LD q error is not kBadRequestData");
  FuzzCheck(filter->dialect() == renkei::core::q::Dialect::kNgsiLd, "LD q has the v2 dialect");
  bool first = filter->Matches(kLd);
  FuzzCheck(first == filter->Matches(kLd), "LD Matches is not deterministic");
  (void)filter->Matches(kV2);
  (void)filter->Matches(renkei::core::Entity{});
}

void FuzzScopeQ(std::string_view text) {
  auto scope = renkei::core::q::ParseLdScopeQuery(text);
  if (!scope) return CheckError(scope.error(), "scopeQ error is not kBadRequestData");
  (void)scope->Matches({});
  (void)scope->Matches({"/Madrid/Gardens/ParqueNorte", "/Pisa"});
  (void)scope->Matches({"/", "/a/b/c/d/e/f", ""});
}

void FuzzTypeSelection(std::string_view text) {
  auto selection = renkei::core::q::ParseTypeSelection(text, Expand);
  if (!selection) return CheckError(selection.error(), "type error is not kBadRequestData");
  const std::string unlisted = "https://example.org/\x01unlisted";
  if (selection->MatchesAll()) {
    FuzzCheck(selection->Matches({unlisted}), "a `*` selection rejects a type");
  }
  if (auto any_of = selection->AnyOf()) {
    for (const auto& type : *any_of) {
      FuzzCheck(selection->Matches({type}), "AnyOf lists a type the selection rejects");
    }
    if (!selection->MatchesAll() &&
        std::find(any_of->begin(), any_of->end(), unlisted) == any_of->end()) {
      FuzzCheck(!selection->Matches({unlisted}), "an OR of names matches an unlisted type");
    }
  }
  (void)selection->Matches({});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = renkei::fuzz::AsText(data, size);
  FuzzQ(text);
  FuzzScopeQ(text);
  FuzzTypeSelection(text);
  return 0;
}
