// SqlWhere: a WHERE clause under construction with its bound values in placeholder order,
// and the translators that push parts of an EntityQuery into it. Each translator reports
// whether its SQL is exact (then C++ need not re-check that part) or only a superset.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "core/q/ast.hpp"
#include "store/entity_query.hpp"
#include "store/sqlite/connection.hpp"

namespace renkei::store::sqlite {

class SqlWhere {
 public:
  using Value = std::variant<std::int64_t, double, std::string>;

  // Adds `clause` (with `?` placeholders for `values`, in order), ANDed with the rest.
  void And(std::string clause, std::vector<Value> values = {});
  // " WHERE a AND b ..." or "" when empty.
  std::string Sql() const;
  // Binds all values starting at placeholder `first`; returns the next free index.
  int Bind(Statement& stmt, int first = 1) const;

 private:
  std::vector<std::string> clauses_;
  std::vector<SqlWhere::Value> values_;
};

// Which entity columns a clause may offer the planner as index keys. SQLite has no statistics
// on a fresh database (and ours are never analysed), so it picks among equally long index
// prefixes blindly: (tenant, service_path) for `service_path = '/'` walks the whole tenant.
// A column written as `+e.col` cannot use an index, which leaves the plan to the key we mean.
enum class Indexing {
  kAll,             // every condition may use its index
  kNotServicePath,  // id lookups: the unique (tenant, id, type, service_path) key must drive
  kNone,            // another source drives (the R*Tree): no entity index at all
};

// Entities of the tenant, not expired at `now`, inside `scope`. Always exact.
void AddBaseConditions(SqlWhere& where, std::int64_t tenant, base::Timestamp now,
                       const ServicePathScope& scope, Indexing indexing = Indexing::kAll);
// OR of the selectors (exact; patterns through the REGEXP function).
void AddSelectors(SqlWhere& where, const std::vector<EntitySelector>& selectors,
                  Indexing indexing = Indexing::kAll);
// Only entities that one of `grants` covers (EntityQuery::only_grants); nothing when empty.
// Exact.
void AddGrantRestriction(SqlWhere& where, const std::vector<ReadGrant>& grants);
// The read rule for personal entities (EntityQuery::personal): what the caller may not read
// of the personal types is left out, through the owner's attr_index row and the consents
// table (migration 9). `entity_column` as FilterContext's. Exact.
void AddPersonalRestriction(SqlWhere& where, const PersonalReadScope& scope,
                            const std::string& entity_column = "e.eid");
// What AddFilter must know of the tenant's attr_index: the attribute names (among
// ComparedNames) that have opaque rows (arrays, repeated names). Comparisons on those are
// supersets re-checked in C++; on the others they are exact.
struct FilterContext {
  std::set<std::string> opaque_names;
  // The names (among ReferencedNames) whose attr_index rows are complete (ADR 0018): a
  // condition on any other name is left to C++.
  std::set<std::string> indexed_names;
  // The column the attr_index probes correlate with: `d.entity` when attr_index drives
  // (FindDriver), so SQLite tests them on the index row before it reads the entity's row
  // (a page of the large entities table per candidate), else `e.eid`.
  std::string entity_column = "e.eid";
};
// Attribute names of the filter's top-level value comparisons (to probe for opaque rows).
std::set<std::string> ComparedNames(const core::q::Filter& filter);
// Attribute names any condition of the filter tests (to probe for their value indexes).
std::set<std::string> ReferencedNames(const core::q::Filter& filter);

// An exact `attr == literal` conjunct that drives the plan from attr_index's value index
// instead of being tested per entity: FROM attr_index d CROSS JOIN entities e ON e.eid =
// d.entity WHERE d.tenant = ? AND d.name = `attribute` AND `column` = `value`. Its rows come
// in entity (eid) order, so ORDER BY d.entity needs no sort and LIMIT stops early.
struct Driver {
  const core::q::Node* node = nullptr;  // the conjunct, in the filter it was found in
  std::string attribute;
  std::string column;  // "d.num" or "d.txt"
  SqlWhere::Value value;
};

// The conjunct of `filter` that can drive the plan, if any.
std::optional<Driver> FindDriver(const core::q::Filter& filter, const FilterContext& context);

// Pushes a q or mq filter through attr_index. Returns true when the SQL is exact. With
// `driver` (found by FindDriver in this filter), its conjunct is left out of `where`.
bool AddFilter(SqlWhere& where, const core::q::Filter& filter, const FilterContext& context,
               const Driver* driver = nullptr);

// When attr_index drives and every selector is one exact type: the type test as a probe of
// the (tenant, type) index keyed by d.entity, before the entity's row is read. That index is
// small enough to stay in the page cache; the entities table (whole documents) is not, so a
// candidate of another type costs an index probe instead of a table page. A pre-filter only:
// AddSelectors' exact test on `e` stays.
void AddTypeProbe(SqlWhere& where, std::int64_t tenant,
                  const std::vector<EntitySelector>& selectors);
// R*Tree pre-filter for a geo-query (never exact; geometry is re-checked in C++). Returns
// false when there is no box to search (disjoint): nothing was added. Meant to drive the
// plan (`e.eid IN (...)` over a list in eid order), so the other conditions should be built
// with Indexing::kNone.
bool HasGeoBox(const core::geo::GeoQuery& geo);
// Points are found through geo_points (cell ranges of the box, geo_cell.hpp), other geometries
// through the R*Tree.
void AddGeo(SqlWhere& where, std::int64_t tenant, const core::geo::GeoQuery& geo,
            const std::string& geo_attribute);

}  // namespace renkei::store::sqlite
