// The behaviour every store backend shares. Query results are compared with filtering in
// C++ (Filter::Matches, GeoQuery::Matches) over all entities, so a backend's pushdown can
// never change an answer.
#include "entity_store_conformance.hpp"

#include <algorithm>
#include <atomic>
#include <future>
#include <random>
#include <set>
#include <thread>

#include <boost/json/parse.hpp>

#include "core/geo/geo_query.hpp"
#include "core/q/filter.hpp"
#include "core/q/ld_query.hpp"

namespace renkei::store::testing {
namespace {

using core::Attribute;
using core::AttributeKind;
using core::Entity;
namespace json = boost::json;

Attribute Attr(std::string name, std::string type, json::value value,
               AttributeKind kind = AttributeKind::kProperty) {
  Attribute a;
  a.name = std::move(name);
  a.kind = kind;
  a.type = std::move(type);
  a.value = std::move(value);
  a.created_at = base::Timestamp{1000};
  a.modified_at = base::Timestamp{1000};
  return a;
}

Attribute Num(std::string name, double v) { return Attr(std::move(name), "Number", v); }
Attribute Text(std::string name, std::string v) {
  return Attr(std::move(name), "Text", json::value(v));
}
Attribute Point(double lat, double lon) {
  return Attr("location", "geo:json",
              json::parse(R"({"type":"Point","coordinates":[)" + std::to_string(lon) + "," +
                          std::to_string(lat) + "]}"),
              AttributeKind::kGeoProperty);
}

Entity Make(std::string id, std::string type, std::vector<Attribute> attrs = {},
            std::string service_path = "/") {
  // Creation times follow creation order, as the service layer stamps them.
  static std::atomic<std::int64_t> clock{1'000'000};
  Entity e;
  e.id = std::move(id);
  e.types = {std::move(type)};
  e.service_path = std::move(service_path);
  e.created_at = base::Timestamp{++clock};
  e.modified_at = e.created_at;
  e.attributes = std::move(attrs);
  return e;
}

EntitySelector Sel(std::optional<std::string> id, std::optional<std::string> id_pattern = {},
                   std::optional<std::string> type = {},
                   std::optional<std::string> type_pattern = {}) {
  EntitySelector s;
  s.id = std::move(id);
  s.id_pattern = std::move(id_pattern);
  s.type = std::move(type);
  s.type_pattern = std::move(type_pattern);
  return s;
}

base::Timestamp Now() { return base::Timestamp{2'000'000'000}; }

ServicePathScope Scope(std::initializer_list<std::string> paths) {
  ServicePathScope s;
  for (const auto& p : paths) {
    ServicePathScope::Path path;
    if (p.size() >= 2 && p.ends_with("/#")) {
      path.path = p.size() == 2 ? "/" : p.substr(0, p.size() - 2);
      path.recursive = true;
    } else {
      path.path = p;
    }
    s.paths.push_back(path);
  }
  return s;
}

std::vector<std::string> Ids(const std::vector<Entity>& entities) {
  std::vector<std::string> ids;
  for (const auto& e : entities)
    ids.push_back(e.id + (e.service_path == "/" ? "" : e.service_path));
  return ids;
}

base::Result<void> PutAll(EntityStore& store, const std::string& tenant,
                          const std::vector<Entity>& entities) {
  return store.Write(tenant, [&](WriteTransaction& txn) -> base::Result<void> {
    for (const auto& e : entities) RENKEI_TRY_VOID(txn.Put(e));
    return base::Ok();
  });
}

EntityQuery All() {
  EntityQuery q;
  q.now = Now();
  q.limit = 100000;
  return q;
}

std::vector<std::string> QueryIds(EntityStore& store, const std::string& tenant,
                                  const EntityQuery& query) {
  auto page = store.Query(tenant, query);
  EXPECT_TRUE(page.has_value()) << (page ? "" : page.error().detail);
  return page ? Ids(page->entities) : std::vector<std::string>{};
}

core::q::Filter Q(std::string_view text) {
  auto f = core::q::ParseV2Query(text);
  EXPECT_TRUE(f.has_value()) << text << ": " << (f ? "" : f.error().detail);
  return f ? *f : core::q::Filter{};
}

// Ids of `entities` that `filter` accepts, in order: what a store query must return.
std::vector<std::string> MatchingIds(const std::vector<Entity>& entities,
                                     const core::q::Filter& filter) {
  std::vector<std::string> ids;
  for (const auto& e : entities) {
    if (filter.Matches(e)) ids.push_back(e.id);
  }
  return ids;
}

// Queries tenant "t" with `filter` as q (and a count) and expects exactly `expected`.
void ExpectQueryFinds(EntityStore& store, const core::q::Filter& filter,
                      const std::vector<std::string>& expected, const std::string& label) {
  auto query = All();
  query.q = filter;
  query.want_count = true;
  auto page = store.Query("t", query);
  ASSERT_TRUE(page.has_value()) << label;
  EXPECT_EQ(Ids(page->entities), expected) << label;
  EXPECT_EQ(page->total_count, expected.size()) << label;
}

// Ids of tenant's entities matching the v2 `q` (empty: all) and, when given, within 1 km of
// the point `coords` ("lat,lon").
std::vector<std::string> IdsWhere(EntityStore& store, const std::string& tenant, std::string_view q,
                                  std::optional<std::string> coords) {
  auto query = All();
  if (!q.empty()) query.q = Q(q);
  if (coords) {
    auto geo = core::geo::ParseV2GeoQuery("near;maxDistance:1000", "point", *coords);
    EXPECT_TRUE(geo.has_value());
    query.geo = *geo;
  }
  return QueryIds(store, tenant, query);
}

}  // namespace

void PrintTo(const StoreFactory& factory, std::ostream* os) { *os << factory.name; }

std::string FactoryName(const ::testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

void EntityStoreConformance::SetUp() {
  std::random_device rd;
  dir_ = std::filesystem::temp_directory_path() /
         ("renkei-store-" + std::to_string(rd()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(dir_);
  auto opened = GetParam().open(dir_);
  ASSERT_TRUE(opened.has_value()) << opened.error().detail;
  store_ = std::move(opened.value());
}

void EntityStoreConformance::TearDown() {
  if (store_) store_->Close();
  store_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void EntityStoreConformance::Reopen() {
  store_->Close();
  store_.reset();
  auto opened = GetParam().open(dir_);
  ASSERT_TRUE(opened.has_value()) << opened.error().detail;
  store_ = std::move(opened.value());
}

TEST_P(EntityStoreConformance, PutGetErase) {
  Entity e = Make("Room1", "Room", {Num("temperature", 21.5), Text("name", "kitchen")});
  e.attributes[0].metadata.push_back(Num("accuracy", 0.9));
  e.attributes[0].observed_at = base::Timestamp{1234};
  e.attributes[0].unit_code = "CEL";
  ASSERT_TRUE(PutAll(store(), "t1", {e}));
  auto found = store().FindById("t1", "Room1", std::nullopt, {}, 10, Now());
  ASSERT_TRUE(found.has_value());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front(), e);

  e.attributes[1].value = "living";
  ASSERT_TRUE(PutAll(store(), "t1", {e}));
  found = store().FindById("t1", "Room1", std::string("Room"), {}, 10, Now());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front().attributes[1].value, json::value("living"));

  auto erase = [&](const std::string& id) {
    return store().Write("t1", [&](WriteTransaction& txn) { return txn.Erase(id, "Room", "/"); });
  };
  ASSERT_TRUE(erase("Room1"));
  EXPECT_TRUE(store().FindById("t1", "Room1", std::nullopt, {}, 10, Now())->empty());
  auto missing = erase("Room1");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, base::ErrorCode::kResourceNotFound);
}

TEST_P(EntityStoreConformance, KeyIncludesTypeAndServicePath) {
  ASSERT_TRUE(
      PutAll(store(), "t",
             {Make("X", "A"), Make("X", "B"), Make("X", "A", {}, "/p"), Make("X", "B", {}, "/q")}));
  EXPECT_EQ(store().FindById("t", "X", std::nullopt, {}, 10, Now())->size(), 4u);
  EXPECT_EQ(store().FindById("t", "X", std::string("A"), {}, 10, Now())->size(), 2u);
  EXPECT_EQ(store().FindById("t", "X", std::nullopt, {}, 1, Now())->size(), 1u);
  EXPECT_EQ(store().FindById("t", "X", std::nullopt, Scope({"/p"}), 10, Now())->size(), 1u);
  EXPECT_EQ(store().FindById("t", "X", std::string("B"), Scope({"/p"}), 10, Now())->size(), 0u);
  EXPECT_EQ(store().FindById("t", "Y", std::nullopt, {}, 10, Now())->size(), 0u);
}

TEST_P(EntityStoreConformance, TenantsAreIsolated) {
  ASSERT_TRUE(PutAll(store(), "304018", {Make("E", "T", {Num("v", 1)})}));
  ASSERT_TRUE(PutAll(store(), "131083", {Make("E", "T", {Num("v", 2)})}));
  ASSERT_TRUE(PutAll(store(), "", {Make("E", "T", {Num("v", 3)})}));
  auto a = store().FindById("304018", "E", std::nullopt, {}, 10, Now());
  auto b = store().FindById("131083", "E", std::nullopt, {}, 10, Now());
  auto c = store().FindById("", "E", std::nullopt, {}, 10, Now());
  ASSERT_EQ(a->size(), 1u);
  ASSERT_EQ(b->size(), 1u);
  ASSERT_EQ(c->size(), 1u);
  EXPECT_EQ(a->front().attributes[0].value, json::value(1.0));
  EXPECT_EQ(b->front().attributes[0].value, json::value(2.0));
  EXPECT_EQ(c->front().attributes[0].value, json::value(3.0));
  EXPECT_TRUE(store().FindById("04018", "E", std::nullopt, {}, 10, Now())->empty());
  ASSERT_TRUE(
      store().Write("304018", [](WriteTransaction& txn) { return txn.Erase("E", "T", "/"); }));
  EXPECT_EQ(store().FindById("131083", "E", std::nullopt, {}, 10, Now())->size(), 1u);
  EXPECT_EQ(QueryIds(store(), "131083", All()).size(), 1u);
  EXPECT_EQ(QueryIds(store(), "nobody", All()).size(), 0u);
}

TEST_P(EntityStoreConformance, ServicePathScopes) {
  ASSERT_TRUE(PutAll(
      store(), "t",
      {Make("r", "T", {}, "/"), Make("a", "T", {}, "/a"), Make("ab", "T", {}, "/a/b"),
       Make("abc", "T", {}, "/a/b/c"), Make("x", "T", {}, "/ab"), Make("p", "T", {}, "/a%_")}));
  auto ids = [&](ServicePathScope scope) {
    auto q = All();
    q.scope = std::move(scope);
    auto v = QueryIds(store(), "t", q);
    std::sort(v.begin(), v.end());
    return v;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids(Scope({"/a/#"})), (V{"a/a", "ab/a/b", "abc/a/b/c"}));
  EXPECT_EQ(ids(Scope({"/a"})), (V{"a/a"}));
  EXPECT_EQ(ids(Scope({"/ab"})), (V{"x/ab"}));
  EXPECT_EQ(ids(Scope({"/"})), (V{"r"}));
  EXPECT_EQ(ids(Scope({"/#"})).size(), 6u);
  EXPECT_EQ(ids({}).size(), 6u);
  EXPECT_EQ(ids(Scope({"/a/b/#", "/ab"})), (V{"ab/a/b", "abc/a/b/c", "x/ab"}));
  EXPECT_EQ(ids(Scope({"/a%_"})), (V{"p/a%_"}));
  EXPECT_EQ(ids(Scope({"/a%/#"})), V{});
}

TEST_P(EntityStoreConformance, Selectors) {
  ASSERT_TRUE(PutAll(store(), "t",
                     {Make("Room1", "Room"), Make("Room2", "Room"), Make("Car1", "Car"),
                      Make("Carpark", "Parking")}));
  auto ids = [&](std::vector<EntitySelector> selectors) {
    auto q = All();
    q.selectors = std::move(selectors);
    return QueryIds(store(), "t", q);
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids({Sel("Room2")}), (V{"Room2"}));
  EXPECT_EQ(ids({Sel(std::nullopt, "^Car")}), (V{"Car1", "Carpark"}));
  EXPECT_EQ(ids({Sel(std::nullopt, "1")}), (V{"Room1", "Car1"}));
  EXPECT_EQ(ids({Sel(std::nullopt, std::nullopt, "Room")}), (V{"Room1", "Room2"}));
  EXPECT_EQ(ids({Sel(std::nullopt, std::nullopt, std::nullopt, "^(Car|Park)")}),
            (V{"Car1", "Carpark"}));
  EXPECT_EQ(ids({Sel(std::nullopt, "^Car", "Car")}), (V{"Car1"}));
  EXPECT_EQ(ids({Sel("Room1", std::nullopt, "Room"), Sel("Car1", std::nullopt, "Car")}),
            (V{"Room1", "Car1"}));
  EXPECT_EQ(ids({Sel("Room1", std::nullopt, "Car")}), V{});
  auto bad = All();
  bad.selectors = {Sel(std::nullopt, "([")};
  auto page = store().Query("t", bad);
  ASSERT_FALSE(page.has_value());
  EXPECT_NE(page.error().code, base::ErrorCode::kInternalError);
}

// NGSI-LD §4.17: a type selection may match any of an entity's types; NGSIv2 (and the
// default selector) only the primary type the entity is keyed by.
TEST_P(EntityStoreConformance, TypeInAnyMatchesSecondaryTypes) {
  Entity museum = Make("M1", "Building");
  museum.types.push_back("Museum");
  museum.types.push_back("Landmark");
  Entity other_tenant = Make("M9", "Building");
  other_tenant.types.push_back("Museum");
  ASSERT_TRUE(PutAll(store(), "t", {museum, Make("B1", "Building"), Make("U1", "Museum")}));
  ASSERT_TRUE(PutAll(store(), "other", {other_tenant}));
  auto ids = [&](std::string type, bool in_any) {
    auto q = All();
    EntitySelector s;
    s.type = std::move(type);
    s.type_in_any = in_any;
    q.selectors = {s};
    return QueryIds(store(), "t", q);
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids("Museum", true), (V{"M1", "U1"}));
  EXPECT_EQ(ids("Museum", false), (V{"U1"}));
  EXPECT_EQ(ids("Landmark", true), (V{"M1"}));
  EXPECT_EQ(ids("Building", true), (V{"M1", "B1"}));

  museum.types = {"Building", "Landmark"};  // rewritten without Museum
  ASSERT_TRUE(PutAll(store(), "t", {museum}));
  EXPECT_EQ(ids("Museum", true), (V{"U1"}));
  EXPECT_EQ(ids("Landmark", true), (V{"M1"}));
  // Read then put in one unit (the PATCH path): secondary types follow a change of the list
  // and stay when only values change.
  auto read_then_put = [&](std::vector<std::string> types) {
    return store().Write("t", [&](WriteTransaction& txn) -> base::Result<void> {
      RENKEI_TRY(auto found, txn.FindById("M1", std::nullopt, {}, 2));
      EXPECT_EQ(found.size(), 1u);
      Entity next = museum;
      next.types = std::move(types);
      return txn.Put(next);
    });
  };
  ASSERT_TRUE(read_then_put({"Building", "Landmark"}));
  EXPECT_EQ(ids("Landmark", true), (V{"M1"}));
  ASSERT_TRUE(read_then_put({"Building", "Museum"}));
  EXPECT_EQ(ids("Landmark", true), V{});
  EXPECT_EQ(ids("Museum", true), (V{"M1", "U1"}));
  ASSERT_TRUE(read_then_put({"Building", "Landmark"}));
  ASSERT_TRUE(
      store().Write("t", [&](WriteTransaction& txn) { return txn.Erase("M1", "Building", "/"); }));
  EXPECT_EQ(ids("Landmark", true), V{});
}

// A data set that mixes kinds on purpose: numbers, numeric strings, arrays, objects,
// booleans, null and missing attributes, so every pushdown must agree with C++.
std::vector<Entity> MixedEntities() {
  std::vector<Entity> out;
  for (int i = 0; i < 40; ++i) {
    std::vector<Attribute> attrs;
    switch (i % 8) {
      case 0:
        attrs.push_back(Num("temperature", 15 + i % 17));
        break;
      case 1:
        attrs.push_back(Text("temperature", std::to_string(15 + i % 17)));
        break;
      case 2:
        attrs.push_back(Attr("temperature", "StructuredValue", json::parse("[20, 25, 30]")));
        break;
      case 3:
        attrs.push_back(Attr("temperature", "StructuredValue", json::parse(R"({"v": 22})")));
        break;
      case 4:
        attrs.push_back(Attr("temperature", "Boolean", true));
        break;
      case 5:
        attrs.push_back(Attr("temperature", "None", nullptr));
        break;
      case 6:
        break;
      default:
        attrs.push_back(Attr("temperature", "Number", json::value(std::int64_t{20 + i % 5})));
    }
    attrs.push_back(Text("name", (i % 3 == 0 ? "Room" : "Hall") + std::to_string(i)));
    attrs.push_back(Attr("data", "StructuredValue",
                         json::parse(R"({"level": )" + std::to_string(i % 6) + R"(, "tag": "t)" +
                                     std::to_string(i % 4) + R"("})")));
    attrs[0].metadata.push_back(Num("accuracy", (i % 10) / 10.0));
    out.push_back(Make("E" + std::to_string(i), i % 2 == 0 ? "Room" : "Hall", std::move(attrs)));
  }
  return out;
}

TEST_P(EntityStoreConformance, QueriesEqualFilteringInCpp) {
  auto entities = MixedEntities();
  ASSERT_TRUE(PutAll(store(), "t", entities));
  const std::vector<std::string> qs = {
      "temperature",       "!temperature",        "temperature>20",  "temperature<20",
      "temperature>=22",   "temperature<=16",     "temperature==20", "temperature==20,21",
      "name==Room3,Hall4", "temperature==18..22", "temperature!=20", "temperature=='20'",
      "name==Room3",       "name~=Room.*2",       "name>'Hall3'",    "name==Room0..Room3",
      "data.level>2",      "data.tag==t1",        "!data.level",     "temperature>20;name~=Room",
      "temperature==true", "temperature==null",   "id==E3",          "temperature>18;data.level<3",
  };
  auto all_page = store().Query("t", All());
  ASSERT_TRUE(all_page.has_value());
  ASSERT_EQ(all_page->entities.size(), entities.size());
  for (const auto& text : qs) {
    auto filter = Q(text);
    ExpectQueryFinds(store(), filter, MatchingIds(all_page->entities, filter),
                     "q=" + std::string(text));
    auto query = All();
    query.q = filter;
    query.want_count = true;
    // The same through a typed, paginated query.
    query.selectors = {Sel(std::nullopt, std::nullopt, "Room")};
    query.offset = 1;
    query.limit = 3;
    std::vector<std::string> typed;
    for (const auto& e : all_page->entities) {
      if (e.PrimaryType() == "Room" && filter.Matches(e)) typed.push_back(e.id);
    }
    auto page = store().Query("t", query);
    ASSERT_TRUE(page.has_value()) << text;
    EXPECT_EQ(page->total_count, typed.size()) << "q=" << text;
    std::vector<std::string> window(typed.begin() + std::min<std::ptrdiff_t>(1, std::ssize(typed)),
                                    typed.begin() + std::min<std::ptrdiff_t>(4, std::ssize(typed)));
    EXPECT_EQ(Ids(page->entities), window) << "q=" << text << " (typed, paginated)";
  }
  // NGSI-LD q over the same data: backends may narrow it in their query language but must
  // return exactly what the LD evaluator accepts.
  for (const auto& text :
       {"temperature", "temperature>20", "temperature==20", "temperature==20,21",
        "temperature==18..22", "temperature<=16;name==\"Room3\"", "temperature>20|!temperature",
        "temperature.accuracy>0.5", "data[level]>2", "name~=Room.*2", "temperature!=20",
        "temperature==\"20\"", "createdAt>0"}) {
    auto filter = core::q::ParseLdQuery(text, core::q::IdentityTerm);
    ASSERT_TRUE(filter.has_value()) << text << ": " << filter.error().detail;
    ExpectQueryFinds(store(), *filter, MatchingIds(all_page->entities, *filter),
                     "LD q=" + std::string(text));
  }
  for (const auto& text :
       {"temperature.accuracy>0.5", "temperature.accuracy==0", "name.accuracy"}) {
    auto filter = core::q::ParseV2MetadataQuery(text);
    ASSERT_TRUE(filter.has_value()) << text;
    std::vector<std::string> expected;
    for (const auto& e : all_page->entities) {
      if (filter->Matches(e)) expected.push_back(e.id);
    }
    auto query = All();
    query.mq = *filter;
    EXPECT_EQ(QueryIds(store(), "t", query), expected) << "mq=" << text;
  }
}

// Values where a pushed-down comparison could disagree with the evaluator: mixed kinds,
// arrays, repeated names, null/bool/object values, DateTime strings (compared as instants),
// missing attributes. Tenant "clean" has no arrays or repeated names for `temperature` (so a
// backend may decide its comparisons in SQL alone); "messy" adds them.
std::vector<Entity> TrickyEntities(bool messy) {
  std::vector<Entity> out;
  auto add = [&](std::string id, std::vector<Attribute> attrs) {
    out.push_back(Make(std::move(id), "Room", std::move(attrs)));
  };
  add("num7", {Num("temperature", 7), Num("humidity", 60), Text("name", "Room1")});
  add("num8", {Num("temperature", 8), Num("humidity", 40), Text("name", "room2")});
  add("str7", {Text("temperature", "7"), Num("humidity", 70), Text("name", "Zeta")});
  add("null", {Attr("temperature", "Number", nullptr), Num("humidity", 55)});
  add("bool", {Attr("temperature", "Boolean", true), Text("name", "")});
  add("obj", {Attr("temperature", "StructuredValue", json::parse(R"({"value":7})"))});
  add("missing", {Num("humidity", 90), Text("name", "Room10")});
  add("date",
      {Attr("when", "DateTime", json::value("2020-01-01T00:00:00.000Z")), Num("temperature", 6.5)});
  add("baddate", {Attr("when", "DateTime", json::value("not a date"))});
  add("textdate", {Text("when", "2020-01-01T00:00:00.000Z")});
  add("numdate", {Num("when", 1577836800), Attr("temperature", "Text", json::value("hot"))});
  if (messy) {
    add("array",
        {Attr("temperature", "StructuredValue", json::parse("[7, 9]")), Num("humidity", 80)});
    add("mixedarray", {Attr("temperature", "StructuredValue", json::parse(R"([1, "7"])"))});
    add("twice", {Num("temperature", 3), Num("temperature", 7), Num("humidity", 99)});
    add("datearray", {Attr("when", "DateTime", json::parse(R"(["2020-01-01T00:00:00.000Z"])"))});
  }
  return out;
}

TEST_P(EntityStoreConformance, PushdownEqualsCppOnTrickyValues) {
  ASSERT_TRUE(PutAll(store(), "clean", TrickyEntities(false)));
  ASSERT_TRUE(PutAll(store(), "messy", TrickyEntities(true)));
  const std::vector<std::string> qs = {
      "temperature==7",
      "temperature=='7'",
      "temperature==7;humidity>50",
      "humidity>50;temperature==7",
      "temperature==7,8",
      "temperature=='7','hot'",
      "temperature>6",
      "temperature<8",
      "temperature>=7",
      "temperature<=6.5",
      "temperature==6..8",
      "temperature=='6'..'8'",
      "temperature>'6'",
      "temperature!=7",
      "temperature!='7'",
      "!temperature",
      "temperature",
      "temperature==7;!name",
      "temperature!=7;humidity<=60",
      "when==2020-01-01T00:00:00.000Z",
      "when>2019-01-01T00:00:00Z",
      "when<=1577836800",
      "when==1577836800",
      "when=='not a date'",
      "when=='2020-01-01T00:00:00.000Z'",
      "when>'2019'",
      "name==Room1",
      "name>'Room'",
      "name<'a'",
      "name==''",
      "name~=oom",
      "name==Room1..Room2",
      "humidity==55;name",
  };
  for (const std::string tenant : {"clean", "messy"}) {
    auto all_page = store().Query(tenant, All());
    ASSERT_TRUE(all_page.has_value());
    for (const auto& text : qs) {
      auto filter = Q(text);
      std::vector<std::string> expected;
      for (const auto& e : all_page->entities) {
        if (filter.Matches(e)) expected.push_back(e.id);
      }
      auto query = All();
      query.q = filter;
      query.want_count = true;
      auto page = store().Query(tenant, query);
      ASSERT_TRUE(page.has_value()) << text;
      EXPECT_EQ(Ids(page->entities), expected) << tenant << " q=" << text;
      EXPECT_EQ(page->total_count, expected.size()) << tenant << " q=" << text;
      // Typed, paginated (SQL LIMIT/OFFSET when exact) and ordered by id (sorted in SQL).
      query.selectors = {Sel(std::nullopt, std::nullopt, "Room")};
      query.offset = 1;
      query.limit = 2;
      page = store().Query(tenant, query);
      ASSERT_TRUE(page.has_value()) << text;
      std::vector<std::string> window(
          expected.begin() + std::min<std::ptrdiff_t>(1, std::ssize(expected)),
          expected.begin() + std::min<std::ptrdiff_t>(3, std::ssize(expected)));
      EXPECT_EQ(Ids(page->entities), window) << tenant << " q=" << text << " (paginated)";
      EXPECT_EQ(page->total_count, expected.size()) << tenant << " q=" << text;
      query.order = {{OrderKey::Field::kId, "", true}};
      query.offset = 0;
      query.limit = 100;
      auto by_id = expected;
      std::sort(by_id.rbegin(), by_id.rend());
      page = store().Query(tenant, query);
      ASSERT_TRUE(page.has_value()) << text;
      EXPECT_EQ(Ids(page->entities), by_id) << tenant << " q=" << text << " (by id desc)";
      // The type test alone decides (SQLite: a type-index probe when an equality drives): no
      // entity of another type, every entity when its type is one of several.
      query.order.clear();
      query.selectors = {Sel(std::nullopt, std::nullopt, "Hall")};
      EXPECT_EQ(QueryIds(store(), tenant, query), std::vector<std::string>{})
          << tenant << " q=" << text << " (other type)";
      query.selectors = {Sel(std::nullopt, std::nullopt, "Hall"),
                         Sel(std::nullopt, std::nullopt, "Room")};
      EXPECT_EQ(QueryIds(store(), tenant, query), expected)
          << tenant << " q=" << text << " (two types)";
    }
  }
  // A write that turns a clean attribute messy (and back) is seen by the next query.
  auto query = All();
  query.q = Q("temperature==7");
  EXPECT_EQ(QueryIds(store(), "clean", query), (std::vector<std::string>{"num7"}));
  Entity array =
      Make("lateArray", "Room", {Attr("temperature", "StructuredValue", json::parse("[8, 7]"))});
  ASSERT_TRUE(PutAll(store(), "clean", {array}));
  EXPECT_EQ(QueryIds(store(), "clean", query), (std::vector<std::string>{"num7", "lateArray"}));
  array.attributes = {Num("temperature", 7)};
  ASSERT_TRUE(PutAll(store(), "clean", {array}));
  EXPECT_EQ(QueryIds(store(), "clean", query), (std::vector<std::string>{"num7", "lateArray"}));
}

TEST_P(EntityStoreConformance, ReplacedEntitiesAreReindexed) {
  Entity e = Make("moving", "P", {Point(35.0, 139.0), Num("a", 1), Num("b", 2)});
  ASSERT_TRUE(PutAll(store(), "t", {e}));
  auto ids = [&](std::string_view q, std::optional<std::string> coords = std::nullopt) {
    return IdsWhere(store(), "t", q, std::move(coords));
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids("", "35.0,139.0"), V{"moving"});
  // Same location, other attributes changed or removed.
  e.attributes = {Point(35.0, 139.0), Num("a", 5)};
  ASSERT_TRUE(PutAll(store(), "t", {e}));
  EXPECT_EQ(ids("", "35.0,139.0"), V{"moving"});
  EXPECT_EQ(ids("a==5"), V{"moving"});
  EXPECT_EQ(ids("a==1"), V{});
  EXPECT_EQ(ids("b"), V{});
  EXPECT_EQ(ids("!b"), V{"moving"});
  // Moved.
  e.attributes = {Point(36.0, 140.0), Text("a", "five")};
  ASSERT_TRUE(PutAll(store(), "t", {e}));
  EXPECT_EQ(ids("", "35.0,139.0"), V{});
  EXPECT_EQ(ids("", "36.0,140.0"), V{"moving"});
  EXPECT_EQ(ids("a==5"), V{});
  EXPECT_EQ(ids("a==five"), V{"moving"});
  // Location removed.
  e.attributes = {Num("a", 5)};
  ASSERT_TRUE(PutAll(store(), "t", {e}));
  EXPECT_EQ(ids("", "36.0,140.0"), V{});
  EXPECT_EQ(ids("a==5"), V{"moving"});
}

// Writes as the service runs them: read the entity, then put it, in one unit (backends may
// reuse what the read found); twice in one unit, and after an erase in the same unit.
TEST_P(EntityStoreConformance, ReadThenPutInOneUnitIsReindexed) {
  Entity e = Make("moving", "P", {Point(35.0, 139.0), Num("a", 1), Num("b", 2)});
  ASSERT_TRUE(PutAll(store(), "t", {e}));
  auto read_then_put = [&](std::vector<std::vector<core::Attribute>> versions, bool erase_first) {
    return store().Write("t", [&](WriteTransaction& txn) -> base::Result<void> {
      RENKEI_TRY(auto found, txn.FindById("moving", std::nullopt, {}, 2));
      EXPECT_EQ(found.size(), 1u);
      if (erase_first) RENKEI_TRY_VOID(txn.Erase("moving", "P", "/"));
      for (auto& attrs : versions) {
        Entity next = e;
        next.attributes = attrs;
        RENKEI_TRY_VOID(txn.Put(next));
      }
      return base::Ok();
    });
  };
  auto ids = [&](std::string_view q, std::optional<std::string> coords = std::nullopt) {
    return IdsWhere(store(), "t", q, std::move(coords));
  };
  using V = std::vector<std::string>;
  ASSERT_TRUE(read_then_put({{Point(35.0, 139.0), Num("a", 5)}}, false));
  EXPECT_EQ(ids("", "35.0,139.0"), V{"moving"});
  EXPECT_EQ(ids("a==5"), V{"moving"});
  EXPECT_EQ(ids("a==1"), V{});
  EXPECT_EQ(ids("!b"), V{"moving"});
  // Two puts in one unit: the second compares with what the first wrote.
  ASSERT_TRUE(read_then_put({{Point(36.0, 140.0), Text("a", "five")},
                             {Point(36.0, 140.0), Text("a", "six"), Num("c", 3)}},
                            false));
  EXPECT_EQ(ids("", "35.0,139.0"), V{});
  EXPECT_EQ(ids("", "36.0,140.0"), V{"moving"});
  EXPECT_EQ(ids("a==five"), V{});
  EXPECT_EQ(ids("a==six;c==3"), V{"moving"});
  // Erased and written again in one unit.
  ASSERT_TRUE(read_then_put({{Num("a", 7)}}, true));
  EXPECT_EQ(ids("", "36.0,140.0"), V{});
  EXPECT_EQ(ids("a==7;!c"), V{"moving"});
  auto found = store().FindById("t", "moving", std::nullopt, {}, 10, Now());
  ASSERT_TRUE(found.has_value());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front().attributes.size(), 1u);
}

TEST_P(EntityStoreConformance, PaginationAndCount) {
  std::vector<Entity> entities;
  for (int i = 0; i < 25; ++i)
    entities.push_back(Make("P" + std::to_string(i), "T", {Num("n", i)}));
  ASSERT_TRUE(PutAll(store(), "t", entities));
  auto query = All();
  query.offset = 10;
  query.limit = 5;
  query.want_count = true;
  auto page = store().Query("t", query);
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(Ids(page->entities), (std::vector<std::string>{"P10", "P11", "P12", "P13", "P14"}));
  EXPECT_EQ(page->total_count, 25u);
  query.q = Q("n>=5");
  query.offset = 18;
  page = store().Query("t", query);
  EXPECT_EQ(Ids(page->entities), (std::vector<std::string>{"P23", "P24"}));
  EXPECT_EQ(page->total_count, 20u);
  query.limit = 0;
  page = store().Query("t", query);
  EXPECT_TRUE(page->entities.empty());
  EXPECT_EQ(page->total_count, 20u);
}

TEST_P(EntityStoreConformance, Ordering) {
  std::vector<Entity> entities = {
      Make("A", "T", {Num("temperature", 30), Num("humidity", 1)}),
      Make("B", "T", {Num("temperature", 10), Num("humidity", 2)}),
      Make("C", "T", {Text("temperature", "warm"), Num("humidity", 3)}),
      Make("D", "T", {Num("humidity", 4)}),
      Make("E", "T", {Num("temperature", 10), Num("humidity", 5)}),
  };
  entities[0].modified_at = base::Timestamp{9'000'000};
  for (auto& e : entities) e.created_at = base::Timestamp{5000};  // one millisecond for all
  ASSERT_TRUE(PutAll(store(), "t", entities));
  auto ids = [&](std::vector<OrderKey> order, std::size_t offset = 0) {
    auto q = All();
    q.order = std::move(order);
    q.offset = offset;
    return QueryIds(store(), "t", q);
  };
  using V = std::vector<std::string>;
  using F = OrderKey::Field;
  // MongoDB order (Orion): missing < numbers < strings; ties keep creation order.
  EXPECT_EQ(ids({{F::kAttribute, "temperature", false}}), (V{"D", "B", "E", "A", "C"}));
  EXPECT_EQ(ids({{F::kAttribute, "temperature", true}}), (V{"C", "A", "B", "E", "D"}));
  EXPECT_EQ(ids({{F::kAttribute, "temperature", false}, {F::kAttribute, "humidity", true}}),
            (V{"D", "E", "B", "A", "C"}));
  EXPECT_EQ(ids({{F::kAttribute, "temperature", false}}, 3), (V{"A", "C"}));
  EXPECT_EQ(ids({{F::kDateModified, "", true}}), (V{"A", "E", "D", "C", "B"}));
  EXPECT_EQ(ids({{F::kId, "", true}}), (V{"E", "D", "C", "B", "A"}));
  EXPECT_EQ(ids({{F::kDateCreated, "", false}}), (V{"A", "B", "C", "D", "E"}));
  // The five share their creation millisecond: `!dateCreated` is still reverse creation
  // order, whether SQL sorts (alone) or C++ does (after an attribute).
  EXPECT_EQ(ids({{F::kDateCreated, "", true}}), (V{"E", "D", "C", "B", "A"}));
  EXPECT_EQ(ids({{F::kAttribute, "temperature", false}, {F::kDateCreated, "", true}}),
            (V{"D", "E", "B", "A", "C"}));
}

// NGSI-LD 1.9.1 orderBy paths `attr.createdAt` and `attr.subProperty` (OrderKey::member).
TEST_P(EntityStoreConformance, OrderingByAnAttributeMember) {
  auto ranked = [](const char* id, int rank, std::int64_t created) {
    auto name = Text("name", id);
    name.created_at = base::Timestamp{created};
    name.metadata.push_back(Num("rank", rank));
    return Make(id, "T", {name});
  };
  std::vector<Entity> entities = {ranked("A", 2, 300), ranked("B", 3, 100),
                                  Make("C", "T", {Num("humidity", 4)}), ranked("D", 1, 200)};
  ASSERT_TRUE(PutAll(store(), "t", entities));
  auto ids = [&](std::vector<OrderKey> order) {
    auto q = All();
    q.order = std::move(order);
    return QueryIds(store(), "t", q);
  };
  using V = std::vector<std::string>;
  using F = OrderKey::Field;
  // A missing attribute (C) sorts as a missing value: first ascending.
  EXPECT_EQ(ids({{F::kAttribute, "name", false, "rank"}}), (V{"C", "D", "A", "B"}));
  EXPECT_EQ(ids({{F::kAttribute, "name", true, "rank"}}), (V{"B", "A", "D", "C"}));
  EXPECT_EQ(ids({{F::kAttribute, "name", false, std::string(OrderKey::kMemberCreatedAt)}}),
            (V{"C", "B", "D", "A"}));
}

TEST_P(EntityStoreConformance, GeoQueries) {
  // Around Tokyo station (35.681, 139.767) and a few far away.
  std::vector<Entity> entities = {
      Make("near1", "P", {Point(35.6812, 139.7671)}),
      Make("near2", "P", {Point(35.6850, 139.7700)}),
      Make("mid", "P", {Point(35.7000, 139.7900)}),
      Make("far", "P", {Point(34.6937, 135.5023)}),
      Make("none", "P", {Num("x", 1)}),
  };
  Attribute v2point =
      Attr("position", "geo:point", json::value("35.6813, 139.7672"), AttributeKind::kGeoProperty);
  entities.push_back(Make("v2", "P", {v2point}));
  ASSERT_TRUE(PutAll(store(), "t", entities));
  auto all = store().Query("t", All());
  ASSERT_TRUE(all.has_value());
  auto check = [&](std::string_view georel, std::string_view geometry, std::string_view coords,
                   std::vector<OrderKey> order = {}) {
    auto geo = core::geo::ParseV2GeoQuery(georel, geometry, coords);
    ASSERT_TRUE(geo.has_value()) << georel << " " << coords;
    std::vector<std::string> expected;
    for (const auto& e : all->entities) {
      const Attribute* loc = nullptr;
      for (const auto& a : e.attributes) {
        if (a.kind == AttributeKind::kGeoProperty) {
          loc = &a;
          break;
        }
      }
      if (loc == nullptr) continue;
      auto g = core::geo::IsV2GeoType(loc->type)
                   ? core::geo::ParseV2GeoAttribute(loc->type, loc->value)
                   : core::geo::ParseGeoJson(loc->value);
      if (g && geo->Matches(*g)) expected.push_back(e.id);
    }
    auto query = All();
    query.geo = *geo;
    query.order = order;
    auto got = QueryIds(store(), "t", query);
    if (order.empty()) {
      EXPECT_EQ(got, expected) << georel << " " << geometry << " " << coords;
    } else {
      auto sorted = got;
      std::sort(sorted.begin(), sorted.end());
      std::sort(expected.begin(), expected.end());
      EXPECT_EQ(sorted, expected);
    }
    return;
  };
  check("near;maxDistance:1000", "point", "35.6812,139.7671");
  check("near;maxDistance:5000", "point", "35.6812,139.7671");
  check("near;minDistance:1000", "point", "35.6812,139.7671");
  check("coveredBy", "polygon", "35.6,139.7;35.6,139.8;35.75,139.8;35.75,139.7;35.6,139.7");
  check("intersects", "polygon", "34,135;34,136;35,136;35,135;34,135");
  check("disjoint", "polygon", "35.6,139.7;35.6,139.8;35.75,139.8;35.75,139.7;35.6,139.7");
  // geo:distance ordering puts the closest first.
  auto geo = core::geo::ParseV2GeoQuery("near;maxDistance:5000", "point", "35.6812,139.7671");
  ASSERT_TRUE(geo.has_value());
  auto query = All();
  query.geo = *geo;
  query.order = {{OrderKey::Field::kGeoDistance, "", false}};
  auto got = QueryIds(store(), "t", query);
  ASSERT_GE(got.size(), 3u);
  EXPECT_EQ(got.front(), "near1");
  EXPECT_EQ(got.back(), "mid");
}

TEST_P(EntityStoreConformance, ExpiredEntitiesAreInvisibleAndPurged) {
  Entity soon = Make("soon", "T", {Num("n", 1)});
  soon.expires_at = base::Timestamp{5000};
  Entity later = Make("later", "U", {Num("n", 2)});
  later.expires_at = base::Timestamp{9000};
  ASSERT_TRUE(PutAll(store(), "t", {soon, later, Make("never", "T")}));
  auto ids_at = [&](std::int64_t now) {
    auto q = All();
    q.now = base::Timestamp{now};
    return QueryIds(store(), "t", q);
  };
  EXPECT_EQ(ids_at(4999).size(), 3u);
  EXPECT_EQ(ids_at(5000), (std::vector<std::string>{"later", "never"}));
  EXPECT_TRUE(store().FindById("t", "soon", std::nullopt, {}, 1, base::Timestamp{5000})->empty());
  EXPECT_EQ(store().FindById("t", "soon", std::nullopt, {}, 1, base::Timestamp{4000})->size(), 1u);
  std::size_t total = 0;
  auto types =
      store().ListTypes("t", {}, base::Timestamp{9500}, 0, 10, &total, TypeMembership::kPrimary);
  ASSERT_TRUE(types.has_value());
  EXPECT_EQ(total, 1u);
  auto purged = store().PurgeExpired(base::Timestamp{6000});
  ASSERT_TRUE(purged.has_value());
  EXPECT_EQ(*purged, 1u);
  EXPECT_EQ(ids_at(0), (std::vector<std::string>{"later", "never"}));
  EXPECT_EQ(*store().PurgeExpired(base::Timestamp{6000}), 0u);
}

TEST_P(EntityStoreConformance, FailedUnitRollsBackAloneInItsGroup) {
  // Hold the writer in a first unit until the others are queued, so they share one commit.
  std::promise<void> release;
  auto released = release.get_future().share();
  std::promise<base::Result<void>> first, a, b, c;
  store().Submit(
      "t",
      [released](WriteTransaction&) -> base::Result<void> {
        released.wait();
        return base::Ok();
      },
      [&](base::Result<void> r) { first.set_value(std::move(r)); });
  store().Submit(
      "t", [](WriteTransaction& txn) { return txn.Put(Make("A", "T")); },
      [&](base::Result<void> r) { a.set_value(std::move(r)); });
  store().Submit(
      "t",
      [](WriteTransaction& txn) -> base::Result<void> {
        RENKEI_TRY_VOID(txn.Put(Make("B", "T")));
        RENKEI_TRY_VOID(txn.Put(Make("B2", "T")));
        return base::Fail(base::ErrorCode::kUnprocessable, "Unprocessable", "by design");
      },
      [&](base::Result<void> r) { b.set_value(std::move(r)); });
  store().Submit(
      "fresh-tenant",
      [](WriteTransaction& txn) -> base::Result<void> {
        RENKEI_TRY_VOID(txn.Put(Make("C", "T")));
        // A unit sees its own writes.
        auto seen = txn.FindById("C", std::nullopt, {}, 1);
        if (!seen || seen->size() != 1)
          return base::Fail(
              base::MakeError(base::ErrorCode::kInternalError, "x", "own write invisible"));
        return base::Ok();
      },
      [&](base::Result<void> r) { c.set_value(std::move(r)); });
  release.set_value();
  EXPECT_TRUE(first.get_future().get().has_value());
  auto ra = a.get_future().get();
  auto rb = b.get_future().get();
  auto rc = c.get_future().get();
  EXPECT_TRUE(ra.has_value());
  ASSERT_FALSE(rb.has_value());
  EXPECT_EQ(rb.error().code, base::ErrorCode::kUnprocessable);
  EXPECT_TRUE(rc.has_value()) << (rc ? "" : rc.error().detail);
  EXPECT_EQ(QueryIds(store(), "t", All()), (std::vector<std::string>{"A"}));
  EXPECT_EQ(QueryIds(store(), "fresh-tenant", All()), (std::vector<std::string>{"C"}));
}

TEST_P(EntityStoreConformance, ThrowingUnitFailsAlone) {
  auto r = store().Write("t", [](WriteTransaction& txn) -> base::Result<void> {
    (void)txn.Put(Make("Z", "T"));
    throw std::runtime_error("boom");
  });
  EXPECT_FALSE(r.has_value());
  ASSERT_TRUE(PutAll(store(), "t", {Make("Y", "T")}));
  EXPECT_EQ(QueryIds(store(), "t", All()), (std::vector<std::string>{"Y"}));
}

TEST_P(EntityStoreConformance, DataSurvivesReopen) {
  Entity e = Make("Keep", "T", {Num("n", 7), Point(35, 139)});
  e.expires_at = base::Timestamp{Now().millis + 1000};
  ASSERT_TRUE(PutAll(store(), "t", {e}));
  Reopen();
  auto found = store().FindById("t", "Keep", std::nullopt, {}, 1, Now());
  ASSERT_TRUE(found.has_value());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front(), e);
  auto q = All();
  q.q = Q("n==7");
  EXPECT_EQ(QueryIds(store(), "t", q), (std::vector<std::string>{"Keep"}));
  ASSERT_TRUE(PutAll(store(), "t", {Make("New", "T")}));
  EXPECT_EQ(QueryIds(store(), "t", All()).size(), 2u);
  store().Close();
  store().Close();  // idempotent
  auto after = store().FindById("t", "Keep", std::nullopt, {}, 1, Now());
  EXPECT_FALSE(after.has_value());
  EXPECT_FALSE(store().Write("t", [](WriteTransaction&) { return base::Ok(); }).has_value());
}

TEST_P(EntityStoreConformance, ConcurrentSubmitsAreAllAcknowledgedAndReadable) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 200;
  std::atomic<int> acked{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<std::future<void>> waits;
      for (int i = 0; i < kPerThread; ++i) {
        auto done = std::make_shared<std::promise<void>>();
        waits.push_back(done->get_future());
        std::string id = "C" + std::to_string(t) + "-" + std::to_string(i);
        store().Submit(
            "t", [id](WriteTransaction& txn) { return txn.Put(Make(id, "T", {Num("n", 1)})); },
            [&, done](base::Result<void> r) {
              (r ? acked : failed)++;
              done->set_value();
            });
        // Readers run concurrently with the writer.
        if (i % 50 == 0) (void)store().FindById("t", id, std::nullopt, {}, 1, Now());
      }
      for (auto& w : waits) w.get();
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(acked.load(), kThreads * kPerThread);
  EXPECT_EQ(failed.load(), 0);
  auto q = All();
  q.want_count = true;
  q.limit = 1;
  EXPECT_EQ(store().Query("t", q)->total_count, static_cast<std::size_t>(kThreads * kPerThread));
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(store()
                  .FindById("t", "C" + std::to_string(t) + "-" + std::to_string(kPerThread - 1),
                            std::nullopt, {}, 1, Now())
                  ->size(),
              1u);
  }
}

TEST_P(EntityStoreConformance, ListTypes) {
  ASSERT_TRUE(PutAll(
      store(), "t",
      {Make("r1", "Room", {Num("temperature", 1), Text("name", "a")}),
       Make("r2", "Room", {Text("temperature", "hot")}), Make("c1", "Car", {Num("speed", 3)}),
       Make("s1", "Sensor", {}, "/x"), Make("b1", "Bike", {}, "/x/y")}));
  std::size_t total = 0;
  auto types = store().ListTypes("t", {}, Now(), 0, 10, &total, TypeMembership::kPrimary);
  ASSERT_TRUE(types.has_value());
  EXPECT_EQ(total, 4u);
  std::vector<std::string> names;
  for (const auto& t : *types) names.push_back(t.type);
  EXPECT_EQ(names, (std::vector<std::string>{"Bike", "Car", "Room", "Sensor"}));
  const auto& room = (*types)[2];
  EXPECT_EQ(room.entity_count, 2u);
  ASSERT_EQ(room.attributes.size(), 2u);
  EXPECT_EQ(room.attributes[0].name, "name");
  EXPECT_EQ(room.attributes[0].instance_count, 1u);
  EXPECT_EQ(room.attributes[1].name, "temperature");
  EXPECT_EQ(room.attributes[1].v2_types, (std::vector<std::string>{"Number", "Text"}));
  EXPECT_EQ(room.attributes[1].kinds, (std::vector<AttributeKind>{AttributeKind::kProperty}));
  EXPECT_EQ(room.attributes[1].instance_count, 2u);
  types = store().ListTypes("t", {}, Now(), 1, 2, &total, TypeMembership::kPrimary);
  ASSERT_EQ(types->size(), 2u);
  EXPECT_EQ((*types)[0].type, "Car");
  EXPECT_EQ((*types)[1].type, "Room");
  EXPECT_EQ(total, 4u);
  types = store().ListTypes("t", Scope({"/x/#"}), Now(), 0, 10, &total, TypeMembership::kPrimary);
  EXPECT_EQ(total, 2u);
  types = store().ListTypes("other", {}, Now(), 0, 10, &total, TypeMembership::kPrimary);
  EXPECT_EQ(total, 0u);
}

// NGSI-LD discovery (§5.7.5) lists every type of a multi-typed entity; NGSIv2 only the
// primary one.
TEST_P(EntityStoreConformance, ListTypesWithSecondaryTypes) {
  Entity museum = Make("M1", "Building", {Num("floors", 3)});
  museum.types.push_back("Museum");
  ASSERT_TRUE(PutAll(store(), "t",
                     {museum, Make("B1", "Building", {Text("name", "b")}),
                      Make("U1", "Museum", {Text("name", "u")}), Make("S1", "Shop", {}, "/x")}));
  std::size_t total = 0;
  auto names = [](const std::vector<TypeSummary>& types) {
    std::vector<std::string> out;
    for (const auto& t : types) out.push_back(t.type + ":" + std::to_string(t.entity_count));
    return out;
  };
  using V = std::vector<std::string>;
  auto primary = store().ListTypes("t", {}, Now(), 0, 10, &total, TypeMembership::kPrimary);
  ASSERT_TRUE(primary.has_value());
  EXPECT_EQ(names(*primary), (V{"Building:2", "Museum:1", "Shop:1"}));
  auto any = store().ListTypes("t", {}, Now(), 0, 10, &total, TypeMembership::kAny);
  ASSERT_TRUE(any.has_value());
  EXPECT_EQ(total, 3u);
  EXPECT_EQ(names(*any), (V{"Building:2", "Museum:2", "Shop:1"}));
  // The Museum type's attributes include those of the entity that is a Museum second.
  std::vector<std::string> museum_attrs;
  for (const auto& a : (*any)[1].attributes) museum_attrs.push_back(a.name);
  EXPECT_EQ(museum_attrs, (V{"floors", "name"}));
  // The ServicePath scope applies to both halves.
  any = store().ListTypes("t", Scope({"/x/#"}), Now(), 0, 10, &total, TypeMembership::kAny);
  EXPECT_EQ(names(*any), (V{"Shop:1"}));
}

// Bulk units (SubmitBulk, FindByIds, PutMany; ADR 0010) queued among ordinary units: every
// unit gets its own result, a failing bulk unit writes nothing, and the order of writes is
// the order of submission.
TEST_P(EntityStoreConformance, BulkUnitsAmongGroupedUnits) {
  std::promise<void> release;
  auto released = release.get_future().share();
  std::promise<base::Result<void>> first, a, bulk, c, failing;
  std::vector<std::string> bulk_saw;
  store().Submit(
      "t",
      [released](WriteTransaction& txn) -> base::Result<void> {
        released.wait();
        return txn.Put(Make("A0", "T"));
      },
      [&](base::Result<void> r) { first.set_value(std::move(r)); });
  store().Submit(
      "t", [](WriteTransaction& txn) { return txn.Put(Make("A", "T")); },
      [&](base::Result<void> r) { a.set_value(std::move(r)); });
  store().SubmitBulk(
      "t",
      [&bulk_saw](WriteTransaction& txn) -> base::Result<void> {
        // The units queued before it are visible; ids that do not exist are simply absent.
        RENKEI_TRY(auto found, txn.FindByIds({"A", "X1", "A0", "nope"}, Scope({"/"})));
        for (const auto& e : found) bulk_saw.push_back(e.id);
        Entity x1 = Make("X1", "T", {Num("n", 1)});
        Entity x2 = Make("X2", "T", {Text("s", "two")});
        Entity a_again = Make("A", "T", {Num("n", 7)});
        return txn.PutMany({x1, x2, a_again});
      },
      [&](base::Result<void> r) { bulk.set_value(std::move(r)); });
  store().Submit(
      "t", [](WriteTransaction& txn) { return txn.Put(Make("C", "T")); },
      [&](base::Result<void> r) { c.set_value(std::move(r)); });
  store().SubmitBulk(
      "t",
      [](WriteTransaction& txn) -> base::Result<void> {
        Entity y = Make("Y", "T");
        RENKEI_TRY_VOID(txn.PutMany({y}));
        return base::Fail(base::ErrorCode::kUnprocessable, "Unprocessable", "by design");
      },
      [&](base::Result<void> r) { failing.set_value(std::move(r)); });
  release.set_value();
  EXPECT_TRUE(first.get_future().get().has_value());
  EXPECT_TRUE(a.get_future().get().has_value());
  auto rb = bulk.get_future().get();
  EXPECT_TRUE(rb.has_value()) << (rb ? "" : rb.error().detail);
  EXPECT_TRUE(c.get_future().get().has_value());
  auto rf = failing.get_future().get();
  ASSERT_FALSE(rf.has_value());
  EXPECT_EQ(rf.error().code, base::ErrorCode::kUnprocessable);
  // Creation order: A0, A, X1, X2, C; Y was rolled back.
  EXPECT_EQ(bulk_saw, (std::vector<std::string>{"A0", "A"}));
  EXPECT_EQ(QueryIds(store(), "t", All()), (std::vector<std::string>{"A0", "A", "X1", "X2", "C"}));
  auto a_now = store().FindById("t", "A", std::nullopt, {}, 1, Now());
  ASSERT_TRUE(a_now && a_now->size() == 1);
  EXPECT_EQ(a_now->front().Find("n")->value, json::value(7.0));
  // The attribute index follows PutMany: q finds the bulk-written values.
  EXPECT_EQ(IdsWhere(store(), "t", "s==two", std::nullopt), (std::vector<std::string>{"X2"}));
  EXPECT_EQ(IdsWhere(store(), "t", "n==7", std::nullopt), (std::vector<std::string>{"A"}));
}

// FindByIds gives every entity of each id in scope, whatever its type, in creation order.
TEST_P(EntityStoreConformance, FindByIdsSeesAllTypesInScope) {
  ASSERT_TRUE(
      PutAll(store(), "t",
             {Make("D", "T"), Make("E", "T"), Make("D", "U"), Make("D", "T", {}, "/other")}));
  std::vector<std::string> seen;
  ASSERT_TRUE(store().Write("t", [&seen](WriteTransaction& txn) -> base::Result<void> {
    RENKEI_TRY(auto found, txn.FindByIds({"D", "missing"}, Scope({"/"})));
    for (const auto& e : found) seen.push_back(e.id + "/" + e.PrimaryType());
    return base::Ok();
  }));
  EXPECT_EQ(seen, (std::vector<std::string>{"D/T", "D/U"}));
}

}  // namespace renkei::store::testing
