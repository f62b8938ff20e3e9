#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace launchguard {

// Labels and annotations as a flat list: objects carry a handful of them, and a vector
// of pairs is both smaller and faster to search than a map at that size.
//
//   string_pairs labels{{"app", "web"}};
//   find_value(labels, "app");  // -> "web"
using string_pairs = std::vector<std::pair<std::string, std::string>>;

// The value stored under `key`, or nullopt when the key is absent.
std::optional<std::string_view> find_value(const string_pairs& pairs, std::string_view key);

// One entry of metadata.ownerReferences, e.g. {apps/v1, ReplicaSet, web-5d4f, uid, true}.
struct owner_reference {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string uid;
  bool controller = false;

  friend bool operator==(const owner_reference&, const owner_reference&) = default;
};

// The part of ObjectMeta that rules read.
struct object_meta {
  std::string name;
  std::string generate_name;
  std::string namespace_name;
  std::string uid;
  string_pairs labels;
  string_pairs annotations;
  std::vector<owner_reference> owner_references;

  friend bool operator==(const object_meta&, const object_meta&) = default;
};

}  // namespace launchguard
