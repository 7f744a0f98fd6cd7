// ActiveContext lookups and the reverse index used by IRI compaction.
#include "core/jsonld/active_context.hpp"

#include <algorithm>

namespace renkei::core::jsonld {
namespace {

// JSON-LD 1.1 API §4.3 (Inverse Context Creation) visits terms shortest first, then in
// lexicographic order, and the first term seen for an IRI wins.
bool PreferredTerm(std::string_view candidate, std::string_view current) {
  if (candidate.size() != current.size()) return candidate.size() < current.size();
  return candidate < current;
}

}  // namespace

bool TermDefinition::SameDefinitionAs(const TermDefinition& other) const {
  return iri == other.iri && type_mapping == other.type_mapping && containers == other.containers &&
         prefix == other.prefix && reverse == other.reverse &&
         has_scoped_context == other.has_scoped_context && language == other.language &&
         direction == other.direction && index == other.index && nest == other.nest;
}

const TermDefinition* ActiveContext::FindTerm(std::string_view term) const {
  auto it = terms_.find(term);
  return it == terms_.end() ? nullptr : &it->second;
}

bool ActiveContext::HasProtectedTerms() const {
  return std::any_of(terms_.begin(), terms_.end(),
                     [](const auto& entry) { return entry.second.is_protected; });
}

const std::string* ActiveContext::TermForIri(std::string_view iri) const {
  auto it = term_by_iri_.find(iri);
  return it == term_by_iri_.end() ? nullptr : &it->second;
}

void ActiveContext::BuildReverseIndex() {
  term_by_iri_.clear();
  prefixes_.clear();
  term_by_iri_.reserve(terms_.size());
  for (const auto& [term, definition] : terms_) {
    if (definition.IsNull() || definition.reverse) continue;
    auto [it, inserted] = term_by_iri_.try_emplace(definition.iri, term);
    if (!inserted && PreferredTerm(term, it->second)) it->second = term;
    if (definition.prefix) prefixes_.push_back(Prefix{definition.iri, term});
  }
  // A stable order makes compaction deterministic whatever the hash map's order is.
  std::sort(prefixes_.begin(), prefixes_.end(), [](const Prefix& a, const Prefix& b) {
    return a.term == b.term ? a.iri < b.iri : PreferredTerm(a.term, b.term);
  });
}

}  // namespace renkei::core::jsonld
