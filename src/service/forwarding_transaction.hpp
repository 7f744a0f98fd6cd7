// ForwardingTransaction: a store::WriteTransaction that passes every call to another, for
// the wrappers that watch what a write unit does (the audit trail's, the owner rules') and
// override only what they watch. FindByIds and PutMany keep WriteTransaction's defaults,
// which go through FindById and Put, so a wrapper sees bulk units' entities too (at the
// price of the backend's one-query bulk path).
#pragma once

#include "store/entity_store.hpp"

namespace renkei::service {

class ForwardingTransaction : public store::WriteTransaction {
 public:
  explicit ForwardingTransaction(store::WriteTransaction& inner) : inner_(inner) {}

  base::Result<std::vector<core::Entity>> FindById(const std::string& id,
                                                   const std::optional<std::string>& type,
                                                   const store::ServicePathScope& scope,
                                                   std::size_t limit) override {
    return inner_.FindById(id, type, scope, limit);
  }
  base::Result<void> Put(const core::Entity& entity) override { return inner_.Put(entity); }
  base::Result<void> Erase(const std::string& id, const std::string& type,
                           const std::string& service_path) override {
    return inner_.Erase(id, type, service_path);
  }
  base::Result<void> PutImportSources(const std::vector<store::EntitySource>& sources) override {
    return inner_.PutImportSources(sources);
  }
  void SetCorrelator(std::string_view correlator) override { inner_.SetCorrelator(correlator); }
  void SetForcedUpdate() override { inner_.SetForcedUpdate(); }
  void NoteWrittenAttributes(const core::Entity& entity,
                             const std::vector<std::string>& names) override {
    inner_.NoteWrittenAttributes(entity, names);
  }

 protected:
  store::WriteTransaction& inner() { return inner_; }

 private:
  store::WriteTransaction& inner_;
};

}  // namespace renkei::service
