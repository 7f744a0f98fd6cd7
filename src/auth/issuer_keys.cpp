#include "auth/issuer_keys.hpp"

#include <algorithm>

#include "base/file_contents.hpp"

namespace renkei::auth {

base::Result<std::unique_ptr<IssuerKeys>> IssuerKeys::FromFile(const std::string& path) {
  const auto text = base::ReadFileContents(path);
  if (!text) {
    return base::Fail(base::ErrorCode::kInvalidRequest, "InvalidJwks",
                      "cannot read the JWKS file " + path);
  }
  auto keys = ParseJwks(*text);
  if (!keys) {
    return base::Fail(base::ErrorCode::kInvalidRequest, "InvalidJwks",
                      path + ": " + keys.error().detail);
  }
  return std::unique_ptr<IssuerKeys>(new IssuerKeys(std::move(*keys)));
}

IssuerKeys::IssuerKeys(KeyList keys) : keys_(std::make_shared<const KeyList>(std::move(keys))) {}

IssuerKeys::IssuerKeys(std::string url, JwksFetcher fetcher, std::chrono::seconds refetch_interval,
                       std::chrono::seconds max_age)
    : url_(std::move(url)),
      fetcher_(std::move(fetcher)),
      refetch_interval_ms_(std::chrono::milliseconds(refetch_interval).count()),
      max_age_ms_(std::chrono::milliseconds(max_age).count()),
      keys_(std::make_shared<const KeyList>()) {}

bool IssuerKeys::NeedsRefresh(const std::optional<std::string>& key_id, base::Timestamp now) const {
  if (url_.empty()) return false;
  if (!fetched_at_ || now.millis - fetched_at_->millis >= max_age_ms_) return true;
  return key_id && std::none_of(keys_->begin(), keys_->end(),
                                [&](const PublicJwk& key) { return key.key_id == *key_id; });
}

bool IssuerKeys::MayFetch(base::Timestamp now) const {
  return !last_attempt_ || now.millis - last_attempt_->millis >= refetch_interval_ms_;
}

std::shared_ptr<const KeyList> IssuerKeys::Keys(const std::optional<std::string>& key_id,
                                                base::Timestamp now) {
  {
    std::lock_guard lock(mu_);
    if (!NeedsRefresh(key_id, now) || !MayFetch(now)) return keys_;
  }
  std::lock_guard fetch_lock(fetch_mu_);
  {
    // Another thread may have fetched while this one waited.
    std::lock_guard lock(mu_);
    if (!NeedsRefresh(key_id, now) || !MayFetch(now)) return keys_;
    last_attempt_ = now;
    ++attempts_;
  }
  auto body = fetcher_(url_);
  auto keys = body ? ParseJwks(*body) : base::Result<KeyList>(body.error());
  std::lock_guard lock(mu_);
  if (keys) {
    keys_ = std::make_shared<const KeyList>(std::move(*keys));
    fetched_at_ = now;
  }
  return keys_;
}

int IssuerKeys::FetchAttempts() const {
  std::lock_guard lock(mu_);
  return attempts_;
}

}  // namespace renkei::auth
