#include "policy/track/launch_tracker.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <optional>

#include "policy/model/joined.hpp"
#include "policy/model/quantity.hpp"
#include "policy/rules/image_ref.hpp"

namespace launchguard {
namespace {

struct requests {
  double cpu = 0;
  double memory = 0;
  double gpu = 0;
};

// What a pod asks the scheduler for: the regular containers together, or the largest init
// container if that is more (init containers run one at a time). A request defaults to its
// limit, as the API server does.
requests requested(const pod_spec& spec) {
  auto value = [](const std::string& request, const std::string& limit) {
    return parse_quantity(!request.empty() ? request : limit).value_or(0.0);
  };
  requests running, init;
  for (const auto& c : spec.containers) {
    requests one{value(c.requests.cpu, c.limits.cpu), value(c.requests.memory, c.limits.memory),
                 value(c.requests.gpu, c.limits.gpu)};
    if (c.kind == container_kind::regular) {
      running.cpu += one.cpu;
      running.memory += one.memory;
      running.gpu += one.gpu;
    } else if (c.kind == container_kind::init) {
      init.cpu = std::max(init.cpu, one.cpu);
      init.memory = std::max(init.memory, one.memory);
      init.gpu = std::max(init.gpu, one.gpu);
    }
  }
  return {std::max(running.cpu, init.cpu), std::max(running.memory, init.memory),
          std::max(running.gpu, init.gpu)};
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

std::string owner_key(const std::string& ns, const std::string& kind, const std::string& name) {
  return joined("owner:", ns, "/", kind, "/", name);
}

// Who is responsible for an object: whoever is responsible for its controller, when known.
std::string responsible(tracker_store& store, const kube_object& object, const std::string& ns,
                        const std::string& requester, std::int64_t now) {
  for (const auto& owner : object.metadata.owner_references) {
    if (!owner.controller) continue;
    if (auto known = store.find(owner_key(ns, owner.kind, owner.name), now)) return *known;
  }
  return requester;
}

// Whether a claim's holder is `origin` itself: a retry of the change that took it (an empty
// origin owns nothing).
bool held_by(const std::optional<std::string>& holder, const std::string& origin) {
  return holder && !origin.empty() && *holder == origin;
}

struct found_or_added {
  std::optional<std::string> value;  // the live value of the key
  bool added = false;                // it is `value` because this call stored it
};

// The live value of `key`, storing `value` first when there is none. Looked up before the
// insert: almost every key asked for (an image seen before, an alert already raised) is
// there, and then one lookup answers instead of two (one round trip, over Redis).
found_or_added find_or_add(tracker_store& store, const std::string& key, const std::string& value,
                           std::int64_t now_ms, std::int64_t expires_ms = 0) {
  if (auto held = store.find(key, now_ms)) return {std::move(held), false};
  if (store.add_if_absent(key, value, now_ms, expires_ms)) return {value, true};
  return {store.find(key, now_ms), false};  // another replica or thread took it meanwhile
}

class rate_check {
 public:
  rate_check(const policy& p, tracker_store& store, const tracked_change& c)
      : p_(p),
        store_(store),
        c_(c),
        window_(p.rate.window.count()),
        bucket_(bucket_of(c.time_ms, window_)) {}

  // Once per key and window, however many launches keep it above the line: the finding
  // carries its claim, taken by claim_reports() once the finding is known to be reported.
  // When another change already holds the claim in this window, claim_reports() would drop
  // the finding, so `build` is not called: a burst keeps every launch above the line, and
  // each would otherwise format a message and take two store calls only to be dropped.
  template <class build_fn>
  void once_per_window(rule_id rule, const std::string& key, violations& out,
                       build_fn&& build) const {
    std::string claim = joined("alerted:", to_string(rule), ":", key);
    auto holder = store_.find(claim, c_.time_ms);
    if (holder && !held_by(holder, c_.origin)) return;
    violation found = build();
    found.claim = std::move(claim);
    out.push_back(std::move(found));
  }

  void count(const std::string& principal, violations& out) {
    const rate_settings& r = p_.rate;
    auto by_principal =
        store_.add_rate("rate:principal:" + principal, bucket_, 1, r.warmup_windows);
    if (by_principal.window_total > static_cast<double>(r.per_principal)) {
      once_per_window(rule_id::launch_rate_principal, principal, out, [&] {
        return violation{
            rule_id::launch_rate_principal,
            principal + " launched " + number(by_principal.window_total) + " pods within " +
                format_duration(r.window) + " (rate.perPrincipal " +
                std::to_string(r.per_principal) + ")",
            {{"principal", principal}, {"launches", number(by_principal.window_total)}}};
      });
    }
    const std::string& ns = c_.namespace_name;
    auto by_namespace = store_.add_rate("rate:namespace:" + ns, bucket_, 1, r.warmup_windows);
    if (by_namespace.window_total > static_cast<double>(r.per_namespace)) {
      once_per_window(rule_id::launch_rate_namespace, ns, out, [&] {
        return violation{rule_id::launch_rate_namespace,
                         number(by_namespace.window_total) + " pods launched in " + ns +
                             " within " + format_duration(r.window) + " (rate.perNamespace " +
                             std::to_string(r.per_namespace) + ")",
                         {{"launches", number(by_namespace.window_total)}}};
      });
    }
    if (spiking(by_namespace, static_cast<double>(r.spike_minimum))) {
      once_per_window(rule_id::launch_rate_spike, ns, out, [&] {
        return violation{
            rule_id::launch_rate_spike,
            number(by_namespace.window_total) + " pods launched in " + ns + " within " +
                format_duration(r.window) + ", " +
                number(by_namespace.window_total / std::max(by_namespace.baseline, 0.001)) +
                "x the learned " + number(by_namespace.baseline),
            {{"launches", number(by_namespace.window_total)},
             {"baseline", number(by_namespace.baseline)}}};
      });
    }
  }

  void resources(const requests& pod, violations& out) {
    const resource_ceiling& ceiling = p_.rate.pod_ceiling;
    std::vector<std::string> over;
    if (pod.cpu > ceiling.cpu)
      over.push_back("cpu " + number(pod.cpu) + " > " + number(ceiling.cpu));
    if (pod.memory > ceiling.memory)
      over.push_back("memory " + number(pod.memory) + " > " + number(ceiling.memory));
    if (pod.gpu > ceiling.gpu)
      over.push_back("gpu " + number(pod.gpu) + " > " + number(ceiling.gpu));
    if (!over.empty()) {
      std::string list;
      for (const auto& item : over)
        list += (list.empty() ? "" : ", ") + item;
      out.push_back({rule_id::resource_request_spike,
                     "one pod requests more than rate.podCeiling: " + list,
                     {{"scope", "pod"}, {"over", list}}});
    }
    const std::string& ns = c_.namespace_name;
    struct resource {
      const char* name;
      double amount;
      double floor;  // a namespace's window sum must exceed one pod's ceiling to be a spike
    };
    for (const resource& each :
         {resource{"cpu", pod.cpu, ceiling.cpu}, resource{"memory", pod.memory, ceiling.memory},
          resource{"gpu", pod.gpu, ceiling.gpu}}) {
      const char* name = each.name;  // not a structured binding: clang 14 cannot capture one
      auto seen = store_.add_rate(joined("rate:", name, ":", ns), bucket_, each.amount,
                                  p_.rate.warmup_windows);
      if (each.amount > 0 && spiking(seen, each.floor)) {
        once_per_window(rule_id::resource_request_spike, joined(ns, "/", name), out, [&] {
          return violation{rule_id::resource_request_spike,
                           std::string(name) + " requested in " + ns + " within " +
                               format_duration(p_.rate.window) + ": " + number(seen.window_total) +
                               ", against a learned " + number(seen.baseline),
                           {{"scope", "namespace"},
                            {"resource", name},
                            {"requested", number(seen.window_total)},
                            {"baseline", number(seen.baseline)}}};
        });
      }
    }
  }

 private:
  bool spiking(const rate_observation& o, double floor) const {
    return o.learned >= p_.rate.warmup_windows && o.window_total > floor &&
           o.window_total > p_.rate.spike_factor * o.baseline;
  }

  const policy& p_;
  tracker_store& store_;
  const tracked_change& c_;
  std::int64_t window_;
  std::int64_t bucket_;
};

// The inventory is learning while it is younger than the warm-up: every image is new then.
bool inventory_learning(const policy& p, tracker_store& store, std::int64_t now) {
  auto born = find_or_add(store, "inventory:born", std::to_string(now), now).value;
  std::int64_t since = now;
  if (born)
    std::from_chars(born->data(), born->data() + born->size(), since);  // junk: learning again
  return now < since + p.rate.warmup_windows * p.rate.window.count();
}

void check_drift(tracker_store& store, const std::string& tagged, const std::string& digest,
                 std::int64_t now, const std::string& where, const std::string& origin,
                 violations& out) {
  auto [first, added] = find_or_add(store, "tag:" + tagged, digest, now);
  if (added || !first || *first == digest) return;
  if (!claim_for(store, joined("tagdigest:", tagged, "@", digest), origin, now)) return;
  out.push_back(
      {rule_id::image_tag_drift,
       tagged + " now resolves to " + digest + ", first seen as " + *first + " (" + where + ")",
       {{"image", tagged}, {"digest", digest}, {"firstDigest", *first}}});
}

void provenance(const policy& p, tracker_store& store, const tracked_change& c,
                const std::string& principal, violations& out) {
  bool learning = inventory_learning(p, store, c.time_ms);
  bool trusted = any_matches(p.provenance.trusted_deployers, principal);
  for (const auto& container : c.object->pod->spec.containers) {
    image_ref ref = parse_image(container.image);
    if (!ref.valid) continue;
    std::string key = ref.digest.empty() ? ref.normalized : joined(ref.repository, "@", ref.digest);
    if (claim_for(store, joined("image:", key), c.origin, c.time_ms) && !learning) {
      violation v{rule_id::image_first_seen,
                  "image " + key + " first seen, launched by " + principal + " in " +
                      c.namespace_name + (trusted ? "" : ", who is not a trusted deployer"),
                  {{"image", key},
                   {"launcher", principal},
                   {"trustedDeployer", trusted ? "true" : "false"}}};
      if (!trusted) v.level = severity::high;
      out.push_back(std::move(v));
    }
    if (!ref.digest.empty() && !ref.implicit_tag && !ref.tag.empty()) {
      check_drift(store, joined(ref.repository, ":", ref.tag), ref.digest, c.time_ms,
                  "in the pod spec", c.origin, out);
    }
  }
}

}  // namespace

user_info attributed(const user_info& requester, const std::string& principal) {
  if (principal.empty() || principal == requester.username) return requester;
  return user_info{principal, "", {}};
}

bool claim_for(tracker_store& store, const std::string& key, const std::string& origin,
               std::int64_t now_ms, std::int64_t expires_ms) {
  auto [holder, added] = find_or_add(store, key, origin, now_ms, expires_ms);
  return added || held_by(holder, origin);
}

findings claim_reports(tracker_store& store, findings judged, std::int64_t now_ms,
                       duration_ms window, const std::string& origin) {
  std::erase_if(judged, [&](const finding& f) {
    return !f.claim.empty() && !claim_for(store, f.claim, origin, now_ms, now_ms + window.count());
  });
  return judged;
}

tracked track_change(const policy& rules, tracker_store& store, const tracked_change& c) {
  tracked result;
  if (c.object == nullptr || !c.object->pod) return result;
  const kube_object& object = *c.object;
  result.principal = responsible(store, object, c.namespace_name, c.requester.username, c.time_ms);
  if (object.workload != workload_kind::pod) {
    // Its controllers will launch pods: remember who is responsible for them.
    store.put(owner_key(c.namespace_name, object.kind, object.metadata.name), result.principal);
  }
  provenance(rules, store, c, result.principal, result.found);
  if (!c.launch || any_matches(rules.rate.ignore_principals, result.principal)) return result;
  rate_check rate(rules, store, c);
  rate.count(result.principal, result.found);
  rate.resources(requested(object.pod->spec), result.found);
  return result;
}

violations track_statuses(const policy& rules, tracker_store& store, const kube_object& pod,
                          std::int64_t time_ms, const std::string& origin) {
  (void)rules;
  violations out;
  for (const auto& status : pod.container_statuses) {
    std::size_t at = status.image_id.find("@sha256:");
    if (at == std::string::npos) continue;  // a config digest, not what the registry serves
    image_ref ref = parse_image(status.image);
    if (!ref.valid || ref.implicit_tag || ref.tag.empty()) continue;
    check_drift(store, joined(ref.repository, ":", ref.tag), status.image_id.substr(at + 1),
                time_ms,
                "reported by the node for " + pod.metadata.namespace_name + "/" + pod.metadata.name,
                origin, out);
  }
  return out;
}

}  // namespace launchguard
