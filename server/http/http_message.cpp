#include "server/http/http_message.hpp"

#include <nlohmann/json.hpp>

namespace launchguard::server {

http_response error_response(int status, std::string_view message) {
  nlohmann::json body = {{"error", message}};
  return json_response(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace launchguard::server
