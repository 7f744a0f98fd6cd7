#include "opendata/importer.hpp"

#include <algorithm>
#include <atomic>
#include <future>
#include <map>
#include <memory>
#include <optional>

#include "opendata/csv_reader.hpp"
#include "opendata/header.hpp"

namespace renkei::opendata {
namespace {

using base::ErrorCode;

// Rows between two progress calls while reading.
constexpr std::size_t kProgressEvery = 4096;

base::Unexpected FileError(std::string title, std::string detail) {
  return base::Fail(ErrorCode::kBadRequestData, std::move(title), std::move(detail));
}

// Attributes equal apart from their system times: a re-import of unchanged data is a no-op.
bool SameContent(const std::vector<core::Attribute>& a, const std::vector<core::Attribute>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].kind != b[i].kind || a[i].type != b[i].type ||
        a[i].value != b[i].value || !SameContent(a[i].metadata, b[i].metadata)) {
      return false;
    }
  }
  return true;
}

// The batch step of one imported entity (EntityService::LdBatch runs it on the writer
// thread with the stored entity of the same id, if any).
service::LdBatchStep UpsertStep(core::Entity entity, base::Timestamp now,
                                std::shared_ptr<std::atomic<std::size_t>> unchanged) {
  return [entity = std::move(entity), now,
          unchanged](std::optional<core::Entity>& stored) -> base::Result<service::LdBatchApplied> {
    if (!stored) {
      stored = entity;
      return service::LdBatchApplied(service::LdBatchEffect::kCreated);
    }
    if (stored->PrimaryType() != entity.PrimaryType()) {
      return base::Fail(ErrorCode::kAlreadyExists, "AlreadyExists",
                        "an entity " + entity.id + " of type " + stored->PrimaryType() + " exists");
    }
    if (SameContent(stored->attributes, entity.attributes)) {
      unchanged->fetch_add(1);
      return service::LdBatchApplied(service::LdBatchEffect::kNone);
    }
    std::vector<core::Attribute> next = entity.attributes;
    for (auto& attribute : next) {
      const core::Attribute* old = stored->Find(attribute.name);
      attribute.created_at = old ? old->created_at : now;
      const bool same = old && old->type == attribute.type && old->value == attribute.value;
      attribute.modified_at = same ? old->modified_at : now;
    }
    stored->attributes = std::move(next);
    return service::LdBatchApplied(service::LdBatchEffect::kUpdated);
  };
}

}  // namespace

base::Result<PreparedFile> PrepareFile(std::string_view bytes, const ImportOptions& options) {
  PreparedFile out;
  RENKEI_TRY(auto decoded, DecodeToUtf8(bytes));
  out.encoding = decoded.encoding;
  CsvTable table = ParseCsv(decoded.text, GuessDelimiter(decoded.text));
  for (const auto& problem : table.problems) {
    out.rejected.push_back(RowIssue{problem.line, "", problem.reason});
  }

  // Which layout: a mapping file, a named built-in, or the one the header shows.
  const bool strict = options.layout.has_value();
  std::size_t skip = 0, header_rows = 1;
  if (options.layout) {
    skip = options.layout->skip_rows;
    header_rows = options.layout->header_rows;
  }
  if (table.records.size() < skip + header_rows) {
    return FileError("NoHeader", "the file has no header row");
  }
  std::vector<CsvRecord> header_records(
      table.records.begin() + static_cast<std::ptrdiff_t>(skip),
      table.records.begin() + static_cast<std::ptrdiff_t>(skip + header_rows));
  std::vector<std::string> header = FlattenHeader(header_records);
  out.generation = DetectGeneration(header);
  if (options.layout) {
    out.layout = *options.layout;
  } else if (options.dataset) {
    auto layout = FindStandardDataset(*options.dataset);
    if (!layout)
      return FileError("UnknownDataset", "no built-in dataset '" + *options.dataset + "'");
    out.layout = std::move(*layout);
  } else if (auto recognized = RecognizeDataset(header)) {
    out.layout = std::move(recognized->layout);
  } else {
    return FileError("UnknownDataset",
                     "the header matches no standard dataset; name one with --dataset or "
                     "describe the layout in a --mapping file (header starts with '" +
                         (header.empty() ? std::string() : header.front()) + "')");
  }
  for (const auto& column : out.layout.signature) {
    if (std::find(header.begin(), header.end(), column) == header.end()) {
      return FileError("WrongDataset",
                       "the header lacks column '" + column + "' of dataset " + out.layout.name);
    }
  }
  RENKEI_TRY(auto mapper,
             RowMapper::Create(out.layout, header, options.tenant.value_or(""), strict));

  std::map<std::string, std::size_t> line_of_id;  // (tenant + id) -> first line
  for (std::size_t r = skip + header_rows; r < table.records.size(); ++r) {
    const auto& record = table.records[r];
    ++out.rows_read;
    if (options.progress && out.rows_read % kProgressEvery == 0) {
      options.progress("reading", out.rows_read, table.records.size() - skip - header_rows);
    }
    // A record with an unterminated quote swallowed the rest of the file; it is already
    // reported (table.problems) and must not be imported half-read.
    if (std::any_of(table.problems.begin(), table.problems.end(),
                    [&](const CsvProblem& p) { return p.line == record.line; })) {
      continue;
    }
    MappedRow mapped = mapper.Map(record);
    if (mapped.rejection) {
      out.rejected.push_back(std::move(*mapped.rejection));
      continue;
    }
    // Rows of another municipality are not this import's business, nor are their warnings.
    if (options.tenant && !mapped.municipality_code.empty() &&
        mapped.municipality_code != *options.tenant) {
      ++out.skipped;
      continue;
    }
    for (auto& w : mapped.warnings) out.warnings.push_back(std::move(w));
    const std::string tenant = options.tenant.value_or(mapped.municipality_code);
    auto [it, fresh] = line_of_id.emplace(tenant + '\n' + mapped.entity->id, record.line);
    if (!fresh) {
      out.rejected.push_back(RowIssue{record.line, "",
                                      "same id " + mapped.entity->id + " as line " +
                                          std::to_string(it->second) + " (a duplicate row?)"});
      continue;
    }
    out.entities.push_back(PreparedEntity{record.line, tenant, std::move(*mapped.entity)});
  }
  return out;
}

