#include "store/sqlite/sql_where.hpp"

#include <algorithm>
#include <regex>
#include <set>

#include "store/sqlite/geo_cell.hpp"

namespace renkei::store::sqlite {
namespace {

using core::q::Dialect;
using core::q::Literal;
using core::q::Operator;

// Names q may treat specially rather than as attributes (Orion lets q filter on the
// entity's id, type and system dates); never pushed down so C++ decides their meaning.
bool IsBuiltinName(const std::string& name) {
  return name == "id" || name == "type" || name == "dateCreated" || name == "dateModified" ||
         name == "dateExpires" || name == "servicePath" || name == "*" || name.empty();
}

std::string Placeholders(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += i == 0 ? "?" : ", ?";
  return s;
}

struct Fragment {
  std::string sql;  // empty: no constraint (TRUE)
  std::vector<SqlWhere::Value> values;
  bool exact = false;
};

std::string AttrRowExists(const FilterContext& context, std::string_view condition) {
  std::string sql = "EXISTS (SELECT 1 FROM attr_index a WHERE a.entity = " + context.entity_column +
                    " AND a.name = ?";
  if (!condition.empty()) {
    sql += " AND ";
    sql += condition;
  }
  sql += ")";
  return sql;
}

// The literals of a comparison as attr_index compares them: all numbers (a date-time literal
// is its instant in seconds, as the evaluator sees it) or all strings; nullopt otherwise.
struct Operands {
  bool numbers = false;
  std::vector<SqlWhere::Value> values;
};

std::optional<Operands> ComparableLiterals(const core::q::Condition& c) {
  std::vector<const Literal*> literals;
  if (c.range_low && c.range_high) {
    literals = {&*c.range_low, &*c.range_high};
  } else {
    for (const auto& v : c.values) literals.push_back(&v);
  }
  if (literals.empty()) return std::nullopt;
  auto numeric = [](const Literal* l) {
    return l->kind == Literal::Kind::kNumber || l->kind == Literal::Kind::kDateTime;
  };
  Operands out;
  out.numbers = numeric(literals.front());
  for (const auto* l : literals) {
    if (out.numbers) {
      if (!numeric(l)) return std::nullopt;
      out.values.emplace_back(l->kind == Literal::Kind::kNumber
                                  ? l->number
                                  : static_cast<double>(l->instant.millis) / 1000.0);
    } else {
      if (l->kind != Literal::Kind::kString) return std::nullopt;
      out.values.emplace_back(l->text);
    }
  }
  return out;
}

// NGSI-LD q (core/q/ld_filter.cpp) differs from the NGSIv2 evaluator that attr_index mirrors:
// any instance of a multi-attribute may match, a LanguageProperty's strings count, string
// values meet date literals as instants, and top-level createdAt/modifiedAt are the entity's
// times. Only comparisons with number literals on a top-level attribute are translated for
// it, as a superset: every entity LD accepts has an attr_index row with that number (strings,
// objects and language maps never equal a number in LD either; arrays and repeated names are
// opaque rows, let through). C++ always re-checks an LD filter.
// ==, <, <=, >, >=: the comparisons attr_index's value columns can answer.
bool IsOrderComparison(Operator op) {
  switch (op) {
    case Operator::kEqual:
    case Operator::kLess:
    case Operator::kLessEqual:
    case Operator::kGreater:
    case Operator::kGreaterEqual:
      return true;
    default:
      return false;
  }
}

// An LD condition on a top-level attribute itself (not a sub-attribute, a compound key or
// the entity's createdAt/modifiedAt).
bool IsLdTopLevel(const core::q::Condition& c) {
  const auto& name = c.path.attribute;
  return !IsBuiltinName(name) && name != "createdAt" && name != "modifiedAt" && !c.path.metadata &&
         c.path.compound.empty() && c.path.sub_attributes.empty();
}

bool IsLdNumberComparison(const core::q::Condition& c) {
  if (!IsLdTopLevel(c) || !IsOrderComparison(c.op)) return false;
  const auto operands = ComparableLiterals(c);
  if (!operands || !operands->numbers) return false;
  auto plain_number = [](const Literal& l) { return l.kind == Literal::Kind::kNumber; };
  if (c.range_low && c.range_high) return plain_number(*c.range_low) && plain_number(*c.range_high);
  return std::all_of(c.values.begin(), c.values.end(), plain_number);
}

// A top-level comparison whose SQL form on attr_index is exact for rows that are not opaque
// (NGSIv2), or a superset (NGSI-LD, see IsLdNumberComparison).
bool IsValueComparison(const core::q::Condition& c, Dialect dialect) {
  if (dialect == Dialect::kNgsiLd) return IsLdNumberComparison(c);
  if (IsBuiltinName(c.path.attribute) || c.path.metadata || !c.path.compound.empty()) {
    return false;
  }
  return (IsOrderComparison(c.op) || c.op == Operator::kMatchPattern) &&
         ComparableLiterals(c).has_value();
}

// The value part of a top-level comparison, as a condition on attr_index row `a`.
// attr_index holds each value as the evaluator compares it (entity_rows.cpp): a row's `num`
// (`txt`) is set exactly when the evaluator sees one number (string), so for number (string)
// literals `a.num <op> ?` (`a.txt <op> ?`) accepts exactly the rows the evaluator accepts:
// rows of another kind, objects, booleans and nulls never match either way. SQLite compares
// REAL as double and TEXT with BINARY collation (memcmp), as the evaluator does.
// Opaque rows (arrays, repeated names) are let through and left to C++. Patterns stay a
// superset: REGEXP is std::regex like the evaluator, but the parser owns the flags.
Fragment ValueCondition(const core::q::Condition& c, const FilterContext& context) {
  Fragment f;
  auto operands = ComparableLiterals(c);
  if (!operands) return f;
  std::string column = operands->numbers ? "a.num" : "a.txt";
  std::size_t n = operands->values.size();
  std::string test;
  bool exact = true;
  switch (c.op) {
    case Operator::kEqual:
      if (c.range_low && c.range_high) {
        test = column + " BETWEEN ? AND ?";
      } else {
        test = n == 1 ? column + " = ?" : column + " IN (" + Placeholders(n) + ")";
      }
      break;
    case Operator::kLess:
      test = column + " < ?";
      break;
    case Operator::kLessEqual:
      test = column + " <= ?";
      break;
    case Operator::kGreater:
      test = column + " > ?";
      break;
    case Operator::kGreaterEqual:
      test = column + " >= ?";
      break;
    case Operator::kMatchPattern:
      if (operands->numbers || n != 1) return f;
      try {
        std::regex check(std::get<std::string>(operands->values[0]), std::regex::ECMAScript);
      } catch (const std::regex_error&) {
        return f;  // the evaluator decides what an invalid pattern means
      }
      test = "regexp(?, a.txt)";
      exact = false;
      break;
    default:
      return f;
  }
  if (c.op != Operator::kEqual && n != 1) return f;
  f.values = std::move(operands->values);
  if (context.opaque_names.contains(c.path.attribute)) {
    f.sql = "(a.opaque = 1 OR " + test + ")";
    f.exact = false;
  } else {
    f.sql = test;
    f.exact = exact;
  }
  return f;
}

Fragment TranslateCondition(const core::q::Condition& c, const FilterContext& context,
                            Dialect dialect) {
  Fragment f;
  const auto& attr = c.path.attribute;
  if (IsBuiltinName(attr)) return f;
  // Without complete attr_index rows for the name, SQL cannot decide: C++ does.
  if (!context.indexed_names.contains(attr)) return f;
  if (dialect == Dialect::kNgsiLd) {
    // Existence of a top-level attribute means the same in both dialects; every other LD
    // condition is either a number comparison (a superset, below) or left to C++.
    if (c.op == Operator::kExists && IsLdTopLevel(c)) {
      f.sql = AttrRowExists(context, "");
      f.values.emplace_back(attr);
      return f;
    }
    if (!IsLdNumberComparison(c)) return f;
    Fragment value = ValueCondition(c, context);
    f.values.emplace_back(attr);
    f.sql = AttrRowExists(context, value.sql);
    for (auto& v : value.values) f.values.push_back(std::move(v));
    return f;  // never exact: C++ re-checks
  }
  bool top_level = !c.path.metadata && c.path.compound.empty();
  switch (c.op) {
    case Operator::kExists:
      f.sql = AttrRowExists(context, "");
      f.values.emplace_back(attr);
      // `a` tests the attribute itself; `a.b` or `a.md` only needs `a` to exist.
      f.exact = top_level;
      return f;
    case Operator::kNotExists:
      if (!top_level) return f;
      f.sql = "NOT " + AttrRowExists(context, "");
      f.values.emplace_back(attr);
      f.exact = true;
      return f;
    case Operator::kNotEqual:
      // Whether != matches entities lacking the attribute is the evaluator's call.
      return f;
    default:
      break;
  }
  // Positive comparisons need the attribute to exist.
  Fragment value = IsValueComparison(c, dialect) ? ValueCondition(c, context) : Fragment{};
  f.values.emplace_back(attr);
  f.sql = AttrRowExists(context, value.sql);
  f.exact = !value.sql.empty() && value.exact;
  for (auto& v : value.values) f.values.push_back(std::move(v));
  return f;
}

Fragment TranslateNode(const core::q::Node& node, const FilterContext& context, Dialect dialect,
                       const core::q::Node* skip = nullptr) {
  if (node.kind == core::q::Node::Kind::kCondition) {
    return TranslateCondition(node.condition, context, dialect);
  }
  bool is_and = node.kind == core::q::Node::Kind::kAnd;
  Fragment out;
  out.exact = true;
  std::vector<std::string> parts;
  for (const auto& child : node.children) {
    if (child == nullptr || child.get() == skip) continue;
    Fragment f = TranslateNode(*child, context, dialect);
    out.exact = out.exact && f.exact;
    if (f.sql.empty()) {
      if (!is_and) return Fragment{};  // one unconstrained alternative: the OR is TRUE
      continue;
    }
    parts.push_back(std::move(f.sql));
    for (auto& v : f.values) out.values.push_back(std::move(v));
  }
  if (parts.empty()) {
    // Every child was unconstrained (or the driver): exact only if each was exact.
    return Fragment{{}, {}, out.exact};
  }
  out.sql = "(";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.sql += is_and ? " AND " : " OR ";
    out.sql += parts[i];
  }
  out.sql += ")";
  return out;
}

// The attribute names of the conditions of `node` that `wanted` accepts.
template <typename Wanted>
void CollectNames(const core::q::Node& node, const Wanted& wanted, std::set<std::string>& names) {
  if (node.kind == core::q::Node::Kind::kCondition) {
    if (wanted(node.condition)) names.insert(node.condition.path.attribute);
    return;
  }
  for (const auto& child : node.children) {
    if (child != nullptr) CollectNames(*child, wanted, names);
  }
}

// A conjunct of the filter's top-level AND (or the filter itself) that can drive the plan:
// an exact `attr == one literal` whose index range lists entities in eid order.
const core::q::Node* FindDrivingNode(const core::q::Node& root, const FilterContext& context,
                                     Dialect dialect) {
  auto drives = [&](const core::q::Node& node) {
    if (node.kind != core::q::Node::Kind::kCondition) return false;
    const auto& c = node.condition;
    return c.op == Operator::kEqual && !c.range_low && c.values.size() == 1 &&
           IsValueComparison(c, dialect) && context.indexed_names.contains(c.path.attribute) &&
           !context.opaque_names.contains(c.path.attribute);
  };
  if (drives(root)) return &root;
  if (root.kind != core::q::Node::Kind::kAnd) return nullptr;
  for (const auto& child : root.children) {
    if (child != nullptr && drives(*child)) return child.get();
  }
  return nullptr;
}

}  // namespace

