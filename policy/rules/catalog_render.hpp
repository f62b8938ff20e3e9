#pragma once

#include <string>

namespace launchguard {

// The rule catalog for people and tools: `launchguard rules --format text|json|markdown`.
// docs/rules.md is render_catalog_markdown()'s output, checked by a test.
std::string render_catalog_text();
std::string render_catalog_json();
std::string render_catalog_markdown();

}  // namespace launchguard
