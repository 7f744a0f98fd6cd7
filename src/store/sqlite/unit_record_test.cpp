#include "store/sqlite/unit_record.hpp"

#include <gtest/gtest.h>

namespace renkei::store::sqlite {
namespace {

SharedEntity Room(const std::string& id, double temperature) {
  core::Entity e;
  e.id = id;
  e.types = {"Room", "Space"};
  e.service_path = "/a/b";
  e.created_at = base::Timestamp{1000};
  e.modified_at = base::Timestamp{2000};
  e.expires_at = base::Timestamp{9000};
  core::Attribute a;
  a.name = "temperature";
  a.type = "Number";
  a.value = temperature;
  e.attributes.push_back(a);
  return std::make_shared<const core::Entity>(std::move(e));
}

UnitRecord Sample() {
  UnitRecord r;
  r.tenant = "304018";
  r.correlator = "corr-1";
  r.forced_update = true;
  r.writes.push_back(LoggedWrite{"R1", "Room", "/a/b", Room("R1", 21.5), nullptr});
  r.writes.push_back(LoggedWrite{"R2", "Room", "/", nullptr, nullptr});  // erased
  r.changes.push_back(LoggedChange{nullptr, Room("R1", 21.5), nullptr, nullptr});
  r.changes.push_back(LoggedChange{Room("R2", 3), nullptr, nullptr, nullptr});
  r.sources.push_back(EntitySource{"R1", "Room", "/a/b", {"toilets.csv", 12, {3000}}});
  return r;
}

bool SameEntity(const SharedEntity& a, const SharedEntity& b) {
  if (!a || !b) return !a && !b;
  return *a == *b;
}

TEST(UnitRecordTest, RoundTripsEveryField) {
  UnitRecord in = Sample();
  auto out = DecodeUnitRecord(EncodeUnitRecord(in), 42);
  // The encoding of each written entity is kept for the applier, on both sides.
  ASSERT_TRUE(in.writes[0].doc);
  EXPECT_FALSE(in.writes[1].doc);
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_EQ(out->seq, 42u);
  EXPECT_EQ(out->tenant, in.tenant);
  EXPECT_EQ(out->correlator, in.correlator);
  EXPECT_TRUE(out->forced_update);
  ASSERT_EQ(out->writes.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(out->writes[i].id, in.writes[i].id);
    EXPECT_EQ(out->writes[i].type, in.writes[i].type);
    EXPECT_EQ(out->writes[i].service_path, in.writes[i].service_path);
    EXPECT_TRUE(SameEntity(out->writes[i].entity, in.writes[i].entity));
  }
  ASSERT_TRUE(out->writes[0].doc);
  EXPECT_EQ(*out->writes[0].doc, *in.writes[0].doc);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& a = in.changes[i];
    const auto& b = out->changes[i];
    ASSERT_EQ(static_cast<bool>(a.before_doc), static_cast<bool>(a.before));
    ASSERT_EQ(static_cast<bool>(b.after_doc), static_cast<bool>(b.after));
    if (a.before_doc) {
      EXPECT_EQ(*a.before_doc, *b.before_doc);
    }
    if (a.after_doc) {
      EXPECT_EQ(*a.after_doc, *b.after_doc);
    }
  }
  ASSERT_EQ(out->changes.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_TRUE(SameEntity(out->changes[i].before, in.changes[i].before));
    EXPECT_TRUE(SameEntity(out->changes[i].after, in.changes[i].after));
  }
  EXPECT_EQ(out->sources, in.sources);
}

// A journal row's "after" that is the entity a write holds is encoded once.
TEST(UnitRecordTest, AJournalRowSharesTheTextOfItsWrite) {
  UnitRecord r = Sample();
  r.changes[0].after = r.writes[0].entity;
  (void)EncodeUnitRecord(r);
  ASSERT_TRUE(r.writes[0].doc);
  EXPECT_EQ(r.changes[0].after_doc, r.writes[0].doc);
}

TEST(UnitRecordTest, RefusesDamagedPayloads) {
  UnitRecord sample = Sample();
  const std::string good = EncodeUnitRecord(sample);
  // Every cut short of the whole payload fails instead of reading past its end.
  for (std::size_t n = 0; n < good.size(); ++n) {
    EXPECT_FALSE(DecodeUnitRecord(std::string_view(good).substr(0, n), 1)) << "cut at " << n;
  }
  EXPECT_FALSE(DecodeUnitRecord(good + "x", 1));  // trailing bytes
  std::string newer = good;
  newer[0] = 2;  // a version this binary does not know
  auto refused = DecodeUnitRecord(newer, 1);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().detail.find("version"), std::string::npos);
}

}  // namespace
}  // namespace renkei::store::sqlite
