// IRI expansion and compaction against an ActiveContext (JSON-LD 1.1 API §5.2 IRI
// Expansion, §6.2.3 IRI Compaction), and the value-level variants NGSI-LD needs for terms
// typed @vocab (VocabProperty values, attributeList, ...) and @id (object, datasetId, ...).
//
// All functions are pure and thread-safe; they allocate only the returned string. Relative
// IRIs are never resolved against @base (renkei's payloads use absolute IRIs and URNs).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/jsonld/active_context.hpp"

namespace renkei::core::jsonld {

// True for the JSON-LD keywords ("@id", "@type", "@context", ...).
bool IsKeyword(std::string_view s);
// True for "@" followed by one or more ASCII letters: reserved for future keywords, and
// ignored by processors when not a keyword (JSON-LD 1.1 §9.1).
bool HasKeywordForm(std::string_view s);
// True for an absolute IRI: a scheme (ALPHA *(ALPHA / DIGIT / "+" / "-" / ".")), a colon,
// and no white space. Blank node identifiers ("_:b0") are not IRIs.
bool IsAbsoluteIri(std::string_view s);
bool IsBlankNode(std::string_view s);

// Expands `value` used as a property name or type (vocab = true) or as a node identifier
// (vocab = false) to a full IRI:
//   - keywords are returned unchanged; other "@letters" strings give nullopt;
//   - (vocab only) a defined term gives its IRI mapping (nullopt for a null-mapped term,
//     the keyword for a keyword alias: "type" -> "@type");
//   - "prefix:suffix" where prefix is a prefix term gives mapping + suffix; blank node ids,
//     "scheme://..." and other absolute IRIs are returned unchanged;
//   - (vocab only) otherwise @vocab + value when the context has a vocabulary mapping;
//   - otherwise the value unchanged (a relative IRI).
std::optional<std::string> ExpandIri(const ActiveContext& context, std::string_view value,
                                     bool vocab = true);

// The shortest form of `iri` under `context`. With vocab = true (property names, types):
// the term mapping to it, else the suffix after @vocab when that suffix is not itself a
// term, else the shortest compact IRI "prefix:suffix" that is not a term, else `iri`. With
// vocab = false (node identifiers) only the compact IRI step applies. Keywords compact to
// their alias when one is defined. Never fails; JSON-LD's "IRI confused with prefix" case
// yields the IRI unchanged.
std::string CompactIri(const ActiveContext& context, std::string_view iri, bool vocab = true);

// Expands a string value of a property whose term definition is `property` (nullptr when
// the property has none): @type @vocab -> ExpandIri(vocab = true); @type @id ->
// ExpandIri(vocab = false); any other value is a literal and is returned unchanged, as is a
// value that expands to nothing (a null-mapped term).
std::string ExpandPropertyValue(const ActiveContext& context, const TermDefinition* property,
                                std::string_view value);
// The inverse of ExpandPropertyValue: compacts an IRI value of `property` (@vocab ->
// CompactIri(vocab = true), @id -> CompactIri(vocab = false), else unchanged).
std::string CompactPropertyValue(const ActiveContext& context, const TermDefinition* property,
                                 std::string_view value);

}  // namespace renkei::core::jsonld
