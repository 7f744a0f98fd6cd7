#include "core/jsonld/iri.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/jsonld/context_loader.hpp"
#include "core/jsonld/context_processing.hpp"

namespace renkei::core::jsonld {
namespace {

std::shared_ptr<const ActiveContext> Context(std::string_view json_text) {
  NoRemoteContexts loader;
  auto context = ProcessContext(boost::json::parse(json_text), loader, ActiveContext());
  EXPECT_TRUE(context) << (context ? "" : context.error().detail);
  return context ? *context : std::make_shared<const ActiveContext>();
}

TEST(JsonLdIri, RecognisesKeywordsIrisAndBlankNodes) {
  EXPECT_TRUE(IsKeyword("@id"));
  EXPECT_TRUE(IsKeyword("@vocab"));
  EXPECT_FALSE(IsKeyword("@foo"));
  EXPECT_FALSE(IsKeyword("id"));
  EXPECT_TRUE(HasKeywordForm("@foo"));
  EXPECT_FALSE(HasKeywordForm("@foo1"));
  EXPECT_FALSE(HasKeywordForm("@"));
  EXPECT_TRUE(IsAbsoluteIri("https://example.org/a"));
  EXPECT_TRUE(IsAbsoluteIri("urn:ngsi-ld:Vehicle:A4567"));
  EXPECT_TRUE(IsAbsoluteIri("ngsi-ld:Property"));  // syntactically a scheme
  EXPECT_FALSE(IsAbsoluteIri("Property"));
  EXPECT_FALSE(IsAbsoluteIri("1a:b"));
  EXPECT_FALSE(IsAbsoluteIri("http://a b"));
  EXPECT_TRUE(IsBlankNode("_:b0"));
  EXPECT_FALSE(IsBlankNode("_:"));
}

TEST(JsonLdIri, ExpandsTermsCuriesAndVocab) {
  auto context = Context(R"({
    "@vocab": "http://vocab.example/",
    "ex": "http://example.org/",
    "name": "ex:name",
    "nothing": null,
    "id": "@id"
  })");
  EXPECT_EQ(ExpandIri(*context, "name"), "http://example.org/name");
  EXPECT_EQ(ExpandIri(*context, "ex:age"), "http://example.org/age");
  EXPECT_EQ(ExpandIri(*context, "height"), "http://vocab.example/height");
  EXPECT_EQ(ExpandIri(*context, "id"), "@id");
  EXPECT_EQ(ExpandIri(*context, "@type"), "@type");
  EXPECT_EQ(ExpandIri(*context, "nothing"), std::nullopt);
  EXPECT_EQ(ExpandIri(*context, "@unknown"), std::nullopt);
  EXPECT_EQ(ExpandIri(*context, "urn:ngsi-ld:Car:1"), "urn:ngsi-ld:Car:1");
  EXPECT_EQ(ExpandIri(*context, "http://other.example/x"), "http://other.example/x");
  EXPECT_EQ(ExpandIri(*context, "_:b1"), "_:b1");
  // Node identifiers (vocab = false) use CURIEs but neither terms nor @vocab.
  EXPECT_EQ(ExpandIri(*context, "name", false), "name");
  EXPECT_EQ(ExpandIri(*context, "ex:car1", false), "http://example.org/car1");
}

TEST(JsonLdIri, WithoutVocabUnknownTermsStayRelative) {
  ActiveContext empty;
  EXPECT_EQ(ExpandIri(empty, "temperature"), "temperature");
  EXPECT_EQ(CompactIri(empty, "http://example.org/a"), "http://example.org/a");
}

TEST(JsonLdIri, PrefixesNeedAGenDelimOrAtPrefix) {
  auto context = Context(R"({
    "slash": "http://example.org/ns/",
    "nodelim": "http://example.org/ns",
    "objectform": {"@id": "http://example.org/obj/"},
    "forced": {"@id": "http://example.org/forced", "@prefix": true}
  })");
  EXPECT_EQ(ExpandIri(*context, "slash:a"), "http://example.org/ns/a");
  EXPECT_EQ(ExpandIri(*context, "nodelim:a"), "nodelim:a");
  EXPECT_EQ(ExpandIri(*context, "objectform:a"), "objectform:a");
  EXPECT_EQ(ExpandIri(*context, "forced:a"), "http://example.org/forceda");
}

