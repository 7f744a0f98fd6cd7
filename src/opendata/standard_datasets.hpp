// The built-in layouts of the 自治体標準オープンデータセット (formerly 推奨データセット) and
// their recognition from a header row. Column names are those of municipal-context.md §3.1
// ("Concrete headers", "All 14 old-format datasets"); both header generations are covered
// by listing the old and the new name of a column as alternatives.
// Attribute names are documented in docs/opendata-mapping.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "opendata/dataset_layout.hpp"

namespace renkei::opendata {

enum class HeaderGeneration { kOld, kNew, kOther };

struct RecognizedDataset {
  DatasetLayout layout;
  HeaderGeneration generation = HeaderGeneration::kOther;
};

// Every built-in layout, in a fixed order.
const std::vector<DatasetLayout>& StandardDatasets();

// The built-in layout named `name` ("evacuation_space", "public_toilet", ...).
std::optional<DatasetLayout> FindStandardDataset(std::string_view name);

// The layout whose signature columns all appear in `header`; nullopt when none does.
std::optional<RecognizedDataset> RecognizeDataset(const std::vector<std::string>& header);

// kOld when the header starts with the 推奨データセット code column
// (都道府県コード又は市区町村コード, or NO/市区町村コード of the old 指定緊急避難場所),
// kNew for 全国地方公共団体コード,ID.
HeaderGeneration DetectGeneration(const std::vector<std::string>& header);

std::string_view GenerationName(HeaderGeneration generation);

}  // namespace renkei::opendata