void SqlWhere::And(std::string clause, std::vector<Value> values) {
  clauses_.push_back(std::move(clause));
  for (auto& v : values) values_.push_back(std::move(v));
}

std::string SqlWhere::Sql() const {
  std::string sql;
  for (std::size_t i = 0; i < clauses_.size(); ++i) {
    sql += i == 0 ? " WHERE " : " AND ";
    sql += clauses_[i];
  }
  return sql;
}

int SqlWhere::Bind(Statement& stmt, int first) const {
  int index = first;
  for (const auto& v : values_) {
    std::visit([&](const auto& x) { stmt.Bind(index, x); }, v);
    ++index;
  }
  return index;
}

namespace {

// The SQL test of `scope` on `column`, or "" when it covers every path.
std::string ScopeSql(const ServicePathScope& scope, const std::string& column,
                     std::vector<SqlWhere::Value>& values) {
  std::string sql;
  for (const auto& p : scope.paths) {
    // Orion: a recursive "/" (or "/#") selects every path.
    if (p.recursive && p.path == "/") return "";
  }
  for (const auto& p : scope.paths) {
    if (!sql.empty()) sql += " OR ";
    sql += column + " = ?";
    values.emplace_back(p.path);
    if (p.recursive) {
      // Descendants of /a are the paths in ["/a/", "/a0"): '0' is the byte after '/', so
      // this range is exactly the "/a/" prefix, uses the index and needs no LIKE escaping.
      sql += " OR (" + column + " >= ? AND " + column + " < ?)";
      values.emplace_back(p.path + "/");
      values.emplace_back(p.path + "0");
    }
  }
  return sql;
}

}  // namespace

