#pragma once

#include <cstdint>
#include <string>

#include <boost/system/result.hpp>

namespace launchguard {

// Why a request body could not be decoded. Every code maps to HTTP 400 at the server; the
// message names the field, e.g. "request.object.spec.containers[0].image: expected a string".
enum class decode_errc : std::uint8_t {
  invalid_json,   // not JSON at all, truncated, or trailing bytes
  invalid_utf8,   // JSON strings must be UTF-8
  too_deep,       // nested deeper than the decoder allows
  wrong_type,     // a field has a type the schema does not allow
  out_of_range,   // a number that does not fit its field
  duplicate_key,  // a field the rules read appears twice in one object
  missing_field,  // a required field is absent
  unsupported,    // well-formed JSON that is not what the endpoint accepts
};

const char* to_string(decode_errc code);

struct decode_error {
  decode_errc code = decode_errc::invalid_json;
  std::string message;
};

// Lets result<T, decode_error>::value() throw a readable exception.
[[noreturn]] void throw_exception_from_error(const decode_error& error,
                                             const boost::source_location& location);

template <class T>
using decode_result = boost::system::result<T, decode_error>;

}  // namespace launchguard
