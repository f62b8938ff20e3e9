#pragma once

#include <map>
#include <memory>
#include <string>

#include "server/util/failure.hpp"

namespace launchguard::server {

struct client_answer {
  int status = 0;
  std::string body;
};

// A small blocking HTTPS client for the CLI (`launchguard replay`): one keep-alive connection
// to one server, verified against a CA file (or the system's CAs when none is given).
class https_client {
 public:
  // `target` is "https://HOST:PORT"; the certificate must name HOST.
  static outcome<std::unique_ptr<https_client>> connect(const std::string& target,
                                                        const std::string& ca_file);
  ~https_client();

  outcome<client_answer> request(const std::string& method, const std::string& path,
                                 const std::string& body = {},
                                 const std::map<std::string, std::string>& headers = {});

 private:
  struct impl;
  explicit https_client(std::unique_ptr<impl> state);
  std::unique_ptr<impl> impl_;
};

}  // namespace launchguard::server
