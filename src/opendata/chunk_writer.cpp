#include "opendata/chunk_writer.hpp"

#include <algorithm>

namespace renkei::opendata {
namespace {

using base::ErrorCode;

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

// The step of one imported entity (EntityService::LdBulkUpsert runs it on the writer thread
// with the stored entity of the same id, if any). `unchanged` is only touched there, and
// read after the unit's completion.
service::LdBatchStep UpsertStep(core::Entity entity, base::Timestamp now,
                                std::shared_ptr<std::size_t> unchanged) {
  return [entity = std::move(entity), now, unchanged](
             std::optional<core::Entity>& stored) mutable -> base::Result<service::LdBatchApplied> {
    if (!stored) {
      stored = std::move(entity);
      return service::LdBatchApplied(service::LdBatchEffect::kCreated);
    }
    if (stored->PrimaryType() != entity.PrimaryType()) {
      return base::Fail(ErrorCode::kAlreadyExists, "AlreadyExists",
                        "an entity " + entity.id + " of type " + stored->PrimaryType() + " exists");
    }
    if (SameContent(stored->attributes, entity.attributes)) {
      ++*unchanged;
      return service::LdBatchApplied(service::LdBatchEffect::kNone);
    }
    std::vector<core::Attribute> next = entity.attributes;
    service::LdBatchApplied applied(service::LdBatchEffect::kUpdated);
    for (auto& attribute : next) {
      const core::Attribute* old = stored->Find(attribute.name);
      attribute.created_at = old ? old->created_at : now;
      const bool same = old && old->type == attribute.type && old->value == attribute.value;
      attribute.modified_at = same ? old->modified_at : now;
      if (!same) applied.written.push_back(attribute.name);  // an unchanged value is kept
    }
    stored->attributes = std::move(next);
    return applied;
  };
}

}  // namespace

ChunkWriter::ChunkWriter(service::EntityService& service, const ImportOptions& options,
                         base::Timestamp now, std::size_t max_in_flight)
    : service_(service),
      options_(options),
      now_(now),
      max_in_flight_(std::max<std::size_t>(max_in_flight, 1)) {}

base::Result<void> ChunkWriter::Submit(std::vector<PreparedEntity> chunk, StreamPosition at) {
  // One unit per tenant of the chunk, in the order the tenants first appear in it.
  std::vector<std::string> tenants;
  std::map<std::string, std::vector<service::LdBatchItem>> items;
  std::map<std::string, Pending> units;
  for (auto& prepared : chunk) {
    auto [unit, fresh] = units.try_emplace(prepared.tenant);
    if (fresh) {
      tenants.push_back(prepared.tenant);
      unit->second.tenant = prepared.tenant;
      unit->second.first_line = prepared.line;
      unit->second.unchanged = std::make_shared<std::size_t>(0);
      unit->second.at = at;
    }
    unit->second.line_of[prepared.entity.id] = prepared.line;
    std::string id = prepared.entity.id;
    // Where the record came from goes into the store with it (ADR 0017), so the quality
    // report of stored records can cite the line.
    store::ImportSource source{options_.source_file, prepared.line, now_};
    items[prepared.tenant].push_back(
        {std::move(id), UpsertStep(std::move(prepared.entity), now_, unit->second.unchanged),
         std::move(source)});
  }
  for (const auto& tenant : tenants) {
    service::RequestContext ctx = options_.caller;
    ctx.tenant = tenant;
    ctx.service_path = options_.service_path;
    ctx.now = now_;
    Pending unit = std::move(units[tenant]);
    auto promise = std::make_shared<std::promise<base::Result<service::LdBatchOutcome>>>();
    unit.outcome = promise->get_future();
    service_.LdBulkUpsert(
        ctx, std::move(items[tenant]),
        [promise](base::Result<service::LdBatchOutcome> r) { promise->set_value(std::move(r)); });
    pending_.push_back(std::move(unit));
  }
  while (pending_.size() > max_in_flight_) AwaitOldest();
  // After a store failure the rest of the file is not written: the error says from where.
  if (failure_) return base::Unexpected{*failure_};
  return base::Ok();
}

void ChunkWriter::AwaitOldest() {
  Pending unit = std::move(pending_.front());
  pending_.pop_front();
  auto outcome = unit.outcome.get();
  if (options_.progress) options_.progress("writing", unit.at.rows_read, unit.at.rows_total);
  if (!outcome) {
    if (!failure_) {
      failure_ = outcome.error();
      failure_->detail = "writing the rows of tenant " + unit.tenant + " from line " +
                         std::to_string(unit.first_line) + " on failed: " + failure_->detail;
    }
    return;
  }
  const std::size_t same = *unit.unchanged;
  summary_.created += outcome->created.size();
  summary_.unchanged += same;
  summary_.updated += outcome->succeeded.size() - outcome->created.size() - same;
  committed_ += outcome->succeeded.size();
  for (const auto& [id, error] : outcome->errors) {
    summary_.rejected.push_back(RowIssue{unit.line_of[id], "", error.detail});
  }
}

base::Result<WriteSummary> ChunkWriter::Finish() {
  while (!pending_.empty()) AwaitOldest();
  std::stable_sort(summary_.rejected.begin(), summary_.rejected.end(),
                   [](const RowIssue& a, const RowIssue& b) { return a.line < b.line; });
  if (failure_) {
    base::Error error = *failure_;
    error.detail += " (" + std::to_string(committed_) + " entities were committed)";
    return base::Unexpected{std::move(error)};
  }
  return std::move(summary_);
}

}  // namespace renkei::opendata
