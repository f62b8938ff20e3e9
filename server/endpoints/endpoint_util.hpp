#pragma once

#include <optional>
#include <string_view>

#include "server/endpoints/bearer_token.hpp"
#include "server/http/http_message.hpp"

namespace launchguard::server {

// 405 with an Allow header when the method is not `allowed`.
std::optional<http_response> require_method(const http_request& request, std::string_view allowed);

// 415 unless the media type is one of `accepted` (parameters such as charset are ignored,
// the comparison is case-insensitive).
std::optional<http_response> require_content_type(const http_request& request,
                                                  std::initializer_list<std::string_view> accepted);

// 401 with WWW-Authenticate unless the request carries `token`; `flag` names where the
// token comes from ("--api-token-file").
std::optional<http_response> require_bearer(const http_request& request, const bearer_token& token,
                                            std::string_view flag);

}  // namespace launchguard::server
