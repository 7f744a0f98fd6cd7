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

struct Candidate {
  Entity entity;
  double distance = 0;  // for geo:distance ordering
};

int CompareBy(const OrderKey& key, const Candidate& a, const Candidate& b) {
  auto cmp3 = [](const auto& x, const auto& y) { return x < y ? -1 : (y < x ? 1 : 0); };
  switch (key.field) {
    case OrderKey::Field::kId:
      return cmp3(a.entity.id, b.entity.id);
    case OrderKey::Field::kType:
      return cmp3(a.entity.PrimaryType(), b.entity.PrimaryType());
    case OrderKey::Field::kDateCreated:
      return cmp3(a.entity.created_at, b.entity.created_at);
    case OrderKey::Field::kDateModified:
      return cmp3(a.entity.modified_at, b.entity.modified_at);
    case OrderKey::Field::kGeoDistance:
      return cmp3(a.distance, b.distance);
    case OrderKey::Field::kAttribute: {
      const auto* x = a.entity.Find(key.attribute);
      const auto* y = b.entity.Find(key.attribute);
      return CompareValues(x ? &x->value : nullptr, y ? &y->value : nullptr);
    }
  }
  return 0;
}

std::optional<std::string> SqlOrderColumn(const OrderKey& key) {
  switch (key.field) {
    case OrderKey::Field::kId:
      return "e.id";
    case OrderKey::Field::kType:
      return "e.type";
    case OrderKey::Field::kDateCreated:
      return "e.created";
    case OrderKey::Field::kDateModified:
      return "e.modified";
    default:
      return std::nullopt;
  }
}

// ORDER BY for keys SQLite can sort; nullopt when one of them needs C++. Ties keep
// creation order (eid), as the C++ stable sort does.
std::optional<std::string> SqlOrderBy(const std::vector<OrderKey>& order) {
  std::string sql = " ORDER BY ";
  for (const auto& key : order) {
    auto column = SqlOrderColumn(key);
    if (!column) return std::nullopt;
    sql += *column + (key.descending ? " DESC, " : ", ");
  }
  return sql + "e.eid";
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

base::Result<EntityPage> RunPushedDown(Connection& conn, const SqlWhere& where,
                                       const std::string& order_by, const EntityQuery& query,
                                       bool snapshot) {
  EntityPage page;
  RENKEI_TRY(auto txn, ReadSnapshot::Begin(conn, snapshot && query.want_count));
  if (query.want_count) {
    RENKEI_TRY(Statement * count, conn.Prepare("SELECT COUNT(*) FROM entities e" + where.Sql()));
    StatementLease lease(*count);
    where.Bind(*count);
    RENKEI_TRY(bool has_row, count->Step());
    page.total_count = has_row ? static_cast<std::size_t>(count->ColumnInt(0)) : 0;
  }
  if (query.limit == 0) return page;
  RENKEI_TRY(Statement * select, conn.Prepare("SELECT e.doc FROM entities e" + where.Sql() +
                                              order_by + " LIMIT ? OFFSET ?"));
  StatementLease lease(*select);
  int next = where.Bind(*select);
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

base::Result<std::vector<Entity>> RunFindById(Connection& conn, std::int64_t tenant,
                                              const std::string& id,
                                              const std::optional<std::string>& type,
                                              const ServicePathScope& scope, std::size_t limit,
                                              base::Timestamp now) {
  std::vector<Entity> out;
  if (limit == 0) return out;
  SqlWhere where;
  AddBaseConditions(where, tenant, now, scope);
  where.And("e.id = ?", {id});
  if (type) where.And("e.type = ?", {*type});
  RENKEI_TRY(Statement * select, conn.Prepare("SELECT e.doc FROM entities e" + where.Sql() +
                                              " ORDER BY e.eid LIMIT ?"));
  StatementLease lease(*select);
  int next = where.Bind(*select);
  select->Bind(next, static_cast<std::int64_t>(
                         std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max())));
  for (;;) {
    RENKEI_TRY(bool has_row, select->Step());
    if (!has_row) break;
    RENKEI_TRY(Entity e, core::DecodeEntity(select->ColumnText(0)));
    out.push_back(std::move(e));
  }
  return out;
}

base::Result<EntityPage> RunQuery(Connection& conn, std::int64_t tenant, const EntityQuery& query,
                                  bool snapshot) {
  RENKEI_TRY_VOID(ValidatePatterns(query.selectors));
  SqlWhere where;
  AddBaseConditions(where, tenant, query.now, query.scope);
  AddSelectors(where, query.selectors);
  bool q_exact = AddFilter(where, query.q);
  bool mq_exact = AddFilter(where, query.mq);
  if (query.geo) AddGeo(where, *query.geo, query.geo_attribute);
  auto sql_order = SqlOrderBy(query.order);

  if (q_exact && mq_exact && !query.geo && sql_order) {
    return RunPushedDown(conn, where, *sql_order, query, snapshot);
  }

  // Stream candidates in SQL order (creation order unless the keys are SQL-sortable),
  // re-check in C++, then sort in C++ when some key needs it.
  bool sort_in_cpp = !sql_order.has_value();
  RENKEI_TRY(Statement * select,
             conn.Prepare("SELECT e.doc FROM entities e" + where.Sql() +
                          (sort_in_cpp ? std::string(" ORDER BY e.eid") : *sql_order)));
  StatementLease lease(*select);
  where.Bind(*select);
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
      matches.push_back(Candidate{std::move(e), distance});
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
                                                    std::size_t limit, std::size_t* total) {
  RENKEI_TRY(auto txn, ReadSnapshot::Begin(conn, true));
  SqlWhere where;
  AddBaseConditions(where, tenant, now, scope);
  std::vector<TypeSummary> all;
  {
    RENKEI_TRY(Statement * types, conn.Prepare("SELECT e.type, COUNT(*) FROM entities e" +
                                               where.Sql() + " GROUP BY e.type ORDER BY e.type"));
    StatementLease lease(*types);
    where.Bind(*types);
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
  typed.And("e.type = ?");
  RENKEI_TRY(Statement * docs, conn.Prepare("SELECT e.doc FROM entities e" + typed.Sql()));
  for (auto& t : page) {
    std::map<std::string, std::set<std::string>> attrs;
    StatementLease lease(*docs);
    int next = where.Bind(*docs);
    docs->Bind(next, t.type);
    for (;;) {
      RENKEI_TRY(bool has_row, docs->Step());
      if (!has_row) break;
      RENKEI_TRY(Entity e, core::DecodeEntity(docs->ColumnText(0)));
      for (const auto& a : e.attributes) attrs[a.name].insert(a.type);
    }
    for (auto& [name, types] : attrs) {
      t.attributes.emplace_back(name, std::vector<std::string>(types.begin(), types.end()));
    }
  }
  return page;
}

}  // namespace renkei::store::sqlite
