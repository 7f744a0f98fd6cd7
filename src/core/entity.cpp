#include "core/entity.hpp"

#include <algorithm>
#include <utility>

namespace renkei::core {
namespace {

template <typename List>
auto FindByName(List& list, std::string_view name) -> decltype(&list.front()) {
  auto it = std::find_if(list.begin(), list.end(), [&](const auto& a) { return a.name == name; });
  return it == list.end() ? nullptr : &*it;
}

}  // namespace

const Attribute* Attribute::FindMetadata(std::string_view md_name) const {
  return FindByName(metadata, md_name);
}
Attribute* Attribute::FindMetadata(std::string_view md_name) {
  return FindByName(metadata, md_name);
}

const std::string& Entity::PrimaryType() const {
  static const std::string kEmpty;
  return types.empty() ? kEmpty : types.front();
}

const Attribute* Entity::Find(std::string_view attr_name) const {
  return FindByName(attributes, attr_name);
}
Attribute* Entity::Find(std::string_view attr_name) { return FindByName(attributes, attr_name); }

const Attribute* Entity::FindInstance(std::string_view attr_name,
                                      const std::optional<std::string>& dataset_id) const {
  for (const auto& a : attributes) {
    if (a.name == attr_name && a.dataset_id == dataset_id) return &a;
  }
  return nullptr;
}
Attribute* Entity::FindInstance(std::string_view attr_name,
                                const std::optional<std::string>& dataset_id) {
  return const_cast<Attribute*>(std::as_const(*this).FindInstance(attr_name, dataset_id));
}

bool Entity::Erase(std::string_view attr_name) {
  auto it = std::find_if(attributes.begin(), attributes.end(),
                         [&](const Attribute& a) { return a.name == attr_name; });
  if (it == attributes.end()) return false;
  attributes.erase(it);
  return true;
}

}  // namespace renkei::core
