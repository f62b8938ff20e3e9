#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <stdlib.h>
#include <string>
#include <system_error>
#include <vector>

namespace launchguard::testing {

inline std::filesystem::path source_dir() {
  return LAUNCHGUARD_SOURCE_DIR;
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// A fresh directory under the system's temporary directory, removed with everything in it
// when this goes out of scope (also when an assertion ends the test early).
class temp_dir {
 public:
  explicit temp_dir(const std::string& name = "test") {
    std::string pattern =
        (std::filesystem::temp_directory_path() / ("launchguard-" + name + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("cannot make a directory like " + pattern);
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The case directories under tests/golden/<suite>, sorted by name.
inline std::vector<std::string> golden_cases(const std::string& suite) {
  std::vector<std::string> names;
  for (const auto& entry :
       std::filesystem::directory_iterator(source_dir() / "tests/golden" / suite)) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// LAUNCHGUARD_UPDATE_GOLDEN=1 rewrites expected files instead of comparing: review the diff.
inline bool updating_golden() {
  const char* flag = std::getenv("LAUNCHGUARD_UPDATE_GOLDEN");
  return flag != nullptr && std::string(flag) == "1";
}

}  // namespace launchguard::testing
