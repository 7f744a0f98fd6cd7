// SqlWhere: a WHERE clause under construction with its bound values in placeholder order,
// and the translators that push parts of an EntityQuery into it. Each translator reports
// whether its SQL is exact (then C++ need not re-check that part) or only a superset.
#pragma once

#include <cstdint>
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

// Entities of the tenant, not expired at `now`, inside `scope`. Always exact.
void AddBaseConditions(SqlWhere& where, std::int64_t tenant, base::Timestamp now,
                       const ServicePathScope& scope);
// OR of the selectors (exact; patterns through the REGEXP function).
void AddSelectors(SqlWhere& where, const std::vector<EntitySelector>& selectors);
// Pushes a q or mq filter through attr_index. Returns true when the SQL is exact.
bool AddFilter(SqlWhere& where, const core::q::Filter& filter);
// R*Tree pre-filter for a geo-query (never exact; geometry is re-checked in C++).
void AddGeo(SqlWhere& where, const core::geo::GeoQuery& geo, const std::string& geo_attribute);

}  // namespace renkei::store::sqlite
