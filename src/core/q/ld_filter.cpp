// NGSI-LD evaluation of one q Condition against an entity, ETSI GS CIM 009 v1.8 §4.9. The
// And/Or walk is Filter::Matches's (core/q/filter.cpp); comparisons within a type are
// core/q/operand.hpp's, shared with NGSIv2. What differs from NGSIv2 lives here: how the
// target element is found (multi-attribute instances, sub-attribute paths, attribute
// members, Relationship objects, language maps) and how dates compare (as instants).
#include <regex>
#include <span>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "core/q/ld_filter.hpp"
#include "core/q/operand.hpp"

namespace renkei::core::q {
namespace {

namespace json = boost::json;

// The target element of one attribute instance (§4.9 "target element"): whether it exists
// and the operands its value offers (array elements and language-map strings one by one).
struct Target {
  bool exists = false;
  bool relationship = false;  // the object of a Relationship or ListRelationship
  std::vector<Operand> operands;
};

Operand Instant(base::Timestamp t) {
  Operand o;
  o.kind = Operand::Kind::kInstant;
  o.number = static_cast<double>(t.millis);
  return o;
}

Operand Text(std::string_view s) {
  Operand o;
  o.kind = Operand::Kind::kString;
  o.text = s;
  return o;
}

// A scalar, or a JSON-LD value object {"@type": ..., "@value": ...} read as its @value.
void AddScalar(const json::value& v, Target& target) {
  const json::object* object = v.if_object();
  if (object != nullptr) {
    if (const json::value* inner = object->if_contains("@value")) {
      target.operands.push_back(ToOperand(*inner));
      return;
    }
  }
  target.operands.push_back(ToOperand(v));
}

// §4.9: an array value matches when one of its elements does; a language map offers the
// strings of every language.
void AddValue(const json::value& v, bool language_map, Target& target) {
  target.exists = true;
  if (const json::array* array = v.if_array()) {
    for (const json::value& element : *array) AddScalar(element, target);
  } else if (const json::object* object = v.if_object(); object != nullptr && language_map) {
    for (const auto& member : *object) {
      if (const json::array* strings = member.value().if_array()) {
        for (const json::value& s : *strings) AddScalar(s, target);
      } else {
        AddScalar(member.value(), target);
      }
    }
  } else {
    AddScalar(v, target);
  }
}

// §4.9 compoundAttrName: the bracketed keys are a member expression into the value; an
// undefined member makes the target non-existent. Arrays are stepped into by index or, for
// a key, element by element. `*` is any language of a LanguageProperty's map.
void Resolve(const json::value& v, std::span<const std::string> keys, bool language,
             Target& target) {
  if (keys.empty()) {
    AddValue(v, language, target);
    return;
  }
  const std::string& key = keys.front();
  if (const json::object* object = v.if_object()) {
    if (language && key == "*") {
      for (const auto& member : *object) AddValue(member.value(), false, target);
    } else if (const json::value* child = object->if_contains(key)) {
      Resolve(*child, keys.subspan(1), false, target);
    }
  } else if (const json::array* array = v.if_array()) {
    for (const json::value& element : *array) Resolve(element, keys, false, target);
  }
}

// The member a path's last name may address instead of a sub-attribute (§4.9 attribute
// paths; system members §4.8). Returns false when `name` is not such a member or is unset.
bool AddMember(const Attribute& item, std::string_view name, Target& target) {
  if (name == "observedAt" && item.observed_at) {
    target.operands.push_back(Instant(*item.observed_at));
  } else if (name == "unitCode" && item.unit_code) {
    target.operands.push_back(Text(*item.unit_code));
  } else if (name == "datasetId" && item.dataset_id) {
    target.operands.push_back(Text(*item.dataset_id));
  } else if (name == "createdAt" || name == "modifiedAt") {
    target.operands.push_back(Instant(name == "createdAt" ? item.created_at : item.modified_at));
  } else {
    return false;
  }
  target.exists = true;
  return true;
}

// One instance of the attribute: walk the sub-attribute names, then the compound keys.
Target ResolveInstance(const Attribute& attribute, const Path& path) {
  Target target;
  const Attribute* item = &attribute;
  std::vector<std::string_view> names;
  if (path.metadata) names.push_back(*path.metadata);
  for (const std::string& name : path.sub_attributes) names.push_back(name);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i + 1 == names.size() && path.compound.empty() && AddMember(*item, names[i], target)) {
      return target;
    }
    item = item->FindMetadata(names[i]);
    if (item == nullptr) return target;
  }
  target.relationship =
      item->kind == AttributeKind::kRelationship || item->kind == AttributeKind::kListRelationship;
  Resolve(item->value, path.compound, item->kind == AttributeKind::kLanguageProperty, target);
  return target;
}

// Every instance's target: a multi-attribute has one Attribute per datasetId. Top-level
// createdAt/modifiedAt are the entity's system times.
std::vector<Target> ResolveTargets(const Entity& entity, const Path& path) {
  std::vector<Target> targets;
  if (!path.metadata && path.compound.empty() &&
      (path.attribute == "createdAt" || path.attribute == "modifiedAt")) {
    Target& t = targets.emplace_back();
    t.exists = true;
    t.operands.push_back(
        Instant(path.attribute == "createdAt" ? entity.created_at : entity.modified_at));
    return targets;
  }
  for (const Attribute& attribute : entity.attributes) {
    if (attribute.name == path.attribute) targets.push_back(ResolveInstance(attribute, path));
  }
  return targets;
}