base::Result<WriteSummary> WriteEntities(service::EntityService& service,
                                         std::vector<PreparedEntity> entities,
                                         const ImportOptions& options, base::Timestamp now) {
  std::map<std::string, std::vector<PreparedEntity*>> by_tenant;
  for (auto& e : entities) by_tenant[e.tenant].push_back(&e);
  const std::size_t batch_size = std::max<std::size_t>(options.batch_size, 1);

  // Every unit is submitted before the first is awaited, so the store's writer can group
  // them into few durable commits (group commit, ADR 0003) instead of one fsync per batch.
  struct Pending {
    std::string tenant;
    std::map<std::string, std::size_t> line_of;
    std::shared_ptr<std::atomic<std::size_t>> unchanged;
    std::future<base::Result<service::LdBatchOutcome>> outcome;
  };
  std::vector<Pending> pending;
  for (auto& [tenant, list] : by_tenant) {
    service::RequestContext ctx;
    ctx.tenant = tenant;
    ctx.service_path = options.service_path;
    ctx.now = now;
    for (std::size_t start = 0; start < list.size(); start += batch_size) {
      const std::size_t end = std::min(list.size(), start + batch_size);
      Pending p{tenant, {}, std::make_shared<std::atomic<std::size_t>>(0), {}};
      std::vector<service::LdBatchItem> items;
      for (std::size_t i = start; i < end; ++i) {
        p.line_of[list[i]->entity.id] = list[i]->line;
        std::string id = list[i]->entity.id;
        items.push_back({std::move(id), UpsertStep(std::move(list[i]->entity), now, p.unchanged)});
      }
      auto promise = std::make_shared<std::promise<base::Result<service::LdBatchOutcome>>>();
      p.outcome = promise->get_future();
      service.LdBatch(ctx, std::move(items), [promise](base::Result<service::LdBatchOutcome> r) {
        promise->set_value(std::move(r));
      });
      pending.push_back(std::move(p));
    }
  }

  WriteSummary summary;
  std::size_t committed = 0;
  std::optional<base::Error> failure;
  std::size_t awaited = 0;
  for (auto& p : pending) {
    auto outcome = p.outcome.get();  // every unit is awaited, also after a failure
    awaited += p.line_of.size();
    if (options.progress) options.progress("writing", awaited, entities.size());
    if (!outcome) {
      if (!failure) {
        failure = outcome.error();
        failure->detail = "writing to tenant " + p.tenant + " failed: " + failure->detail;
      }
      continue;
    }
    const std::size_t same = p.unchanged->load();
    summary.created += outcome->created.size();
    summary.unchanged += same;
    summary.updated += outcome->succeeded.size() - outcome->created.size() - same;
    committed += outcome->succeeded.size();
    for (const auto& [id, error] : outcome->errors) {
      summary.rejected.push_back(RowIssue{p.line_of[id], "", error.detail});
    }
  }
  if (failure) {
    failure->detail += " (" + std::to_string(committed) + " entities were committed)";
    return base::Unexpected{std::move(*failure)};
  }
  return summary;
}

}  // namespace renkei::opendata
