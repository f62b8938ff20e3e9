#include "policy/rules/image_rules.hpp"

#include <algorithm>

namespace launchguard {
namespace {

// Collects the containers that fail one rule, to report them in one violation.
struct offenders {
  std::vector<std::string> containers;
  std::vector<std::string> images;

  void add(const container& c, const image_ref& ref) {
    containers.push_back(c.name);
    if (std::find(images.begin(), images.end(), ref.normalized) == images.end())
      images.push_back(ref.normalized);
  }
  bool empty() const { return containers.empty(); }

  std::string list(const std::vector<std::string>& items) const {
    std::string text;
    for (const auto& item : items)
      text += (text.empty() ? "" : ",") + item;
    return text;
  }

  void report(rule_id rule, const std::string& what, violations& out) const {
    if (empty()) return;
    std::string quoted;
    for (const auto& image : images)
      quoted += (quoted.empty() ? "" : ", ") + ("\"" + image + "\"");
    out.push_back({rule,
                   "image " + quoted + " " + what,
                   {{"containers", list(containers)}, {"images", list(images)}}});
  }
};

}  // namespace

bool pattern_matches(const image_pattern& pattern, const image_ref& ref) {
  if (!pattern.versioned) return pattern.compiled.matches(ref.repository);
  const std::string& text = pattern.compiled.text();
  bool has_digest = text.find('@') != std::string::npos;
  std::string_view name = std::string_view(text).substr(0, text.find('@'));
  bool has_tag = name.rfind(':') != std::string_view::npos &&
                 (name.rfind('/') == std::string_view::npos || name.rfind(':') > name.rfind('/'));
  // A pattern that names a tag (or a digest) says nothing about an image without one.
  if ((has_tag && ref.tag.empty()) || (has_digest && ref.digest.empty())) return false;
  std::string target = ref.repository;
  if (has_tag) target += ":" + ref.tag;
  if (has_digest) target += "@" + ref.digest;
  return pattern.compiled.matches(target);
}

void check_images(const pod_spec& spec, const image_settings& settings, violations& out) {
  offenders denied, not_allowed, not_pinned, mutable_tag;
  for (const auto& c : spec.containers) {
    image_ref ref = parse_image(c.image);
    auto matches = [&](const image_pattern& p) { return pattern_matches(p, ref); };
    if (std::any_of(settings.deny.begin(), settings.deny.end(), matches)) denied.add(c, ref);
    if (!settings.allow.empty() &&
        std::none_of(settings.allow.begin(), settings.allow.end(), matches)) {
      not_allowed.add(c, ref);
    }
    if (settings.require_digest && ref.digest.empty()) not_pinned.add(c, ref);
    bool disallowed_tag = std::find(settings.disallow_tags.begin(), settings.disallow_tags.end(),
                                    ref.tag) != settings.disallow_tags.end();
    if (ref.digest.empty() && disallowed_tag) mutable_tag.add(c, ref);
  }
  denied.report(rule_id::image_denied, "matches a denied pattern (images.deny)", out);
  not_allowed.report(rule_id::image_registry_not_allowed,
                     "is not from an allowed registry (images.allow)", out);
  not_pinned.report(rule_id::image_not_pinned, "is not pinned by digest (images.requireDigest)",
                    out);
  mutable_tag.report(rule_id::image_mutable_tag,
                     "uses a mutable tag without a digest (images.disallowTags)", out);
}

}  // namespace launchguard
