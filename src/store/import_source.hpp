// Where an imported entity came from: the source file, the CSV line of its record and when
// the import stored it (docs/adr/0017-import-provenance.md). The open-data import records
// it in the write unit that stores the entity (WriteTransaction::PutImportSources), so the
// quality report of stored records can cite the line (docs/data-quality.md). It is kept
// beside the entity, never in it: NGSIv2 and NGSI-LD clients do not see it.
#pragma once

#include <cstddef>
#include <string>

#include "base/time.hpp"

namespace renkei::store {

struct ImportSource {
  std::string file;             // the file's name without folders; empty when the import had none
  std::size_t line = 0;         // 1-based line where the entity's CSV record starts
  base::Timestamp imported_at;  // when the import that read this line stored the entity

  bool operator==(const ImportSource&) const = default;
};

// An entity, by its key (tenant aside), and its import source.
struct EntitySource {
  std::string id;
  std::string type;  // the primary type
  std::string service_path;
  ImportSource source;

  bool operator==(const EntitySource&) const = default;
};

}  // namespace renkei::store
