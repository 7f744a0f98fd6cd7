// Small fixed entities that the q fuzz targets evaluate parsed filters against: one in the
// NGSIv2 shape (typed attributes, metadata, compound values, DateTime) and one in the NGSI-LD
// shape (Relationship, LanguageProperty, multi-attribute with datasetId, observedAt).
#pragma once

#include <string>
#include <string_view>

#include <boost/json/parse.hpp>

#include "core/entity.hpp"

namespace renkei::fuzz {

inline core::Attribute SampleAttribute(std::string name, std::string type,
                                       std::string_view json_value,
                                       core::AttributeKind kind = core::AttributeKind::kProperty) {
  core::Attribute a;
  a.name = std::move(name);
  a.kind = kind;
  a.type = std::move(type);
  a.value = boost::json::parse(json_value);
  a.created_at = core::Timestamp{1'600'000'000'000};
  a.modified_at = core::Timestamp{1'700'000'000'000};
  return a;
}

inline core::Entity SampleV2Entity() {
  core::Entity e;
  e.id = "urn:Room:1";
  e.types = {"Room"};
  e.created_at = core::Timestamp{1'600'000'000'000};
  e.modified_at = core::Timestamp{1'700'000'000'000};
  e.expires_at = core::Timestamp{1'800'000'000'000};
  auto temperature = SampleAttribute("temperature", "Number", "23.5");
  temperature.metadata.push_back(SampleAttribute("accuracy", "Number", "0.5"));
  temperature.metadata.push_back(
      SampleAttribute("timestamp", "DateTime", R"("2020-01-01T10:00:00.000Z")"));
  temperature.metadata.push_back(SampleAttribute("m", "StructuredValue", R"({"x":{"y":[1,"a"]}})"));
  e.attributes.push_back(std::move(temperature));
  e.attributes.push_back(SampleAttribute("name", "Text", R"("Kitchen 'A'")"));
  e.attributes.push_back(SampleAttribute("count", "Number", "-7"));
  e.attributes.push_back(SampleAttribute("on", "Boolean", "true"));
  e.attributes.push_back(SampleAttribute("nothing", "None", "null"));
  e.attributes.push_back(SampleAttribute("seen", "DateTime", R"("2021-06-01T12:30:00Z")"));
  e.attributes.push_back(SampleAttribute(
      "address", "StructuredValue", R"({"city":"Madrid","zip":28001,"tags":["a","b"],"x.y":1})"));
  e.attributes.push_back(SampleAttribute("list", "StructuredValue", R"([1,2.5,"three",[4]])"));
  e.attributes.push_back(SampleAttribute("location", "geo:point", R"("40.4, -3.7")",
                                         core::AttributeKind::kGeoProperty));
  return e;
}

inline core::Entity SampleLdEntity() {
  using core::AttributeKind;
  constexpr std::string_view kVocab = "https://example.org/";
  core::Entity e;
  e.id = "urn:ngsi-ld:Vehicle:A1";
  e.types = {std::string(kVocab) + "Vehicle"};
  e.created_at = core::Timestamp{1'600'000'000'000};
  e.modified_at = core::Timestamp{1'700'000'000'000};
  auto speed = SampleAttribute(std::string(kVocab) + "speed", "Property", "80");
  speed.observed_at = core::Timestamp{1'650'000'000'000};
  speed.unit_code = "KMH";
  speed.metadata.push_back(SampleAttribute(std::string(kVocab) + "accuracy", "Property", "0.5"));
  e.attributes.push_back(speed);
  auto speed2 = SampleAttribute(std::string(kVocab) + "speed", "Property", "95.5");
  speed2.dataset_id = "urn:ngsi-ld:dataset:radar";
  e.attributes.push_back(std::move(speed2));
  e.attributes.push_back(SampleAttribute(std::string(kVocab) + "isParked", "Relationship",
                                         R"("urn:ngsi-ld:Park:1")", AttributeKind::kRelationship));
  e.attributes.push_back(SampleAttribute(std::string(kVocab) + "name", "LanguageProperty",
                                         R"({"en":"car","es":"coche"})",
                                         AttributeKind::kLanguageProperty));
  e.attributes.push_back(
      SampleAttribute(std::string(kVocab) + "address", "Property", R"({"city":"Pisa","n":[1,2]})"));
  e.attributes.push_back(
      SampleAttribute(std::string(kVocab) + "when", "Property", R"("2020-05-05T10:00:00Z")"));
  e.attributes.push_back(SampleAttribute(std::string(kVocab) + "at", "Property", R"("12:30:00")"));
  e.attributes.push_back(SampleAttribute(std::string(kVocab) + "category", "VocabProperty",
                                         R"("https://example.org/commercial")",
                                         AttributeKind::kVocabProperty));
  return e;
}

}  // namespace renkei::fuzz
