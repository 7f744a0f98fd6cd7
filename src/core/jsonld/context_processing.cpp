// JSON-LD 1.1 context processing: JSON-LD 1.1 API §4.1 (Context Processing Algorithm) and
// §4.2 (Create Term Definition), restricted to what NGSI-LD payloads use (see the header).
// Step numbers in comments refer to those sections. Scoped contexts are recorded, not
// processed; @import is refused; relative IRIs are not resolved against @base.
#include "core/jsonld/context_processing.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/jsonld/core_context.hpp"
#include "core/jsonld/iri.hpp"

namespace renkei::core::jsonld {
namespace {

namespace json = boost::json;
using base::ErrorCode;
using base::Fail;
using base::Result;

// An invalid context. `code` is the JSON-LD error code, which leads the detail so that a
// client can tell what JSON-LD says is wrong.
base::Unexpected Invalid(std::string_view code, std::string_view detail) {
  std::string text;
  text.reserve(code.size() + 2 + detail.size());
  text.append(code).append(": ").append(detail);
  return Fail(ErrorCode::kBadRequestData, "BadRequestData", std::move(text));
}

std::string Quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.append(1, '"').append(s).append(1, '"');
  return out;
}

// RFC 3986 §2.2 gen-delims: a simple term whose IRI ends in one of these is a prefix.
bool EndsWithGenDelim(std::string_view iri) {
  return !iri.empty() && std::string_view(":/?#[]@").find(iri.back()) != std::string_view::npos;
}

// A term that looks like a compact IRI or an IRI (§4.2 step 14.2.4 and 25.1).
bool LooksLikeIri(std::string_view term) {
  std::size_t colon = term.find(':', 1);
  return (colon != std::string_view::npos && colon + 1 < term.size()) ||
         term.find('/') != std::string_view::npos;
}

// The keys a context map may hold besides term definitions (§4.1 step 5.13).
bool IsContextKeyword(std::string_view key) {
  return key == "@base" || key == "@direction" || key == "@import" || key == "@language" ||
         key == "@propagate" || key == "@protected" || key == "@version" || key == "@vocab";
}

// The keys an expanded term definition may hold (§4.2 step 26).
bool IsTermDefinitionKey(std::string_view key) {
  static constexpr std::array<std::string_view, 11> kKeys = {
      "@id",       "@reverse", "@container", "@context",   "@direction", "@index",
      "@language", "@nest",    "@prefix",    "@protected", "@type"};
  return std::find(kKeys.begin(), kKeys.end(), key) != kKeys.end();
}

std::optional<Container> ContainerFromKeyword(std::string_view s) {
  if (s == "@list") return Container::kList;
  if (s == "@set") return Container::kSet;
  if (s == "@language") return Container::kLanguage;
  if (s == "@index") return Container::kIndex;
  if (s == "@graph") return Container::kGraph;
  if (s == "@id") return Container::kId;
  if (s == "@type") return Container::kType;
  return std::nullopt;
}

bool IsString(const json::value& value, std::string_view text) {
  const json::string* s = value.if_string();
  return s != nullptr && *s == text;
}

constexpr std::uint8_t Bit(Container c) { return static_cast<std::uint8_t>(c); }

// §4.2 step 19: @container is a keyword or (JSON-LD 1.1) an array of them; @list stands
// alone, and @graph combines only with @id, @index and @set.
Result<std::uint8_t> ParseContainers(const json::value& value, std::string_view term) {
  std::uint8_t bits = 0;
  auto add = [&bits](const json::value& item) {
    const json::string* s = item.if_string();
    if (s == nullptr) return false;
    std::optional<Container> c = ContainerFromKeyword(*s);
    if (!c) return false;
    bits = static_cast<std::uint8_t>(bits | Bit(*c));
    return true;
  };
  bool ok = true;
  if (const json::array* items = value.if_array()) {
    for (const json::value& item : *items) ok = ok && add(item);
  } else {
    ok = add(value);
  }
  if (ok && (bits & Bit(Container::kList)) != 0) ok = bits == Bit(Container::kList);
  if (ok && (bits & Bit(Container::kGraph)) != 0) {
    ok = (bits & (Bit(Container::kLanguage) | Bit(Container::kType))) == 0;
  }
  if (!ok) return Invalid("invalid container mapping", "@container of term " + Quoted(term));
  return bits;
}

}  // namespace

