// LdReply: how an NGSI-LD handler answers (ETSI GS CIM 009 v1.8 §6.3). Successful bodies get
// the request's @context the way the client asked for (§6.3.5): inside the body for
// `Accept: application/ld+json`, else as a `Link` header (the core context URL when the
// request gave none). Errors are ProblemDetails (§5.5.2, RFC 7807) from MapLdError, the one
// Error → HTTP mapping of this dialect. Copyable; call exactly one answering method once.
#pragma once

#include <string>

#include <boost/json/value.hpp>

#include "base/error.hpp"
#include "base/result.hpp"
#include "http/message.hpp"

namespace renkei::api::ngsild {

struct LdProblem {
  unsigned status;
  std::string_view type;  // last segment of https://uri.etsi.org/ngsi-ld/errors/<type>
  bool etsi = true;       // false: a renkei type, urn:renkei:problem:<type>
};
// The one mapping from Error to status and ProblemDetails type.
LdProblem MapLdError(const base::Error& error);

// The BadRequestData error (400) with `detail`, the most common refusal of this dialect.
base::Unexpected BadRequestData(std::string detail);

// The ProblemDetails object for `error` (also the "error" member of batch results, §5.2.17).
boost::json::object ProblemJson(const base::Error& error);

// What the response's body representation is (from Accept, §6.3.4).
enum class LdMediaType { kJson, kLdJson, kGeoJson };

// The @context to put on responses: `link_url` for the Link header, `inline_context` (the
// request's own @context value, or the link URL as a string) for ld+json bodies.
struct ResponseContext {
  LdMediaType media = LdMediaType::kJson;
  std::string link_url;
  boost::json::value inline_context;
};

class LdReply {
 public:
  LdReply(http::Responder responder, http::HeaderList common_headers, ResponseContext context)
      : responder_(std::move(responder)),
        common_headers_(std::move(common_headers)),
        context_(std::move(context)) {}

  // An entity object or an array of them: adds @context per entity (ld+json), to the
  // Feature or FeatureCollection (geo+json), or as Link (json).
  void Entities(unsigned status, boost::json::value body, http::HeaderList extra = {}) const;
  // A body without @context handling (ProblemDetails-like results such as 207 reports,
  // @context documents).
  void Json(unsigned status, const boost::json::value& body, http::HeaderList extra = {},
            std::string_view content_type = "application/json") const;
  void Empty(unsigned status, http::HeaderList extra = {}) const;
  void Error(const base::Error& error, http::HeaderList extra = {}) const;

  const ResponseContext& context() const { return context_; }

 private:
  void Send(http::Response response) const;

  http::Responder responder_;
  http::HeaderList common_headers_;
  ResponseContext context_;
};

}  // namespace renkei::api::ngsild
