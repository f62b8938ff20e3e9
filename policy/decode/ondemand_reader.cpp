#include "policy/decode/ondemand_reader.hpp"

#include <algorithm>
#include <limits>

namespace launchguard::detail {

void decode_failure::prepend_key(std::string_view key) {
  if (path_.empty() || path_.front() == '[') {
    path_.insert(0, key);
  } else {
    path_.insert(0, 1, '.');
    path_.insert(0, key);
  }
}

void decode_failure::prepend_index(std::size_t index) {
  if (!path_.empty() && path_.front() != '[') path_.insert(0, 1, '.');
  path_.insert(0, "[" + std::to_string(index) + "]");
}

decode_error decode_failure::to_error() const {
  if (path_.empty()) return decode_error{code_, reason_};
  return decode_error{code_, path_ + ": " + reason_};
}

decode_failure failure_from(simdjson::error_code code) {
  switch (code) {
    case simdjson::INCORRECT_TYPE:
      return {decode_errc::wrong_type, "unexpected type"};
    case simdjson::NUMBER_OUT_OF_RANGE:
      return {decode_errc::out_of_range, "number out of range"};
    case simdjson::DEPTH_ERROR:
      return {decode_errc::too_deep, "nested too deeply"};
    case simdjson::UTF8_ERROR:
      return {decode_errc::invalid_utf8, "invalid UTF-8"};
    default:
      return {decode_errc::invalid_json,
              std::string("malformed JSON (") + simdjson::error_message(code) + ")"};
  }
}

std::string read_string(od::value value) {
  if (value.is_null()) return {};
  auto text = value.get_string();
  if (text.error() == simdjson::INCORRECT_TYPE) {
    throw decode_failure(decode_errc::wrong_type, "expected a string");
  }
  return std::string(text.value());
}

std::optional<bool> read_bool(od::value value) {
  if (value.is_null()) return std::nullopt;
  auto flag = value.get_bool();
  if (flag.error() == simdjson::INCORRECT_TYPE) {
    throw decode_failure(decode_errc::wrong_type, "expected true or false");
  }
  return flag.value();
}

bool read_bool_or(od::value value, bool fallback) {
  return read_bool(value).value_or(fallback);
}

std::optional<std::int64_t> read_int64(od::value value) {
  if (value.is_null()) return std::nullopt;
  auto number = value.get_int64();
  if (number.error() == simdjson::INCORRECT_TYPE ||
      number.error() == simdjson::NUMBER_OUT_OF_RANGE || number.error() == simdjson::NUMBER_ERROR) {
    // simdjson reports an integer beyond 64 bits as a type or number error; tell it apart.
    auto type = value.type();
    bool integer_text =
        type.error() == simdjson::SUCCESS && type.value() == od::json_type::number &&
        std::string_view(value.raw_json_token()).find_first_of(".eE") == std::string_view::npos;
    if (integer_text) throw decode_failure(decode_errc::out_of_range, "integer out of range");
    throw decode_failure(decode_errc::wrong_type, "expected an integer");
  }
  return number.value();
}

std::int32_t read_int32(od::value value) {
  std::int64_t number = read_int64(value).value_or(0);
  if (number < std::numeric_limits<std::int32_t>::min() ||
      number > std::numeric_limits<std::int32_t>::max()) {
    throw decode_failure(decode_errc::out_of_range, "number out of range for a 32-bit integer");
  }
  return static_cast<std::int32_t>(number);
}

std::vector<std::string> read_strings(od::value value) {
  std::vector<std::string> out;
  read_array(value, [&](od::value element) { out.push_back(read_string(element)); });
  return out;
}

string_pairs read_string_map(od::value value) {
  string_pairs out;
  std::vector<std::string> deleted;  // keys set to null
  od::object object;
  if (value.is_null()) return out;
  object = value.get_object();
  for (auto member : object) {
    if (out.size() + deleted.size() == max_array_elements) {
      throw decode_failure(decode_errc::out_of_range,
                           "more than " + std::to_string(max_array_elements) + " entries");
    }
    od::field field = std::move(member);
    std::string key(std::string_view(field.unescaped_key()));
    try {
      // A merge patch (an audit event's requestObject) deletes a key by setting it to null:
      // the key is absent, not present with an empty value.
      od::value item = field.value();
      if (item.is_null()) {
        deleted.push_back(std::move(key));
        continue;
      }
      out.emplace_back(std::move(key), read_string(item));
    } catch (decode_failure& failure) {
      failure.prepend_key(key);
      throw;
    } catch (const simdjson::simdjson_error& error) {
      decode_failure failure = failure_from(error.error());
      failure.prepend_key(key);
      throw failure;
    }
  }
  if (deleted.empty()) {
    reject_duplicate_keys(out);
  } else {
    string_pairs all = out;  // a key both set and deleted is as ambiguous as one set twice
    for (auto& key : deleted)
      all.emplace_back(std::move(key), std::string());
    reject_duplicate_keys(all);
  }
  return out;
}

void reject_duplicate_keys(const string_pairs& pairs) {
  if (pairs.size() < 2) return;
  auto repeated_key = [](std::string_view key) {
    decode_failure failure(decode_errc::duplicate_key, "duplicate key");
    failure.prepend_key(key);
    return failure;
  };
  // Labels and annotations are a handful of keys: comparing each pair allocates nothing.
  constexpr std::size_t compared_pairwise = 16;
  if (pairs.size() <= compared_pairwise) {
    for (std::size_t i = 1; i < pairs.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (pairs[i].first == pairs[j].first) throw repeated_key(pairs[i].first);
      }
    }
    return;
  }
  std::vector<std::string_view> keys;
  keys.reserve(pairs.size());
  for (const auto& entry : pairs)
    keys.push_back(entry.first);
  std::sort(keys.begin(), keys.end());
  auto repeated = std::adjacent_find(keys.begin(), keys.end());
  if (repeated != keys.end()) throw repeated_key(*repeated);
}

}  // namespace launchguard::detail
