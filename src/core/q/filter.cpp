// Filter::Matches: evaluates a parsed q/mq tree against one entity in memory.
//
// Semantics follow what Orion answers to GET /v2/entities, i.e. the MongoDB query it builds
// (StringFilter::mongoFilterPopulate), since that is what the Orion API manual ("Simple Query
// Language") describes:
// - values compare only within their JSON type (MongoDB type bracketing): `a==23` does not
//   match the string "23", and `a=='23'` does not match the number 23;
// - attributes and metadata of type DateTime (or ISO8601) compare as instants; Orion stores
//   them as seconds since the epoch, so a number literal compares against those seconds;
// - an array value matches when any element does ("or include the value in case the target
//   property value is an array"), and compound paths step into arrays as MongoDB does;
// - every binary operator, `!=` included, requires the target property to exist;
// - `dateCreated`/`dateModified` (and `attr.dateCreated`/`attr.dateModified` in mq) name the
//   system timestamps in binary statements (manual, "User attributes or metadata matching
//   builtin name"); existence statements test for a user attribute of that name, as in Orion.
#include <cstdint>
#include <regex>
#include <span>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "core/q/filter.hpp"

#include <memory>

#include "core/q/ld_filter.hpp"
#include "core/q/operand.hpp"

namespace renkei::core::q {
namespace {

namespace json = boost::json;

// What a path resolves to in one entity: whether the target property exists at all (MongoDB
// $exists) and the operands to compare (array elements expanded one level).
struct Target {
  bool exists = false;
  std::vector<Operand> operands;
  // Holds a synthesised builtin attribute (dateExpires, servicePath) whose strings the
  // operands view; it must live as long as the operands.
  // Allocated only for builtins, so ordinary attributes cost nothing extra.
  std::unique_ptr<Attribute> builtin;
};

double Seconds(base::Timestamp t) { return static_cast<double>(t.millis) / 1000.0; }

Operand DateOperand(base::Timestamp t) {
  Operand o;
  o.kind = Operand::Kind::kNumber;
  o.number = Seconds(t);
  return o;
}

void AddOperands(const json::value& v, Target& target) {
  target.exists = true;
  if (const json::array* array = v.if_array()) {
    for (const json::value& element : *array) target.operands.push_back(ToOperand(element));
  }
  target.operands.push_back(ToOperand(v));
}

std::optional<std::size_t> ArrayIndex(std::string_view segment) {
  if (segment.empty() || segment.size() > 9) return std::nullopt;
  std::size_t index = 0;
  for (char c : segment) {
    if (c < '0' || c > '9') return std::nullopt;
    index = index * 10 + static_cast<std::size_t>(c - '0');
  }
  return index;
}

// MongoDB dotted-path traversal: object keys, numeric segments index arrays, and a
// non-numeric segment on an array looks inside each object element.
void Resolve(const json::value& v, std::span<const std::string> path, Target& target) {
  if (path.empty()) {
    AddOperands(v, target);
    return;
  }
  const std::string& segment = path.front();
  if (const json::object* object = v.if_object()) {
    if (const json::value* child = object->if_contains(segment)) {
      Resolve(*child, path.subspan(1), target);
    }
  } else if (const json::array* array = v.if_array()) {
    if (auto index = ArrayIndex(segment); index && *index < array->size()) {
      Resolve((*array)[*index], path.subspan(1), target);
    }
    for (const json::value& element : *array) {
      if (element.is_object()) Resolve(element, path, target);
    }
  }
}

bool IsDateType(std::string_view type) { return type == "DateTime" || type == "ISO8601"; }

// The value of an attribute or metadata item, seen as Orion stores it.
void ResolveItem(const Attribute& item, const Path& path, Target& target) {
  if (path.compound.empty() && IsDateType(item.type) && item.value.is_string()) {
    if (auto instant = base::ParseIso8601(std::string_view(item.value.get_string()))) {
      target.exists = true;
      target.operands.push_back(DateOperand(*instant));
      return;
    }
  }
  Resolve(item.value, path.compound, target);
}

// Orion keeps dateExpires as an ordinary DateTime attribute; ours lives in Entity::expires_at
// when the codec does not also keep it among the attributes.
const Attribute* FindAttribute(const Entity& entity, const std::string& name,
                               std::unique_ptr<Attribute>& builtin) {
  if (const Attribute* attribute = entity.Find(name)) return attribute;
  if (name == "dateExpires" && entity.expires_at) {
    builtin = std::make_unique<Attribute>();
    builtin->name = name;
    builtin->type = "DateTime";
    builtin->value = json::string(base::FormatIso8601(*entity.expires_at));
    return builtin.get();
  }
  // Orion API manual "Builtin Attributes": servicePath can be used in q filters.
  if (name == "servicePath") {
    builtin = std::make_unique<Attribute>();
    builtin->name = name;
    builtin->type = "Text";
    builtin->value = json::string(entity.service_path);
    return builtin.get();
  }
  return nullptr;
}

Target ResolveTarget(const Entity& entity, const Condition& condition) {
  const Path& path = condition.path;
  const bool binary = condition.op != Operator::kExists && condition.op != Operator::kNotExists;
  Target target;
  if (!path.metadata) {
    // Orion API manual, "User attributes or metadata matching builtin name": filtering uses
    // the builtin even when a user attribute has the same name.
    if (binary && path.compound.empty() &&
        (path.attribute == "dateCreated" || path.attribute == "dateModified")) {
      target.exists = true;
      target.operands.push_back(
          DateOperand(path.attribute == "dateCreated" ? entity.created_at : entity.modified_at));
      return target;
    }
    if (const Attribute* attribute = FindAttribute(entity, path.attribute, target.builtin)) {
      if (path.compound.empty()) target.exists = true;
      ResolveItem(*attribute, path, target);
    }
    return target;
  }

  const Attribute* attribute = FindAttribute(entity, path.attribute, target.builtin);
  if (attribute == nullptr) return target;
  const std::string& md_name = *path.metadata;
  if (binary && path.compound.empty() && (md_name == "dateCreated" || md_name == "dateModified")) {
    target.exists = true;
    target.operands.push_back(
        DateOperand(md_name == "dateCreated" ? attribute->created_at : attribute->modified_at));
    return target;
  }
  if (const Attribute* metadata = attribute->FindMetadata(md_name)) {
    if (path.compound.empty()) target.exists = true;
    ResolveItem(*metadata, path, target);
  }
  return target;
}

// The literal as MongoDB sees it: dates become seconds since the epoch.
Operand LiteralOperand(const Literal& literal) {
  return q::LiteralOperand(literal, DateAs::kEpochSeconds);
}

template <typename Predicate>
bool AnyOperand(const Target& target, Predicate predicate) {
  for (const Operand& o : target.operands) {
    if (predicate(o)) return true;
  }
  return false;
}

bool EqualsAny(const Target& target, const std::vector<Literal>& values) {
  return AnyOperand(target, [&](const Operand& o) {
    for (const Literal& literal : values) {
      if (Equal(o, LiteralOperand(literal))) return true;
    }
    return false;
  });
}

// {$gte: low, $lte: high}: on an array each bound may be met by a different element.
bool WithinRange(const Target& target, const Literal& low, const Literal& high) {
  const Operand lo = LiteralOperand(low);
  const Operand hi = LiteralOperand(high);
  const bool above = AnyOperand(target, [&](const Operand& o) {
    auto c = Compare(o, lo);
    return c && *c >= 0;
  });
  const bool below = AnyOperand(target, [&](const Operand& o) {
    auto c = Compare(o, hi);
    return c && *c <= 0;
  });
  return above && below;
}

bool OrderedMatch(const Target& target, const Literal& literal, bool (*accept)(int)) {
  const Operand lit = LiteralOperand(literal);
  return AnyOperand(target, [&](const Operand& o) {
    auto c = Compare(o, lit);
    return c && accept(*c);
  });
}

bool PatternMatch(const Target& target, const std::regex& pattern) {
  return AnyOperand(target, [&](const Operand& o) {
    if (o.kind != Operand::Kind::kString) return false;
    try {
      // MongoDB $regex finds the pattern anywhere in the string.
      return std::regex_search(o.text.begin(), o.text.end(), pattern);
    } catch (const std::regex_error&) {
      return false;  // complexity or stack limits: treat as no match
    }
  });
}

bool MatchesCondition(const Condition& condition, const Entity& entity) {
  const Target target = ResolveTarget(entity, condition);
  switch (condition.op) {
    case Operator::kExists:
      return target.exists;
    case Operator::kNotExists:
      return !target.exists;
    default:
      break;
  }
  if (!target.exists) return false;
  const bool has_range = condition.range_low && condition.range_high;
  switch (condition.op) {
    case Operator::kEqual:
      return has_range ? WithinRange(target, *condition.range_low, *condition.range_high)
                       : EqualsAny(target, condition.values);
    case Operator::kNotEqual:
      return has_range ? !WithinRange(target, *condition.range_low, *condition.range_high)
                       : !EqualsAny(target, condition.values);
    case Operator::kLess:
    case Operator::kLessEqual:
    case Operator::kGreater:
    case Operator::kGreaterEqual: {
      if (condition.values.empty()) return false;
      bool (*accept)(int) = nullptr;
      if (condition.op == Operator::kLess) accept = [](int c) { return c < 0; };
      if (condition.op == Operator::kLessEqual) accept = [](int c) { return c <= 0; };
      if (condition.op == Operator::kGreater) accept = [](int c) { return c > 0; };
      if (condition.op == Operator::kGreaterEqual) accept = [](int c) { return c >= 0; };
      return OrderedMatch(target, condition.values.front(), accept);
    }
    case Operator::kMatchPattern:
    case Operator::kNotMatchPattern: {  // `!~=` is NGSI-LD's; NGSIv2 trees have it only by hand
      const bool negate = condition.op == Operator::kNotMatchPattern;
      if (condition.pattern != nullptr) return PatternMatch(target, *condition.pattern) != negate;
      // A tree built by hand rather than by the parser: compile here, once per call.
      if (condition.values.empty()) return false;
      try {
        return PatternMatch(target, std::regex(condition.values.front().text)) != negate;
      } catch (const std::regex_error&) {
        return false;
      }
    }
    case Operator::kExists:
    case Operator::kNotExists:
      break;
  }
  return false;
}

using ConditionEvaluator = bool (*)(const Condition&, const Entity&);

bool MatchesNode(const Node& node, const Entity& entity, ConditionEvaluator evaluate) {
  switch (node.kind) {
    case Node::Kind::kCondition:
      return evaluate(node.condition, entity);
    case Node::Kind::kAnd:
      for (const NodePtr& child : node.children) {
        if (child && !MatchesNode(*child, entity, evaluate)) return false;
      }
      return true;
    case Node::Kind::kOr:
      for (const NodePtr& child : node.children) {
        if (child && MatchesNode(*child, entity, evaluate)) return true;
      }
      return false;
  }
  return false;
}

}  // namespace

bool Filter::Matches(const Entity& entity) const {
  if (root_ == nullptr) return true;
  // The And/Or walk is shared; what a condition means is the dialect's (NGSI-LD: §4.9).
  return MatchesNode(*root_, entity,
                     dialect_ == Dialect::kNgsiLd ? &MatchesLdCondition : &MatchesCondition);
}

}  // namespace renkei::core::q
