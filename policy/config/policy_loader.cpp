#include "policy/config/policy_loader.hpp"

#include <limits>

#include "policy/config/yaml_reader.hpp"
#include "policy/model/quantity.hpp"
#include "policy/rules/image_ref.hpp"

namespace launchguard {
namespace {

// Floors that keep a policy change from erasing evidence or the trackers' memory: a writer
// of the ConfigMap could otherwise prune every alert but one within a minute, or make each new
// key evict the baselines and the image inventory (docs/security.md, F1).
constexpr std::int64_t min_alert_retention_ms = 3'600'000;
constexpr std::int64_t min_max_alerts = 1000;
constexpr std::int64_t min_tracked_keys = 1000;

using detail::yaml_reader;
using node = YAML::Node;
constexpr std::int64_t int_max = std::numeric_limits<std::int32_t>::max();

// Characters an image reference or pattern may contain.
bool image_pattern_chars(std::string_view text) {
  for (char c : text) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-' || c == '/' || c == ':' || c == '@' || c == '*';
    if (!ok) return false;
  }
  return true;
}

class policy_reader {
 public:
  policy_reader(std::string source, config_errors& errors)
      : source_(std::move(source)), in_(source_, errors) {}

  std::shared_ptr<policy> read(const node& root);

 private:
  void read_exemptions(const node& n, const std::string& path, exemption_set& out);
  void read_images(const node& n, const std::string& path, image_settings& out);
  std::vector<image_pattern> read_image_patterns(const node& n, const std::string& path);
  void read_pod_security(const node& n, const std::string& path, pod_security_settings& out);
  void read_mode(const node& n, const std::string& path, action& out);
  void read_namespaces(const node& n, const std::string& path);
  void read_rules(const node& n, const std::string& path);
  void read_evasion(const node& n, const std::string& path);
  void read_provenance(const node& n, const std::string& path);
  void read_rate(const node& n, const std::string& path);

  template <class value_type>
  static void set(std::optional<value_type> value, value_type& into) {
    if (value) into = std::move(*value);
  }

