#include "policy/rules/image_ref.hpp"

#include <cctype>

namespace launchguard {
namespace {

bool is_registry(std::string_view segment) {
  return segment.find('.') != std::string_view::npos ||
         segment.find(':') != std::string_view::npos || segment == "localhost";
}

// The position of the ':' that starts a tag: the last ':' after the last '/'.
std::size_t tag_colon(std::string_view name) {
  std::size_t slash = name.rfind('/');
  std::size_t colon = name.rfind(':');
  if (colon == std::string_view::npos) return colon;
  if (slash != std::string_view::npos && colon < slash) return std::string_view::npos;
  return colon;
}

bool printable_without_space(std::string_view text) {
  for (unsigned char c : text) {
    if (c <= ' ' || c >= 0x7f) return false;
  }
  return true;
}

// Registry and path of a name without tag or digest, as views into the name (or constants);
// `library` when the path is a Docker Hub official image's and gets "library/" in front.
struct split_name {
  std::string_view registry;
  std::string_view path;
  bool library = false;
};

split_name split_registry(std::string_view name) {
  std::size_t slash = name.find('/');
  if (slash != std::string_view::npos && is_registry(name.substr(0, slash))) {
    std::string_view registry = name.substr(0, slash);
    if (registry == "index.docker.io") registry = "docker.io";
    std::string_view path = name.substr(slash + 1);
    return {registry, path, registry == "docker.io" && path.find('/') == std::string_view::npos};
  }
  return {"docker.io", name, slash == std::string_view::npos};
}

}  // namespace

image_ref parse_image(std::string_view reference) {
  image_ref out;
  if (reference.empty() || !printable_without_space(reference)) {
    out.valid = false;
    out.normalized = std::string(reference);
    out.repository = out.normalized;
    return out;
  }
  std::string_view name = reference;
  if (std::size_t at = name.find('@'); at != std::string_view::npos) {
    out.digest = std::string(name.substr(at + 1));
    name = name.substr(0, at);
    if (out.digest.find(':') == std::string::npos) out.valid = false;
  }
  if (std::size_t colon = tag_colon(name); colon != std::string_view::npos) {
    out.tag = std::string(name.substr(colon + 1));
    name = name.substr(0, colon);
    if (out.tag.empty()) out.valid = false;
  }
  if (name.empty() || name.front() == '/' || name.back() == '/') out.valid = false;
  split_name split = split_registry(name);
  out.registry.assign(split.registry);
  constexpr std::string_view library = "library/";
  out.path.reserve(split.path.size() + (split.library ? library.size() : 0));
  if (split.library) out.path.append(library);
  out.path.append(split.path);
  if (out.tag.empty() && out.digest.empty()) {
    out.tag = "latest";
    out.implicit_tag = true;
  }
  // Built in place: a reference is parsed for every container of every review.
  out.repository.reserve(out.registry.size() + 1 + out.path.size());
  out.repository.append(out.registry).append(1, '/').append(out.path);
  out.normalized.reserve(out.repository.size() + 2 + out.tag.size() + out.digest.size());
  out.normalized.append(out.repository);
  if (!out.tag.empty()) out.normalized.append(1, ':').append(out.tag);
  if (!out.digest.empty()) out.normalized.append(1, '@').append(out.digest);
  return out;
}

std::string normalize_image_pattern(std::string_view pattern) {
  // Split off tag and digest first: a '*' there ("nginx:1.*") says nothing about registries.
  std::string_view name = pattern;
  std::string suffix;
  if (std::size_t at = name.find('@'); at != std::string_view::npos) {
    suffix = std::string(name.substr(at));
    name = name.substr(0, at);
  }
  if (std::size_t colon = tag_colon(name); colon != std::string_view::npos) {
    suffix = std::string(name.substr(colon)) + suffix;
    name = name.substr(0, colon);
  }
  std::size_t slash = name.find('/');
  std::string_view first = name.substr(0, slash);
  if (first.find('*') != std::string_view::npos) return std::string(pattern);
  if (slash != std::string_view::npos && is_registry(first)) {
    std::string registry(first == "index.docker.io" ? "docker.io" : first);
    std::string_view path = name.substr(slash + 1);
    // Like a reference: docker.io/nginx is docker.io/library/nginx ("**" spans segments).
    bool single =
        path.find('/') == std::string_view::npos && path.find("**") == std::string_view::npos;
    std::string library = registry == "docker.io" && single ? "library/" : "";
    return registry + "/" + library + std::string(path) + suffix;
  }
  // No registry written: docker.io, and "library/" for a single segment.
  std::string normalized = "docker.io/";
  if (slash == std::string_view::npos) normalized += "library/";
  return normalized + std::string(name) + suffix;
}

bool pattern_has_version(std::string_view pattern) {
  if (pattern.find('@') != std::string_view::npos) return true;
  return tag_colon(pattern) != std::string_view::npos;
}

}  // namespace launchguard
