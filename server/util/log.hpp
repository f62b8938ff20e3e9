#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace launchguard::server {

enum class log_level { debug, info, warn, error };

// Field names used across components, so log queries do not depend on who wrote the line.
namespace log_key {
inline constexpr std::string_view address = "address";
inline constexpr std::string_view error = "error";
inline constexpr std::string_view file = "file";
inline constexpr std::string_view request_uid = "requestUID";
inline constexpr std::string_view decision_id = "decisionID";
}  // namespace log_key

using log_fields = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// Structured logs as JSON lines on stderr (stdout carries alerts only):
//   {"time":"2026-11-27T22:37:11.123Z","level":"info","component":"server","msg":"listening",...}
// The level is checked before anything is formatted.
class logger {
 public:
  explicit logger(std::string component) : component_(std::move(component)) {}

  static void set_level(log_level level);
  static bool enabled(log_level level);

  void debug(std::string_view message, log_fields fields = {}) const {
    write(log_level::debug, message, fields);
  }
  void info(std::string_view message, log_fields fields = {}) const {
    write(log_level::info, message, fields);
  }
  void warn(std::string_view message, log_fields fields = {}) const {
    write(log_level::warn, message, fields);
  }
  void error(std::string_view message, log_fields fields = {}) const {
    write(log_level::error, message, fields);
  }

 private:
  void write(log_level level, std::string_view message, log_fields fields) const;

  std::string component_;
};

// "2026-11-27T22:37:11.123Z" for a time in milliseconds since the epoch.
std::string format_rfc3339_ms(long long unix_ms);
long long now_unix_ms();

}  // namespace launchguard::server
