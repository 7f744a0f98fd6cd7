#include "service/update_operators.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "base/time.hpp"

namespace renkei::service {
namespace json = boost::json;
namespace {

constexpr std::array<std::string_view, 10> kOperators = {
    "$inc", "$mul", "$min", "$max", "$push", "$addToSet", "$pull", "$pullAll", "$set", "$unset"};

bool IsOperatorName(std::string_view key) {
  return std::find(kOperators.begin(), kOperators.end(), key) != kOperators.end();
}

base::Unexpected OperatorError(std::string detail) {
  return base::Fail(base::ErrorCode::kBadRequestData, "BadRequest", std::move(detail));
}

bool IsNumber(const json::value& v) { return v.is_number(); }

double AsDouble(const json::value& v) { return v.to_number<double>(); }

// Keeps integers integral when both sides are (MongoDB does; 2+2 renders as 4, not 4.0).
json::value Arithmetic(const json::value& a, const json::value& b, bool multiply) {
  if (a.is_int64() && b.is_int64()) {
    return multiply ? json::value(a.get_int64() * b.get_int64())
                    : json::value(a.get_int64() + b.get_int64());
  }
  return multiply ? json::value(AsDouble(a) * AsDouble(b)) : json::value(AsDouble(a) + AsDouble(b));
}

// Orders two values for $min/$max: numbers numerically, DateTime strings by instant,
// other strings lexicographically. Returns <0, 0, >0.
int Compare(const json::value& a, const json::value& b, bool is_datetime) {
  if (IsNumber(a) && IsNumber(b)) {
    const double x = AsDouble(a), y = AsDouble(b);
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_string() && b.is_string()) {
    if (is_datetime) {
      auto ta = base::ParseIso8601(a.get_string());
      auto tb = base::ParseIso8601(b.get_string());
      if (ta && tb) return ta->millis < tb->millis ? -1 : (ta->millis > tb->millis ? 1 : 0);
    }
    const auto sa = std::string_view(a.get_string()), sb = std::string_view(b.get_string());
    return sa < sb ? -1 : (sa > sb ? 1 : 0);
  }
  // Mixed kinds: numbers sort before strings (MongoDB's BSON order).
  return IsNumber(a) ? -1 : 1;
}

json::array ItemsOf(const json::value& operand) {
  // {"$each": [...]} adds several items ($push/$addToSet).
  if (operand.is_object()) {
    const auto& obj = operand.get_object();
    if (auto it = obj.find("$each"); it != obj.end() && it->value().is_array()) {
      return it->value().get_array();
    }
  }
  return json::array{operand};
}

}  // namespace

bool IsUpdateOperator(const json::value& value) {
  if (!value.is_object()) return false;
  const auto& obj = value.get_object();
  if (obj.size() == 1) return IsOperatorName(obj.begin()->key());
  if (obj.size() == 2) return obj.contains("$set") && obj.contains("$unset");
  return false;
}

base::Result<std::optional<json::value>> ApplyUpdateOperator(
    const json::value& op_value, const std::optional<json::value>& previous, bool is_datetime) {
  const auto& obj = op_value.get_object();
  if (obj.size() == 2) {
    // $set together with $unset: set first, then unset. The manual refuses a sub-key named by
    // both ("would result in error"; Orion answers MongoDB's 500, case 3814
    // set_and_unset_same_time).
    const auto& set = obj.at("$set");
    const auto& unset = obj.at("$unset");
    if (set.is_object() && unset.is_object()) {
      for (const auto& kv : set.get_object()) {
        if (unset.get_object().contains(kv.key())) {
          return OperatorError("$set and $unset name the same sub-key: " + std::string(kv.key()));
        }
      }
    }
    auto after_set = ApplyUpdateOperator(json::object{{"$set", set}}, previous, is_datetime);
    if (!after_set) return base::Unexpected{after_set.error()};
    return ApplyUpdateOperator(json::object{{"$unset", unset}}, *after_set, is_datetime);
  }
  const std::string_view op = obj.begin()->key();
  const json::value& operand = obj.begin()->value();

  if (op == "$inc" || op == "$mul") {
    if (!IsNumber(operand))
      return OperatorError("Cannot " + std::string(op.substr(1)) + " with non-numeric argument");
    const json::value base_value = previous ? *previous : json::value(std::int64_t{0});
    if (!IsNumber(base_value)) {
      return OperatorError("Cannot apply " + std::string(op) + " to a non-numeric value");
    }
    return std::optional<json::value>(Arithmetic(base_value, operand, op == "$mul"));
  }
  if (op == "$min" || op == "$max") {
    json::value reference;
    if (previous) {
      reference = *previous;
    } else if (is_datetime) {
      reference = json::string("1970-01-01T00:00:00.000Z");
    } else {
      reference = std::int64_t{0};
    }
    const int c = Compare(operand, reference, is_datetime);
    const bool take_operand = op == "$min" ? c < 0 : c > 0;
    return std::optional<json::value>(take_operand ? operand : reference);
  }
  if (op == "$push" || op == "$addToSet") {
    json::array arr;
    if (previous) {
      if (!previous->is_array()) {
        return OperatorError("The field to apply " + std::string(op) + " to must be an array");
      }
      arr = previous->get_array();
    }
    std::optional<std::size_t> position;
    if (operand.is_object()) {
      const auto& o = operand.get_object();
      if (auto it = o.find("$position"); it != o.end() && it->value().is_int64()) {
        const auto p = it->value().get_int64();
        position = p < 0 ? 0 : static_cast<std::size_t>(p);
      }
    }
    json::array items = ItemsOf(operand);
    std::size_t at = position ? std::min(*position, arr.size()) : arr.size();
    for (auto& item : items) {
      if (op == "$addToSet" && std::find(arr.begin(), arr.end(), item) != arr.end()) continue;
      arr.insert(arr.begin() + static_cast<std::ptrdiff_t>(at), item);
      ++at;
    }
    return std::optional<json::value>(json::value(std::move(arr)));
  }
  if (op == "$pull" || op == "$pullAll") {
    if (!previous) return std::optional<json::value>();
    if (!previous->is_array()) {
      return OperatorError("Cannot apply " + std::string(op) + " to a non-array value");
    }
    if (op == "$pullAll" && !operand.is_array()) {
      return OperatorError("$pullAll requires an array argument");
    }
    const json::array remove = op == "$pull" ? json::array{operand} : operand.get_array();
    json::array arr;
    for (const auto& item : previous->get_array()) {
      if (std::find(remove.begin(), remove.end(), item) == remove.end()) arr.push_back(item);
    }
    return std::optional<json::value>(json::value(std::move(arr)));
  }
  if (op == "$set") {
    // Orion API manual "$set": a value that is not an object "has the same effect than a
    // regular update" (case 3814 set_operator_as_regular_update).
    if (!operand.is_object()) return std::optional<json::value>(operand);
    json::object result;
    if (previous) {
      if (!previous->is_object()) return OperatorError("Cannot apply $set to a non-object value");
      result = previous->get_object();
    }
    for (const auto& kv : operand.get_object()) result[kv.key()] = kv.value();
    return std::optional<json::value>(json::value(std::move(result)));
  }
  // $unset
  if (!previous) return std::optional<json::value>();
  // Orion API manual "$unset": "if the value of $unset is not an object, it will be ignored"
  // (case 3814 unset_operator_ignored_cases).
  if (!operand.is_object()) return std::optional<json::value>(*previous);
  if (!previous->is_object()) return OperatorError("Cannot apply $unset to a non-object value");
  json::object result = previous->get_object();
  for (const auto& kv : operand.get_object()) result.erase(kv.key());
  return std::optional<json::value>(json::value(std::move(result)));
}

}  // namespace renkei::service
