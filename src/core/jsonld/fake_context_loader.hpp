// FakeContextLoader: an in-memory ContextLoader for tests. Serves the documents it was
// given by URL, fails for any other URL with kLdContextNotAvailable, and counts loads.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <boost/json/parse.hpp>

#include "core/jsonld/context_loader.hpp"

namespace renkei::core::jsonld {

class FakeContextLoader final : public ContextLoader {
 public:
  // Registers `json_text` (parsed now) as the document at `url`.
  void Add(std::string url, std::string_view json_text) {
    documents_[std::move(url)] = boost::json::parse(json_text);
  }

  base::Result<boost::json::value> Load(std::string_view url) override {
    ++loads_;
    auto it = documents_.find(std::string(url));
    if (it == documents_.end()) {
      return base::Fail(base::ErrorCode::kLdContextNotAvailable, "LdContextNotAvailable",
                        "404 Not Found");
    }
    return it->second;
  }

  int loads() const { return loads_; }

 private:
  std::map<std::string, boost::json::value, std::less<>> documents_;
  int loads_ = 0;
};

}  // namespace renkei::core::jsonld
