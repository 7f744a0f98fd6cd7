// Fuzzes the open-data import path short of the store (src/opendata): encoding detection,
// the CSV reader, header recognition, row mapping and date/time normalisation, with the
// whole input as the file's bytes. Checks: decoded text is valid UTF-8; records come in line
// order; no more entities than rows; every entity has an NGSI-LD URN id and a location
// inside Japan if any; normalised dates and times normalise to themselves again.
#include <cstddef>
#include <cstdint>

#include "opendata/csv_reader.hpp"
#include "opendata/importer.hpp"
#include "opendata/japanese_datetime.hpp"
#include "opendata/text_encoding.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using renkei::fuzz::FuzzCheck;
  namespace od = renkei::opendata;
  const auto bytes = renkei::fuzz::AsText(data, size);

  if (auto date = od::NormalizeDate(bytes)) {
    FuzzCheck(od::NormalizeDate(*date) == date, "a normalised date does not normalise to itself");
  }
  if (auto time = od::NormalizeTime(bytes)) {
    FuzzCheck(od::NormalizeTime(*time) == time, "a normalised time does not normalise to itself");
  }
  (void)od::NormalizeTimeRange(bytes);

  auto decoded = od::DecodeToUtf8(bytes);
  if (decoded) {
    FuzzCheck(od::IsValidUtf8(decoded->text()), "decoded text is not valid UTF-8");
    const auto table = od::ParseCsv(decoded->text(), od::GuessDelimiter(decoded->text()));
    for (std::size_t i = 1; i < table.records.size(); ++i) {
      FuzzCheck(table.records[i].line > table.records[i - 1].line, "records out of line order");
    }
  }

  for (const char* dataset : {"", "evacuation_space", "public_toilet", "event"}) {
    od::ImportOptions options;
    if (*dataset != '\0') options.dataset = dataset;
    if (*dataset == 'p') options.tenant = "304018";
    auto prepared = od::PrepareFile(bytes, options);
    if (!prepared) continue;
    FuzzCheck(prepared->entities.size() + prepared->skipped <= prepared->rows_read,
              "more entities than rows");
    for (const auto& e : prepared->entities) {
      FuzzCheck(e.entity.id.starts_with("urn:ngsi-ld:"), "entity id is not an NGSI-LD URN");
      if (const auto* location = e.entity.Find("location")) {
        const auto& c = location->value.at("coordinates").as_array();
        const double lon = c[0].to_number<double>(), lat = c[1].to_number<double>();
        FuzzCheck(lat >= 20 && lat <= 46 && lon >= 122 && lon <= 154, "location outside Japan");
      }
    }
  }
  return 0;
}
