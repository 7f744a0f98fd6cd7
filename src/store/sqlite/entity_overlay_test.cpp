#include "store/sqlite/entity_overlay.hpp"

#include <gtest/gtest.h>

namespace renkei::store::sqlite {
namespace {

core::Entity Make(const std::string& id, const std::string& type, const std::string& path,
                  double n) {
  core::Entity e;
  e.id = id;
  e.types = {type};
  e.service_path = path;
  core::Attribute a;
  a.name = "n";
  a.type = "Number";
  a.value = n;
  e.attributes.push_back(a);
  return e;
}

UnitRecord Writes(std::uint64_t seq, std::vector<core::Entity> puts,
                  std::vector<std::tuple<std::string, std::string, std::string>> erases = {}) {
  UnitRecord r;
  r.seq = seq;
  r.tenant = "t";
  for (auto& e : puts) {
    std::string id = e.id;
    std::string type = e.PrimaryType();
    std::string path = e.service_path;
    r.writes.push_back(
        LoggedWrite{id, type, path, std::make_shared<const core::Entity>(e), nullptr});
  }
  for (auto& [id, type, path] : erases)
    r.writes.push_back(LoggedWrite{id, type, path, nullptr, nullptr});
  return r;
}

double N(const core::Entity& e) { return e.attributes.front().value.to_number<double>(); }

TEST(EntityOverlayTest, KeepsTheNewestStatePerKeyUntilItsRecordIsApplied) {
  EntityOverlay overlay;
  const UnitRecord first = Writes(1, {Make("A", "T", "/", 1), Make("B", "T", "/", 1)});
  const UnitRecord second = Writes(2, {Make("A", "T", "/", 2)});
  overlay.Put(first);
  overlay.Put(second);
  EXPECT_EQ(overlay.Size(), 2u);
  auto a = overlay.Lookup("t", "A");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].seq, 2u);
  EXPECT_EQ(N(*a[0].entity), 2);
  EXPECT_TRUE(overlay.Lookup("other-tenant", "A").empty());
  // Applying record 1 releases B but not A, which record 2 wrote again.
  overlay.Release({first});
  EXPECT_EQ(overlay.Size(), 1u);
  EXPECT_TRUE(overlay.Lookup("t", "B").empty());
  EXPECT_EQ(overlay.Lookup("t", "A").size(), 1u);
  overlay.Release({second});
  EXPECT_EQ(overlay.Size(), 0u);
}

// Back-pressure counts the entities' encoded bytes as well as the keys (a few large entities
// of an import take as much memory as many small ones).
TEST(EntityOverlayTest, CountsTheEncodedBytesOfWhatItHolds) {
  EntityOverlay overlay;
  UnitRecord first = Writes(1, {Make("A", "T", "/", 1)});
  first.writes[0].doc = std::make_shared<const std::string>(1000, 'x');
  UnitRecord second = Writes(2, {Make("A", "T", "/", 2)});
  second.writes[0].doc = std::make_shared<const std::string>(300, 'x');
  overlay.Put(first);
  EXPECT_EQ(overlay.Bytes(), 1000u);
  overlay.Put(second);  // replaces the state of A: its bytes too
  EXPECT_EQ(overlay.Bytes(), 300u);
  bool gave_up = false;
  overlay.WaitAtMost(
      10, 299, [&] { return std::exchange(gave_up, true); }, std::chrono::milliseconds(1));
  EXPECT_TRUE(gave_up) << "300 bytes are over a bound of 299: the wait ran until it gave up";
  overlay.Release({second});
  EXPECT_EQ(overlay.Bytes(), 0u);
  overlay.WaitAtMost(
      0, 0, [] { return false; }, std::chrono::milliseconds(1));  // returns
}

TEST(EntityOverlayTest, MergeReplacesDropsAndAppendsByKey) {
  EntityOverlay overlay;
  // Stored: A in / and in /x (creation order), C of another type.
  std::vector<core::Entity> stored = {Make("A", "T", "/", 0), Make("A", "T", "/x", 0),
                                      Make("A", "U", "/", 0)};
  overlay.Put(Writes(5, {Make("A", "T", "/", 5), Make("A", "T", "/new", 5)}, {{"A", "U", "/"}}));
  overlay.Put(Writes(4, {Make("A", "T", "/older", 4)}));
  const auto entries = overlay.Lookup("t", "A");
  ASSERT_EQ(entries.size(), 4u);

  auto all = MergeWithStored(stored, entries, std::nullopt, ServicePathScope::Everything(),
                             base::Timestamp{0}, 100);
  ASSERT_EQ(all.size(), 4u);
  // In place of the stored row, the newer state; the erased key is gone; new keys follow in
  // record order.
  EXPECT_EQ(all[0].service_path, "/");
  EXPECT_EQ(N(all[0]), 5);
  EXPECT_EQ(all[1].service_path, "/x");
  EXPECT_EQ(all[2].service_path, "/older");
  EXPECT_EQ(all[3].service_path, "/new");

  auto limited = MergeWithStored(stored, entries, std::nullopt, ServicePathScope::Everything(),
                                 base::Timestamp{0}, 2);
  EXPECT_EQ(limited.size(), 2u);
  // Filters apply to the overlay's entities as SQLite applied them to the stored rows.
  auto typed = MergeWithStored({}, entries, std::string("U"), ServicePathScope::Everything(),
                               base::Timestamp{0}, 100);
  EXPECT_TRUE(typed.empty());
  auto scoped = MergeWithStored({}, entries, std::nullopt, ServicePathScope{{{"/new", false}}},
                                base::Timestamp{0}, 100);
  ASSERT_EQ(scoped.size(), 1u);
  EXPECT_EQ(scoped[0].service_path, "/new");
}

TEST(EntityOverlayTest, MergeHidesExpiredEntities) {
  EntityOverlay overlay;
  core::Entity transient = Make("E", "T", "/", 1);
  transient.expires_at = base::Timestamp{1000};
  overlay.Put(Writes(1, {transient}));
  const auto entries = overlay.Lookup("t", "E");
  EXPECT_EQ(MergeWithStored({}, entries, std::nullopt, {}, base::Timestamp{999}, 10).size(), 1u);
  EXPECT_TRUE(MergeWithStored({}, entries, std::nullopt, {}, base::Timestamp{1000}, 10).empty());
}

}  // namespace
}  // namespace renkei::store::sqlite
