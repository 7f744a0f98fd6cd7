// ChunkWriter: the write side of the streaming import (docs/adr/0010-bulk-import.md). Each
// chunk of prepared entities becomes one EntityService::LdBulkUpsert unit per tenant (one
// existence query and one bulk put on the store's writer thread); the next chunk is mapped
// while the writer stores this one. At most `max_in_flight` units wait for their commit, so
// memory stays bounded by a few chunks whatever the file's size.
//
// A new id is created, an existing one gets its attributes replaced when they differ (its
// unchanged attributes keep their times), an identical one is left alone.
// Every stored one, identical or not, gets its import source (file, line, `now`) recorded
// in the same unit (docs/adr/0017-import-provenance.md).
// Single-threaded: Submit and Finish are called by the importing thread; the callbacks of
// the units only fulfil promises.
#pragma once

#include <cstddef>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "opendata/importer.hpp"
#include "service/entity_service.hpp"

namespace renkei::opendata {

struct WriteSummary {
  std::size_t created = 0;
  std::size_t updated = 0;
  std::size_t unchanged = 0;
  std::vector<RowIssue> rejected;  // refused by the service (by line)
};

class ChunkWriter {
 public:
  ChunkWriter(service::EntityService& service, const ImportOptions& options, base::Timestamp now,
              std::size_t max_in_flight = 2);

  // Submits the chunk's entities (each tenant's in file order) and, while more than
  // max_in_flight units are pending, waits for the oldest. `at` feeds the progress callback
  // ("writing", rows of the committed chunks, rows of the file). Once a unit has failed,
  // returns that failure (the stream stops; Finish still waits for the others).
  base::Result<void> Submit(std::vector<PreparedEntity> chunk, StreamPosition at);
  // Waits for every unit. A store failure is an error saying how many entities the units
  // before it committed and from which line on the file was not written (each unit is
  // atomic: a failed one wrote nothing).
  base::Result<WriteSummary> Finish();

 private:
  struct Pending {
    std::string tenant;
    std::size_t first_line = 0;
    std::map<std::string, std::size_t> line_of;  // id -> line
    std::shared_ptr<std::size_t> unchanged;      // counted by the steps on the writer thread
    StreamPosition at;
    std::future<base::Result<service::LdBatchOutcome>> outcome;
  };
  void AwaitOldest();

  service::EntityService& service_;
  const ImportOptions& options_;
  base::Timestamp now_;
  std::size_t max_in_flight_;
  std::deque<Pending> pending_;
  WriteSummary summary_;
  std::size_t committed_ = 0;
  std::optional<base::Error> failure_;
};

}  // namespace renkei::opendata
