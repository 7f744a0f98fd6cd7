// LinkedEntityReader: where one notification's linked entities come from (NGSI-LD join,
// ETSI GS CIM 009 v1.8.1 §4.5.23, §5.2.14 join / joinLevel). It reads them from the
// subscription's tenant and hands on only those the subscription's owner may read now: each
// goes through the same EntityCheck (notification_gate.hpp) as the notified entities, so the
// policy and, for a personal type, the owner's or a live consent decide (docs/adr/0015). An
// entity left out leaves its relationship plain, as a link to an entity that does not exist
// does. Every entity handed on is remembered (Given) so that the outbox row records it and
// delivery re-checks it with the notified ones: one no longer readable then withholds the
// whole notification, whose body already shows it.
//
// A store error leaves the linked entities of that read out (logged); the notification still
// goes. Not thread-safe; one instance serves one notification on one thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "base/time.hpp"
#include "notify/notification_builder.hpp"
#include "notify/notification_gate.hpp"
#include "store/entity_store.hpp"

namespace renkei::notify {

class LinkedEntityReader {
 public:
  // `store`, `check` and `logger` outlive this object; an empty `check` lets everything
  // through (a tenant whose notifications are not checked).
  LinkedEntityReader(store::EntityStore& store, std::string tenant, const EntityCheck& check,
                     base::Timestamp now, std::shared_ptr<spdlog::logger> logger)
      : store_(store),
        tenant_(std::move(tenant)),
        check_(check),
        now_(now),
        logger_(std::move(logger)) {}
  LinkedEntityReader(const LinkedEntityReader&) = delete;
  LinkedEntityReader& operator=(const LinkedEntityReader&) = delete;

  // The fetch to put in NotificationContext::linked; valid while this object lives.
  LinkedEntityFetch Fetch();
  // The entities handed on so far.
  const std::vector<core::Entity>& Given() const { return given_; }

 private:
  std::vector<core::Entity> Read(const std::vector<std::string>& ids);

  store::EntityStore& store_;
  std::string tenant_;
  const EntityCheck& check_;
  base::Timestamp now_;
  std::shared_ptr<spdlog::logger> logger_;
  std::vector<core::Entity> given_;
};

}  // namespace renkei::notify
