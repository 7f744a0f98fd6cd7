// CandidateIndex: which of a tenant's subscriptions can select a given entity, so matching a
// change does not walk every subscription (issue 4: with 10,000 subscriptions that do not
// match, the write path stays within 10% of the write path with none). A subscription whose
// every entity selector names an exact `id` (Orion "subject.entities[].id") can only select
// those ids and is found by id; any other (idPattern, or a selector without id) is a
// candidate for every entity. Candidates still go through Match: the index only narrows.
//
// Filled once (Add per subscription, several versions of one subscription may be added:
// SubscriptionRegistry::ForMatching), then only read.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "notify/subscription.hpp"

namespace renkei::notify {

class CandidateIndex {
 public:
  void Add(const Subscription& sub);

  // Whether any subscription may select `entity_id`.
  bool Any(std::string_view entity_id) const {
    return !any_entity_.empty() || by_id_.contains(std::string(entity_id));
  }

  // Calls visit(subscription id) for each subscription that may select `entity_id`: those
  // naming it exactly, then those with patterns; each once.
  template <typename Visit>
  void ForEach(std::string_view entity_id, Visit&& visit) const {
    if (auto it = by_id_.find(std::string(entity_id)); it != by_id_.end()) {
      for (const auto& id : it->second) {
        if (any_ids_.empty() || !any_ids_.contains(id)) visit(id);  // else visited below
      }
    }
    for (const auto& id : any_entity_) visit(id);
  }

 private:
  std::unordered_map<std::string, std::vector<std::string>> by_id_;
  std::vector<std::string> any_entity_;
  std::unordered_set<std::string> any_ids_;  // any_entity_'s
};

}  // namespace renkei::notify
