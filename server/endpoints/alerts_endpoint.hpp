#pragma once

#include <optional>

#include "server/endpoints/bearer_token.hpp"
#include "server/http/http_message.hpp"
#include "server/store/alert_store.hpp"

namespace launchguard::server {

// GET /alerts?since=ID&limit=N&severity=S&rule=R: stored alerts with an id above `since`,
// oldest first, at most `limit` (default 100, at most 1000), at or above `severity`, of
// exactly `rule`. Answers {"alerts": [...], "next": ID} where next is the last id returned,
// or `since` when none was, so a client pages by passing `next` back. Bearer token required.
class alerts_endpoint {
 public:
  alerts_endpoint(alert_store& store, bearer_token token)
      : store_(store), token_(std::move(token)) {}

  // Method and token, from the headers alone.
  std::optional<http_response> screen(const http_request& request) const;
  http_response handle(const http_request& request);

 private:
  alert_store& store_;
  bearer_token token_;
};

// The query of a /alerts request, or a 400 that says which parameter is wrong.
outcome<alert_query> parse_alert_query(std::string_view query);

}  // namespace launchguard::server
