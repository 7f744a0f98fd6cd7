// ActiveContext: the result of JSON-LD context processing (JSON-LD 1.1 API §4.1): term
// definitions, the vocabulary mapping and the base IRI, plus a reverse index built once so
// that IRI compaction costs one hash lookup and a scan of the prefix terms.
//
// An ActiveContext is immutable once built (only ProcessContext in context_processing.hpp
// builds non-empty ones) and is shared as std::shared_ptr<const ActiveContext>; every const
// member is safe to call from any number of threads.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace renkei::core::jsonld {

// @container values of a term definition, as bits of TermDefinition::containers.
enum class Container : std::uint8_t {
  kList = 1 << 0,
  kSet = 1 << 1,
  kLanguage = 1 << 2,
  kIndex = 1 << 3,
  kGraph = 1 << 4,
  kId = 1 << 5,
  kType = 1 << 6,
};

// One term definition (JSON-LD 1.1 API §4.2). Fields JSON-LD defines but renkei does not
// act on (language, direction, index, nest, scoped context) are kept so callers can see
// them and so protected-term comparison is faithful.
struct TermDefinition {
  // The IRI mapping: an absolute IRI, a blank node identifier, or a keyword when the term
  // is a keyword alias ("id" -> "@id"). Empty when the term is mapped to null, which means
  // "this term expands to nothing" (it is dropped, and @vocab does not apply to it).
  std::string iri;
  // The type mapping: empty when absent; otherwise "@id", "@vocab", "@json", "@none" or a
  // datatype IRI. "@vocab" means string values are IRIs expanded/compacted with the
  // vocabulary (NGSI-LD VocabProperty values, attributeList, ...).
  std::string type_mapping;
  std::uint8_t containers = 0;  // bits of Container
  bool prefix = false;          // usable as the prefix of a compact IRI (CURIE)
  bool is_protected = false;
  bool reverse = false;                  // defined with @reverse
  bool has_scoped_context = false;       // had an @context entry (kept, not processed)
  std::optional<std::string> language;   // @language; "" when set to null
  std::optional<std::string> direction;  // @direction; "" when set to null
  std::optional<std::string> index;      // @index (property-valued index)
  std::optional<std::string> nest;       // @nest

  bool IsNull() const { return iri.empty(); }
  bool HasContainer(Container c) const { return (containers & static_cast<std::uint8_t>(c)) != 0; }
  bool IsVocabTyped() const { return type_mapping == "@vocab"; }
  bool IsIdTyped() const { return type_mapping == "@id"; }
  // Equal in everything but the protected flag (JSON-LD 1.1 API §4.2 step 27.2).
  bool SameDefinitionAs(const TermDefinition& other) const;
};

// Hash and equality that let the maps below be searched with a string_view, without
// building a std::string key.
struct StringViewHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringViewHash, std::equal_to<>>;

class ActiveContext {
 public:
  // A term usable as a compact IRI prefix: `term:suffix` stands for `iri + suffix`.
  struct Prefix {
    std::string iri;
    std::string term;
  };

  ActiveContext() = default;  // the empty context: no terms, no @vocab, no @base

  // The definition of `term`, or nullptr when the context does not define it.
  const TermDefinition* FindTerm(std::string_view term) const;
  const StringMap<TermDefinition>& terms() const { return terms_; }

  // The vocabulary mapping (@vocab), an absolute IRI or blank node prefix, if any.
  const std::optional<std::string>& vocab() const { return vocab_; }
  // @base: recorded, but relative IRI resolution against it is not performed.
  const std::optional<std::string>& base() const { return base_; }
  // The default language (@language); "" when explicitly set to null.
  const std::optional<std::string>& default_language() const { return default_language_; }
  bool HasProtectedTerms() const;

  // Reverse index, built when the context is finished: the term that compacts `iri` when
  // it is used as a property or type (JSON-LD 1.1 API §6.2.3 step 3, without value-based
  // term selection: the shortest term, then the lexicographically least), or nullptr.
  // Keyword aliases are included ("@type" -> "type"); null and @reverse terms are not.
  const std::string* TermForIri(std::string_view iri) const;
  // The prefix terms, for compact IRI (CURIE) construction (§6.2.3 step 5).
  std::span<const Prefix> prefixes() const { return prefixes_; }

 private:
  friend class ContextProcessor;  // context_processing.cpp builds contexts

  // Rebuilds term_by_iri_ and prefixes_ from terms_; called once when processing ends.
  void BuildReverseIndex();

  StringMap<TermDefinition> terms_;
  std::optional<std::string> vocab_;
  std::optional<std::string> base_;
  std::optional<std::string> default_language_;
  std::optional<std::string> default_direction_;
  StringMap<std::string> term_by_iri_;
  std::vector<Prefix> prefixes_;
};

}  // namespace renkei::core::jsonld
