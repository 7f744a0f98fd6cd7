// The JSON form of a Subscription: the store keeps it as the subscription's document and the
// NGSIv2 dialect renders it (adding the counters). Its shape is Orion's subscription
// representation (Orion API manual "Subscription payload datamodel") without id and
// counters, plus "servicePath" and "owner" (subscription_owner.hpp; neither dialect renders
// it), so a stored document reads like what the client sent.
// Decoding trusts the shape (it was produced by Encode) and fails only on a corrupt
// document. Stateless and thread-safe.
#pragma once

#include <string_view>

#include <boost/json/object.hpp>

#include "base/result.hpp"
#include "notify/subscription.hpp"

namespace renkei::notify {

// With `hide_secrets`, an MQTT passwd is rendered as "*****" (Orion: always obfuscated
// when retrieved).
boost::json::object EncodeSubscription(const Subscription& sub, bool hide_secrets = false);
// kInternalError when `text` is not an encoded subscription.
base::Result<Subscription> DecodeSubscription(std::string_view text);

}  // namespace renkei::notify
