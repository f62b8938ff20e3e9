#pragma once

// Internal to policy/decode: helpers that read simdjson On-Demand values straight into the
// model types in one pass, in document order. Errors travel as `decode_failure` exceptions
// that collect the field path on the way out; the public decoders turn them into
// decode_error values, so nothing throws past policy/decode.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "policy/decode/decode_error.hpp"
#include "policy/model/object_meta.hpp"

namespace launchguard::detail {

namespace od = simdjson::ondemand;

class decode_failure {
 public:
  decode_failure(decode_errc code, std::string reason) : code_(code), reason_(std::move(reason)) {}

  // Called on the way out of each object and array level, innermost first.
  void prepend_key(std::string_view key);
  void prepend_index(std::size_t index);

  decode_error to_error() const;
  decode_errc code() const { return code_; }

 private:
  decode_errc code_;
  std::string reason_;
  std::string path_;
};

decode_failure failure_from(simdjson::error_code code);

// Reads an object member by member. `on_field(key, value)` returns a small id (0..63) for
// a key it decoded, or -1 for a key it skipped. A decoded key seen twice in one object is an
// error: the API server never sends one, and "first wins" versus "last wins" is exactly the
// ambiguity an attacker would use to show a rule one value and the cluster another.
// `null` reads as an empty object.
template <class on_field_fn>
void read_object(od::object object, on_field_fn&& on_field) {
  std::uint64_t seen = 0;
  for (auto member : object) {
    od::field field = std::move(member);
    std::string_view key = field.unescaped_key();
    try {
      int id = on_field(key, field.value());
      if (id >= 0) {
        std::uint64_t bit = std::uint64_t{1} << id;
        if (seen & bit) throw decode_failure(decode_errc::duplicate_key, "duplicate key");
        seen |= bit;
      }
    } catch (decode_failure& failure) {
      failure.prepend_key(key);
      throw;
    } catch (const simdjson::simdjson_error& error) {
      decode_failure failure = failure_from(error.error());
      failure.prepend_key(key);
      throw failure;
    }
  }
}

// The same for a value that may be null (read as empty). Not for the document root:
// simdjson allows is_null() only below it.
template <class on_field_fn>
void read_object(od::value value, on_field_fn&& on_field) {
  if (value.is_null()) return;
  read_object(od::object(value.get_object()), std::forward<on_field_fn>(on_field));
}

// No list a rule reads is anywhere near this long in a real object; the cap keeps a
// hostile body of three-byte elements ("{},") from costing a thousand times its size.
inline constexpr std::size_t max_array_elements = 10000;

// Reads an array element by element, at most `cap` of them; `null` reads as empty.
template <class on_element_fn>
void read_array_capped(od::value value, std::size_t cap, on_element_fn&& on_element) {
  if (value.is_null()) return;
  od::array array = value.get_array();
  std::size_t index = 0;
  for (auto element : array) {
    if (index == cap)
      throw decode_failure(decode_errc::out_of_range,
                           "more than " + std::to_string(cap) + " elements");
    try {
      on_element(od::value(std::move(element)));
    } catch (decode_failure& failure) {
      failure.prepend_index(index);
      throw;
    } catch (const simdjson::simdjson_error& error) {
      decode_failure failure = failure_from(error.error());
      failure.prepend_index(index);
      throw failure;
    }
    ++index;
  }
}

// read_array_capped at max_array_elements.
template <class on_element_fn>
void read_array(od::value value, on_element_fn&& on_element) {
  read_array_capped(value, max_array_elements, std::forward<on_element_fn>(on_element));
}

std::string read_string(od::value value);
std::optional<bool> read_bool(od::value value);
bool read_bool_or(od::value value, bool fallback);
std::optional<std::int64_t> read_int64(od::value value);
std::int32_t read_int32(od::value value);
std::vector<std::string> read_strings(od::value value);
string_pairs read_string_map(od::value value);
void reject_duplicate_keys(const string_pairs& pairs);

}  // namespace launchguard::detail
