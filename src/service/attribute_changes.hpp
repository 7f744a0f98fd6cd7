// Applying a set of attribute changes to an entity, with NGSIv2's semantics for each write
// mode (Orion API manual: "Update or Append Entity Attributes", "Update Existing Entity
// Attributes", "Metadata update semantics", "Update operators for attribute values").
// A pure function over the entity: the service runs it inside a store write unit.
#pragma once

#include <string>
#include <vector>

#include "base/result.hpp"
#include "core/entity.hpp"

namespace renkei::service {

struct AttributeChange {
  core::Attribute attribute;    // value may be an update-operator object
  bool metadata_given = false;  // the request carried a "metadata" member (even if {})
  bool value_only = false;      // PUT .../value: keep type and metadata
  bool type_given = true;       // false: the type was defaulted from the value
};

enum class AttributeWriteMode {
  kUpsert,        // create missing attributes, update existing ones
  kAppendStrict,  // create only; existing ones are reported
  kUpdateOnly,    // update only; missing ones are reported
};

struct WriteOptions {
  bool override_metadata = false;
  bool forced_update = false;  // notifications: counts as a change (SetForcedUpdate)
};

struct ChangeReport {
  std::vector<std::string> missing;            // kUpdateOnly: not present on the entity
  std::vector<std::string> existing;           // kAppendStrict: already present
  std::vector<std::string> updated;            // existing attributes this change modified
  std::vector<std::string> updated_locations;  // of those, the ones that held a location
  std::vector<std::string> created;            // attributes this change added
  bool changed = false;
};

// The reserved NGSIv2 builtin attribute that sets the entity's expiry.
inline constexpr std::string_view kDateExpires = "dateExpires";

// Applies `changes` in order. Errors (bad operator operands, invalid dateExpires) leave the
// entity partially modified: callers discard it on error.
base::Result<void> ApplyAttributeChanges(core::Entity& entity,
                                         const std::vector<AttributeChange>& changes,
                                         AttributeWriteMode mode, const WriteOptions& options,
                                         base::Timestamp now, ChangeReport& report);

// Resolves update operators in a brand-new entity's attributes ("usage in create or replace
// entity operations") and stamps system times. Attributes whose operator creates nothing
// ($pull, $pullAll, $unset) are dropped.
base::Result<void> PrepareNewAttributes(std::vector<core::Attribute>& attributes,
                                        base::Timestamp now);

// The number of attributes that define the entity's location (GeoProperty without
// ignoreType=true metadata, non-null value). NGSIv2 allows at most one.
std::size_t CountLocationAttributes(const core::Entity& entity);

// Orion's location checks, in Orion's order: more than one location is 413
// NoResourcesAvailable; then each location written by this change must be a valid geometry
// (400, "error parsing location attribute[ for existing attribute]: ..."). With no report,
// every location attribute counts as newly written (create, replace).
base::Result<void> CheckLocations(const core::Entity& entity, const ChangeReport* report);

}  // namespace renkei::service
