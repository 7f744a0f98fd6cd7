#include "core/jsonld/context_processing.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/jsonld/core_context.hpp"
#include "core/jsonld/fake_context_loader.hpp"
#include "core/jsonld/iri.hpp"

namespace renkei::core::jsonld {
namespace {

using base::ErrorCode;

class JsonLdContextProcessing : public ::testing::Test {
 protected:
  base::Result<std::shared_ptr<const ActiveContext>> Process(
      std::string_view json_text, const ActiveContext& base = ActiveContext(),
      const ProcessingOptions& options = {}) {
    return ProcessContext(boost::json::parse(json_text), loader_, base, options);
  }

  std::shared_ptr<const ActiveContext> MustProcess(std::string_view json_text) {
    auto context = Process(json_text);
    EXPECT_TRUE(context) << (context ? "" : context.error().detail);
    return context ? *context : std::make_shared<const ActiveContext>();
  }

  // The error detail of a context that must fail with `code`.
  std::string ErrorOf(std::string_view json_text, ErrorCode code = ErrorCode::kBadRequestData,
                      const ProcessingOptions& options = {}) {
    auto context = Process(json_text, ActiveContext(), options);
    if (context) return "<no error>";
    EXPECT_EQ(context.error().code, code) << context.error().detail;
    return context.error().detail;
  }

  FakeContextLoader loader_;
};

TEST_F(JsonLdContextProcessing, DefinesTermsFromStringsAndObjects) {
  auto context = MustProcess(R"({
    "@version": 1.1,
    "@vocab": "http://vocab.example/",
    "name": "ex:name",
    "ex": "http://example.org/",
    "speed": {"@id": "ex:speed", "@type": "ex:Decimal", "@container": "@set"},
    "tags": {"@id": "ex:tags", "@container": ["@set", "@index"], "@index": "ex:lang"},
    "labels": {"@id": "ex:labels", "@container": "@language", "@language": "ja"},
    "raw": {"@id": "ex:raw", "@type": "@json"},
    "points": {"@id": "ex:points", "@container": "@list", "@protected": true},
    "graphs": {"@id": "ex:graphs", "@container": ["@graph", "@id"]},
    "implicit": {"@type": "@id"},
    "scoped": {"@id": "ex:scoped", "@context": {"inner": "ex:inner"}},
    "ignored": {"@id": "@ignoredKeywordForm"}
  })");
  const TermDefinition* name = context->FindTerm("name");
  ASSERT_NE(name, nullptr);  // defined before its prefix: order does not matter
  EXPECT_EQ(name->iri, "http://example.org/name");
  EXPECT_FALSE(name->prefix);
  EXPECT_TRUE(context->FindTerm("ex")->prefix);
  const TermDefinition* speed = context->FindTerm("speed");
  EXPECT_EQ(speed->type_mapping, "http://example.org/Decimal");
  EXPECT_TRUE(speed->HasContainer(Container::kSet));
  const TermDefinition* tags = context->FindTerm("tags");
  EXPECT_TRUE(tags->HasContainer(Container::kSet) && tags->HasContainer(Container::kIndex));
  EXPECT_EQ(tags->index, "ex:lang");
  EXPECT_EQ(context->FindTerm("labels")->language, "ja");
  EXPECT_EQ(context->FindTerm("raw")->type_mapping, "@json");
  EXPECT_TRUE(context->FindTerm("points")->is_protected);
  EXPECT_TRUE(context->FindTerm("graphs")->HasContainer(Container::kGraph));
  EXPECT_EQ(context->FindTerm("implicit")->iri, "http://vocab.example/implicit");
  EXPECT_TRUE(context->FindTerm("scoped")->has_scoped_context);
  EXPECT_EQ(context->FindTerm("inner"), nullptr);
  EXPECT_EQ(context->FindTerm("ignored"), nullptr);
  EXPECT_EQ(context->vocab(), "http://vocab.example/");
}

TEST_F(JsonLdContextProcessing, AcceptsContextLevelKeywords) {
  auto context = MustProcess(R"({
    "@base": "http://base.example/", "@language": "en", "@direction": "ltr",
    "@propagate": true, "@protected": false, "@version": 1.1,
    "@vocab": "http://vocab.example/", "@type": {"@container": "@set"}
  })");
  EXPECT_EQ(context->base(), "http://base.example/");
  EXPECT_EQ(context->default_language(), "en");
  EXPECT_EQ(context->terms().size(), 0u);
}

