#include "api/ngsild/ld_subscription_render.hpp"

#include "api/ngsild/ld_names.hpp"

namespace renkei::api::ngsild {
namespace {

namespace json = boost::json;
using Terms = std::vector<std::pair<std::string, std::string>>;

std::string Output(const core::jsonld::ActiveContext& context, const Terms& terms,
                   std::string_view term) {
  for (const auto& [t, stored] : terms) {
    if (t == term) return OutputName(context, stored);
  }
  return std::string(term);
}

// A type selection of one name is compacted; an expression keeps its text as written.
std::string OutputTypeSelection(const core::jsonld::ActiveContext& context, const Terms& terms,
                                std::string_view text) {
  if (text.find_first_of(";|,()") != std::string_view::npos) return std::string(text);
  return Output(context, terms, text);
}

void CompactNames(json::value* list, const core::jsonld::ActiveContext& context,
                  const Terms& terms) {
  if (list == nullptr || !list->is_array()) return;
  for (auto& v : list->get_array()) {
    if (v.is_string()) v = json::string(Output(context, terms, v.get_string()));
  }
}

// §5.2.14: timesSent and timesFailed are members the broker adds "when" notifications were
// sent or failed; a subscription that never notified shows neither, so a retrieved
// subscription reads back as it was created.
void AddCounters(const store::SubscriptionState& state, json::object& notification) {
  if (state.times_sent > 0) notification["timesSent"] = state.times_sent;
  if (state.times_failed > 0) notification["timesFailed"] = state.times_failed;
  if (state.last_notification) {
    notification["lastNotification"] = base::FormatIso8601(*state.last_notification);
  }
  if (state.last_success) notification["lastSuccess"] = base::FormatIso8601(*state.last_success);
  if (state.last_failure) notification["lastFailure"] = base::FormatIso8601(*state.last_failure);
  if (state.times_sent > 0) {
    // §5.2.14: "failed" when the last attempt failed.
    const bool failed =
        state.last_failure &&
        (!state.last_success || state.last_failure->millis > state.last_success->millis);
    notification["status"] = failed ? "failed" : "ok";
  }
}

}  // namespace

std::string_view LdSubscriptionStatus(const service::SubscriptionView& view, base::Timestamp now) {
  const auto& sub = view.subscription;
  if (sub.expires && sub.expires->millis <= now.millis) return "expired";
  if (view.state.status == "inactive") return "paused";
  return "active";
}

json::object RenderLdSubscription(const service::SubscriptionView& view,
                                  const core::jsonld::ActiveContext& context, base::Timestamp now,
                                  const std::optional<std::string>& implicit_context_url) {
  const notify::Subscription& sub = view.subscription;
  const notify::LdSubscription& ld = *sub.ld;
  json::object out;
  out["id"] = sub.id;
  out["type"] = "Subscription";
  for (const auto& [key, value] : ld.document) {
    if (key == "id" || key == "type") continue;
    out[key] = value;
  }
  if (auto* es = out.if_contains("entities"); es != nullptr && es->is_array()) {
    for (auto& e : es->get_array()) {
      auto* type = e.is_object() ? e.get_object().if_contains("type") : nullptr;
      if (type != nullptr && type->is_string()) {
        *type = json::string(OutputTypeSelection(context, ld.terms, type->get_string()));
      }
    }
  }
  CompactNames(out.if_contains("watchedAttributes"), context, ld.terms);
  if (auto* g = out.if_contains("geoQ"); g != nullptr && g->is_object()) {
    auto* p = g->get_object().if_contains("geoproperty");
    if (p != nullptr && p->is_string()) {
      *p = json::string(Output(context, ld.terms, p->get_string()));
    }
  }
  if (auto* n = out.if_contains("notification"); n != nullptr && n->is_object()) {
    for (const char* key : {"attributes", "pick", "omit"}) {
      CompactNames(n->get_object().if_contains(key), context, ld.terms);
    }
    AddCounters(view.state, n->get_object());
  }
  out["status"] = LdSubscriptionStatus(view, now);
  if (!out.contains("notificationTrigger")) {
    json::array triggers;
    for (const auto t : notify::EffectiveTriggers(ld))
      triggers.emplace_back(notify::LdTriggerName(t));
    out["notificationTrigger"] = std::move(triggers);
  }
  // jsonldContext (§5.2.12) is shown when the client gave it (it is part of the document),
  // or, for a compound @context of the creating request, as the URL of the ImplicitlyCreated
  // @context that stands for it (§5.13.1); a single @context URL is not shown.
  if (!out.contains("jsonldContext") && implicit_context_url) {
    out["jsonldContext"] = *implicit_context_url;
  }
  return out;
}

}  // namespace renkei::api::ngsild
