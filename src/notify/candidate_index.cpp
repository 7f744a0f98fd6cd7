#include "notify/candidate_index.hpp"

#include <algorithm>

namespace renkei::notify {

void CandidateIndex::Add(const Subscription& sub) {
  const bool exact = !sub.entities.empty() &&
                     std::all_of(sub.entities.begin(), sub.entities.end(),
                                 [](const store::EntitySelector& s) { return s.id.has_value(); });
  if (!exact) {
    if (any_ids_.insert(sub.id).second) any_entity_.push_back(sub.id);
    return;
  }
  for (const auto& selector : sub.entities) {
    auto& ids = by_id_[*selector.id];
    // Two selectors (or versions) naming the same id: the subscription is visited once.
    if (std::find(ids.begin(), ids.end(), sub.id) == ids.end()) ids.push_back(sub.id);
  }
}

}  // namespace renkei::notify