Result<json::value> NoRemoteContexts::Load(std::string_view url) {
  return Fail(ErrorCode::kLdContextNotAvailable, "LdContextNotAvailable",
              "remote @context " + Quoted(url) + " cannot be loaded here");
}

// One run of the algorithm. Not thread-safe; each ProcessContext call makes its own.
class ContextProcessor {
 public:
  ContextProcessor(ContextLoader& loader, const ProcessingOptions& options)
      : loader_(loader), options_(options) {}

  // §4.1: processes `local` (null, string, map or an array of those) into `result`.
  Result<void> Process(ActiveContext& result, const json::value& local, bool from_remote) {
    if (const json::array* items = local.if_array()) {
      for (const json::value& item : *items) RENKEI_TRY_VOID(ProcessOne(result, item, from_remote));
      return base::Ok();
    }
    return ProcessOne(result, local, from_remote);
  }

  // The core context as the last entry: its terms replace the user's (§5.5.7 of NGSI-LD).
  // The core context is self-contained (its CURIEs use its own prefixes, its @vocab is set
  // before its terms), so copying its processed definitions equals processing its text.
  Result<void> ApplyCoreContext(ActiveContext& result) {
    std::shared_ptr<const ActiveContext> core = MakeCoreContext();
    for (const auto& [term, definition] : core->terms_) {
      auto it = result.terms_.find(term);
      if (it == result.terms_.end()) {
        result.terms_.emplace(term, definition);
        continue;
      }
      if (!options_.override_protected && it->second.is_protected &&
          !it->second.SameDefinitionAs(definition)) {
        return Invalid("protected term redefinition", "term " + Quoted(term));
      }
      it->second = definition;
    }
    result.vocab_ = core->vocab_;
    return base::Ok();
  }

  // Builds the reverse index once all definitions are in place.
  static void Finish(ActiveContext& result) { result.BuildReverseIndex(); }

 private:
  // The state of one local context map while its terms are defined (§4.2's `defined`).
  struct LocalScope {
    const json::object& local;
    StringMap<bool> defined;
    bool protected_default = false;
  };

  Result<void> ProcessOne(ActiveContext& result, const json::value& context, bool from_remote) {
    // Step 5.1: null resets the context, unless protected terms would be lost.
    if (context.is_null()) {
      if (!options_.override_protected && result.HasProtectedTerms()) {
        return Invalid("invalid context nullification", "null would drop protected terms");
      }
      result = ActiveContext();
      return base::Ok();
    }
    if (const json::string* url = context.if_string()) {
      if (IsCoreContextUrl(*url)) return ApplyCoreContext(result);
      return ProcessRemote(result, *url);
    }
    if (const json::object* map = context.if_object()) return ProcessMap(result, *map, from_remote);
    return Invalid("invalid local context",
                   "an @context entry must be null, a string or an object");
  }

  // Step 5.2: a remote context, through the loader.
  Result<void> ProcessRemote(ActiveContext& result, std::string_view url) {
    if (!IsAbsoluteIri(url)) {
      return Invalid("loading remote context failed", Quoted(url) + " is not an absolute URL");
    }
    if (std::find(remote_stack_.begin(), remote_stack_.end(), url) != remote_stack_.end()) {
      return Invalid("recursive context inclusion", Quoted(url) + " includes itself");
    }
    if (std::cmp_greater_equal(remote_stack_.size(), options_.max_remote_depth) ||
        ++remote_loads_ > options_.max_remote_contexts) {
      return Invalid("context overflow", "too many remote contexts at " + Quoted(url));
    }
    Result<json::value> document = loader_.Load(url);
    if (!document) {
      return Fail(ErrorCode::kLdContextNotAvailable, "LdContextNotAvailable",
                  "@context " + Quoted(url) + " is not available: " + document.error().detail);
    }
    const json::object* map = document->if_object();
    const json::value* inner = map != nullptr ? map->if_contains("@context") : nullptr;
    if (inner == nullptr) {
      return Invalid("invalid remote context", Quoted(url) + " has no @context entry");
    }
    remote_stack_.emplace_back(url);
    Result<void> done = Process(result, *inner, /*from_remote=*/true);
    remote_stack_.pop_back();
    return done;
  }

