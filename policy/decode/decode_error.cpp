#include "policy/decode/decode_error.hpp"

#include <stdexcept>

namespace launchguard {

const char* to_string(decode_errc code) {
  switch (code) {
    case decode_errc::invalid_json:
      return "invalid_json";
    case decode_errc::invalid_utf8:
      return "invalid_utf8";
    case decode_errc::too_deep:
      return "too_deep";
    case decode_errc::wrong_type:
      return "wrong_type";
    case decode_errc::out_of_range:
      return "out_of_range";
    case decode_errc::duplicate_key:
      return "duplicate_key";
    case decode_errc::missing_field:
      return "missing_field";
    case decode_errc::unsupported:
      return "unsupported";
  }
  return "invalid_json";
}

void throw_exception_from_error(const decode_error& error, const boost::source_location&) {
  throw std::runtime_error(error.message);
}

}  // namespace launchguard
