// Mapping files: a DatasetLayout written in TOML for files that follow no standard layout
// (Wakayama's 避難先情報一覧, the multi-row-header toilet list). The format is documented in
// docs/opendata-mapping.md "Mapping files"; examples live in mappings/opendata/.
//
// Errors (kBadRequestData, detail naming the file and the key): unreadable TOML, unknown
// keys (typos must not silently drop a column), a missing entity_type or columns, an
// unknown value kind, a municipality code whose check digit is wrong.
#pragma once

#include <string>

#include "base/result.hpp"
#include "opendata/dataset_layout.hpp"

namespace renkei::opendata {

base::Result<DatasetLayout> LoadLayoutFile(const std::string& path);
// The same from TOML text; `origin` names it in errors.
base::Result<DatasetLayout> ParseLayout(std::string_view toml_text, const std::string& origin);

}  // namespace renkei::opendata