  std::string source_;
  yaml_reader in_;
  std::shared_ptr<policy> out_ = std::make_shared<policy>();
};

std::shared_ptr<policy> policy_reader::read(const node& root) {
  out_->source = source_;
  node namespaces;  // read last: each entry starts from the final global settings
  in_.mapping(
      root, "",
      {
          {"apiVersion",
           [&](const node& n, const std::string& p) { in_.one_of(n, p, {"launchguard/v1"}); }},
          {"kind", [&](const node& n, const std::string& p) { in_.one_of(n, p, {"Policy"}); }},
          {"mode",
           [&](const node& n, const std::string& p) { read_mode(n, p, out_->global.mode); }},
          {"failureMode",
           [&](const node& n, const std::string& p) {
             if (auto v = in_.one_of(n, p, {"closed", "open"})) {
               out_->failure = *v == "open" ? failure_mode::open : failure_mode::closed;
             }
           }},
          {"exemptions",
           [&](const node& n, const std::string& p) { read_exemptions(n, p, out_->exemptions); }},
          {"images",
           [&](const node& n, const std::string& p) { read_images(n, p, out_->global.images); }},
          {"podSecurity",
           [&](const node& n, const std::string& p) {
             read_pod_security(n, p, out_->global.pod_security);
           }},
          {"namespaces", [&](const node& n, const std::string&) { namespaces = n; }},
          {"rules", [&](const node& n, const std::string& p) { read_rules(n, p); }},
          {"evasion", [&](const node& n, const std::string& p) { read_evasion(n, p); }},
          {"provenance", [&](const node& n, const std::string& p) { read_provenance(n, p); }},
          {"rate", [&](const node& n, const std::string& p) { read_rate(n, p); }},
          {"audit",
           [&](const node& n, const std::string& p) {
             in_.mapping(n, p, {{"secretsEnumeration", [&](const node& s, const std::string& sp) {
                                   auto& out = out_->secrets_enumeration;
                                   in_.mapping(s, sp,
                                               {
                                                   {"distinct",
                                                    [&](const node& v, const std::string& vp) {
                                                      set(in_.integer(v, vp, 1, int_max),
                                                          out.distinct);
                                                    }},
                                                   {"window",
                                                    [&](const node& v, const std::string& vp) {
                                                      set(in_.duration(v, vp), out.window);
                                                    }},
                                               });
                                 }}});
           }},
          {"alerts",
           [&](const node& n, const std::string& p) {
             in_.mapping(n, p, {{"dedupWindow", [&](const node& v, const std::string& vp) {
                                   set(in_.duration(v, vp), out_->dedup_window);
                                 }}});
           }},
          {"retention",
           [&](const node& n, const std::string& p) {
             in_.mapping(n, p,
                         {
                             {"alerts",
                              [&](const node& v, const std::string& vp) {
                                auto kept = in_.duration(v, vp);
                                if (kept && kept->count() < min_alert_retention_ms) {
                                  in_.error(v, vp,
                                            "alerts must be kept at least 1h (a shorter "
                                            "retention would let a policy change erase the "
                                            "evidence)");
                                  return;
                                }
                                set(kept, out_->alert_retention);
                              }},
                             {"maxAlerts",
                              [&](const node& v, const std::string& vp) {
                                set(in_.integer(v, vp, min_max_alerts,
                                                std::numeric_limits<std::int64_t>::max()),
                                    out_->max_alerts);
                              }},
                         });
           }},
          {"limits",
           [&](const node& n, const std::string& p) {
             in_.mapping(n, p, {{"trackedKeys", [&](const node& v, const std::string& vp) {
                                   set(in_.integer(v, vp, min_tracked_keys,
                                                   std::numeric_limits<std::int64_t>::max()),
                                       out_->tracked_keys);
                                 }}});
           }},
      });
  read_namespaces(namespaces, "namespaces");
  return out_;
}

void policy_reader::read_mode(const node& n, const std::string& path, action& out) {
  if (auto v = in_.one_of(n, path, {"enforce", "warn", "audit"})) out = *action_from(*v);
}

void policy_reader::read_exemptions(const node& n, const std::string& path, exemption_set& out) {
  in_.mapping(
      n, path,
      {
          {"namespaces", [&](const node& v,
                             const std::string& p) { out.namespaces = in_.namespace_globs(v, p); }},
          {"users", [&](const node& v, const std::string& p) { out.users = in_.name_globs(v, p); }},
          {"groups",
           [&](const node& v, const std::string& p) { out.groups = in_.name_globs(v, p); }},
      });
}

std::vector<image_pattern> policy_reader::read_image_patterns(const node& n,
                                                              const std::string& path) {
  std::vector<image_pattern> out;
  in_.sequence(n, path, [&](const node& element, const std::string& p) {
    auto text = in_.string(element, p);
    if (!text) return;
    if (text->empty() || !image_pattern_chars(*text) || text->find("//") != std::string::npos ||
        text->front() == '/' || text->back() == '/') {
      in_.error(element, p,
                "\"" + *text +
                    "\" is not an image pattern: use registry/path[:tag][@digest] with * (within a "
                    "segment) and ** (across segments)");
      return;
    }
    std::string normalized = normalize_image_pattern(*text);
    if (normalized.find('/') == std::string::npos) {
      in_.error(element, p,
                "\"" + *text + "\" can never match: references are registry/path; write \"**/" +
                    *text + "\" for any registry");
      return;
    }
    out.push_back({*text, glob::image(normalized), pattern_has_version(normalized)});
  });
  return out;
}

void policy_reader::read_images(const node& n, const std::string& path, image_settings& out) {
  in_.mapping(
      n, path,
      {
          {"allow",
           [&](const node& v, const std::string& p) { out.allow = read_image_patterns(v, p); }},
          {"deny",
           [&](const node& v, const std::string& p) { out.deny = read_image_patterns(v, p); }},
          {"requireDigest",
           [&](const node& v, const std::string& p) {
             set(in_.boolean(v, p), out.require_digest);
           }},
          {"disallowTags",
           [&](const node& v, const std::string& p) { out.disallow_tags = in_.strings(v, p); }},
      });
}

void policy_reader::read_pod_security(const node& n, const std::string& path,
                                      pod_security_settings& out) {
  in_.mapping(n, path,
              {
                  {"level",
                   [&](const node& v, const std::string& p) {
                     if (auto level = in_.one_of(v, p, {"privileged", "baseline", "restricted"}))
                       out.level = *pss_level_from(*level);
                   }},
                  {"version",
                   [&](const node& v, const std::string& p) {
                     auto text = in_.string(v, p);
                     if (!text) return;
                     if (auto version = pss_version_from(*text)) {
                       out.version = *version;
                     } else {
                       in_.error(v, p,
                                 "expected latest or v1.N (a Kubernetes minor version), found \"" +
                                     *text + "\"");
                     }
                   }},
              });
}

void policy_reader::read_namespaces(const node& n, const std::string& path) {
  in_.sequence(n, path, [&](const node& entry_node, const std::string& p) {
    namespace_entry entry{glob::name("*"), out_->global};
    bool has_match = false;
    in_.mapping(
        entry_node, p,
        {
            {"match",
             [&](const node& v, const std::string& vp) {
               has_match = true;  // a bad glob is reported once, by namespace_glob
               if (auto g = in_.namespace_glob(v, vp)) entry.match = std::move(*g);
             }},
            {"mode",
             [&](const node& v, const std::string& vp) { read_mode(v, vp, entry.settings.mode); }},
            {"images", [&](const node& v,
                           const std::string& vp) { read_images(v, vp, entry.settings.images); }},
            {"podSecurity",
             [&](const node& v, const std::string& vp) {
               read_pod_security(v, vp, entry.settings.pod_security);
             }},
        });
    if (!has_match) {
      in_.error(entry_node, p,
                "each namespace entry needs \"match\", a namespace glob such as \"prod-*\"");
      return;
    }
    out_->namespaces.push_back(std::move(entry));
  });
}

void policy_reader::read_rules(const node& n, const std::string& path) {
  if (n.IsNull()) return;
  if (!n.IsMap()) {
    in_.error(n, path, "expected a mapping of rule ids");
    return;
  }
  yaml_reader::field_list fields;
  for (std::size_t i = 0; i < rule_count; ++i) {
    auto id = static_cast<rule_id>(i);
    fields.emplace_back(to_string(id), [this, id](const node& v, const std::string& p) {
      rule_settings& settings = out_->rules[index_of(id)];
      in_.mapping(v, p,
                  {
                      {"action",
                       [&](const node& a, const std::string& ap) {
                         if (auto text = in_.one_of(a, ap, {"enforce", "warn", "audit", "off"}))
                           settings.configured = action_from(*text);
                       }},
                      {"exemptions",
                       [&](const node& e, const std::string& ep) {
                         read_exemptions(e, ep, settings.exemptions);
                       }},
                  });
    });
  }
  in_.mapping(n, path, fields);
}

void policy_reader::read_evasion(const node& n, const std::string& path) {
  evasion_settings& out = out_->evasion;
  in_.mapping(
      n, path,
      {
          {"sensitiveHostPaths",
           [&](const node& v, const std::string& p) {
             in_.sequence(v, p, [&](const node& element, const std::string& ep) {
               auto text = in_.string(element, ep);
               if (!text) return;
               if (text->empty() || text->front() != '/') {
                 in_.error(element, ep, "expected an absolute path, found \"" + *text + "\"");
                 return;
               }
               out.sensitive_host_paths.push_back(*text);
             });
           }},
          {"optOutAnnotations",
           [&](const node& v, const std::string& p) {
             out.opt_out_annotations = in_.string_map(v, p);
           }},
          {"securityWorkloads",
           [&](const node& v, const std::string& p) {
             in_.sequence(v, p, [&](const node& element, const std::string& ep) {
               security_workload workload{glob::name("*"), "*", glob::name("*")};
               bool has_namespace = false;
               in_.mapping(
                   element, ep,
                   {
                       {"namespace",
                        [&](const node& f, const std::string& fp) {
                          if (auto g = in_.namespace_glob(f, fp)) {
                            workload.namespace_glob = std::move(*g);
                            has_namespace = true;
                          }
                        }},
                       {"kind",
                        [&](const node& f, const std::string& fp) {
                          if (auto kind = in_.one_of(
                                  f, fp,
                                  {"*", "DaemonSet", "Deployment", "StatefulSet", "ReplicaSet",
                                   "ReplicationController", "Pod", "Job", "CronJob"})) {
                            workload.kind = *kind;
                          }
                        }},
                       {"name",
                        [&](const node& f, const std::string& fp) {
                          if (auto text = in_.string(f, fp)) workload.name = glob::name(*text);
                        }},
                   });
               if (!has_namespace) {
                 in_.error(element, ep, "each security workload needs \"namespace\"");
                 return;
               }
               out.security_workloads.push_back(std::move(workload));
             });
           }},
      });
}

void policy_reader::read_provenance(const node& n, const std::string& path) {
  provenance_settings& out = out_->provenance;
  in_.mapping(
      n, path,
      {
          {"protectedNamespaces",
           [&](const node& v, const std::string& p) {
             out.protected_namespaces = in_.namespace_globs(v, p);
           }},
          {"trustedDeployers",
           [&](const node& v, const std::string& p) {
             out.trusted_deployers = in_.name_globs(v, p);
           }},
          {"webhookNames",
           [&](const node& v, const std::string& p) { out.webhook_names = in_.name_globs(v, p); }},
          {"uncoveredNamespaces",
           [&](const node& v, const std::string& p) {
             out.uncovered_namespaces = in_.namespace_globs(v, p);
           }},
      });
}

void policy_reader::read_rate(const node& n, const std::string& path) {
  rate_settings& out = out_->rate;
  auto quantity = [&](const node& v, const std::string& p, double& into) {
    auto text = in_.string(v, p);
    if (!text) return;
    auto value = parse_quantity(*text);
    if (!value || *value < 0) {
      in_.error(v, p,
                "expected a resource quantity such as 16, 500m or 64Gi, found \"" + *text + "\"");
      return;
    }
    into = *value;
  };
  in_.mapping(
      n, path,
      {
          {"window",
           [&](const node& v, const std::string& p) {
             auto window = in_.duration(v, p);
             if (window && window->count() < 1000) {
               in_.error(v, p, "the rate window must be at least 1s");
               return;
             }
             set(window, out.window);
           }},
          {"perPrincipal",
           [&](const node& v, const std::string& p) {
             set(in_.integer(v, p, 1, int_max), out.per_principal);
           }},
          {"perNamespace",
           [&](const node& v, const std::string& p) {
             set(in_.integer(v, p, 1, int_max), out.per_namespace);
           }},
          {"spikeFactor",
           [&](const node& v, const std::string& p) {
             set(in_.number(v, p, 1.0), out.spike_factor);
           }},
          {"spikeMinimum",
           [&](const node& v, const std::string& p) {
             set(in_.integer(v, p, 0, int_max), out.spike_minimum);
           }},
          {"warmupWindows",
           [&](const node& v, const std::string& p) {
             set(in_.integer(v, p, 0, int_max), out.warmup_windows);
           }},
          {"ignorePrincipals",
           [&](const node& v, const std::string& p) {
             out.ignore_principals = in_.name_globs(v, p);
           }},
          {"podCeiling",
           [&](const node& v, const std::string& p) {
             in_.mapping(
                 v, p,
                 {
                     {"cpu", [&](const node& q,
                                 const std::string& qp) { quantity(q, qp, out.pod_ceiling.cpu); }},
                     {"memory",
                      [&](const node& q, const std::string& qp) {
                        quantity(q, qp, out.pod_ceiling.memory);
                      }},
                     {"gpu", [&](const node& q,
                                 const std::string& qp) { quantity(q, qp, out.pod_ceiling.gpu); }},
                 });
           }},
      });
}

}  // namespace

policy_load_result load_policy(std::string_view content, std::string_view source) {
  policy_load_result result;
  std::vector<YAML::Node> documents;
  try {
    documents = detail::load_yaml_documents(std::string(content), 1);
  } catch (const YAML::Exception& error) {
    result.errors.push_back({std::string(source), error.mark.line + 1, error.mark.column + 1,
                             "not valid YAML: " + error.msg});
    return result;
  }
  if (documents.size() > 1) {
    result.errors.push_back(
        {std::string(source), 0, 0,
         "expected one YAML document, found " + std::to_string(documents.size())});
    return result;
  }
  YAML::Node root = documents.empty() ? YAML::Node() : documents.front();
  policy_reader reader{std::string(source), result.errors};
  auto loaded = reader.read(root);
  if (result.errors.empty()) result.value = std::move(loaded);
  return result;
}

}  // namespace launchguard
