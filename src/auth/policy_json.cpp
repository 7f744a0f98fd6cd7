#include "auth/policy_json.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "auth/path_prefix.hpp"
#include "auth/roles.hpp"

namespace renkei::auth {
namespace {

namespace json = boost::json;

base::Unexpected Invalid(std::string detail) {
  return base::Fail(base::ErrorCode::kBadRequestData, "InvalidPolicy", std::move(detail));
}

// A non-empty list of non-empty strings of at most kMaxPolicyNameLength bytes.
base::Result<std::vector<std::string>> ReadNames(const json::value& value,
                                                 const std::string& where) {
  if (!value.is_array()) return Invalid(where + " must be an array of strings");
  const auto& array = value.get_array();
  if (array.size() > kMaxPolicyListItems) {
    return Invalid(where + " has more than " + std::to_string(kMaxPolicyListItems) + " items");
  }
  std::vector<std::string> names;
  for (const auto& item : array) {
    if (!item.is_string() || item.get_string().empty() ||
        item.get_string().size() > kMaxPolicyNameLength) {
      return Invalid(where + " must hold non-empty strings of at most " +
                     std::to_string(kMaxPolicyNameLength) + " bytes");
    }
    names.emplace_back(item.get_string());
  }
  return names;
}

// A non-empty list of ServicePath prefixes (path_prefix.hpp), each normalised.
base::Result<std::vector<std::string>> ReadPrefixes(const json::value& value,
                                                    const std::string& where) {
  RENKEI_TRY(auto prefixes, ReadNames(value, where));
  if (prefixes.empty()) return Invalid(where + " is empty: leave it out for every ServicePath");
  for (std::size_t i = 0; i < prefixes.size(); ++i) {
    auto normalised = NormalisePathPrefix(prefixes[i]);
    if (!normalised) {
      return Invalid(where + "[" + std::to_string(i) + "] '" + prefixes[i] +
                     "' is not a ServicePath prefix: it " + normalised.error().detail);
    }
    prefixes[i] = std::move(*normalised);
  }
  return prefixes;
}

base::Result<PolicyRule> ReadRule(const json::value& value, const std::string& where) {
  if (!value.is_object()) return Invalid(where + " must be an object");
  PolicyRule rule;
  bool has_actions = false;
  bool has_types = false;
  for (const auto& [key, member] : value.get_object()) {
    const std::string at = where + "." + std::string(key);
    if (key == "roles") {
      RENKEI_TRY(rule.roles, ReadNames(member, at));
      for (const auto& role : rule.roles) {
        if (!IsValidRoleName(role)) return Invalid(at + ": '" + role + "' is not a role name");
      }
    } else if (key == "apps") {
      RENKEI_TRY(rule.apps, ReadNames(member, at));
    } else if (key == "actions") {
      RENKEI_TRY(auto names, ReadNames(member, at));
      for (const auto& name : names) {
        auto action = ParseAction(name);
        if (!action) {
          return Invalid(at + ": unknown action '" + name +
                         "' (read, write, subscribe, administer)");
        }
        rule.actions.push_back(*action);
      }
      has_actions = !rule.actions.empty();
    } else if (key == "types") {
      RENKEI_TRY(rule.types, ReadNames(member, at));
      has_types = !rule.types.empty();
    } else if (key == "servicePaths") {
      RENKEI_TRY(rule.service_paths, ReadPrefixes(member, at));
    } else if (key == "attributes") {
      RENKEI_TRY(rule.attributes, ReadNames(member, at));
      if (rule.attributes.empty()) {
        return Invalid(at + " is empty: leave it out for every attribute");
      }
      if (std::find(rule.attributes.begin(), rule.attributes.end(), kAnyType) !=
          rule.attributes.end()) {
        return Invalid(at + ": leave attributes out to grant every attribute (\"*\" is no name)");
      }
    } else {
      return Invalid(where + ": unknown member '" + std::string(key) +
                     "' (roles, apps, actions, types, servicePaths, attributes)");
    }
  }
  if (rule.roles.empty() && rule.apps.empty()) {
    return Invalid(where + " grants nobody: give roles or apps");
  }
  if (!has_actions) return Invalid(where + ".actions is missing or empty");
  if (!has_types) return Invalid(where + ".types is missing or empty (\"*\" for every type)");
  return rule;
}

// "personalTypes": {"<type>": {"assuranceLevel": 0-3}} (level 1 when not given).
base::Result<PersonalTypes> ReadPersonalTypes(const json::value& value) {
  if (!value.is_object()) return Invalid("personalTypes must be an object of type names");
  const auto& types = value.get_object();
  if (types.size() > kMaxPolicyListItems) {
    return Invalid("personalTypes has more than " + std::to_string(kMaxPolicyListItems) + " types");
  }
  PersonalTypes out;
  for (const auto& [type, declaration] : types) {
    const std::string at = "personalTypes." + std::string(type);
    if (type.empty() || type.size() > kMaxPolicyNameLength || type == kAnyType) {
      return Invalid("personalTypes: '" + std::string(type) + "' is not a type name (1-" +
                     std::to_string(kMaxPolicyNameLength) + " bytes, not \"*\")");
    }
    if (!declaration.is_object()) return Invalid(at + " must be an object");
    int level = kDefaultPersonalAssuranceLevel;
    for (const auto& [key, member] : declaration.get_object()) {
      if (key != "assuranceLevel") {
        return Invalid(at + ": unknown member '" + std::string(key) + "' (assuranceLevel)");
      }
      if (!member.is_int64() || member.get_int64() < kMinAssuranceLevel ||
          member.get_int64() > kMaxAssuranceLevel) {
        return Invalid(at + ".assuranceLevel must be an integer from " +
                       std::to_string(kMinAssuranceLevel) + " to " +
                       std::to_string(kMaxAssuranceLevel));
      }
      level = static_cast<int>(member.get_int64());
    }
    out.Declare(std::string_view(type), level);
  }
  return out;
}

json::array NamesJson(const std::vector<std::string>& names) {
  json::array out;
  for (const auto& name : names) out.emplace_back(name);
  return out;
}

}  // namespace

base::Result<Policy> ParsePolicy(std::string_view text) {
  boost::system::error_code ec;
  const json::value document = json::parse(text, ec);
  if (ec) return Invalid("the policy is not JSON: " + ec.message());
  if (!document.is_object()) return Invalid("the policy must be a JSON object");
  Policy policy;
  for (const auto& [key, member] : document.get_object()) {
    if (key == "rules") {
      if (!member.is_array()) return Invalid("rules must be an array");
      if (member.get_array().size() > kMaxPolicyRules) {
        return Invalid("more than " + std::to_string(kMaxPolicyRules) + " rules");
      }
      for (std::size_t i = 0; i < member.get_array().size(); ++i) {
        RENKEI_TRY(auto rule, ReadRule(member.get_array()[i], "rules[" + std::to_string(i) + "]"));
        policy.rules.push_back(std::move(rule));
      }
    } else if (key == "openTypes") {
      if (member.is_array() && member.get_array().empty()) continue;
      RENKEI_TRY(auto types, ReadNames(member, "openTypes"));
      for (auto& type : types) {
        if (type == kAnyType) return Invalid("openTypes cannot open every type (\"*\")");
        policy.open_types.insert(std::move(type));
      }
    } else if (key == "personalTypes") {
      RENKEI_TRY(policy.personal_types, ReadPersonalTypes(member));
    } else {
      return Invalid("unknown member '" + std::string(key) + "' (rules, openTypes, personalTypes)");
    }
  }
  return policy;
}

std::string PolicyJson(const Policy& policy) {
  json::array rules;
  for (const auto& rule : policy.rules) {
    json::object out;
    if (!rule.roles.empty()) out["roles"] = NamesJson(rule.roles);
    if (!rule.apps.empty()) out["apps"] = NamesJson(rule.apps);
    json::array actions;
    for (Action action : rule.actions) actions.emplace_back(ActionName(action));
    out["actions"] = std::move(actions);
    out["types"] = NamesJson(rule.types);
    if (!rule.service_paths.empty()) out["servicePaths"] = NamesJson(rule.service_paths);
    if (!rule.attributes.empty()) out["attributes"] = NamesJson(rule.attributes);
    rules.emplace_back(std::move(out));
  }
  json::array open;
  for (const auto& type : policy.open_types) open.emplace_back(type);
  json::object personal;
  for (const auto& [type, level] : policy.personal_types.levels) {
    personal[type] = json::object{{"assuranceLevel", level}};
  }
  json::object document;
  document["rules"] = std::move(rules);
  document["openTypes"] = std::move(open);
  document["personalTypes"] = std::move(personal);
  return json::serialize(document);
}

}  // namespace renkei::auth
