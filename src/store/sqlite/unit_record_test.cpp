#include "store/sqlite/unit_record.hpp"

#include <gtest/gtest.h>

#include "core/entity_codec.hpp"

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
  r.changes.push_back(
      LoggedChange{nullptr, Room("R1", 21.5), nullptr, nullptr, std::vector<std::string>{"t"}});
  r.changes.push_back(LoggedChange{Room("R2", 3), nullptr, nullptr, nullptr, std::nullopt});
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
    EXPECT_EQ(out->changes[i].written, in.changes[i].written);
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

// A record of version 1 (journal rows without the written attributes), as older binaries
// left them in a log, still decodes: its rows say nothing about what was written.
TEST(UnitRecordTest, DecodesVersionOneRecords) {
  std::string v1;
  auto u32 = [&v1](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) v1.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  auto str = [&](std::string_view text) {
    u32(static_cast<std::uint32_t>(text.size()));
    v1.append(text);
  };
  const std::string room = core::EncodeEntity(*Room("R1", 21.5));
  v1.push_back(1);  // version
  str("304018");
  str("corr-1");
  v1.push_back(1);  // forced
  u32(1);           // one write: R1
  str("R1");
  str("Room");
  str("/a/b");
  v1.push_back(1);
  str(room);
  u32(1);           // one journal row: R1 created
  v1.push_back(0);  // no before
  v1.push_back(1);
  str(room);
  u32(0);  // no sources
  auto out = DecodeUnitRecord(v1, 7);
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_TRUE(out->forced_update);
  ASSERT_EQ(out->writes.size(), 1u);
  ASSERT_EQ(out->changes.size(), 1u);
  EXPECT_TRUE(SameEntity(out->changes[0].after, Room("R1", 21.5)));
  EXPECT_FALSE(out->changes[0].written.has_value());
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
  newer[0] = 3;  // a version this binary does not know
  auto refused = DecodeUnitRecord(newer, 1);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().detail.find("version"), std::string::npos);
}

}  // namespace
}  // namespace renkei::store::sqlite
