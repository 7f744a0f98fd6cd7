#include "api/ngsild/context_mirror.hpp"

#include <fstream>
#include <iterator>
#include <system_error>

#include <boost/json/parse.hpp>

#include "http/client.hpp"

namespace renkei::api::ngsild {
namespace {

base::Unexpected Unavailable(std::string_view url, std::string why) {
  return base::Fail(
      base::ErrorCode::kLdContextNotAvailable, "LdContextNotAvailable",
      "cannot load @context " + std::string(url) + " from the mirror: " + std::move(why));
}

// A host name as a single directory name: letters, digits, '-', '.', no leading '.'.
bool IsPlainHost(std::string_view host) {
  if (host.empty() || host.front() == '.') return false;
  for (char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::optional<std::filesystem::path> MirrorPathOf(const std::filesystem::path& dir,
                                                  std::string_view url) {
  if (dir.empty()) return std::nullopt;
  http::ParsedUrl parsed;
  if (!http::ParseHttpUrl(url, parsed) || !IsPlainHost(parsed.host)) return std::nullopt;
  std::string_view path = parsed.target;
  if (path.find_first_of("?#\\") != std::string_view::npos || path.size() < 2) {
    return std::nullopt;
  }
  std::filesystem::path file = dir / parsed.host;
  path.remove_prefix(1);  // the leading '/'
  while (!path.empty()) {
    const auto slash = path.find('/');
    const auto segment = path.substr(0, slash);
    if (segment.empty() || segment == "." || segment == "..") return std::nullopt;
    file /= std::string(segment);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  }
  return file;
}

base::Result<FetchedContext> MirroredContextFetcher::Fetch(std::string_view url) {
  const auto file = MirrorPathOf(dir_, url);
  std::error_code ec;
  if (!file || !std::filesystem::is_regular_file(*file, ec)) return fallback_.Fetch(url);
  const auto size = std::filesystem::file_size(*file, ec);
  if (ec) return Unavailable(url, ec.message());
  if (size > HttpContextFetcher::kMaxDocumentBytes) {
    return Unavailable(
        url, "larger than " + std::to_string(HttpContextFetcher::kMaxDocumentBytes) + " bytes");
  }
  std::ifstream in(*file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.is_open() || in.bad()) return Unavailable(url, "cannot read " + file->string());
  boost::json::error_code parse_error;
  FetchedContext fetched;
  fetched.document = boost::json::parse(text, parse_error);
  if (parse_error) return Unavailable(url, "not JSON: " + parse_error.message());
  return fetched;
}

}  // namespace renkei::api::ngsild