  // Steps 5.5-5.13: a context map.
  Result<void> ProcessMap(ActiveContext& result, const json::object& map, bool from_remote) {
    if (const json::value* version = map.if_contains("@version")) {
      if (!version->is_number() || version->to_number<double>() != 1.1) {
        return Invalid("invalid @version value", "only 1.1 is defined");
      }
    }
    if (map.contains("@import")) {
      return Fail(ErrorCode::kOperationNotSupported, "OperationNotSupported",
                  "@import in an @context is not supported");
    }
    // Step 5.7: @base, ignored in remote contexts.
    if (const json::value* base_iri = map.if_contains("@base"); base_iri && !from_remote) {
      if (base_iri->is_null()) {
        result.base_.reset();
      } else if (base_iri->is_string() && IsAbsoluteIri(base_iri->get_string())) {
        result.base_ = std::string(base_iri->get_string());
      } else if (!base_iri->is_string() || !result.base_) {
        return Invalid("invalid base IRI", "@base must be an absolute IRI or null");
      }
    }
    // Step 5.8: @vocab: an IRI, a blank node prefix, or a term / compact IRI expanding to one.
    if (const json::value* vocab = map.if_contains("@vocab")) {
      if (vocab->is_null()) {
        result.vocab_.reset();
      } else {
        std::optional<std::string> iri;
        if (vocab->is_string()) iri = ExpandIri(result, vocab->get_string(), /*vocab=*/true);
        if (!iri || (!IsAbsoluteIri(*iri) && !IsBlankNode(*iri))) {
          return Invalid("invalid vocab mapping", "@vocab must be an absolute IRI or null");
        }
        result.vocab_ = std::move(*iri);
      }
    }
    if (const json::value* language = map.if_contains("@language")) {
      if (!language->is_string() && !language->is_null()) {
        return Invalid("invalid default language", "@language must be a string or null");
      }
      result.default_language_ =
          language->is_string() ? std::string(language->get_string()) : std::string();
    }
    if (const json::value* direction = map.if_contains("@direction")) {
      if (!direction->is_null() && !IsString(*direction, "ltr") && !IsString(*direction, "rtl")) {
        return Invalid("invalid base direction", "@direction must be \"ltr\", \"rtl\" or null");
      }
      result.default_direction_ =
          direction->is_string() ? std::string(direction->get_string()) : std::string();
    }
    if (const json::value* propagate = map.if_contains("@propagate")) {
      if (!propagate->is_bool()) return Invalid("invalid @propagate value", "must be a boolean");
    }
    bool protected_default = false;
    if (const json::value* is_protected = map.if_contains("@protected")) {
      if (!is_protected->is_bool()) return Invalid("invalid @protected value", "must be a boolean");
      protected_default = is_protected->get_bool();
    }
    LocalScope scope{map, {}, protected_default};
    for (const auto& entry : map) {
      if (IsContextKeyword(entry.key())) continue;
      RENKEI_TRY_VOID(DefineTerm(result, scope, entry.key()));
    }
    return base::Ok();
  }

  // §5.2 IRI expansion while a local context is being processed: first define the terms the
  // value depends on (the value itself, or the prefix of a compact IRI).
  Result<std::optional<std::string>> Expand(ActiveContext& result, LocalScope& scope,
                                            std::string_view value) {
    if (IsKeyword(value)) return std::optional<std::string>(std::string(value));
    if (HasKeywordForm(value)) return std::optional<std::string>();
    if (scope.local.contains(value)) RENKEI_TRY_VOID(DefineIfPending(result, scope, value));
    if (std::size_t colon = value.find(':'); colon != std::string_view::npos && colon > 0) {
      std::string_view prefix = value.substr(0, colon);
      if (prefix != "_" && value.substr(colon + 1, 2) != "//" && scope.local.contains(prefix)) {
        RENKEI_TRY_VOID(DefineIfPending(result, scope, prefix));
      }
    }
    return ExpandIri(result, value, /*vocab=*/true);
  }

