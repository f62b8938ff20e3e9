#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "policy/model/admission_request.hpp"
#include "policy/model/audit_event.hpp"
#include "policy/model/finding.hpp"

namespace launchguard {

enum class alert_source : std::uint8_t { admission, audit, correlation, tracker };

std::string_view to_string(alert_source source);

struct object_reference {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string uid;
};

struct owner_ref {
  std::string kind;
  std::string name;
};

// An alert as the contract's section 7 defines it. The rule's title, ATT&CK mapping and
// response steps are not stored: they come from the catalog when the alert is rendered, so
// they are always those of the running version.
//
//   alert a = admission_alert(request, finding, "5f1c-42", now_ms);
//   nlohmann::json j = to_json(a);  // {"id":..., "rule":"pod-exec", "mitre":{...}, ...}
struct alert {
  std::int64_t id = 0;  // assigned by the state store
  std::int64_t time_ms = 0;
  std::int64_t last_seen_ms = 0;
  std::int64_t count = 1;
  rule_id rule = rule_id::webhook_internal_error;
  severity level = severity::info;
  alert_source source = alert_source::admission;
  action effective = action::audit;
  outcome result = outcome::recorded;
  std::string message;
  std::string namespace_name;
  object_reference object;
  owner_ref owner;
  std::string operation;
  user_info user;         // the principal the alert is about
  std::string requester;  // who sent the request, when different from user
  std::vector<std::string> source_ips;
  std::vector<std::string> images;
  std::string request_uid;
  std::string audit_id;
  std::string decision_id;
  string_pairs evidence;
  // Raised at most once, ever, for this key (an exec seen at ResponseStarted and again at
  // ResponseComplete is one exec). Empty for most alerts. Not rendered.
  std::string once_key;
};

// The source an alert of `rule` gets when raised at `vantage`: the trackers' rules are
// "tracker", admission-bypass and webhook-failed-open are "correlation".
alert_source source_for(rule_id rule, alert_source vantage);

// Two raises are the same alert when these are equal (section 7): rule, namespace, owner (or
// the object when it has none), user and source.
std::string dedup_key(const alert& a);

// The top-level owner of a pod template, where the object says: a pod of ReplicaSet
// "web-7d9f8b6c5" with label pod-template-hash=7d9f8b6c5 belongs to Deployment "web".
owner_ref top_level_owner(const object_meta& metadata);

// An alert for a rule that fired at admission.
alert admission_alert(const admission_request& request, const finding& fired,
                      std::string_view decision_id, std::int64_t now_ms);

// An alert for a rule that fired on an audit event, timed by the event's stageTimestamp.
alert audit_alert(const audit_event& event, const finding& fired, alert_source source,
                  std::string_view decision_id);

// The alert as a JSON object: id, time, lastSeen, count, then alert_fields(), then what the
// catalog says about its rule (title, mitre, response).
nlohmann::ordered_json to_json(const alert& a);

// The fields that belong to this raise (rule, severity, message, object, user, evidence...),
// without id, times, count and the rule's catalog text: what a store keeps.
nlohmann::ordered_json alert_fields(const alert& a);

// to_json(a) as text, built from a store's columns and its alert_fields() text.
std::string render_alert(std::int64_t id, std::int64_t time_ms, std::int64_t last_seen_ms,
                         std::int64_t count, rule_id rule, std::string_view fields);
std::string render_alert(const alert& a);

// "2026-11-27T22:37:11.123Z" for milliseconds since the epoch (UTC).
std::string format_time_ms(std::int64_t unix_ms);

}  // namespace launchguard