TEST_F(JsonLdContextProcessing, KeywordAliases) {
  auto context = MustProcess(R"({"id": "@id", "type": "@type", "ex": "http://example.org/"})");
  EXPECT_EQ(ExpandIri(*context, "id"), "@id");
  EXPECT_EQ(ExpandIri(*context, "type"), "@type");
  EXPECT_EQ(CompactIri(*context, "@type"), "type");
  EXPECT_NE(ErrorOf(R"({"ctx": "@context"})").find("invalid keyword alias"), std::string::npos);
}

TEST_F(JsonLdContextProcessing, LaterContextsOverrideEarlierOnesAndNullResets) {
  auto context = MustProcess(R"([
    {"ex": "http://one.example/", "a": "ex:a", "b": "http://one.example/b"},
    {"ex": "http://two.example/", "a": "ex:a"}
  ])");
  EXPECT_EQ(ExpandIri(*context, "a"), "http://two.example/a");
  EXPECT_EQ(ExpandIri(*context, "b"), "http://one.example/b");

  auto reset = MustProcess(R"([{"a": "http://one.example/a"}, null, {"c": "http://c.example/"}])");
  EXPECT_EQ(reset->FindTerm("a"), nullptr);
  EXPECT_NE(reset->FindTerm("c"), nullptr);
}

TEST_F(JsonLdContextProcessing, BuildsOnABaseContextWithoutChangingIt) {
  auto first = MustProcess(R"({"ex": "http://example.org/", "a": "ex:a"})");
  auto second = Process(R"({"b": "ex:b", "a": "http://other.example/a"})", *first);
  ASSERT_TRUE(second);
  EXPECT_EQ(ExpandIri(**second, "b"), "http://example.org/b");
  EXPECT_EQ(ExpandIri(**second, "a"), "http://other.example/a");
  EXPECT_EQ(ExpandIri(*first, "a"), "http://example.org/a");
  EXPECT_EQ(first->FindTerm("b"), nullptr);
}

TEST_F(JsonLdContextProcessing, LoadsRemoteContextsThroughTheLoader) {
  loader_.Add("https://example.org/outer.jsonld",
              R"({"@context": ["https://example.org/inner.jsonld", {"b": "ex:b"}]})");
  loader_.Add("https://example.org/inner.jsonld",
              R"({"@context": {"ex": "http://example.org/", "a": "ex:a", "@base": "http://x/"}})");
  auto context = MustProcess(R"(["https://example.org/outer.jsonld", {"c": "ex:c"}])");
  EXPECT_EQ(ExpandIri(*context, "a"), "http://example.org/a");
  EXPECT_EQ(ExpandIri(*context, "b"), "http://example.org/b");
  EXPECT_EQ(ExpandIri(*context, "c"), "http://example.org/c");
  EXPECT_EQ(context->base(), std::nullopt);  // @base is ignored in remote contexts
  EXPECT_EQ(loader_.loads(), 2);
}

TEST_F(JsonLdContextProcessing, CoreContextUrlsNeverReachTheLoader) {
  auto context = MustProcess(R"(["https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld",
                                 "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld"])");
  EXPECT_EQ(loader_.loads(), 0);
  EXPECT_EQ(ExpandIri(*context, "Property"), "https://uri.etsi.org/ngsi-ld/Property");
}

TEST_F(JsonLdContextProcessing, LoaderFailureIsLdContextNotAvailable) {
  std::string detail =
      ErrorOf(R"("https://example.org/missing.jsonld")", ErrorCode::kLdContextNotAvailable);
  EXPECT_NE(detail.find("https://example.org/missing.jsonld"), std::string::npos);
  EXPECT_NE(detail.find("404 Not Found"), std::string::npos);
}

TEST_F(JsonLdContextProcessing, RejectsBadRemoteDocuments) {
  loader_.Add("https://example.org/no-context.jsonld", R"({"a": "http://example.org/a"})");
  loader_.Add("https://example.org/array.jsonld", R"([1, 2])");
  EXPECT_NE(ErrorOf(R"("https://example.org/no-context.jsonld")").find("invalid remote context"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"("https://example.org/array.jsonld")").find("invalid remote context"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"("relative.jsonld")").find("not an absolute URL"), std::string::npos);
}

TEST_F(JsonLdContextProcessing, DetectsRemoteCycles) {
  loader_.Add("https://example.org/a.jsonld", R"({"@context": "https://example.org/b.jsonld"})");
  loader_.Add("https://example.org/b.jsonld", R"({"@context": "https://example.org/a.jsonld"})");
  loader_.Add("https://example.org/self.jsonld",
              R"({"@context": [{"x": "http://x/"}, "https://example.org/self.jsonld"]})");
  EXPECT_NE(ErrorOf(R"("https://example.org/a.jsonld")").find("recursive context inclusion"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"("https://example.org/self.jsonld")").find("recursive context inclusion"),
            std::string::npos);
  // The same remote context twice side by side is no cycle.
  loader_.Add("https://example.org/plain.jsonld", R"({"@context": {"p": "http://p/"}})");
  EXPECT_TRUE(
      Process(R"(["https://example.org/plain.jsonld", "https://example.org/plain.jsonld"])"));
}

TEST_F(JsonLdContextProcessing, LimitsRemoteNestingAndCount) {
  for (int i = 0; i < 10; ++i) {
    loader_.Add("https://example.org/" + std::to_string(i),
                R"({"@context": "https://example.org/)" + std::to_string(i + 1) + R"("})");
  }
  loader_.Add("https://example.org/10", R"({"@context": {}})");
  ProcessingOptions deep;
  deep.max_remote_depth = 11;
  EXPECT_TRUE(Process(R"("https://example.org/0")", ActiveContext(), deep));
  EXPECT_NE(ErrorOf(R"("https://example.org/0")").find("context overflow"), std::string::npos);
  ProcessingOptions few;
  few.max_remote_contexts = 2;
  EXPECT_NE(ErrorOf(R"(["https://example.org/10", "https://example.org/10",
                        "https://example.org/10"])",
                    ErrorCode::kBadRequestData, few)
                .find("context overflow"),
            std::string::npos);
}

TEST_F(JsonLdContextProcessing, ProtectedTermsCannotBeRedefined) {
  std::string_view redefined = R"([{"@protected": true, "a": "http://x/a"}, {"a": "http://y/a"}])";
  EXPECT_NE(ErrorOf(redefined).find("protected term redefinition"), std::string::npos);
  auto same = MustProcess(R"([{"@protected": true, "a": "http://x/a"}, {"a": "http://x/a"}])");
  EXPECT_TRUE(same->FindTerm("a")->is_protected);
  EXPECT_NE(ErrorOf(R"([{"a": {"@id": "http://x/a", "@protected": true}}, null])")
                .find("invalid context nullification"),
            std::string::npos);
  ProcessingOptions override_protected;
  override_protected.override_protected = true;
  auto overridden = Process(redefined, ActiveContext(), override_protected);
  ASSERT_TRUE(overridden);
  EXPECT_EQ(ExpandIri(**overridden, "a"), "http://y/a");
}

TEST_F(JsonLdContextProcessing, RejectsInvalidTermDefinitions) {
  struct Case {
    std::string_view context;
    std::string_view error;
  };
  const Case cases[] = {
      {R"({"a": 5})", "invalid term definition"},
      {R"({"a": true})", "invalid term definition"},
      {R"({"a": ["http://x/"]})", "invalid term definition"},
      {R"({"a": {"@id": 5}})", "invalid IRI mapping"},
      {R"({"a": {"@id": "foo bar"}})", "invalid IRI mapping"},
      {R"({"a": "relative"})", "invalid IRI mapping"},
      {R"({"a": {"@id": "http://x/a", "@type": "foo"}})", "invalid type mapping"},
      {R"({"a": {"@id": "http://x/a", "@type": "@list"}})", "invalid type mapping"},
      {R"({"a": {"@id": "http://x/a", "@type": 3}})", "invalid type mapping"},
      {R"({"a": {"@id": "http://x/a", "@container": "@foo"}})", "invalid container mapping"},
      {R"({"a": {"@id": "http://x/a", "@container": ["@list", "@set"]}})",
       "invalid container mapping"},
      {R"({"a": {"@id": "http://x/a", "foo": 1}})", "invalid term definition"},
      {R"({"a": {"@id": "http://x/a", "@protected": "yes"}})", "invalid @protected value"},
      {R"({"a": {"@id": "http://x/a", "@prefix": "yes"}})", "invalid @prefix value"},
      {R"({"a": {"@id": "http://x/a", "@language": 5}})", "invalid language mapping"},
      {R"({"a": {"@id": "http://x/a", "@index": "ex:i"}})", "invalid term definition"},
      {R"({"a": {"@reverse": "http://x/r", "@id": "http://x/a"}})", "invalid reverse property"},
      {R"({"a": "b:x", "b": "a:y"})", "cyclic IRI mapping"},
      {R"({"a": {"@id": "a:b"}})", "cyclic IRI mapping"},
      {R"({"ex": "http://e/", "ex:b": "http://other/"})", "invalid IRI mapping"},
      {R"({"": "http://x/"})", "invalid term definition"},
      {R"({"@id": "http://x/"})", "keyword redefinition"},
      {R"({"@type": "http://x/"})", "keyword redefinition"},
      {R"({"@vocab": 42})", "invalid vocab mapping"},
      {R"({"@vocab": "not an iri"})", "invalid vocab mapping"},
      {R"({"@vocab": {}})", "invalid vocab mapping"},
      {R"({"@version": 1.0})", "invalid @version value"},
      {R"({"@propagate": "yes"})", "invalid @propagate value"},
      {R"({"@protected": 1})", "invalid @protected value"},
      {R"({"@language": 1})", "invalid default language"},
      {R"({"@direction": "up"})", "invalid base direction"},
      {R"({"@base": "relative"})", "invalid base IRI"},
      {R"(5)", "invalid local context"},
      {R"([[{"a": "http://x/a"}]])", "invalid local context"},
  };
  for (const Case& c : cases) {
    std::string detail = ErrorOf(c.context);
    EXPECT_EQ(detail.rfind(c.error, 0), 0u) << c.context << " gave: " << detail;
  }
}

TEST_F(JsonLdContextProcessing, RejectsImport) {
  auto context = Process(R"({"@import": "https://example.org/c.jsonld"})");
  ASSERT_FALSE(context);
  EXPECT_EQ(context.error().code, ErrorCode::kOperationNotSupported);
}

TEST_F(JsonLdContextProcessing, VocabMayBeACurieOrRelativeToThePreviousVocab) {
  auto context = MustProcess(R"([{"ex": "http://example.org/"}, {"@vocab": "ex:terms/"}])");
  EXPECT_EQ(context->vocab(), "http://example.org/terms/");
  auto blank = MustProcess(R"({"@vocab": "_:b"})");
  EXPECT_EQ(blank->vocab(), "_:b");
  auto nested = MustProcess(R"([{"@vocab": "http://v/"}, {"@vocab": "sub/"}])");
  EXPECT_EQ(nested->vocab(), "http://v/sub/");
  auto cleared = MustProcess(R"([{"@vocab": "http://v/"}, {"@vocab": null}])");
  EXPECT_EQ(cleared->vocab(), std::nullopt);
}

TEST_F(JsonLdContextProcessing, TermsLookingLikeIrisMustMapToThemselves) {
  auto context = MustProcess(R"({
    "ex": "http://example.org/",
    "ex:a": {"@type": "@id"},
    "ex:b": "http://example.org/b",
    "http://example.org/c": {"@type": "@vocab"}
  })");
  EXPECT_EQ(context->FindTerm("ex:a")->iri, "http://example.org/a");
  EXPECT_EQ(context->FindTerm("ex:b")->iri, "http://example.org/b");
  EXPECT_TRUE(context->FindTerm("http://example.org/c")->IsVocabTyped());
}

}  // namespace
}  // namespace renkei::core::jsonld