void AddBaseConditions(SqlWhere& where, std::int64_t tenant, base::Timestamp now,
                       const ServicePathScope& scope, Indexing indexing) {
  where.And(indexing == Indexing::kNone ? "+e.tenant = ?" : "e.tenant = ?", {tenant});
  where.And("(e.expires IS NULL OR e.expires > ?)", {now.millis});
  const std::string column = indexing == Indexing::kAll ? "e.service_path" : "+e.service_path";
  std::vector<SqlWhere::Value> values;
  std::string sql = ScopeSql(scope, column, values);
  if (!sql.empty()) where.And("(" + sql + ")", std::move(values));
}

void AddSelectors(SqlWhere& where, const std::vector<EntitySelector>& selectors,
                  Indexing indexing) {
  const std::string plus = indexing == Indexing::kNone ? "+" : "";
  std::string sql;
  std::vector<SqlWhere::Value> values;
  for (const auto& s : selectors) {
    std::string alternative;
    auto add = [&](std::string test, const std::string& v) {
      if (!alternative.empty()) alternative += " AND ";
      alternative += test;
      values.emplace_back(v);
    };
    if (s.id) add(plus + "e.id = ?", *s.id);
    if (s.id_pattern) add("regexp(?, e.id)", *s.id_pattern);
    if (s.type && s.type_in_any) {
      // The primary type through the entities index, the others through entity_types.
      add("(" + plus + "e.type = ? OR " + plus +
              "e.eid IN (SELECT entity FROM entity_types WHERE type = ?))",
          *s.type);
      values.emplace_back(*s.type);
    } else if (s.type) {
      add(plus + "e.type = ?", *s.type);
    }
    if (s.type_pattern) add("regexp(?, e.type)", *s.type_pattern);
    if (alternative.empty()) return;  // an empty alternative selects everything
    if (!sql.empty()) sql += " OR ";
    sql += "(" + alternative + ")";
  }
  if (!sql.empty()) where.And("(" + sql + ")", std::move(values));
}

