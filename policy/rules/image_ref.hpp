#pragma once

#include <string>
#include <string_view>

namespace launchguard {

// A container image reference, normalized the way the contract says: the first segment is
// the registry when it contains '.' or ':' or is "localhost", otherwise the registry is
// docker.io and a single-segment path gets "library/"; the tag defaults to "latest" only
// when there is no digest.
//
//   image_ref r = parse_image("nginx");
//   r.normalized;  // "docker.io/library/nginx:latest"
//   r.repository;  // "docker.io/library/nginx"
//   r.implicit_tag;  // true
struct image_ref {
  std::string registry;       // "docker.io", "registry.example.com:5000"
  std::string path;           // "library/nginx"
  std::string tag;            // "1.27", "latest", or empty when only a digest was given
  std::string digest;         // "sha256:..." or empty
  std::string repository;     // registry/path
  std::string normalized;     // registry/path[:tag][@digest]
  bool implicit_tag = false;  // no tag and no digest were written: "latest" was assumed
  bool valid = true;          // false for an empty or malformed reference
};

image_ref parse_image(std::string_view reference);

// The pattern text normalized like a reference, so "nginx:1.*" means
// "docker.io/library/nginx:1.*". A pattern whose first segment has a '*' (like "**/xmrig*")
// is kept as written: it already spans registries.
std::string normalize_image_pattern(std::string_view pattern);

// True when the pattern names a tag or digest; a pattern without one matches any tag and
// digest of the repository it names.
bool pattern_has_version(std::string_view pattern);

}  // namespace launchguard
