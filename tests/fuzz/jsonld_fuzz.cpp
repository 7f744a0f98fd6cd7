// Fuzzes JSON-LD context processing (core/jsonld: ProcessContext, WithUserContext). Input:
// the first line is the local @context (JSON); every further line is the document the fake
// loader returns for the next remote context it is asked for (a line that is not JSON, or
// no line left, makes the load fail). Checks: errors carry the documented codes; in a
// processed context every term (not null, not @reverse) expands to its IRI mapping, and
// compacting that IRI and expanding the result gives the IRI back; with WithUserContext the
// core context still wins ("id" expands to "@id").
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>
#include <vector>

#include <boost/json/parse.hpp>

#include "core/jsonld/context_processing.hpp"
#include "core/jsonld/core_context.hpp"
#include "core/jsonld/iri.hpp"
#include "tests/fuzz/fuzz_input.hpp"

namespace {

using renkei::base::ErrorCode;
using renkei::core::jsonld::ActiveContext;
using renkei::fuzz::FuzzCheck;

// Serves the input's remaining lines, one per Load call, in order.
class LineLoader final : public renkei::core::jsonld::ContextLoader {
 public:
  explicit LineLoader(std::vector<std::string_view> documents) : documents_(std::move(documents)) {}
  renkei::base::Result<boost::json::value> Load(std::string_view /*url*/) override {
    if (next_ >= documents_.size()) return NotFound();
    std::error_code ec;
    auto document = boost::json::parse(documents_[next_++], ec);
    if (ec) return NotFound();
    return document;
  }

 private:
  static renkei::base::Unexpected NotFound() {
    return renkei::base::Fail(ErrorCode::kLdContextNotAvailable, "LdContextNotAvailable",
                              "404 Not Found");
  }
  std::vector<std::string_view> documents_;
  std::size_t next_ = 0;
};

std::vector<std::string_view> Documents(std::string_view rest) {
  std::vector<std::string_view> lines;
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    lines.push_back(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }
  return lines;
}

void CheckError(const renkei::base::Error& error) {
  FuzzCheck(error.code == ErrorCode::kBadRequestData ||
                error.code == ErrorCode::kLdContextNotAvailable ||
                error.code == ErrorCode::kOperationNotSupported,
            "context error with an undocumented code");
}

void CheckRoundTrips(const ActiveContext& context) {
  using renkei::core::jsonld::CompactIri;
  using renkei::core::jsonld::ExpandIri;
  for (const auto& [term, definition] : context.terms()) {
    if (definition.IsNull() || definition.reverse || term.starts_with('@')) continue;
    auto expanded = ExpandIri(context, term);
    FuzzCheck(expanded.has_value() && *expanded == definition.iri,
              "a term does not expand to its IRI mapping");
    auto compacted = CompactIri(context, definition.iri);
    auto back = ExpandIri(context, compacted);
    FuzzCheck(back.has_value() && *back == definition.iri,
              "ExpandIri(CompactIri(iri)) != iri for a term's IRI");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = renkei::fuzz::AsText(data, size);
  auto nl = text.find('\n');
  std::error_code ec;
  auto local_context = boost::json::parse(text.substr(0, nl), ec);
  if (ec) return 0;
  auto documents = Documents(nl == std::string_view::npos ? "" : text.substr(nl + 1));

  LineLoader loader(documents);
  auto context = renkei::core::jsonld::ProcessContext(local_context, loader, ActiveContext{});
  if (context) {
    CheckRoundTrips(**context);
  } else {
    CheckError(context.error());
  }

  LineLoader user_loader(documents);
  auto user = renkei::core::jsonld::WithUserContext(local_context, user_loader);
  if (user) {
    auto id = renkei::core::jsonld::ExpandIri(**user, "id");
    FuzzCheck(id.has_value() && *id == "@id", "a user context overrode the core term \"id\"");
  } else {
    CheckError(user.error());
  }
  return 0;
}