void AddGrantRestriction(SqlWhere& where, const std::vector<ReadGrant>& grants) {
  std::string sql;
  std::vector<SqlWhere::Value> values;
  for (const auto& grant : grants) {
    std::string alternative;
    if (grant.types) {
      if (grant.types->empty()) continue;
      alternative = "e.type IN (" + Placeholders(grant.types->size()) + ")";
      for (const auto& type : *grant.types) values.emplace_back(type);
    }
    // `+`: the tenant's (type) or (service_path) index is chosen by the other conditions.
    const std::string paths = ScopeSql(grant.paths, "+e.service_path", values);
    if (!paths.empty()) {
      alternative += (alternative.empty() ? "(" : " AND (") + paths + ")";
    }
    if (alternative.empty()) return;  // a grant of everything: no restriction
    if (!sql.empty()) sql += " OR ";
    sql += "(" + alternative + ")";
  }
  where.And(sql.empty() ? "0" : "(" + sql + ")", std::move(values));
}

void AddPersonalRestriction(SqlWhere& where, const PersonalReadScope& scope,
                            const std::string& entity_column) {
  if (scope.types.empty()) return;
  auto in_list = [](const std::vector<std::string>& types, std::vector<SqlWhere::Value>& values) {
    for (const auto& type : types) values.emplace_back(type);
    return "(" + Placeholders(types.size()) + ")";
  };
  // The owner is the entity's `owner` attribute as a plain string: attr_index holds it in
  // `txt` (entity_rows.cpp); an array, a repeated name or another kind never matches.
  const std::string owner_row = "SELECT 1 FROM attr_index o WHERE o.entity = " + entity_column +
                                " AND o.name = 'owner' AND o.txt IS NOT NULL";
  std::vector<SqlWhere::Value> values;
  std::string sql = "(e.type NOT IN " + in_list(scope.types, values);
  if (!scope.own_types.empty() && !scope.subject.empty()) {
    sql += " OR (e.type IN " + in_list(scope.own_types, values) + " AND EXISTS (" + owner_row +
           " AND o.txt = ?))";
    values.emplace_back(scope.subject);
  }
  if (!scope.consent_types.empty() && !scope.app.empty()) {
    // A live consent of the owner to this app that lists the entity's type (consents_live).
    sql += " OR (e.type IN " + in_list(scope.consent_types, values) + " AND EXISTS (" + owner_row +
           " AND EXISTS (SELECT 1 FROM consents c WHERE c.tenant = ? AND c.app = ? AND "
           "c.resident = o.txt AND c.revoked IS NULL AND c.expires > ? AND EXISTS (SELECT 1 "
           "FROM json_each(c.types) ct WHERE ct.value = e.type))))";
    values.emplace_back(scope.tenant);
    values.emplace_back(scope.app);
    values.emplace_back(scope.now.millis);
  }
  sql += ")";
  // A personal type among an entity's other types (NGSI-LD §4.17) would escape the rule on
  // its primary type: such entities are not shown to anyone under the rule.
  sql += " AND NOT EXISTS (SELECT 1 FROM entity_types s WHERE s.entity = " + entity_column +
         " AND s.type IN " + in_list(scope.types, values) + ")";
  where.And(sql, std::move(values));
}

