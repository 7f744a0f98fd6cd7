#include "api/ngsild/linked_entities.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <unordered_set>
#include <utility>

#include "api/common/request_parts.hpp"
#include "api/ngsild/ld_reply.hpp"
#include "core/jsonld/iri.hpp"

namespace renkei::api::ngsild {
namespace {

namespace json = boost::json;
using core::AttributeKind;

bool Links(const core::Attribute& a) {
  return a.kind == AttributeKind::kRelationship || a.kind == AttributeKind::kListRelationship;
}

// The entity ids a relationship instance links to: a Relationship's object, the items of a
// ListRelationship's objectList (URIs, or objects with an `object` member).
std::vector<std::string> LinkTargets(const core::Attribute& a) {
  std::vector<std::string> targets;
  if (a.kind == AttributeKind::kRelationship) {
    if (a.value.is_string()) targets.emplace_back(a.value.get_string());
    return targets;
  }
  const auto* items = a.value.if_array();
  if (items == nullptr) return targets;
  for (const auto& item : *items) {
    if (item.is_string()) {
      targets.emplace_back(item.get_string());
    } else if (const auto* o = item.if_object()) {
      if (const auto* object = o->if_contains("object"); object && object->is_string()) {
        targets.emplace_back(object->get_string());
      }
    }
  }
  return targets;
}

// The nested selection for `relationship` among `selections`; nullptr: every member.
const LinkedSelection* NestedSelection(const std::vector<LinkedSelection>& selections,
                                       std::string_view relationship) {
  for (const auto& s : selections) {
    if (s.relationship == relationship) return &s;
  }
  return nullptr;
}

// `base` showing the members `nested` selects (every member when null). datasetId selects
// instances of the requested entities only.
LdRenderOptions ShownThrough(const LdRenderOptions& base, const LinkedSelection* nested) {
  LdRenderOptions out = base;
  out.dataset_ids.reset();
  out.pick = nested ? nested->pick : std::vector<std::string>{};
  out.omit = nested ? nested->omit : std::vector<std::string>{};
  out.linked = nested ? nested->linked : std::vector<LinkedSelection>{};
  return out;
}

}  // namespace

base::Result<JoinRequest> ParseJoinRequest(std::optional<std::string_view> join,
                                           std::optional<std::string_view> join_level,
                                           std::optional<std::string_view> contained_by,
                                           std::size_t max_level) {
  JoinRequest out;
  if (!join || *join == "@none") return out;
  if (*join == "flat") {
    out.kind = JoinKind::kFlat;
  } else if (*join == "inline") {
    out.kind = JoinKind::kInline;
  } else {
    return BadRequestData("join must be flat, inline or @none, not '" + std::string(*join) + "'");
  }
  if (join_level) {
    std::size_t level = 0;
    const auto* end = join_level->data() + join_level->size();
    const auto [stop, ec] = std::from_chars(join_level->data(), end, level);
    if (ec != std::errc{} || stop != end || level == 0) {
      return BadRequestData("joinLevel must be a positive integer, not '" +
                            std::string(*join_level) + "'");
    }
    if (level > max_level) {
      return BadRequestData("joinLevel " + std::to_string(level) + " exceeds the maximum " +
                            std::to_string(max_level));
    }
    out.level = level;
  }
  if (contained_by) {
    for (auto& id : common::SplitCommaList(*contained_by)) {
      if (!core::jsonld::IsAbsoluteIri(id))
        return BadRequestData("containedBy: '" + id + "' is not a URI");
      out.contained_by.push_back(std::move(id));
    }
  }
  return out;
}

LdRenderOptions LinkedEntityOptions(const LdRenderOptions& options, std::string_view relationship) {
  return ShownThrough(options, NestedSelection(options.linked, relationship));
}

LinkedEntities::LinkedEntities(const std::vector<core::Entity>& roots, JoinRequest join)
    : roots_(&roots), join_(std::move(join)) {
  for (std::size_t i = 0; i < roots.size(); ++i) root_index_.emplace(roots[i].id, i);
}

const core::Entity* LinkedEntities::Find(const std::string& id) const {
  if (auto it = root_index_.find(id); it != root_index_.end()) return &(*roots_)[it->second];
  if (auto it = fetched_index_.find(id); it != fetched_index_.end()) {
    return &fetched_[it->second];
  }
  return nullptr;
}

bool LinkedEntities::Excluded(const std::string& id) const {
  return std::find(join_.contained_by.begin(), join_.contained_by.end(), id) !=
         join_.contained_by.end();
}

base::Result<LinkedEntities> LinkedEntities::Collect(const std::vector<core::Entity>& roots,
                                                     const LdRenderOptions& options,
                                                     const JoinRequest& join,
                                                     std::size_t max_entities,
                                                     const EntityFetch& fetch) {
  LinkedEntities out(roots, join);
  if (join.kind == JoinKind::kNone) return out;
  // An entity to follow the relationships of, with the selection it is shown with (root:
  // `options`; else the nested selection that reached it, nullptr for every member).
  struct Visit {
    std::string id;
    bool root;
    const LinkedSelection* selection;
  };
  std::vector<Visit> frontier;
  for (const auto& r : roots) frontier.push_back({r.id, true, nullptr});
  const std::vector<LinkedSelection> no_selections;
  std::unordered_set<std::size_t> flat_listed;  // indexes into fetched_ already in flat_
  // An entity reached again with the same selection is not followed again.
  std::set<std::pair<std::string, const LinkedSelection*>> followed;
  for (std::size_t depth = 1; depth <= join.level && !frontier.empty(); ++depth) {
    std::vector<Visit> next;
    std::vector<std::string> wanted;
    std::unordered_set<std::string> wanted_ids;
    for (const auto& visit : frontier) {
      const core::Entity* entity = out.Find(visit.id);
      if (entity == nullptr) continue;
      const LdRenderOptions shown = visit.root ? options : ShownThrough(options, visit.selection);
      // Nested selections are pointed to where `options` holds them (`shown` is a copy).
      const auto& nested = visit.root        ? options.linked
                           : visit.selection ? visit.selection->linked
                                             : no_selections;
      for (const auto& a : entity->attributes) {
        if (!Links(a) || !IsShown(a, shown)) continue;
        const LinkedSelection* child = NestedSelection(nested, a.name);
        for (auto& target : LinkTargets(a)) {
          if (out.Excluded(target)) continue;
          if (out.Find(target) == nullptr && wanted_ids.insert(target).second) {
            wanted.push_back(target);
          }
          if (followed.emplace(target, child).second) next.push_back({target, false, child});
        }
      }
    }
    if (!wanted.empty()) {
      if (out.fetched_.size() + wanted.size() > max_entities) {
        return base::Fail(base::ErrorCode::kTooManyResults, "TooManyResults",
                          "more than " + std::to_string(max_entities) +
                              " linked entities; lower joinLevel or select fewer entities");
      }
      RENKEI_TRY(std::vector<core::Entity> found, fetch(wanted));
      for (auto& e : found) {
        if (out.Find(e.id) != nullptr) continue;  // several entities with one id: the first
        out.fetched_index_.emplace(e.id, out.fetched_.size());
        out.fetched_.push_back(std::move(e));
      }
    }
    if (join.kind == JoinKind::kFlat) {
      for (const auto& visit : next) {
        auto it = out.fetched_index_.find(visit.id);
        if (it == out.fetched_index_.end() || !flat_listed.insert(it->second).second) continue;
        out.flat_.emplace_back(it->second, ShownThrough(options, visit.selection));
      }
    }
    frontier = std::move(next);
  }
  return out;
}

std::vector<FlatLinkedEntity> LinkedEntities::Flat() const {
  std::vector<FlatLinkedEntity> out;
  out.reserve(flat_.size());
  for (const auto& [index, options] : flat_) out.push_back({&fetched_[index], options});
  return out;
}

InlineLinkedEntity LinkedEntities::InlineInto(const core::Entity& root,
                                              const LdRenderOptions& options,
                                              const core::jsonld::ActiveContext& context) const {
  if (join_.kind != JoinKind::kInline) return {};
  return Hook({root.id}, 0, options, context);
}

InlineLinkedEntity LinkedEntities::Hook(std::vector<std::string> chain, std::size_t depth,
                                        LdRenderOptions options,
                                        const core::jsonld::ActiveContext& context) const {
  return [this, chain = std::move(chain), depth, options = std::move(options),
          &context](const core::Attribute& a) -> std::optional<json::value> {
    const LdRenderOptions linked_options = LinkedEntityOptions(options, a.name);
    const auto render = [&](const std::string& id) -> std::optional<json::value> {
      // An entity is not shown inside itself; containedBy ids are not retrieved.
      if (Excluded(id) || std::find(chain.begin(), chain.end(), id) != chain.end()) return {};
      const core::Entity* linked = Find(id);
      if (linked == nullptr) return {};
      InlineLinkedEntity deeper;
      if (depth + 1 < join_.level) {
        std::vector<std::string> longer = chain;
        longer.push_back(id);
        deeper = Hook(std::move(longer), depth + 1, linked_options, context);
      }
      return RenderLdEntity(*linked, linked_options, context, deeper);
    };
    const auto targets = LinkTargets(a);
    if (a.kind == AttributeKind::kRelationship) {
      if (targets.size() != 1) return {};
      return render(targets.front());
    }
    json::array entities;
    for (const auto& id : targets) {
      if (auto e = render(id)) entities.push_back(std::move(*e));
    }
    if (entities.empty()) return {};
    return json::value(std::move(entities));
  };
}

}  // namespace renkei::api::ngsild