// §4.9: "When comparing dates or times, the order relation considered shall be a temporal
// one". A string value meets a date/time literal as the instant it spells (stored values are
// often plain strings); a quoted literal meets an instant target (createdAt, observedAt) the
// same way (`modifiedAt>"2020-01-01T00:00:00Z"`). A time of day never meets a date-time.
std::pair<Operand, Operand> Align(const Operand& value, const Literal& literal) {
  Operand lit = LiteralOperand(literal, DateAs::kInstant);
  Operand val = value;
  const bool time = literal.kind == Literal::Kind::kTime;
  if (lit.kind == Operand::Kind::kInstant && val.kind == Operand::Kind::kString) {
    auto instant = time ? ParseTimeOfDay(val.text) : base::ParseIso8601(val.text);
    if (instant) val = Instant(*instant);
  } else if (time && val.kind == Operand::Kind::kInstant) {
    val.kind = Operand::Kind::kOther;  // a date-time target against a time literal
  } else if (lit.kind == Operand::Kind::kString && val.kind == Operand::Kind::kInstant) {
    if (auto instant = base::ParseIso8601(literal.text)) lit = Instant(*instant);
  }
  return {val, lit};
}

bool LdEqual(const Operand& value, const Literal& literal) {
  const auto [val, lit] = Align(value, literal);
  return Equal(val, lit);
}

std::optional<int> LdCompare(const Operand& value, const Literal& literal) {
  const auto [val, lit] = Align(value, literal);
  return Compare(val, lit);
}

// == semantics on one target: equal to any listed value, or within the inclusive range.
bool EqualsTarget(const Condition& condition, const Target& target) {
  for (const Operand& o : target.operands) {
    if (condition.range_low && condition.range_high) {
      const auto low = LdCompare(o, *condition.range_low);
      const auto high = LdCompare(o, *condition.range_high);
      if (low && high && *low >= 0 && *high <= 0) return true;
      continue;
    }
    for (const Literal& literal : condition.values) {
      if (LdEqual(o, literal)) return true;
    }
  }
  return false;
}

bool Accepts(Operator op, int c) {
  switch (op) {
    case Operator::kLess:
      return c < 0;
    case Operator::kLessEqual:
      return c <= 0;
    case Operator::kGreater:
      return c > 0;
    case Operator::kGreaterEqual:
      return c >= 0;
    default:
      return false;
  }
}

// Whether the pattern finds a match in the target's strings: 1 yes, 0 no, -1 no strings.
int PatternResult(const Condition& condition, const Target& target) {
  std::shared_ptr<const std::regex> pattern = condition.pattern;
  if (pattern == nullptr) {  // a tree built by hand rather than by the parser
    if (condition.values.empty()) return -1;
    try {
      pattern = std::make_shared<const std::regex>(condition.values.front().text);
    } catch (const std::regex_error&) {
      return -1;
    }
  }
  int result = -1;
  for (const Operand& o : target.operands) {
    if (o.kind != Operand::Kind::kString) continue;
    result = 0;
    try {
      if (std::regex_search(o.text.begin(), o.text.end(), *pattern)) return 1;
    } catch (const std::regex_error&) {
      // complexity or stack limits: no match for this string
    }
  }
  return result;
}

bool Holds(const Condition& condition, const Target& target) {
  if (!target.exists) return false;
  switch (condition.op) {
    case Operator::kEqual:
      return EqualsTarget(condition, target);
    case Operator::kNotEqual:  // §4.9 unequal: equal to none of the values, outside the range
      return !EqualsTarget(condition, target);
    default:
      break;
  }
  // §4.9: "If the target element corresponds to a Relationship or ListRelationship, the
  // combination of such target element with any operator different than equal or unequal
  // shall result in not matching."
  if (target.relationship) return false;
  switch (condition.op) {
    case Operator::kMatchPattern:
      return PatternResult(condition, target) == 1;
    case Operator::kNotMatchPattern:  // a string value outside L(R); other types do not match
      return PatternResult(condition, target) == 0;
    case Operator::kLess:
    case Operator::kLessEqual:
    case Operator::kGreater:
    case Operator::kGreaterEqual:
      if (condition.values.empty()) return false;
      for (const Operand& o : target.operands) {
        const auto c = LdCompare(o, condition.values.front());
        if (c && Accepts(condition.op, *c)) return true;
      }
      return false;
    default:
      return false;
  }
}

}  // namespace

bool MatchesLdCondition(const Condition& condition, const Entity& entity) {
  const std::vector<Target> targets = ResolveTargets(entity, condition.path);
  bool any_exists = false;
  for (const Target& t : targets) any_exists = any_exists || t.exists;
  if (condition.op == Operator::kExists) return any_exists;
  if (condition.op == Operator::kNotExists) return !any_exists;
  for (const Target& t : targets) {
    if (Holds(condition, t)) return true;
  }
  return false;
}

std::optional<base::Timestamp> ParseTimeOfDay(std::string_view text) {
  // §4.9 Time: read through the date-time parser on the epoch's day, so both accept the
  // same hour, fraction and zone forms.
  if (text.size() < 5 || text[2] != ':') return std::nullopt;
  std::string date_time = "1970-01-01T";
  date_time += text;
  return base::ParseIso8601(date_time);
}

}  // namespace renkei::core::q
