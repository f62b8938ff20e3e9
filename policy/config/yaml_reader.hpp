#pragma once

// Internal to policy/config: typed reading of a YAML tree that collects errors (with line,
// column and the key path) instead of stopping at the first one.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "policy/config/config_error.hpp"
#include "policy/config/duration.hpp"
#include "policy/config/glob.hpp"
#include "policy/model/object_meta.hpp"

namespace launchguard::detail {

// YAML::LoadAll without its endless loop. yaml-cpp 0.7 (Debian 12's) loops forever, allocating
// a null document per turn, on some malformed streams: a stray ',' at the top level is enough
// (jbeder/yaml-cpp#1040; the fuzzer found it in the policy loader). A first pass only counts
// the documents and stops with a YAML::ParserException where the parser stops advancing, or
// beyond `max_documents`; the documents are loaded only when that pass ended by itself.
std::vector<YAML::Node> load_yaml_documents(const std::string& text, std::size_t max_documents);

class yaml_reader {
 public:
  using field_handler = std::function<void(const YAML::Node&, const std::string& path)>;
  using field_list = std::vector<std::pair<std::string_view, field_handler>>;

  yaml_reader(std::string file, config_errors& errors) : file_(std::move(file)), errors_(errors) {}

  void error(const YAML::Node& at, const std::string& path, const std::string& message);

  // A mapping with known keys: each present key goes to its handler; unknown and duplicate
  // keys are errors (with a suggestion when a known key is close). Null reads as empty.
  void mapping(const YAML::Node& node, const std::string& path, const field_list& fields);
  // Each element of a sequence, with its path "path[i]".
  void sequence(const YAML::Node& node, const std::string& path,
                const std::function<void(const YAML::Node&, const std::string&)>& element);

  std::optional<std::string> string(const YAML::Node& node, const std::string& path);
  std::optional<bool> boolean(const YAML::Node& node, const std::string& path);
  std::optional<std::int64_t> integer(const YAML::Node& node, const std::string& path,
                                      std::int64_t min, std::int64_t max);
  std::optional<double> number(const YAML::Node& node, const std::string& path, double min);
  std::optional<duration_ms> duration(const YAML::Node& node, const std::string& path);
  std::vector<std::string> strings(const YAML::Node& node, const std::string& path);
  string_pairs string_map(const YAML::Node& node, const std::string& path);

  // `*` globs for namespaces (checked against what a namespace name can be), users, groups.
  std::vector<glob> namespace_globs(const YAML::Node& node, const std::string& path);
  std::vector<glob> name_globs(const YAML::Node& node, const std::string& path);
  std::optional<glob> namespace_glob(const YAML::Node& node, const std::string& path);

  // One value of a fixed set, e.g. {"enforce", "warn", "audit"}.
  std::optional<std::string> one_of(const YAML::Node& node, const std::string& path,
                                    std::initializer_list<std::string_view> allowed);

 private:
  bool scalar(const YAML::Node& node, const std::string& path, const char* expected);

  std::string file_;
  config_errors& errors_;
};

}  // namespace launchguard::detail
