#include "server/endpoints/bearer_token.hpp"

#include <fstream>
#include <sstream>

#include <openssl/crypto.h>

namespace launchguard::server {

outcome<bearer_token> bearer_token::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return failure{path + ": cannot read the token file"};
  std::ostringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  auto first = token.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return failure{path + ": the token file is empty"};
  token = token.substr(first, token.find_last_not_of(" \t\r\n") - first + 1);
  return bearer_token(std::move(token));
}

bool bearer_token::accepts(std::string_view authorization) const {
  constexpr std::string_view scheme = "Bearer ";
  if (authorization.size() != scheme.size() + token_.size()) return false;
  bool scheme_ok = CRYPTO_memcmp(authorization.data(), scheme.data(), scheme.size()) == 0;
  bool token_ok =
      CRYPTO_memcmp(authorization.data() + scheme.size(), token_.data(), token_.size()) == 0;
  return scheme_ok && token_ok;
}

}  // namespace launchguard::server
