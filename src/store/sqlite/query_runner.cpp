#include "store/sqlite/query_runner.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <regex>
#include <set>

#include <boost/json/serialize.hpp>

#include "core/entity_codec.hpp"
#include "store/sqlite/entity_rows.hpp"
#include "store/sqlite/sql_where.hpp"
#include "store/sqlite/value_index_catalog.hpp"

namespace renkei::store::sqlite {
namespace {

using core::Entity;

base::Unexpected BadPattern(const std::string& pattern) {
  return base::Fail(base::ErrorCode::kBadRequestData, "BadRequest",
                    "invalid regular expression: " + pattern);
}

// Patterns reach SQLite's REGEXP function; checking them here turns a bad one into a
// client error instead of a statement failure.
base::Result<void> ValidatePatterns(const std::vector<EntitySelector>& selectors) {
  for (const auto& s : selectors) {
    for (const auto* p : {&s.id_pattern, &s.type_pattern}) {
      if (!p->has_value()) continue;
      try {
        std::regex check(**p, std::regex::ECMAScript);
      } catch (const std::regex_error&) {
        return BadPattern(**p);
      }
    }
  }
  return base::Ok();
}

// A read snapshot across several statements (count + page) on a reader connection.
class ReadSnapshot {
 public:
  static base::Result<ReadSnapshot> Begin(Connection& conn, bool enabled) {
    if (enabled) RENKEI_TRY_VOID(conn.Exec("BEGIN"));
    return ReadSnapshot(enabled ? &conn : nullptr);
  }
  ReadSnapshot(ReadSnapshot&& other) noexcept : conn_(std::exchange(other.conn_, nullptr)) {}
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(ReadSnapshot&&) = delete;
  ~ReadSnapshot() {
    // A read transaction has nothing to commit; ending it cannot lose data.
    if (conn_ != nullptr) (void)conn_->Exec("COMMIT");
  }

