// NGSI-LD names an MQTT notification endpoint with one URI (ETSI GS CIM 009 v1.8, MQTT
// binding of notifications): mqtt://[user[:password]@]host[:port]/topic[/subtopic]*, with the
// qos in the endpoint's notifierInfo "MQTT-QoS". TargetFromNgsiLdUri splits such a URI into the
// Target the Publisher takes: the broker URL, the topic (everything after the first '/', which must
// not be empty) and the percent-decoded credentials. The Target is then checked as CheckTarget
// does, so the same errors (kBadRequestData) come back.
#pragma once

#include <string_view>

#include "base/result.hpp"
#include "notify/mqtt/target.hpp"

namespace renkei::notify::mqtt {

base::Result<Target> TargetFromNgsiLdUri(std::string_view uri, int qos);

}  // namespace renkei::notify::mqtt
