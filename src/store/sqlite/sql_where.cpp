#include "store/sqlite/sql_where.hpp"

#include <regex>

namespace renkei::store::sqlite {
namespace {

using core::q::Literal;
using core::q::Operator;

// Names q may treat specially rather than as attributes (Orion lets q filter on the
// entity's id, type and system dates); never pushed down so C++ decides their meaning.
bool IsBuiltinName(const std::string& name) {
  return name == "id" || name == "type" || name == "dateCreated" || name == "dateModified" ||
         name == "dateExpires" || name == "servicePath" || name == "*" || name.empty();
}

bool AllOfKind(const std::vector<const Literal*>& literals, Literal::Kind kind) {
  if (literals.empty()) return false;
  for (const auto* l : literals) {
    if (l->kind != kind) return false;
  }
  return true;
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

std::string AttrRowExists(std::string_view condition) {
  std::string sql = "EXISTS (SELECT 1 FROM attr_index a WHERE a.entity = e.eid AND a.name = ?";
  if (!condition.empty()) {
    sql += " AND ";
    sql += condition;
  }
  sql += ")";
  return sql;
}

// The value part of a comparison, as a condition on attr_index row `a`. It only excludes
// rows whose indexed scalar has the literal's own kind and fails the comparison: a number
// value against number literals, a string against string literals. Every other row (other
// kinds, non-scalars, duplicated names) passes, so the result is a superset of what the C++
// evaluator accepts whatever it decides for mixed kinds.
Fragment ValueCondition(const core::q::Condition& c) {
  Fragment f;
  std::vector<const Literal*> literals;
  if (c.range_low && c.range_high) {
    literals = {&*c.range_low, &*c.range_high};
  } else {
    for (const auto& v : c.values) literals.push_back(&v);
  }
  bool numbers = AllOfKind(literals, Literal::Kind::kNumber);
  bool strings = AllOfKind(literals, Literal::Kind::kString);
  if (!numbers && !strings) return f;
  std::string column = numbers ? "a.num" : "a.txt";
  auto push = [&](const Literal* l) {
    if (numbers) {
      f.values.emplace_back(l->number);
    } else {
      f.values.emplace_back(l->text);
    }
  };
  std::string test;
  switch (c.op) {
    case Operator::kEqual:
      if (c.range_low && c.range_high) {
        test = column + " BETWEEN ? AND ?";
      } else {
        test = column + " IN (" + Placeholders(literals.size()) + ")";
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
      if (!strings || literals.size() != 1) return f;
      try {
        std::regex check(literals[0]->text, std::regex::ECMAScript);
      } catch (const std::regex_error&) {
        return f;  // the evaluator decides what an invalid pattern means
      }
      test = "regexp(?, a.txt)";
      break;
    default:
      return f;
  }
  if (c.op != Operator::kEqual && literals.size() != 1) return Fragment{};
  for (const auto* l : literals) push(l);
  f.sql = "(" + column + " IS NULL OR " + test + ")";
  return f;
}

Fragment TranslateCondition(const core::q::Condition& c) {
  Fragment f;
  const auto& attr = c.path.attribute;
  if (IsBuiltinName(attr)) return f;
  bool top_level = !c.path.metadata && c.path.compound.empty();
  switch (c.op) {
    case Operator::kExists:
      f.sql = AttrRowExists("");
      f.values.emplace_back(attr);
      // `a` tests the attribute itself; `a.b` or `a.md` only needs `a` to exist.
      f.exact = top_level;
      return f;
    case Operator::kNotExists:
      if (!top_level) return f;
      f.sql = "NOT " + AttrRowExists("");
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
  Fragment value = top_level ? ValueCondition(c) : Fragment{};
  f.values.emplace_back(attr);
  f.sql = AttrRowExists(value.sql);
  for (auto& v : value.values) f.values.push_back(std::move(v));
  return f;
}

Fragment TranslateNode(const core::q::Node& node) {
  if (node.kind == core::q::Node::Kind::kCondition) return TranslateCondition(node.condition);
  bool is_and = node.kind == core::q::Node::Kind::kAnd;
  Fragment out;
  out.exact = true;
  std::vector<std::string> parts;
  for (const auto& child : node.children) {
    if (child == nullptr) continue;
    Fragment f = TranslateNode(*child);
    out.exact = out.exact && f.exact;
    if (f.sql.empty()) {
      if (!is_and) return Fragment{};  // one unconstrained alternative: the OR is TRUE
      continue;
    }
    parts.push_back(std::move(f.sql));
    for (auto& v : f.values) out.values.push_back(std::move(v));
  }
  if (parts.empty()) {
    // An AND whose children all were unconstrained; exact only if it had no children.
    return Fragment{{}, {}, out.exact && node.children.empty()};
  }
  out.sql = "(";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.sql += is_and ? " AND " : " OR ";
    out.sql += parts[i];
  }
  out.sql += ")";
  return out;
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

void AddBaseConditions(SqlWhere& where, std::int64_t tenant, base::Timestamp now,
                       const ServicePathScope& scope) {
  where.And("e.tenant = ?", {tenant});
  where.And("(e.expires IS NULL OR e.expires > ?)", {now.millis});
  if (scope.paths.empty()) return;
  std::string sql;
  std::vector<SqlWhere::Value> values;
  for (const auto& p : scope.paths) {
    // Orion: a recursive "/" (or "/#") selects every path.
    if (p.recursive && p.path == "/") return;
    if (!sql.empty()) sql += " OR ";
    sql += "e.service_path = ?";
    values.emplace_back(p.path);
    if (p.recursive) {
      // Descendants of /a are the paths in ["/a/", "/a0"): '0' is the byte after '/', so
      // this range is exactly the "/a/" prefix, uses the index and needs no LIKE escaping.
      sql += " OR (e.service_path >= ? AND e.service_path < ?)";
      values.emplace_back(p.path + "/");
      values.emplace_back(p.path + "0");
    }
  }
  where.And("(" + sql + ")", std::move(values));
}

void AddSelectors(SqlWhere& where, const std::vector<EntitySelector>& selectors) {
  std::string sql;
  std::vector<SqlWhere::Value> values;
  for (const auto& s : selectors) {
    std::string alternative;
    auto add = [&](std::string test, const std::string& v) {
      if (!alternative.empty()) alternative += " AND ";
      alternative += test;
      values.emplace_back(v);
    };
    if (s.id) add("e.id = ?", *s.id);
    if (s.id_pattern) add("regexp(?, e.id)", *s.id_pattern);
    if (s.type) add("e.type = ?", *s.type);
    if (s.type_pattern) add("regexp(?, e.type)", *s.type_pattern);
    if (alternative.empty()) return;  // an empty alternative selects everything
    if (!sql.empty()) sql += " OR ";
    sql += "(" + alternative + ")";
  }
  if (!sql.empty()) where.And("(" + sql + ")", std::move(values));
}

bool AddFilter(SqlWhere& where, const core::q::Filter& filter) {
  if (filter.empty()) return true;
  Fragment f = TranslateNode(*filter.root());
  if (!f.sql.empty()) where.And(std::move(f.sql), std::move(f.values));
  return f.exact;
}

void AddGeo(SqlWhere& where, const core::geo::GeoQuery& geo, const std::string& geo_attribute) {
  // Disjoint matches outside any box; the whole scan is the only pre-filter.
  if (geo.relation == core::geo::Relation::kDisjoint) return;
  auto box = geo.SearchBox();
  if (!(box.min_lon <= box.max_lon && box.min_lat <= box.max_lat)) return;
  std::string sql =
      "e.eid IN (SELECT s.entity FROM geo_index g JOIN geo_shapes s ON s.shape = g.shape "
      "WHERE g.max_lon >= ? AND g.min_lon <= ? AND g.max_lat >= ? AND g.min_lat <= ? AND ";
  std::vector<SqlWhere::Value> values = {box.min_lon, box.max_lon, box.min_lat, box.max_lat};
  if (geo_attribute.empty()) {
    sql += "s.is_default = 1)";
  } else {
    sql += "s.name = ?)";
    values.emplace_back(geo_attribute);
  }
  where.And(std::move(sql), std::move(values));
}

}  // namespace renkei::store::sqlite
