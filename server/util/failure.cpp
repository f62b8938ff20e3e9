#include "server/util/failure.hpp"

#include <stdexcept>

namespace launchguard::server {

void throw_exception_from_error(const failure& error, const boost::source_location&) {
  throw std::runtime_error(error.message);
}

}  // namespace launchguard::server
