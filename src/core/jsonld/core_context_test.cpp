#include "core/jsonld/core_context.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/jsonld/fake_context_loader.hpp"
#include "core/jsonld/iri.hpp"

namespace renkei::core::jsonld {
namespace {

using base::ErrorCode;

constexpr std::string_view kNgsiLd = "https://uri.etsi.org/ngsi-ld/";

std::string Ngsi(std::string_view suffix) { return std::string(kNgsiLd) + std::string(suffix); }

std::shared_ptr<const ActiveContext> Request(std::string_view user_context_json,
                                             ContextLoader& loader) {
  auto context = WithUserContext(boost::json::parse(user_context_json), loader);
  EXPECT_TRUE(context) << (context ? "" : context.error().detail);
  return context ? *context : std::make_shared<const ActiveContext>();
}

TEST(JsonLdCoreContext, EmbeddedTextIsTheV18Document) {
  boost::json::value document = boost::json::parse(CoreContextText());
  const boost::json::object& context = document.at("@context").as_object();
  EXPECT_EQ(context.at("@vocab").as_string(), kDefaultContextVocab);
  EXPECT_EQ(context.at("ngsi-ld").as_string(), kNgsiLd);
  EXPECT_TRUE(context.contains("ListRelationship"));  // new in 1.8
  EXPECT_EQ(kCoreContextUrl, "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld");
}

TEST(JsonLdCoreContext, IsProcessedOnceAndShared) {
  auto first = MakeCoreContext();
  auto second = MakeCoreContext();
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first.get(), second.get());
  EXPECT_GT(first->terms().size(), 150u);
  EXPECT_TRUE(first->FindTerm("Property")->is_protected);
}

TEST(JsonLdCoreContext, ExpandsCoreTerms) {
  auto core = MakeCoreContext();
  const std::pair<std::string_view, std::string> expected[] = {
      {"Property", Ngsi("Property")},
      {"Relationship", Ngsi("Relationship")},
      {"GeoProperty", Ngsi("GeoProperty")},
      {"LanguageProperty", Ngsi("LanguageProperty")},
      {"VocabProperty", Ngsi("VocabProperty")},
      {"JsonProperty", Ngsi("JsonProperty")},
      {"ListProperty", Ngsi("ListProperty")},
      {"ListRelationship", Ngsi("ListRelationship")},
      {"location", Ngsi("location")},
      {"observedAt", Ngsi("observedAt")},
      {"createdAt", Ngsi("createdAt")},
      {"modifiedAt", Ngsi("modifiedAt")},
      {"datasetId", Ngsi("datasetId")},
      {"unitCode", Ngsi("unitCode")},
      {"value", Ngsi("hasValue")},
      {"object", Ngsi("hasObject")},
      {"languageMap", Ngsi("hasLanguageMap")},
      {"vocab", Ngsi("hasVocab")},
      {"json", Ngsi("hasJSON")},
      {"Point", "https://purl.org/geojson/vocab#Point"},
      {"description", "http://purl.org/dc/terms/description"},
      {"attributeCount", std::string(kDefaultContextVocab) + "attributeCount"},
      {"id", "@id"},
      {"type", "@type"},
  };
  for (const auto& [term, iri] : expected) {
    EXPECT_EQ(ExpandIri(*core, term), iri) << term;
    if (iri[0] != '@') {
      EXPECT_EQ(CompactIri(*core, iri), term) << iri;
    }
  }
}

TEST(JsonLdCoreContext, KeepsTypesAndContainersOfCoreTerms) {
  auto core = MakeCoreContext();
  EXPECT_EQ(core->FindTerm("observedAt")->type_mapping, Ngsi("DateTime"));
  EXPECT_TRUE(core->FindTerm("datasetId")->IsIdTyped());
  EXPECT_TRUE(core->FindTerm("object")->IsIdTyped());
  EXPECT_TRUE(core->FindTerm("vocab")->IsVocabTyped());
  EXPECT_TRUE(core->FindTerm("attributeList")->IsVocabTyped());
  EXPECT_EQ(core->FindTerm("json")->type_mapping, "@json");
  EXPECT_TRUE(core->FindTerm("coordinates")->HasContainer(Container::kList));
  EXPECT_TRUE(core->FindTerm("languageMap")->HasContainer(Container::kLanguage));
  EXPECT_TRUE(core->FindTerm("dataset")->HasContainer(Container::kIndex));
  EXPECT_TRUE(core->FindTerm("features")->HasContainer(Container::kSet));
  EXPECT_TRUE(core->FindTerm("ngsi-ld")->prefix);
  EXPECT_TRUE(core->FindTerm("geojson")->prefix);
}

TEST(JsonLdCoreContext, UnknownTermsUseTheDefaultContext) {
  auto core = MakeCoreContext();
  EXPECT_EQ(core->vocab(), kDefaultContextVocab);
  EXPECT_EQ(ExpandIri(*core, "temperature"), std::string(kDefaultContextVocab) + "temperature");
  EXPECT_EQ(CompactIri(*core, std::string(kDefaultContextVocab) + "temperature"), "temperature");
  EXPECT_EQ(CompactIri(*core, Ngsi("notACoreTerm")), "ngsi-ld:notACoreTerm");
  EXPECT_EQ(CompactIri(*core, "https://example.org/speed"), "https://example.org/speed");
}

TEST(JsonLdCoreContext, EveryCoreTermRoundTrips) {
  auto core = MakeCoreContext();
  for (const auto& [term, definition] : core->terms()) {
    std::optional<std::string> iri = ExpandIri(*core, term);
    ASSERT_TRUE(iri) << term;
    EXPECT_EQ(CompactIri(*core, *iri), term) << term << " -> " << *iri;
  }
}

TEST(JsonLdCoreContext, VocabPropertyValuesExpandAsIris) {
  auto core = MakeCoreContext();
  const TermDefinition* vocab = core->FindTerm("vocab");
  EXPECT_EQ(ExpandPropertyValue(*core, vocab, "Rainy"),
            std::string(kDefaultContextVocab) + "Rainy");
  EXPECT_EQ(ExpandPropertyValue(*core, vocab, "Property"), Ngsi("Property"));
  EXPECT_EQ(CompactPropertyValue(*core, vocab, std::string(kDefaultContextVocab) + "Rainy"),
            "Rainy");
  // An entity type is expanded and compacted like a property name.
  EXPECT_EQ(ExpandIri(*core, "Vehicle"), std::string(kDefaultContextVocab) + "Vehicle");
}

TEST(JsonLdCoreContext, AcceptsOlderCoreUrlsAsAliases) {
  EXPECT_TRUE(IsCoreContextUrl(kCoreContextUrl));
  EXPECT_TRUE(IsCoreContextUrl("https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld"));
  EXPECT_TRUE(IsCoreContextUrl("https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.3.jsonld"));
  EXPECT_TRUE(IsCoreContextUrl("https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.7.jsonld"));
  EXPECT_FALSE(
      IsCoreContextUrl("https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.9.jsonld"));
  EXPECT_FALSE(IsCoreContextUrl("https://example.org/ngsi-ld-core-context.jsonld"));
}

TEST(JsonLdCoreContext, RequestsWithoutUserTermsShareTheCoreContext) {
  FakeContextLoader loader;
  auto core = MakeCoreContext();
  EXPECT_EQ(Request("null", loader).get(), core.get());
  EXPECT_EQ(Request("[]", loader).get(), core.get());
  EXPECT_EQ(Request(R"("https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.6.jsonld")", loader)
                .get(),
            core.get());
  EXPECT_EQ(loader.loads(), 0);
}

TEST(JsonLdCoreContext, UserContextDefinesUserTermsButNotCoreTerms) {
  FakeContextLoader loader;
  auto context = Request(R"({
    "@vocab": "https://user.example/vocab/",
    "temperature": "https://user.example/temperature",
    "location": "https://user.example/location",
    "Property": "https://user.example/Property",
    "ngsi-ld": "https://user.example/ns/",
    "Vehicle": "https://user.example/Vehicle"
  })",
                         loader);
  EXPECT_EQ(ExpandIri(*context, "temperature"), "https://user.example/temperature");
  EXPECT_EQ(CompactIri(*context, "https://user.example/temperature"), "temperature");
  EXPECT_EQ(ExpandIri(*context, "Vehicle"), "https://user.example/Vehicle");
  EXPECT_EQ(ExpandIri(*context, "location"), Ngsi("location"));
  EXPECT_EQ(ExpandIri(*context, "Property"), Ngsi("Property"));
  EXPECT_EQ(ExpandIri(*context, "ngsi-ld:foo"), Ngsi("foo"));
  // The core context comes last, so its @vocab replaces the user's (as JSON-LD does for
  // [user, core]).
  EXPECT_EQ(ExpandIri(*context, "speed"), std::string(kDefaultContextVocab) + "speed");
}

