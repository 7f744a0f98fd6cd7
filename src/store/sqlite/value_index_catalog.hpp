// The catalogue of attribute-value indexes (table value_indexes, schema migration 15) and
// how an index is built while writes go on (docs/adr/0018-value-index-on-demand.md).
//
// Under ValueIndexPolicy::kOnDemand a tenant's attribute name has attr_index rows once it is
// in the catalogue: it enters when a query first names it, is built in steps of row-id order
// on the writer thread, and is used by queries once `ready`. From the step that enters it,
// every write of the tenant writes its rows, and a build step writes them for the entities
// stored before; both derive a row from the stored document, so they agree.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/indexed_names.hpp"

namespace renkei::store::sqlite {

// The writer's view: the names each tenant's writes index. Cached per transaction only,
// because another process on the same data directory (a CLI command) may add a name; inside
// a write transaction the catalogue cannot change under the writer.
class ValueIndexCatalog {
 public:
  explicit ValueIndexCatalog(ValueIndexPolicy policy) : policy_(policy) {}
  ValueIndexPolicy policy() const { return policy_; }
  // At the start of every write transaction.
  void Reset() { cached_.clear(); }
  base::Result<IndexedNames> For(Connection& conn, std::int64_t tenant);

 private:
  ValueIndexPolicy policy_;
  std::unordered_map<std::int64_t, IndexedNames> cached_;
};

// A query's view of the names it filters on.
struct ValueIndexStates {
  std::set<std::string> ready;            // queries may use their attr_index rows
  std::vector<std::string> uncatalogued;  // no index yet, not being built either
  std::size_t catalogued = 0;             // the tenant's names in the catalogue (when probed)
};
base::Result<ValueIndexStates> ProbeValueIndexes(Connection& conn, ValueIndexPolicy policy,
                                                 std::int64_t tenant,
                                                 const std::set<std::string>& names);

// Enters `name` in the catalogue (not ready, nothing built); no-op when it is there. The
// writes of the tenant that follow in the same transaction must see it: the caller resets
// its ValueIndexCatalog.
base::Result<void> CatalogueValueIndex(Connection& conn, std::int64_t tenant,
                                       const std::string& name);
// One build step: the rows of up to `limit` more entities. True once the index is ready (also
// when it was ready or is not catalogued).
base::Result<bool> BuildValueIndexStep(Connection& conn, std::int64_t tenant,
                                       const std::string& name, std::size_t limit);
// Catalogued indexes not ready yet (a build a restart interrupted).
base::Result<std::vector<std::pair<std::int64_t, std::string>>> UnfinishedValueIndexes(
    Connection& conn);
// At open, in the writer's connection: when the data directory was last used under another
// policy, makes the catalogue and attr_index agree with `policy` (to kAll: every row is
// rewritten; to kOnDemand: every name with rows is catalogued as ready), then records it.
base::Result<void> AdoptValueIndexPolicy(Connection& conn, ValueIndexPolicy policy);
// The policy the data directory was last opened with; `fallback` when none is recorded.
base::Result<ValueIndexPolicy> StoredValueIndexPolicy(Connection& conn, ValueIndexPolicy fallback);

}  // namespace renkei::store::sqlite
