#include "server/cli/version.hpp"

#include <boost/version.hpp>
#include <openssl/crypto.h>

#ifndef LAUNCHGUARD_VERSION
#define LAUNCHGUARD_VERSION "unknown"
#endif
#ifndef LAUNCHGUARD_GIT_COMMIT
#define LAUNCHGUARD_GIT_COMMIT "unknown"
#endif

namespace launchguard::server {

std::string version_text() {
  std::string compiler;
#if defined(__clang__)
  compiler = "clang " __clang_version__;
#elif defined(__GNUC__)
  compiler = "gcc " + std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
             std::to_string(__GNUC_PATCHLEVEL__);
#endif
  std::string boost = std::to_string(BOOST_VERSION / 100000) + "." +
                      std::to_string(BOOST_VERSION / 100 % 1000) + "." +
                      std::to_string(BOOST_VERSION % 100);
  return std::string("launchguard ") + LAUNCHGUARD_VERSION + " (commit " + LAUNCHGUARD_GIT_COMMIT +
         ", " + compiler + ", " + OpenSSL_version(OPENSSL_VERSION) + ", Boost " + boost + ")";
}

}  // namespace launchguard::server
