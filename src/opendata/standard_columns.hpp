// The column order of each built-in dataset's standard CSV, in both header generations, for
// the export (exporter.hpp). The old lists are the 推奨データセット definitions quoted in
// municipal-context.md §3.1 ("All 14 old-format datasets"); the new lists of 公衆トイレ,
// 指定緊急避難場所 and 消防水利施設 are the exact real headers quoted there. The other new
// lists are derived from the old ones the way those three changed (docs/opendata-mapping.md
// "Export"): code/ID/name first, the one-line address split into the 所在地_* block.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace renkei::opendata {

enum class ExportGeneration { kNew, kOld };

// How a Boolean flag is written back: 有/無 in most datasets, `1`/empty in 指定緊急避難場所
// (its 災害種別_* and 指定避難所との重複 columns, municipal-context.md §3.1).
struct FlagWords {
  std::string yes;
  std::string no;
};

struct StandardColumns {
  std::vector<std::string> header;
  FlagWords flags;
};

// nullopt when `dataset` is not a built-in dataset name.
std::optional<StandardColumns> FindStandardColumns(std::string_view dataset,
                                                   ExportGeneration generation);

// "new" / "old"; nullopt for anything else.
std::optional<ExportGeneration> ParseExportGeneration(std::string_view text);

}  // namespace renkei::opendata