TEST(JsonLdIri, CompactsToTermThenVocabSuffixThenCurie) {
  auto context = Context(R"({
    "@vocab": "http://vocab.example/",
    "ex": "http://example.org/",
    "name": "ex:name",
    "type": "@type",
    "shadow": "http://elsewhere.example/shadow"
  })");
  EXPECT_EQ(CompactIri(*context, "http://example.org/name"), "name");
  EXPECT_EQ(CompactIri(*context, "http://vocab.example/height"), "height");
  EXPECT_EQ(CompactIri(*context, "http://example.org/age"), "ex:age");
  EXPECT_EQ(CompactIri(*context, "http://example.org/"), "ex");
  EXPECT_EQ(CompactIri(*context, "http://unknown.example/x"), "http://unknown.example/x");
  EXPECT_EQ(CompactIri(*context, "@type"), "type");
  EXPECT_EQ(CompactIri(*context, "@id"), "@id");
  // "shadow" is a term for another IRI, so the vocab-relative form would be misread.
  EXPECT_EQ(CompactIri(*context, "http://vocab.example/shadow"), "http://vocab.example/shadow");
  // Node identifiers (vocab = false): only compact IRIs.
  EXPECT_EQ(CompactIri(*context, "http://example.org/name", false), "ex:name");
  EXPECT_EQ(CompactIri(*context, "http://vocab.example/height", false),
            "http://vocab.example/height");
}

TEST(JsonLdIri, CompactionPrefersTheShortestThenLeastTermAndCurie) {
  auto context = Context(R"({
    "long": "http://example.org/p",
    "bb": "http://example.org/p",
    "aa": "http://example.org/p",
    "e": "http://example.org/",
    "exam": "http://example.org/"
  })");
  EXPECT_EQ(CompactIri(*context, "http://example.org/p"), "aa");
  EXPECT_EQ(CompactIri(*context, "http://example.org/q"), "e:q");
}

TEST(JsonLdIri, VocabTypedValuesAreIris) {
  auto context = Context(R"({
    "@vocab": "http://vocab.example/",
    "ex": "http://example.org/",
    "Rainy": "ex:Rainy",
    "weather": {"@id": "ex:weather", "@type": "@vocab"},
    "refersTo": {"@id": "ex:refersTo", "@type": "@id"},
    "label": "ex:label"
  })");
  const TermDefinition* weather = context->FindTerm("weather");
  const TermDefinition* refers_to = context->FindTerm("refersTo");
  const TermDefinition* label = context->FindTerm("label");
  ASSERT_NE(weather, nullptr);
  EXPECT_TRUE(weather->IsVocabTyped());
  EXPECT_EQ(ExpandPropertyValue(*context, weather, "Rainy"), "http://example.org/Rainy");
  EXPECT_EQ(ExpandPropertyValue(*context, weather, "Sunny"), "http://vocab.example/Sunny");
  EXPECT_EQ(CompactPropertyValue(*context, weather, "http://example.org/Rainy"), "Rainy");
  EXPECT_EQ(CompactPropertyValue(*context, weather, "http://vocab.example/Sunny"), "Sunny");
  // @id-typed values are node identifiers: CURIEs only.
  EXPECT_EQ(ExpandPropertyValue(*context, refers_to, "Rainy"), "Rainy");
  EXPECT_EQ(ExpandPropertyValue(*context, refers_to, "ex:car1"), "http://example.org/car1");
  EXPECT_EQ(CompactPropertyValue(*context, refers_to, "http://example.org/car1"), "ex:car1");
  // Plain values are literals.
  EXPECT_EQ(ExpandPropertyValue(*context, label, "Rainy"), "Rainy");
  EXPECT_EQ(ExpandPropertyValue(*context, nullptr, "Rainy"), "Rainy");
  EXPECT_EQ(CompactPropertyValue(*context, label, "http://example.org/Rainy"),
            "http://example.org/Rainy");
}

}  // namespace
}  // namespace renkei::core::jsonld