void AddTypeProbe(SqlWhere& where, std::int64_t tenant,
                  const std::vector<EntitySelector>& selectors) {
  std::vector<SqlWhere::Value> values = {tenant};
  for (const auto& s : selectors) {
    // A type that may also be a secondary type (§4.17) is not in entities_type: no probe;
    // AddSelectors' condition still decides.
    if (!s.type || s.type_in_any || s.id || s.id_pattern || s.type_pattern) return;
    values.emplace_back(*s.type);
  }
  if (values.size() == 1) return;
  // INDEXED BY: with the rowid pinned SQLite would otherwise read the table row itself.
  std::string sql =
      "EXISTS (SELECT 1 FROM entities t INDEXED BY entities_type WHERE t.tenant = ? AND t.type "
      "IN (" +
      Placeholders(values.size() - 1) + ") AND t.eid = d.entity)";
  where.And(std::move(sql), std::move(values));
}

std::set<std::string> ReferencedNames(const core::q::Filter& filter) {
  std::set<std::string> names;
  auto attribute = [](const core::q::Condition& c) { return !IsBuiltinName(c.path.attribute); };
  if (!filter.empty()) CollectNames(*filter.root(), attribute, names);
  return names;
}

std::set<std::string> ComparedNames(const core::q::Filter& filter) {
  std::set<std::string> names;
  auto compared = [dialect = filter.dialect()](const core::q::Condition& c) {
    return IsValueComparison(c, dialect);
  };
  if (!filter.empty()) CollectNames(*filter.root(), compared, names);
  return names;
}