 private:
  explicit ReadSnapshot(Connection* conn) : conn_(conn) {}
  Connection* conn_;
};

// Orion sorts with MongoDB, whose order across kinds is null < numbers < strings < objects
// < arrays < booleans; a missing attribute sorts as null.
int KindRank(const boost::json::value* v) {
  if (v == nullptr || v->is_null()) return 0;
  if (v->is_number()) return 1;
  if (v->is_string()) return 2;
  if (v->is_object()) return 3;
  if (v->is_array()) return 4;
  return 5;  // bool
}

int CompareValues(const boost::json::value* a, const boost::json::value* b) {
  int ra = KindRank(a);
  int rb = KindRank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 1: {
      double x = a->to_number<double>();
      double y = b->to_number<double>();
      return x < y ? -1 : (y < x ? 1 : 0);
    }
    case 2: {
      int c = a->get_string().subview().compare(b->get_string().subview());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case 3:
    case 4: {
      // Structured values have no natural order; their serialisations give a stable one.
      int c = boost::json::serialize(*a).compare(boost::json::serialize(*b));
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case 5:
      return static_cast<int>(a->get_bool()) - static_cast<int>(b->get_bool());
    default:
      return 0;
  }
}

// Orders by what `key.member` names of the two attributes (either may be missing: a missing
// one sorts as a missing value, CompareValues).
int CompareAttributeMembers(const OrderKey& key, const core::Attribute* x,
                            const core::Attribute* y) {
  const auto time_of = [&key](const core::Attribute* a) -> std::optional<std::int64_t> {
    if (a == nullptr) return std::nullopt;
    if (key.member == OrderKey::kMemberCreatedAt) return a->created_at.millis;
    if (key.member == OrderKey::kMemberModifiedAt) return a->modified_at.millis;
    if (a->observed_at) return a->observed_at->millis;
    return std::nullopt;
  };
  if (key.member == OrderKey::kMemberCreatedAt || key.member == OrderKey::kMemberModifiedAt ||
      key.member == OrderKey::kMemberObservedAt) {
    const auto tx = time_of(x);
    const auto ty = time_of(y);
    const boost::json::value vx = tx ? boost::json::value(*tx) : boost::json::value();
    const boost::json::value vy = ty ? boost::json::value(*ty) : boost::json::value();
    return CompareValues(tx ? &vx : nullptr, ty ? &vy : nullptr);
  }
  if (!key.member.empty()) {
    x = x != nullptr ? x->FindMetadata(key.member) : nullptr;
    y = y != nullptr ? y->FindMetadata(key.member) : nullptr;
  }
  return CompareValues(x ? &x->value : nullptr, y ? &y->value : nullptr);
}

struct Candidate {
  Entity entity;
  double distance = 0;       // for geo:distance ordering
  std::size_t position = 0;  // in creation order (the scan's order)
};

int CompareBy(const OrderKey& key, const Candidate& a, const Candidate& b) {
  auto cmp3 = [](const auto& x, const auto& y) { return x < y ? -1 : (y < x ? 1 : 0); };
  switch (key.field) {
    case OrderKey::Field::kId:
      return cmp3(a.entity.id, b.entity.id);
    case OrderKey::Field::kType:
      return cmp3(a.entity.PrimaryType(), b.entity.PrimaryType());
    case OrderKey::Field::kServicePath:
      return cmp3(a.entity.service_path, b.entity.service_path);
    case OrderKey::Field::kDateCreated:
      // Entities created in the same millisecond are ordered by creation all the same, in
      // the key's direction: `!dateCreated` is reverse creation order.
      if (int c = cmp3(a.entity.created_at, b.entity.created_at); c != 0) return c;
      return cmp3(a.position, b.position);
    case OrderKey::Field::kDateModified:
      return cmp3(a.entity.modified_at, b.entity.modified_at);
    case OrderKey::Field::kGeoDistance:
      return cmp3(a.distance, b.distance);
    case OrderKey::Field::kAttribute:
      return CompareAttributeMembers(key, a.entity.Find(key.attribute),
                                     b.entity.Find(key.attribute));
  }
  return 0;
}

std::optional<std::string> SqlOrderColumn(const OrderKey& key) {
  switch (key.field) {
    case OrderKey::Field::kId:
      return "e.id";
    case OrderKey::Field::kType:
      return "e.type";
    case OrderKey::Field::kServicePath:
      return "e.service_path";
    case OrderKey::Field::kDateCreated:
      return "e.created";
    case OrderKey::Field::kDateModified:
      return "e.modified";
    default:
      return std::nullopt;
  }
}

// ORDER BY for keys SQLite can sort; nullopt when one of them needs C++. Ties keep
// creation order (`eid`: e.eid, or d.entity when attr_index drives), as the C++ stable
// sort does; dateCreated ties follow creation order in the key's direction (CompareBy).
std::optional<std::string> SqlOrderBy(const std::vector<OrderKey>& order, const std::string& eid) {
  std::string sql = " ORDER BY ";
  for (const auto& key : order) {
    auto column = SqlOrderColumn(key);
    if (!column) return std::nullopt;
    const char* direction = key.descending ? " DESC, " : ", ";
    sql += *column + direction;
    if (key.field == OrderKey::Field::kDateCreated) sql += eid + direction;
  }
  return sql + eid;
}

struct GeoCheck {
  const core::geo::GeoQuery* query = nullptr;
  std::string_view attribute;
  // True and the distance to the reference when the entity's location satisfies the query.
  bool Matches(const Entity& e, double& distance) const {
    const auto* attr = LocationAttribute(e, attribute);
    if (attr == nullptr) return false;
    auto geometry = ParseLocation(*attr);
    if (!geometry) return false;
    if (!query->Matches(*geometry)) return false;
    distance = core::geo::DistanceMetres(query->reference.Anchor(), geometry->Anchor());
    return true;
  }
};

// The statement a query runs, and how its rows are to be treated.
struct QueryPlan {
  std::string from = "entities e";
  std::string eid = "e.eid";  // the creation-order column of the driving table
  SqlWhere where;
  std::optional<std::string> sql_order;  // ORDER BY when SQL can sort the keys
  bool q_exact = false;
  bool mq_exact = false;
  // SQL decides membership, order, LIMIT/OFFSET and COUNT(*) on its own.
  bool pushed_down = false;

  std::string Select() const {
    std::string sql = "SELECT e.doc FROM " + from + where.Sql();
    if (pushed_down) return sql + *sql_order + " LIMIT ? OFFSET ?";
    return sql + (sql_order ? *sql_order : " ORDER BY " + eid);
  }
};

std::set<std::string> QueryComparedNames(const EntityQuery& query) {
  auto names = ComparedNames(query.q);
  names.merge(ComparedNames(query.mq));
  return names;
}

// Which names the query tests have complete attr_index rows (ADR 0018; the others go to
// `uncatalogued` when no index of them exists or is being built), and which compared ones
// among those have opaque rows in the tenant.
base::Result<FilterContext> ProbeAttributes(Connection& conn, std::int64_t tenant,
                                            const EntityQuery& query, ValueIndexPolicy policy,
                                            std::vector<std::string>* uncatalogued,
                                            std::size_t* catalogued) {
  FilterContext context;
  auto referenced = ReferencedNames(query.q);
  referenced.merge(ReferencedNames(query.mq));
  if (referenced.empty()) return context;
  RENKEI_TRY(ValueIndexStates states, ProbeValueIndexes(conn, policy, tenant, referenced));
  context.indexed_names = std::move(states.ready);
  if (uncatalogued != nullptr) *uncatalogued = std::move(states.uncatalogued);
  if (catalogued != nullptr) *catalogued = states.catalogued;
  std::set<std::string> names;
  for (const auto& name : QueryComparedNames(query)) {
    if (context.indexed_names.contains(name)) names.insert(name);
  }
  if (names.empty()) return context;
  // Uses the partial index attr_index_opaque: one b-tree probe per name.
  RENKEI_TRY(Statement * probe, conn.Prepare("SELECT EXISTS (SELECT 1 FROM attr_index "
                                             "WHERE tenant = ? AND name = ? AND opaque = 1)"));
  for (const auto& name : names) {
    StatementLease lease(*probe);
    probe->Bind(1, tenant);
    probe->Bind(2, name);
    RENKEI_TRY(bool has_row, probe->Step());
    if (has_row && probe->ColumnInt(0) != 0) context.opaque_names.insert(name);
  }
  return context;
}

// `selectors` with type_in_any dropped where no entity has that type besides its primary one
// (the common case: then the plan stays the plain (tenant, type) index lookup). One probe of
// entity_types' primary key per such type.
base::Result<std::vector<EntitySelector>> NarrowTypeSelectors(
    Connection& conn, const std::vector<EntitySelector>& selectors) {
  std::vector<EntitySelector> out = selectors;
  for (auto& s : out) {
    if (!s.type_in_any || !s.type) continue;
    RENKEI_TRY(Statement * probe,
               conn.Prepare("SELECT EXISTS (SELECT 1 FROM entity_types WHERE type = ?)"));
    StatementLease lease(*probe);
    probe->Bind(1, *s.type);
    RENKEI_TRY(bool has_row, probe->Step());
    s.type_in_any = has_row && probe->ColumnInt(0) != 0;
  }
  return out;
}

// What drives the plan, most selective first:
// - a geo box: `e.eid IN (R*Tree ⋈ geo_shapes)`, a list in eid order; no entity index may
//   compete (Indexing::kNone), else SQLite walked the tenant in eid order and probed the list;
// - an exact `attr == literal` of q: attr_index's (tenant, name, num|txt) range in eid order,
//   joined to entities by rowid, the other conditions checked per row;
// - otherwise the planner's choice among the entity indexes (type, service path, id).
base::Result<QueryPlan> PlanQuery(Connection& conn, std::int64_t tenant, const EntityQuery& query,
                                  ValueIndexPolicy policy, std::vector<std::string>* uncatalogued,
                                  std::size_t* catalogued) {
  QueryPlan plan;
  RENKEI_TRY(FilterContext context,
             ProbeAttributes(conn, tenant, query, policy, uncatalogued, catalogued));
  const bool geo_drives = query.geo && HasGeoBox(*query.geo);
  const Indexing indexing = geo_drives ? Indexing::kNone : Indexing::kAll;
  std::optional<Driver> driver;
  if (!geo_drives) driver = FindDriver(query.q, context);
  // With a driver, SQLite evaluates each condition at the first table that provides its
  // columns, in the order written: the conditions on `d.entity` (type probe, then the other
  // attributes) run on the index row, before the entity's row is read.
  if (driver) context.entity_column = "d.entity";
  AddBaseConditions(plan.where, tenant, query.now, query.scope, indexing);
  RENKEI_TRY(std::vector<EntitySelector> selectors, NarrowTypeSelectors(conn, query.selectors));
  AddSelectors(plan.where, selectors, indexing);
  if (query.only_grants) AddGrantRestriction(plan.where, *query.only_grants);
  if (query.personal) AddPersonalRestriction(plan.where, *query.personal, context.entity_column);
  if (driver) AddTypeProbe(plan.where, tenant, selectors);
  plan.q_exact = AddFilter(plan.where, query.q, context, driver ? &*driver : nullptr);
  plan.mq_exact = AddFilter(plan.where, query.mq, context);
  if (query.geo) AddGeo(plan.where, tenant, *query.geo, query.geo_attribute);
  if (driver) {
    plan.from = "attr_index d CROSS JOIN entities e ON e.eid = d.entity";
    plan.eid = "d.entity";
    plan.where.And("d.tenant = ?", {tenant});
    plan.where.And("d.name = ?", {driver->attribute});
    plan.where.And(driver->column + " = ?", {driver->value});
  }
  plan.sql_order = SqlOrderBy(query.order, plan.eid);
  plan.pushed_down = plan.q_exact && plan.mq_exact && !query.geo && plan.sql_order;
  return plan;
}

base::Result<EntityPage> RunPushedDown(Connection& conn, const QueryPlan& plan,
                                       const EntityQuery& query) {
  EntityPage page;
  if (query.want_count) {
    RENKEI_TRY(Statement * count,
               conn.Prepare("SELECT COUNT(*) FROM " + plan.from + plan.where.Sql()));
    StatementLease lease(*count);
    plan.where.Bind(*count);
    RENKEI_TRY(bool has_row, count->Step());
    page.total_count = has_row ? static_cast<std::size_t>(count->ColumnInt(0)) : 0;
  }
  if (query.limit == 0) return page;
  RENKEI_TRY(Statement * select, conn.Prepare(plan.Select()));
  StatementLease lease(*select);
  int next = plan.where.Bind(*select);
  select->Bind(next, static_cast<std::int64_t>(std::min<std::size_t>(
                         query.limit, std::numeric_limits<std::int64_t>::max())));
  select->Bind(next + 1, static_cast<std::int64_t>(std::min<std::size_t>(
                             query.offset, std::numeric_limits<std::int64_t>::max())));
  for (;;) {
    RENKEI_TRY(bool has_row, select->Step());
    if (!has_row) break;
    RENKEI_TRY(Entity e, core::DecodeEntity(select->ColumnText(0)));
    page.entities.push_back(std::move(e));
  }
  return page;
}

}  // namespace

namespace {

struct BuiltSql {
  std::string sql;  // ends with the where clause, ORDER BY etc.; LIMIT binds after `where`
  SqlWhere where;
};

BuiltSql FindByIdSql(std::int64_t tenant, const std::string& id,
                     const std::optional<std::string>& type, const ServicePathScope& scope,
                     base::Timestamp now) {
  BuiltSql out;
  // The id key drives (EXPLAIN QUERY PLAN: SEARCH e USING INDEX sqlite_autoindex_entities_1
  // (tenant=? AND id=?)). Without statistics SQLite preferred (tenant, service_path) for
  // `service_path = '/'`, or (tenant, type) because it yields ORDER BY eid for free, and
  // walked the whole tenant; so neither column is offered as an index key
  // (sqlite_store_test SqlitePlan.IdLookupUsesIdKey).
  AddBaseConditions(out.where, tenant, now, scope, Indexing::kNotServicePath);
  out.where.And("e.id = ?", {id});
  if (type) out.where.And("+e.type = ?", {*type});
  out.sql = "SELECT e.doc, e.eid FROM entities e" + out.where.Sql() + " ORDER BY e.eid LIMIT ?";
  return out;
}

// EXPLAIN QUERY PLAN of `built` (LIMIT/OFFSET bound as 1/0), one detail per line.
base::Result<std::string> ExplainSql(Connection& conn, const BuiltSql& built, int extra_binds) {
  RENKEI_TRY(Statement * explain, conn.Prepare("EXPLAIN QUERY PLAN " + built.sql));
  StatementLease lease(*explain);
  int next = built.where.Bind(*explain);
  for (int i = 0; i < extra_binds; ++i) explain->Bind(next + i, std::int64_t{i == 0 ? 1 : 0});
  std::string plan;
  for (;;) {
    RENKEI_TRY(bool has_row, explain->Step());
    if (!has_row) break;
    plan += std::string(explain->ColumnText(3)) + "\n";
  }
  return plan;
}

}  // namespace

base::Result<std::vector<Entity>> RunFindById(Connection& conn, std::int64_t tenant,
                                              const std::string& id,
                                              const std::optional<std::string>& type,
                                              const ServicePathScope& scope, std::size_t limit,
                                              base::Timestamp now,
                                              std::vector<std::int64_t>* row_ids) {
  std::vector<Entity> out;
  if (limit == 0) return out;
  BuiltSql built = FindByIdSql(tenant, id, type, scope, now);
  RENKEI_TRY(Statement * select, conn.Prepare(built.sql));
  StatementLease lease(*select);
  int next = built.where.Bind(*select);
  select->Bind(next, static_cast<std::int64_t>(
                         std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max())));
  for (;;) {
    RENKEI_TRY(bool has_row, select->Step());
    if (!has_row) break;
    RENKEI_TRY(Entity e, core::DecodeEntity(select->ColumnText(0)));
    out.push_back(std::move(e));
    if (row_ids != nullptr) row_ids->push_back(select->ColumnInt(1));
  }
  return out;
}

base::Result<std::string> ExplainQuery(Connection& conn, std::int64_t tenant,
                                       const EntityQuery& query, ValueIndexPolicy policy) {
  RENKEI_TRY(QueryPlan plan, PlanQuery(conn, tenant, query, policy, nullptr, nullptr));
  return ExplainSql(conn, BuiltSql{plan.Select(), plan.where}, plan.pushed_down ? 2 : 0);
}

base::Result<std::string> ExplainFindById(Connection& conn, std::int64_t tenant,
                                          const std::string& id,
                                          const std::optional<std::string>& type,
                                          const ServicePathScope& scope) {
  return ExplainSql(conn, FindByIdSql(tenant, id, type, scope, base::Timestamp{0}), 1);
}

base::Result<EntityPage> RunQuery(Connection& conn, std::int64_t tenant, const EntityQuery& query,
                                  bool snapshot, ValueIndexPolicy policy,
                                  std::vector<std::string>* uncatalogued, std::size_t* catalogued) {
  RENKEI_TRY_VOID(ValidatePatterns(query.selectors));
  // The attribute probes, the count and the page must see the same data.
  RENKEI_TRY(auto txn, ReadSnapshot::Begin(conn, snapshot && (query.want_count ||
                                                              !QueryComparedNames(query).empty())));
  RENKEI_TRY(QueryPlan plan, PlanQuery(conn, tenant, query, policy, uncatalogued, catalogued));
  if (plan.pushed_down) return RunPushedDown(conn, plan, query);

  // Stream candidates in SQL order (creation order unless the keys are SQL-sortable),
  // re-check in C++, then sort in C++ when some key needs it.
  bool sort_in_cpp = !plan.sql_order.has_value();
  const bool q_exact = plan.q_exact;
  const bool mq_exact = plan.mq_exact;
  RENKEI_TRY(Statement * select, conn.Prepare(plan.Select()));
  StatementLease lease(*select);
  plan.where.Bind(*select);
  GeoCheck geo{query.geo ? &*query.geo : nullptr, query.geo_attribute};
  EntityPage page;
  std::vector<Candidate> matches;
  std::size_t matched = 0;
  for (;;) {
    RENKEI_TRY(bool has_row, select->Step());
    if (!has_row) break;
    RENKEI_TRY(Entity e, core::DecodeEntity(select->ColumnText(0)));
    if (!q_exact && !query.q.Matches(e)) continue;
    if (!mq_exact && !query.mq.Matches(e)) continue;
    double distance = 0;
    if (geo.query != nullptr && !geo.Matches(e, distance)) continue;
    if (sort_in_cpp) {
      matches.push_back(Candidate{std::move(e), distance, matches.size()});
      continue;
    }
    ++matched;
    if (matched > query.offset && page.entities.size() < query.limit) {
      page.entities.push_back(std::move(e));
    } else if (page.entities.size() >= query.limit && !query.want_count) {
      break;
    }
  }
  if (sort_in_cpp) {
    std::stable_sort(matches.begin(), matches.end(), [&](const Candidate& a, const Candidate& b) {
      for (const auto& key : query.order) {
        int c = CompareBy(key, a, b);
        if (c != 0) return key.descending ? c > 0 : c < 0;
      }
      return false;
    });
    matched = matches.size();
    for (std::size_t i = query.offset; i < matches.size() && page.entities.size() < query.limit;
         ++i) {
      page.entities.push_back(std::move(matches[i].entity));
    }
  }
  if (query.want_count) page.total_count = matched;
  return page;
}

base::Result<std::vector<TypeSummary>> RunListTypes(Connection& conn, std::int64_t tenant,
                                                    const ServicePathScope& scope,
                                                    base::Timestamp now, std::size_t offset,
                                                    std::size_t limit, std::size_t* total,
                                                    TypeMembership membership) {
  RENKEI_TRY(auto txn, ReadSnapshot::Begin(conn, true));
  SqlWhere where;
  AddBaseConditions(where, tenant, now, scope);
  const bool any = membership == TypeMembership::kAny;
  std::vector<TypeSummary> all;
  {
    // kAny: the secondary types (entity_types, migration 3) count as well; an entity is
    // counted once per type it has.
    const std::string sql =
        any ? "SELECT type, COUNT(*) FROM (SELECT e.type AS type FROM entities e" + where.Sql() +
                  " UNION ALL SELECT t.type AS type FROM entity_types t JOIN entities e ON e.eid "
                  "= t.entity" +
                  where.Sql() + ") GROUP BY type ORDER BY type"
            : "SELECT e.type, COUNT(*) FROM entities e" + where.Sql() +
                  " GROUP BY e.type ORDER BY e.type";
    RENKEI_TRY(Statement * types, conn.Prepare(sql));
    StatementLease lease(*types);
    const int next = where.Bind(*types);
    if (any) where.Bind(*types, next);
    for (;;) {
      RENKEI_TRY(bool has_row, types->Step());
      if (!has_row) break;
      TypeSummary t;
      t.type = std::string(types->ColumnText(0));
      t.entity_count = static_cast<std::size_t>(types->ColumnInt(1));
      all.push_back(std::move(t));
    }
  }
  if (total != nullptr) *total = all.size();
  std::vector<TypeSummary> page;
  for (std::size_t i = offset; i < all.size() && page.size() < limit; ++i) {
    page.push_back(std::move(all[i]));
  }
  // Attribute names and types come from the documents; /v2/types is rare enough that a
  // scan of the page's types beats indexing every attribute's type.
  SqlWhere typed = where;
  typed.And(any ? "(e.type = ? OR e.eid IN (SELECT entity FROM entity_types WHERE type = ?))"
                : "e.type = ?");
  RENKEI_TRY(Statement * docs, conn.Prepare("SELECT e.doc FROM entities e" + typed.Sql()));
  struct Seen {
    std::set<std::string> v2_types;
    std::set<core::AttributeKind> kinds;
    std::size_t instances = 0;
  };
  for (auto& t : page) {
    std::map<std::string, Seen> attrs;
    StatementLease lease(*docs);
    int next = where.Bind(*docs);
    docs->Bind(next, t.type);
    if (any) docs->Bind(next + 1, t.type);
    for (;;) {
      RENKEI_TRY(bool has_row, docs->Step());
      if (!has_row) break;
      RENKEI_TRY(Entity e, core::DecodeEntity(docs->ColumnText(0)));
      for (const auto& a : e.attributes) {
        Seen& seen = attrs[a.name];
        seen.v2_types.insert(a.type);
        seen.kinds.insert(a.kind);
        ++seen.instances;
      }
    }
    for (auto& [name, seen] : attrs) {
      t.attributes.push_back(
          {name, std::vector<std::string>(seen.v2_types.begin(), seen.v2_types.end()),
           std::vector<core::AttributeKind>(seen.kinds.begin(), seen.kinds.end()), seen.instances});
    }
  }
  return page;
}

}  // namespace renkei::store::sqlite
