#pragma once

#include <optional>
#include <string_view>

#include "server/http/http_message.hpp"

namespace launchguard::server {

// 405 with an Allow header when the method is not `allowed`.
std::optional<http_response> require_method(const http_request& request, std::string_view allowed);

// 415 unless the media type is one of `accepted` (parameters such as charset are ignored,
// the comparison is case-insensitive).
std::optional<http_response> require_content_type(const http_request& request,
                                                  std::initializer_list<std::string_view> accepted);

}  // namespace launchguard::server
