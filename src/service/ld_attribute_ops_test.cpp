#include "service/ld_attribute_ops.hpp"

#include <gtest/gtest.h>

namespace renkei::service {
namespace {

core::Attribute Prop(std::string name, int value,
                     std::optional<std::string> dataset_id = std::nullopt) {
  core::Attribute a;
  a.name = std::move(name);
  a.value = value;
  a.dataset_id = std::move(dataset_id);
  return a;
}

core::Entity Sample() {
  core::Entity e;
  e.id = "urn:x:1";
  e.types = {"T"};
  e.attributes = {Prop("a", 1), Prop("a", 2, "urn:ds:2"), Prop("b", 3)};
  return e;
}

TEST(LdAttributeOps, AppendWithNoOverwriteReportsExisting) {
  auto e = Sample();
  auto r = AppendLdAttributes(e, {Prop("a", 9), Prop("c", 4)}, true, base::Timestamp{5});
  EXPECT_EQ(r.updated, std::vector<std::string>{"c"});
  ASSERT_EQ(r.not_updated.size(), 1u);
  EXPECT_EQ(r.not_updated[0].first, "a");
  EXPECT_EQ(e.FindInstance("a", std::nullopt)->value, 1);
  EXPECT_EQ(e.FindInstance("c", std::nullopt)->created_at, base::Timestamp{5});
}

TEST(LdAttributeOps, UpdateTouchesOnlyTheMatchingInstance) {
  auto e = Sample();
  auto r = UpdateLdAttributes(e, {{Prop("a", 7, "urn:ds:2")}}, base::Timestamp{5});
  EXPECT_EQ(r.updated, std::vector<std::string>{"a"});
  EXPECT_TRUE(r.not_updated.empty());
  EXPECT_EQ(e.FindInstance("a", std::nullopt)->value, 1);
  EXPECT_EQ(e.FindInstance("a", std::string("urn:ds:2"))->value, 7);
}

// 1.9.1 §5.6.2.4: an attribute, or an instance with a new datasetId, is appended.
TEST(LdAttributeOps, UpdateAppendsMissingAttributesAndInstances) {
  auto e = Sample();
  auto r = UpdateLdAttributes(e, {{Prop("z", 1)}, {Prop("a", 3, "urn:ds:9")}}, base::Timestamp{5});
  EXPECT_EQ(r.updated, (std::vector<std::string>{"z", "a"}));
  EXPECT_TRUE(r.not_updated.empty());
  EXPECT_TRUE(r.changed);
  ASSERT_NE(e.FindInstance("z", std::nullopt), nullptr);
  EXPECT_EQ(e.FindInstance("z", std::nullopt)->value, 1);
  EXPECT_EQ(e.FindInstance("z", std::nullopt)->created_at, base::Timestamp{5});
  EXPECT_EQ(e.FindInstance("a", std::string("urn:ds:9"))->value, 3);
  EXPECT_EQ(e.FindInstance("a", std::nullopt)->value, 1);
}

TEST(LdAttributeOps, UpdateWithRemoveDeletesOnlyThatInstance) {
  auto e = Sample();
  auto r = UpdateLdAttributes(e, {{Prop("a", 0, "urn:ds:2"), true}, {Prop("z", 0), true}},
                              base::Timestamp{5});
  EXPECT_EQ(r.updated, std::vector<std::string>{"a"});
  EXPECT_EQ(r.not_updated.size(), 1u);
  EXPECT_EQ(e.FindInstance("a", std::string("urn:ds:2")), nullptr);
  EXPECT_EQ(e.FindInstance("a", std::nullopt)->value, 1);
}

TEST(LdAttributeOps, AddTypesKeepsOrderAndSkipsKnownOnes) {
  auto e = Sample();
  EXPECT_TRUE(AddLdTypes(e, {"T", "U", "V", "U"}));
  EXPECT_EQ(e.types, (std::vector<std::string>{"T", "U", "V"}));
  EXPECT_FALSE(AddLdTypes(e, {"V"}));
}

TEST(LdAttributeOps, AppendScopesReplacesOrWithNoOverwriteAdds) {
  auto e = Sample();
  e.scopes = {"/a"};
  EXPECT_TRUE(AppendLdScopes(e, {"/b", "/a"}, true));
  EXPECT_EQ(e.scopes, (std::vector<std::string>{"/a", "/b"}));
  EXPECT_FALSE(AppendLdScopes(e, {"/a"}, true));
  EXPECT_TRUE(AppendLdScopes(e, {"/c"}, false));
  EXPECT_EQ(e.scopes, std::vector<std::string>{"/c"});
  EXPECT_FALSE(AppendLdScopes(e, {"/c"}, false));
}

TEST(LdAttributeOps, PatchRemovesOrRejectsAnotherType) {
  auto e = Sample();
  LdAttributePatch patch;
  patch.attribute = Prop("b", 0);
  patch.attribute.kind = core::AttributeKind::kRelationship;
  patch.type_given = true;
  const auto wrong = PatchLdAttribute(e, patch, base::Timestamp{5});
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code, base::ErrorCode::kBadRequestData);
  patch.remove = true;
  ASSERT_TRUE(PatchLdAttribute(e, patch, base::Timestamp{5}).has_value());
  EXPECT_EQ(e.FindInstance("b", std::nullopt), nullptr);
  EXPECT_FALSE(PatchLdAttribute(e, patch, base::Timestamp{5}).has_value());
}

TEST(LdAttributeOps, PatchMergesSubAttributesAndKeepsTheValue) {
  auto e = Sample();
  LdAttributePatch patch;
  patch.attribute = Prop("b", 0);
  patch.attribute.unit_code = "CEL";
  patch.attribute.metadata.push_back(Prop("acc", 1));
  ASSERT_TRUE(PatchLdAttribute(e, patch, base::Timestamp{5}).has_value());
  const auto* b = e.FindInstance("b", std::nullopt);
  EXPECT_EQ(b->value, 3);
  EXPECT_EQ(b->unit_code, "CEL");
  EXPECT_NE(b->FindMetadata("acc"), nullptr);
  patch.attribute.name = "none";
  EXPECT_FALSE(PatchLdAttribute(e, patch, base::Timestamp{5}).has_value());
}

TEST(LdAttributeOps, DeleteByDatasetIdOrAll) {
  auto e = Sample();
  ASSERT_TRUE(DeleteLdAttribute(e, "a", std::string("urn:ds:2"), false).has_value());
  EXPECT_EQ(e.attributes.size(), 2u);
  EXPECT_FALSE(DeleteLdAttribute(e, "a", std::string("urn:ds:2"), false).has_value());
  auto f = Sample();
  ASSERT_TRUE(DeleteLdAttribute(f, "a", std::nullopt, true).has_value());
  EXPECT_EQ(f.attributes.size(), 1u);
  EXPECT_TRUE(ReplaceLdAttribute(f, Prop("b", 8), base::Timestamp{1}).has_value());
  EXPECT_EQ(f.FindInstance("b", std::nullopt)->value, 8);
}

}  // namespace
}  // namespace renkei::service
