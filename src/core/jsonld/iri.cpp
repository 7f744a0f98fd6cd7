// IRI expansion (JSON-LD 1.1 API §5.2) and IRI compaction (JSON-LD 1.1 API §6.2.3) over a
// finished ActiveContext. Context processing (context_processing.cpp) makes sure every term
// a value depends on is defined first and then uses the same ExpandIri.
#include "core/jsonld/iri.hpp"

#include <array>

namespace renkei::core::jsonld {
namespace {

// JSON-LD 1.1 §9.1 (Terms): the keywords.
constexpr std::array<std::string_view, 23> kKeywords = {
    "@base",   "@container", "@context", "@direction", "@graph",     "@id",
    "@import", "@included",  "@index",   "@json",      "@language",  "@list",
    "@nest",   "@none",      "@prefix",  "@propagate", "@protected", "@reverse",
    "@set",    "@type",      "@value",   "@version",   "@vocab"};

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWhiteSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string Concat(std::string_view a, std::string_view b) {
  std::string out;
  out.reserve(a.size() + b.size());
  out.append(a).append(b);
  return out;
}

}  // namespace

bool IsKeyword(std::string_view s) {
  if (s.size() < 2 || s[0] != '@') return false;
  for (std::string_view k : kKeywords) {
    if (k == s) return true;
  }
  return false;
}

bool HasKeywordForm(std::string_view s) {
  if (s.size() < 2 || s[0] != '@') return false;
  for (std::size_t i = 1; i < s.size(); ++i) {
    if (!IsAlpha(s[i])) return false;
  }
  return true;
}

bool IsAbsoluteIri(std::string_view s) {
  // RFC 3987 §2.2: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ":".
  if (s.empty() || !IsAlpha(s[0])) return false;
  std::size_t i = 1;
  while (i < s.size() &&
         (IsAlpha(s[i]) || IsDigit(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')) {
    ++i;
  }
  if (i >= s.size() || s[i] != ':') return false;
  for (char c : s.substr(i + 1)) {
    if (IsWhiteSpace(c)) return false;
  }
  return true;
}

bool IsBlankNode(std::string_view s) { return s.size() > 2 && s.substr(0, 2) == "_:"; }

std::optional<std::string> ExpandIri(const ActiveContext& context, std::string_view value,
                                     bool vocab) {
  // §5.2 steps 1-2: keywords stay; other keyword-like strings are ignored.
  if (IsKeyword(value)) return std::string(value);
  if (HasKeywordForm(value)) return std::nullopt;
  // Step 4: a term (property names and types only).
  if (vocab) {
    if (const TermDefinition* term = context.FindTerm(value)) {
      if (term->IsNull()) return std::nullopt;
      return term->iri;
    }
  }
  // Step 6: a colon after the first character: compact IRI, blank node or absolute IRI.
  if (std::size_t colon = value.find(':'); colon != std::string_view::npos && colon > 0) {
    std::string_view prefix = value.substr(0, colon);
    std::string_view suffix = value.substr(colon + 1);
    if (prefix == "_" || suffix.substr(0, 2) == "//") return std::string(value);
    if (const TermDefinition* term = context.FindTerm(prefix);
        term != nullptr && term->prefix && !term->IsNull()) {
      return Concat(term->iri, suffix);
    }
    if (IsAbsoluteIri(value)) return std::string(value);
  }
  // Step 7: the vocabulary mapping.
  if (vocab && context.vocab()) return Concat(*context.vocab(), value);
  // Step 8 would resolve against @base; renkei leaves relative IRIs as they are.
  return std::string(value);
}

std::string CompactIri(const ActiveContext& context, std::string_view iri, bool vocab) {
  if (iri.empty()) return std::string();
  if (vocab) {
    // §6.2.3 step 3: a term (or keyword alias) for the IRI.
    if (const std::string* term = context.TermForIri(iri)) return *term;
    // Step 4: relative to @vocab, unless the suffix would be read as a term.
    if (const auto& vocab_iri = context.vocab();
        vocab_iri && iri.size() > vocab_iri->size() && iri.starts_with(*vocab_iri)) {
      std::string_view suffix = iri.substr(vocab_iri->size());
      if (context.FindTerm(suffix) == nullptr) return std::string(suffix);
    }
  }
  if (IsKeyword(iri)) return std::string(iri);
  // Step 5: the shortest, then lexicographically least, compact IRI that is not a term
  // (or is a term for this very IRI).
  std::string best;
  for (const ActiveContext::Prefix& prefix : context.prefixes()) {
    if (iri.size() <= prefix.iri.size() || !iri.starts_with(prefix.iri)) continue;
    std::string_view suffix = iri.substr(prefix.iri.size());
    std::size_t length = prefix.term.size() + 1 + suffix.size();
    if (!best.empty() && length > best.size()) continue;
    std::string candidate;
    candidate.reserve(length);
    candidate.append(prefix.term).append(1, ':').append(suffix);
    if (!best.empty() && length == best.size() && candidate >= best) continue;
    const TermDefinition* clash = context.FindTerm(candidate);
    if (clash != nullptr && clash->iri != iri) continue;
    best = std::move(candidate);
  }
  if (!best.empty()) return best;
  return std::string(iri);
}

std::string ExpandPropertyValue(const ActiveContext& context, const TermDefinition* property,
                                std::string_view value) {
  // JSON-LD 1.1 API §5.3.2 (Value Expansion) steps 1-2.
  if (property == nullptr || (!property->IsVocabTyped() && !property->IsIdTyped())) {
    return std::string(value);
  }
  std::optional<std::string> iri = ExpandIri(context, value, property->IsVocabTyped());
  return iri ? std::move(*iri) : std::string(value);
}

std::string CompactPropertyValue(const ActiveContext& context, const TermDefinition* property,
                                 std::string_view value) {
  if (property == nullptr || (!property->IsVocabTyped() && !property->IsIdTyped())) {
    return std::string(value);
  }
  return CompactIri(context, value, property->IsVocabTyped());
}

}  // namespace renkei::core::jsonld
