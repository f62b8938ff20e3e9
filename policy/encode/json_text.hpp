#pragma once

#include <string>
#include <string_view>

namespace launchguard {

// Appends `text` as a JSON string, quotes included: `"` and `\` escaped, control characters
// as \n, \t or \u00XX, and each invalid UTF-8 sequence (its longest valid prefix, or one
// stray byte) replaced by U+FFFD, byte for byte as nlohmann's dump with
// error_handler_t::replace writes it, so the output is valid JSON whatever a request carried.
void append_json_string(std::string& out, std::string_view text);

}  // namespace launchguard
