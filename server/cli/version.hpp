#pragma once

#include <string>

namespace launchguard::server {

// "launchguard 0.1.0 (commit 1a2b3c4, gcc 12.2.0, OpenSSL 3.0.15, Boost 1.81.0)"
std::string version_text();

}  // namespace launchguard::server
