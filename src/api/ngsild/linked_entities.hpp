// Linked entity retrieval (ETSI GS CIM 009 v1.8.1 §4.5.23, the `join`, `joinLevel` and
// `containedBy` parameters of §6.4.3.2 and §6.5.3.1): the entities the Relationships of a
// response link to are fetched from the request's tenant and shown either
//   - inline (`join=inline`): each Relationship (ListRelationship) gets an `entity`
//     (`entityList`) member holding the linked entity, whose own relationships are followed
//     in turn, `joinLevel` levels deep; in keyValues the linked entity replaces the object;
//   - flat (`join=flat`): the linked entities, each once, follow the requested entities in the
//     response array.
// Only relationships the response shows are followed; a nested pick/omit selection
// (`locatedAt{name}`, §4.21, LdRenderOptions::linked) shapes the entities they link to, which
// are shown whole otherwise. An entity is never inlined inside itself, and ids listed in
// `containedBy` are not retrieved. A link to an entity that does not exist stays a plain
// relationship.
//
// Bounds (docs/ngsild-mapping.md): joinLevel above LdApiOptions::max_join_level is
// BadRequestData; more than LdApiOptions::max_linked_entities linked entities for one
// response is TooManyResults. Errors of the fetch are passed on.
// Not thread-safe; one instance serves one request.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/json/value.hpp>

#include "api/ngsild/ld_entity_renderer.hpp"
#include "base/result.hpp"
#include "core/entity.hpp"
#include "core/jsonld/active_context.hpp"

namespace renkei::api::ngsild {

enum class JoinKind { kNone, kFlat, kInline };

struct JoinRequest {
  JoinKind kind = JoinKind::kNone;
  std::size_t level = 1;                  // joinLevel: how many relationship hops are followed
  std::vector<std::string> contained_by;  // ids that are not retrieved
};

// The request's join parameters in their textual form; `join` absent or "@none": no join.
// kBadRequestData for an unknown join, a joinLevel that is not an integer in
// [1, max_level], or a containedBy id that is not a URI.
base::Result<JoinRequest> ParseJoinRequest(std::optional<std::string_view> join,
                                           std::optional<std::string_view> join_level,
                                           std::optional<std::string_view> contained_by,
                                           std::size_t max_level);

// Fetches the entities with these ids (those that exist, any order).
using EntityFetch =
    std::function<base::Result<std::vector<core::Entity>>(const std::vector<std::string>& ids)>;

// A linked entity of a flat join and how it is shown.
struct FlatLinkedEntity {
  const core::Entity* entity;
  LdRenderOptions options;
};

class LinkedEntities {
 public:
  // Collects what `roots`, shown with `options`, link to (one fetch per level). `roots` must
  // outlive this object.
  static base::Result<LinkedEntities> Collect(const std::vector<core::Entity>& roots,
                                              const LdRenderOptions& options,
                                              const JoinRequest& join, std::size_t max_entities,
                                              const EntityFetch& fetch);

  // The hook that inlines linked entities into the rendering of `root` (join=inline).
  InlineLinkedEntity InlineInto(const core::Entity& root, const LdRenderOptions& options,
                                const core::jsonld::ActiveContext& context) const;
  // The linked entities a flat join appends, in the order they were found; none that is
  // also a root.
  std::vector<FlatLinkedEntity> Flat() const;

 private:
  LinkedEntities(const std::vector<core::Entity>& roots, JoinRequest join);

  const core::Entity* Find(const std::string& id) const;
  bool Excluded(const std::string& id) const;
  // Inlines the entities linked from one at `depth` (0: a root) whose inlining chain, root
  // first, is `chain`.
  InlineLinkedEntity Hook(std::vector<std::string> chain, std::size_t depth,
                          LdRenderOptions options,
                          const core::jsonld::ActiveContext& context) const;

  const std::vector<core::Entity>* roots_;
  JoinRequest join_;
  std::unordered_map<std::string, std::size_t> root_index_;
  std::vector<core::Entity> fetched_;  // in the order found
  std::unordered_map<std::string, std::size_t> fetched_index_;
  // Flat join: indexes into fetched_ and how each is shown.
  std::vector<std::pair<std::size_t, LdRenderOptions>> flat_;
};

// The rendering options of the entities `options` link to through `relationship`: the
// nested selection given for it, or every member.
LdRenderOptions LinkedEntityOptions(const LdRenderOptions& options, std::string_view relationship);

}  // namespace renkei::api::ngsild
