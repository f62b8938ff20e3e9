#include "server/cli/commands.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <nlohmann/json.hpp>

#include "policy/config/policy_loader.hpp"
#include "policy/decode/json_decoder.hpp"
#include "policy/decode/manifest.hpp"
#include "policy/engine/admission.hpp"
#include "policy/rules/catalog_render.hpp"

namespace launchguard::server {
namespace {

bool read_input(const std::string& path, std::string& out) {
  if (path == "-") {
    out.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return true;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  out = text.str();
  return true;
}

// The policy of a CLI command, or nullptr after printing why not.
std::shared_ptr<const policy> load_for_cli(const std::string& path) {
  std::string text;
  if (!read_input(path, text)) {
    std::cerr << "launchguard: " << path << ": cannot read the policy file\n";
    return nullptr;
  }
  auto loaded = load_policy(text, path);
  for (const auto& error : loaded.errors)
    std::cerr << error.to_string() << "\n";
  return loaded.value;
}

struct review_row {
  std::string origin;
  std::string kind;
  std::string name;
  std::string namespace_name;
  decision verdict;
};

void print_text(const review_row& row) {
  std::string what =
      row.kind + " " + (row.namespace_name.empty() ? "" : row.namespace_name + "/") + row.name;
  if (!row.verdict.allowed) {
    std::cout << "DENY   " << what << " (" << row.origin << ")\n       " << row.verdict.message
              << "\n";
  } else {
    std::cout << (row.verdict.warnings.empty() ? "ALLOW  " : "WARN   ") << what << " ("
              << row.origin << ")\n";
  }
  for (const auto& warning : row.verdict.warnings)
    std::cout << "       warning: " << warning << "\n";
  for (const auto& f : row.verdict.fired) {
    if (f.result == outcome::recorded)
      std::cout << "       audit: [" << to_string(f.rule) << "] " << f.message << "\n";
  }
}

nlohmann::ordered_json row_json(const review_row& row) {
  nlohmann::ordered_json findings = nlohmann::ordered_json::array();
  for (const auto& f : row.verdict.fired) {
    findings.push_back({{"rule", to_string(f.rule)},
                        {"severity", to_string(f.level)},
                        {"action", to_string(f.effective)},
                        {"outcome", to_string(f.result)},
                        {"message", f.message}});
  }
  return {{"origin", row.origin},
          {"kind", row.kind},
          {"name", row.name},
          {"namespace", row.namespace_name},
          {"allowed", row.verdict.allowed},
          {"message", row.verdict.message},
          {"warnings", row.verdict.warnings},
          {"findings", std::move(findings)}};
}

}  // namespace

int run_check_config(const std::string& path) {
  auto loaded = load_for_cli(path);
  if (!loaded) return 2;
  std::cout << path << ": the policy is valid\n";
  return 0;
}

int run_rules(const std::string& format) {
  if (format == "json") {
    std::cout << render_catalog_json();
  } else if (format == "markdown") {
    std::cout << render_catalog_markdown();
  } else {
    std::cout << render_catalog_text();
  }
  return 0;
}

int run_review(const review_options& options) {
  auto rules = load_for_cli(options.config);
  if (!rules) return 2;
  user_info user{options.user, "", options.groups};
  json_decoder decoder;
  std::vector<review_row> rows;
  bool unreadable = false;
  for (const auto& path : options.manifests) {
    std::string text;
    if (!read_input(path, text)) {
      std::cerr << "launchguard: " << path << ": cannot read the manifest\n";
      unreadable = true;
      continue;
    }
    auto read = read_manifests(text, path);
    for (const auto& error : read.errors)
      std::cerr << "launchguard: " << error << "\n";
    unreadable = unreadable || !read.errors.empty();
    for (const auto& object : read.objects) {
      std::string ns = !options.namespace_name.empty()  ? options.namespace_name
                       : !object.namespace_name.empty() ? object.namespace_name
                                                        : "default";
      // A recorded AdmissionReview is evaluated as it is; any other object as a CREATE.
      std::string body =
          object.kind == "AdmissionReview"
              ? object.json
              : review_for_manifest(object, ns, user, "review-" + std::to_string(rows.size() + 1));
      auto request = decoder.admission_review(padded(body));
      if (!request) {
        std::cerr << "launchguard: " << object.origin << ": " << request.error().message << "\n";
        unreadable = true;
        continue;
      }
      if (object.kind == "AdmissionReview") {
        rows.push_back({object.origin, request->kind.kind, request->name, request->namespace_name,
                        admit(*rules, *request, "review")});
        continue;
      }
      rows.push_back(
          {object.origin, object.kind, object.name, ns, admit(*rules, *request, "review")});
    }
  }
  bool denied = false;
  nlohmann::ordered_json all = nlohmann::ordered_json::array();
  for (const auto& row : rows) {
    denied = denied || !row.verdict.allowed;
    if (options.format == "json") {
      all.push_back(row_json(row));
    } else {
      print_text(row);
    }
  }
  if (options.format == "json") std::cout << all.dump(2) << "\n";
  if (unreadable) return 2;
  return denied ? 1 : 0;
}

}  // namespace launchguard::server
