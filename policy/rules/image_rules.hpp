#pragma once

#include "policy/config/policy.hpp"
#include "policy/model/pod_spec.hpp"
#include "policy/rules/image_ref.hpp"
#include "policy/rules/violation.hpp"

namespace launchguard {

// True when `pattern` matches the reference: a pattern without tag or digest is compared
// with the repository only, a pattern with a tag with repository:tag, and so on.
bool pattern_matches(const image_pattern& pattern, const image_ref& ref);

// image-denied, image-registry-not-allowed, image-not-pinned and image-mutable-tag over every
// container (regular, init and ephemeral) of a pod template.
void check_images(const pod_spec& spec, const image_settings& settings, violations& out);

}  // namespace launchguard