TEST(JsonLdCoreContext, UserContextsAfterTheCoreUrlMayUseItsPrefixes) {
  FakeContextLoader loader;
  loader.Add("https://user.example/context.jsonld", R"({"@context": {
    "description": "https://user.example/description",
    "brand": "ngsi-ld:brand"
  }})");
  auto context = Request(R"([
    "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld",
    "https://user.example/context.jsonld",
    {"model": {"@id": "geojson:model", "@type": "@vocab"}}
  ])",
                         loader);
  EXPECT_EQ(ExpandIri(*context, "brand"), Ngsi("brand"));
  EXPECT_EQ(ExpandIri(*context, "model"), "https://purl.org/geojson/vocab#model");
  // A core term redefined by the user is not an error, but the core definition wins.
  EXPECT_EQ(ExpandIri(*context, "description"), "http://purl.org/dc/terms/description");
  EXPECT_EQ(loader.loads(), 1);
}

TEST(JsonLdCoreContext, UserContextErrorsPropagate) {
  FakeContextLoader loader;
  auto unavailable =
      WithUserContext(boost::json::parse(R"("https://user.example/gone.jsonld")"), loader);
  ASSERT_FALSE(unavailable);
  EXPECT_EQ(unavailable.error().code, ErrorCode::kLdContextNotAvailable);
  auto invalid = WithUserContext(boost::json::parse(R"({"speed": 12})"), loader);
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code, ErrorCode::kBadRequestData);
}

}  // namespace
}  // namespace renkei::core::jsonld