std::optional<Driver> FindDriver(const core::q::Filter& filter, const FilterContext& context) {
  if (filter.empty()) return std::nullopt;
  const core::q::Node* node = FindDrivingNode(*filter.root(), context, filter.dialect());
  if (node == nullptr) return std::nullopt;
  const auto& c = node->condition;
  auto operands = ComparableLiterals(c);
  return Driver{node, c.path.attribute, operands->numbers ? "d.num" : "d.txt",
                std::move(operands->values.front())};
}

bool AddFilter(SqlWhere& where, const core::q::Filter& filter, const FilterContext& context,
               const Driver* driver) {
  if (filter.empty()) return true;
  const Dialect dialect = filter.dialect();
  const core::q::Node* driving = driver != nullptr ? driver->node : nullptr;
  Fragment f = driving == filter.root().get()
                   ? Fragment{{}, {}, true}
                   : TranslateNode(*filter.root(), context, dialect, driving);
  if (!f.sql.empty()) where.And(std::move(f.sql), std::move(f.values));
  // An NGSI-LD translation is a superset (IsLdNumberComparison): C++ always decides.
  return f.exact && dialect == Dialect::kNgsiV2;
}

bool HasGeoBox(const core::geo::GeoQuery& geo) {
  // Disjoint matches outside any box; the whole scan is the only pre-filter.
  if (geo.relation == core::geo::Relation::kDisjoint) return false;
  auto box = geo.SearchBox();
  return box.min_lon <= box.max_lon && box.min_lat <= box.max_lat;
}

void AddGeo(SqlWhere& where, std::int64_t tenant, const core::geo::GeoQuery& geo,
            const std::string& geo_attribute) {
  if (!HasGeoBox(geo)) return;
  auto box = geo.SearchBox();
  std::vector<SqlWhere::Value> values;
  // Points: each cell range of the box is a range scan of geo_points' key (VALUES outer,
  // CROSS JOIN keeps that order), the exact box tested on the row.
  std::string sql = "e.eid IN (SELECT p.entity FROM (VALUES ";
  const auto ranges = GeoCellRanges(box);
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    sql += i == 0 ? "(?, ?)" : ", (?, ?)";
    values.emplace_back(ranges[i].first);
    values.emplace_back(ranges[i].last);
  }
  sql +=
      ") r CROSS JOIN geo_points p WHERE p.tenant = ? AND p.cell BETWEEN r.column1 AND "
      "r.column2 AND p.lon BETWEEN ? AND ? AND p.lat BETWEEN ? AND ? AND ";
  values.emplace_back(tenant);
  values.emplace_back(box.min_lon);
  values.emplace_back(box.max_lon);
  values.emplace_back(box.min_lat);
  values.emplace_back(box.max_lat);
  sql += geo_attribute.empty() ? "p.is_default = 1" : "p.name = ?";
  if (!geo_attribute.empty()) values.emplace_back(geo_attribute);
  // Other geometries: their boxes in the R*Tree.
  sql +=
      " UNION ALL SELECT s.entity FROM geo_index g JOIN geo_shapes s ON s.shape = g.shape "
      "WHERE g.max_lon >= ? AND g.min_lon <= ? AND g.max_lat >= ? AND g.min_lat <= ? AND ";
  values.emplace_back(box.min_lon);
  values.emplace_back(box.max_lon);
  values.emplace_back(box.min_lat);
  values.emplace_back(box.max_lat);
  if (geo_attribute.empty()) {
    sql += "s.is_default = 1)";
  } else {
    sql += "s.name = ?)";
    values.emplace_back(geo_attribute);
  }
  where.And(std::move(sql), std::move(values));
}

}  // namespace renkei::store::sqlite