  Result<void> DefineIfPending(ActiveContext& result, LocalScope& scope, std::string_view term) {
    auto it = scope.defined.find(term);
    if (it != scope.defined.end() && it->second) return base::Ok();
    return DefineTerm(result, scope, term);
  }

  // §4.2 Create Term Definition.
  Result<void> DefineTerm(ActiveContext& result, LocalScope& scope, std::string_view term);

  ContextLoader& loader_;
  ProcessingOptions options_;
  std::vector<std::string> remote_stack_;  // URLs being processed, for cycle detection
  int remote_loads_ = 0;
};

Result<void> ContextProcessor::DefineTerm(ActiveContext& result, LocalScope& scope,
                                          std::string_view term) {
  // Steps 1-2: each term once; meeting one that is being defined means a cycle.
  if (auto it = scope.defined.find(term); it != scope.defined.end()) {
    if (it->second) return base::Ok();
    return Invalid("cyclic IRI mapping", "term " + Quoted(term) + " depends on itself");
  }
  if (term.empty()) return Invalid("invalid term definition", "the empty string is not a term");
  scope.defined.emplace(std::string(term), false);
  auto finish = [&scope, term] {
    scope.defined.find(term)->second = true;
    return base::Ok();
  };
  const json::value& value = scope.local.at(term);

  // Step 4: @type may only be made a @set container (and @protected).
  if (term == "@type") {
    const json::object* map = value.if_object();
    bool ok = map != nullptr && !map->empty();
    for (std::size_t i = 0; ok && i < map->size(); ++i) {
      const auto& entry = map->begin()[i];
      if (entry.key() == "@container") {
        ok = IsString(entry.value(), "@set");
      } else {
        ok = entry.key() == "@protected" && entry.value().is_bool();
      }
    }
    if (!ok) return Invalid("keyword redefinition", "@type may only be given @container @set");
    return finish();
  }
  // Step 5: keywords cannot be redefined; other "@letters" terms are ignored.
  if (IsKeyword(term)) return Invalid("keyword redefinition", Quoted(term) + " is a keyword");
  if (HasKeywordForm(term)) return finish();

  // Step 6: the previous definition, for the protected check of step 27.
  std::optional<TermDefinition> previous;
  if (auto it = result.terms_.find(term); it != result.terms_.end()) {
    previous = std::move(it->second);
    result.terms_.erase(it);
  }

  // Steps 7-9: null and strings are shorthands for {"@id": value}.
  json::object shorthand;
  bool simple_term = false;
  if (value.is_null() || value.is_string()) {
    shorthand.emplace("@id", value);
    simple_term = value.is_string();
  } else if (!value.is_object()) {
    return Invalid("invalid term definition",
                   "term " + Quoted(term) + " is not a string, object or null");
  }
  const json::object& entries = value.is_object() ? value.get_object() : shorthand;

  TermDefinition definition;
  // Step 11: @protected.
  definition.is_protected = scope.protected_default;
  if (const json::value* is_protected = entries.if_contains("@protected")) {
    if (!is_protected->is_bool())
      return Invalid("invalid @protected value", "term " + Quoted(term));
    definition.is_protected = is_protected->get_bool();
  }
  // Step 12: @type must expand to @id, @vocab, @json, @none or an absolute IRI.
  if (const json::value* type = entries.if_contains("@type")) {
    std::optional<std::string> mapping;
    if (const json::string* text = type->if_string()) {
      RENKEI_TRY(mapping, Expand(result, scope, *text));
    }
    if (!mapping || (*mapping != "@id" && *mapping != "@vocab" && *mapping != "@json" &&
                     *mapping != "@none" && !IsAbsoluteIri(*mapping))) {
      return Invalid("invalid type mapping", "@type of term " + Quoted(term));
    }
    definition.type_mapping = std::move(*mapping);
  }

  const json::value* id = entries.if_contains("@id");
  if (const json::value* reverse = entries.if_contains("@reverse")) {
    // Step 13: a reverse property.
    if (id != nullptr || entries.contains("@nest")) {
      return Invalid("invalid reverse property", "term " + Quoted(term));
    }
    const json::string* text = reverse->if_string();
    if (text == nullptr) return Invalid("invalid IRI mapping", "@reverse of term " + Quoted(term));
    if (HasKeywordForm(*text)) return finish();
    RENKEI_TRY(std::optional<std::string> iri, Expand(result, scope, *text));
    if (!iri || (!IsAbsoluteIri(*iri) && !IsBlankNode(*iri))) {
      return Invalid("invalid IRI mapping", "@reverse of term " + Quoted(term));
    }
    definition.iri = std::move(*iri);
    definition.reverse = true;
  } else if (id != nullptr && !(id->is_string() && id->get_string() == term)) {
    // Step 14: an explicit @id (null decouples the term from @vocab).
    if (!id->is_null()) {
      const json::string* text = id->if_string();
      if (text == nullptr) return Invalid("invalid IRI mapping", "@id of term " + Quoted(term));
      if (!IsKeyword(*text) && HasKeywordForm(*text)) return finish();
      RENKEI_TRY(std::optional<std::string> iri, Expand(result, scope, *text));
      if (!iri || (!IsKeyword(*iri) && !IsAbsoluteIri(*iri) && !IsBlankNode(*iri))) {
        return Invalid("invalid IRI mapping", "term " + Quoted(term) + " maps to no IRI");
      }
      if (*iri == "@context") return Invalid("invalid keyword alias", "@context cannot be aliased");
      // Step 14.2.4: a term that looks like an IRI must expand to the IRI it maps to.
      if (LooksLikeIri(term)) {
        scope.defined.find(term)->second = true;
        RENKEI_TRY(std::optional<std::string> self, Expand(result, scope, term));
        if (self != iri) {
          return Invalid("invalid IRI mapping", "term " + Quoted(term) + " is an IRI of its own");
        }
      }
      // Step 14.2.5: simple terms whose IRI ends in a gen-delim are prefixes.
      definition.prefix = simple_term && term.find(':') == std::string_view::npos &&
                          term.find('/') == std::string_view::npos &&
                          (EndsWithGenDelim(*iri) || IsBlankNode(*iri));
      definition.iri = std::move(*iri);
    }
  } else if (std::size_t colon = term.find(':', 1); colon != std::string_view::npos) {
    // Step 15: the term is a compact IRI or an IRI itself.
    std::string_view prefix = term.substr(0, colon);
    std::string_view suffix = term.substr(colon + 1);
    const TermDefinition* prefix_term = nullptr;
    if (prefix != "_" && suffix.substr(0, 2) != "//") {
      if (scope.local.contains(prefix)) RENKEI_TRY_VOID(DefineIfPending(result, scope, prefix));
      prefix_term = result.FindTerm(prefix);
    }
    if (prefix_term != nullptr && !prefix_term->IsNull()) {
      definition.iri = prefix_term->iri + std::string(suffix);
    } else {
      definition.iri = std::string(term);
    }
  } else if (term.find('/') != std::string_view::npos) {
    // Step 16: a relative IRI as a term must expand to an absolute one.
    std::optional<std::string> iri = ExpandIri(result, term, /*vocab=*/true);
    if (!iri || !IsAbsoluteIri(*iri)) {
      return Invalid("invalid IRI mapping", "term " + Quoted(term) + " is a relative IRI");
    }
    definition.iri = std::move(*iri);
  } else if (result.vocab_) {
    // Step 18: relative to @vocab.
    definition.iri = *result.vocab_ + std::string(term);
  } else {
    return Invalid("invalid IRI mapping", "term " + Quoted(term) + " has no @id and no @vocab");
  }

  // Step 19: @container.
  if (const json::value* container = entries.if_contains("@container")) {
    RENKEI_TRY(definition.containers, ParseContainers(*container, term));
    if (definition.reverse &&
        (definition.containers & ~(Bit(Container::kSet) | Bit(Container::kIndex))) != 0) {
      return Invalid("invalid reverse property", "@container of term " + Quoted(term));
    }
    if (definition.HasContainer(Container::kType)) {
      if (definition.type_mapping.empty()) definition.type_mapping = "@id";
      if (!definition.IsIdTyped() && !definition.IsVocabTyped()) {
        return Invalid("invalid type mapping", "@container @type of term " + Quoted(term));
      }
    }
  }
  // Steps 20-24: @index, @context (kept unprocessed), @language, @direction, @nest.
  if (const json::value* index = entries.if_contains("@index")) {
    if (!definition.HasContainer(Container::kIndex) || !index->is_string() ||
        IsKeyword(index->get_string())) {
      return Invalid("invalid term definition", "@index of term " + Quoted(term));
    }
    definition.index = std::string(index->get_string());
  }
  definition.has_scoped_context = entries.contains("@context");
  if (const json::value* language = entries.if_contains("@language")) {
    if (!language->is_string() && !language->is_null()) {
      return Invalid("invalid language mapping", "@language of term " + Quoted(term));
    }
    definition.language = language->is_string() ? std::string(language->get_string()) : "";
  }
  if (const json::value* direction = entries.if_contains("@direction")) {
    if (!direction->is_null() && !IsString(*direction, "ltr") && !IsString(*direction, "rtl")) {
      return Invalid("invalid base direction", "@direction of term " + Quoted(term));
    }
    definition.direction = direction->is_string() ? std::string(direction->get_string()) : "";
  }
  if (const json::value* nest = entries.if_contains("@nest")) {
    if (!nest->is_string() || (IsKeyword(nest->get_string()) && !IsString(*nest, "@nest"))) {
      return Invalid("invalid @nest value", "@nest of term " + Quoted(term));
    }
    definition.nest = std::string(nest->get_string());
  }
  // Step 25: @prefix, only for terms that are not IRIs themselves.
  if (const json::value* prefix = entries.if_contains("@prefix")) {
    if (LooksLikeIri(term) || term.find(':') != std::string_view::npos) {
      return Invalid("invalid term definition", "@prefix on IRI-like term " + Quoted(term));
    }
    if (!prefix->is_bool()) return Invalid("invalid @prefix value", "term " + Quoted(term));
    definition.prefix = prefix->get_bool();
    if (definition.prefix && IsKeyword(definition.iri)) {
      return Invalid("invalid term definition", "keyword alias " + Quoted(term) + " as prefix");
    }
  }
  // Step 26: nothing else may appear.
  for (const auto& entry : entries) {
    if (!IsTermDefinitionKey(entry.key())) {
      return Invalid("invalid term definition",
                     "term " + Quoted(term) + " has the unknown entry " + Quoted(entry.key()));
    }
  }
  // Step 27: a protected term keeps its definition; changing it is an error.
  if (previous && previous->is_protected && !options_.override_protected) {
    if (!definition.SameDefinitionAs(*previous)) {
      return Invalid("protected term redefinition", "term " + Quoted(term));
    }
    definition = std::move(*previous);
  }
  result.terms_.insert_or_assign(std::string(term), std::move(definition));
  return finish();
}

Result<std::shared_ptr<const ActiveContext>> ProcessContext(const json::value& local_context,
                                                            ContextLoader& loader,
                                                            const ActiveContext& base,
                                                            const ProcessingOptions& options) {
  auto result = std::make_shared<ActiveContext>(base);
  ContextProcessor processor(loader, options);
  RENKEI_TRY_VOID(processor.Process(*result, local_context, /*from_remote=*/false));
  if (options.append_core_context) RENKEI_TRY_VOID(processor.ApplyCoreContext(*result));
  processor.Finish(*result);
  return std::shared_ptr<const ActiveContext>(std::move(result));
}

}  // namespace renkei::core::jsonld
