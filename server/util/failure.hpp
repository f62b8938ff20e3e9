#pragma once

#include <string>

#include <boost/system/result.hpp>

namespace launchguard::server {

// Why a start-up step failed, in words that name the input and the problem:
// "/etc/launchguard/tls.key: the private key does not match the certificate in ...".
// outcome<std::string> cannot tell a string value from a failure by conversion: return
// values through boost::system::in_place_value there.
struct failure {
  std::string message;
};

[[noreturn]] void throw_exception_from_error(const failure& error,
                                             const boost::source_location& location);

template <class T>
using outcome = boost::system::result<T, failure>;

}  // namespace launchguard::server
