#include "policy/alerts/alert.hpp"

#include <cstdio>
#include <ctime>

#include "policy/audit/audit_request.hpp"
#include "policy/rules/catalog.hpp"

namespace launchguard {

std::string_view to_string(alert_source source) {
  switch (source) {
    case alert_source::admission:
      return "admission";
    case alert_source::audit:
      return "audit";
    case alert_source::correlation:
      return "correlation";
    case alert_source::tracker:
      return "tracker";
  }
  return "admission";
}

alert_source source_for(rule_id rule, alert_source vantage) {
  switch (rule) {
    case rule_id::launch_rate_principal:
    case rule_id::launch_rate_namespace:
    case rule_id::launch_rate_spike:
    case rule_id::resource_request_spike:
    case rule_id::image_first_seen:
    case rule_id::image_tag_drift:
      return alert_source::tracker;
    case rule_id::admission_bypass:
    case rule_id::webhook_failed_open:
      return alert_source::correlation;
    default:
      return vantage;
  }
}

// A tracker's finding is about the principal a launch is attributed to; whoever sent the
// request is then the requester.
void attribute(alert& a, const finding& fired, const user_info& sender) {
  a.user = sender;
  if (fired.principal.empty() || fired.principal == sender.username) return;
  a.user = user_info{fired.principal, "", {}};
  a.requester = sender.username;
}

std::string dedup_key(const alert& a) {
  std::string key;
  key.reserve(128);
  key.append(to_string(a.rule)).push_back('\x1f');
  key.append(a.namespace_name).push_back('\x1f');
  if (!a.owner.kind.empty()) {
    key.append(a.owner.kind).push_back('/');
    key.append(a.owner.name);
  } else {
    key.append(a.object.kind).push_back('/');
    key.append(a.object.name);
  }
  key.push_back('\x1f');
  key.append(a.user.username).push_back('\x1f');
  key.append(to_string(a.source));
  return key;
}

owner_ref top_level_owner(const object_meta& metadata) {
  const owner_reference* controller = nullptr;
  for (const auto& o : metadata.owner_references) {
    if (o.controller || controller == nullptr) controller = &o;
  }
  if (controller == nullptr) return {};
  if (controller->kind == "ReplicaSet") {
    if (auto hash = find_value(metadata.labels, "pod-template-hash")) {
      std::string suffix = "-" + std::string(*hash);
      if (controller->name.size() > suffix.size() && controller->name.ends_with(suffix)) {
        return {"Deployment", controller->name.substr(0, controller->name.size() - suffix.size())};
      }
    }
  }
  return {controller->kind, controller->name};
}

alert admission_alert(const admission_request& r, const finding& fired,
                      std::string_view decision_id, std::int64_t now_ms) {
  alert a;
  a.time_ms = now_ms;
  a.last_seen_ms = now_ms;
  a.rule = fired.rule;
  a.level = fired.level;
  a.source = source_for(fired.rule, alert_source::admission);
  a.effective = fired.effective;
  a.result = fired.result;
  a.message = fired.message;
  a.namespace_name = r.namespace_name;
  const kube_object* object = r.object ? &*r.object : (r.old_object ? &*r.old_object : nullptr);
  a.object.api_version =
      object && !object->api_version.empty()
          ? object->api_version
          : (r.kind.group.empty() ? r.kind.version : r.kind.group + "/" + r.kind.version);
  a.object.kind = r.kind.kind;
  a.object.name = !r.name.empty() ? r.name : (object ? object->metadata.name : std::string());
  a.object.uid = object ? object->metadata.uid : std::string();
  if (object) a.owner = top_level_owner(object->metadata);
  a.operation = to_string(r.op);
  attribute(a, fired, r.user);
  if (object && object->pod) {
    for (const auto& c : object->pod->spec.containers)
      a.images.push_back(c.image);
  }
  a.request_uid = r.uid;
  a.decision_id = std::string(decision_id);
  a.evidence = fired.evidence;
  return a;
}

alert audit_alert(const audit_event& e, const finding& fired, alert_source source,
                  std::string_view decision_id) {
  alert a;
  a.time_ms = e.stage_ms;
  a.last_seen_ms = e.stage_ms;
  a.rule = fired.rule;
  a.level = fired.level;
  a.source = source;
  a.effective = fired.effective;
  a.result = fired.result;
  a.message = fired.message;
  a.namespace_name = e.object.namespace_name;
  const kube_object* object = e.request_object && e.request_object->workload != workload_kind::none
                                  ? &*e.request_object
                                  : (e.response_object ? &*e.response_object : nullptr);
  a.object.api_version = e.object.api_group.empty()
                             ? e.object.api_version
                             : e.object.api_group + "/" + e.object.api_version;
  std::string kind = kind_of_resource(e.object.resource);
  a.object.kind =
      object && !object->kind.empty() ? object->kind : (kind.empty() ? e.object.resource : kind);
  a.object.name =
      !e.object.name.empty() ? e.object.name : (object ? object->metadata.name : std::string());
  a.object.uid =
      !e.object.uid.empty() ? e.object.uid : (object ? object->metadata.uid : std::string());
  if (object) a.owner = top_level_owner(object->metadata);
  a.operation = e.verb;
  attribute(a, fired, e.principal());
  if (e.impersonated_user && a.requester.empty()) a.requester = e.user.username;
  a.source_ips = e.source_ips;
  if (object && object->pod) {
    for (const auto& c : object->pod->spec.containers)
      a.images.push_back(c.image);
  }
  a.audit_id = e.audit_id;
  a.decision_id = std::string(decision_id);
  a.evidence = fired.evidence;
  if (!e.succeeded()) a.evidence.emplace_back("responseCode", std::to_string(e.response_code));
  return a;
}

std::string format_time_ms(std::int64_t unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  int millis = static_cast<int>(unix_ms % 1000);
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900,
                parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, millis);
  return text;
}

nlohmann::ordered_json alert_fields(const alert& a) {
  nlohmann::ordered_json evidence = nlohmann::ordered_json::object();
  for (const auto& [key, value] : a.evidence)
    evidence[key] = value;
  return {
      {"rule", to_string(a.rule)},
      {"severity", to_string(a.level)},
      {"source", to_string(a.source)},
      {"action", to_string(a.effective)},
      {"outcome", to_string(a.result)},
      {"message", a.message},
      {"namespace", a.namespace_name},
      {"object",
       {{"apiVersion", a.object.api_version},
        {"kind", a.object.kind},
        {"name", a.object.name},
        {"uid", a.object.uid}}},
      {"owner", {{"kind", a.owner.kind}, {"name", a.owner.name}}},
      {"operation", a.operation},
      {"user", {{"username", a.user.username}, {"groups", a.user.groups}}},
      {"requester", a.requester},
      {"sourceIPs", a.source_ips},
      {"images", a.images},
      {"requestUID", a.request_uid},
      {"auditID", a.audit_id},
      {"decisionID", a.decision_id},
      {"evidence", std::move(evidence)},
  };
}

namespace {

nlohmann::ordered_json catalog_fields(rule_id rule) {
  const rule_info& info = rule_of(rule);
  nlohmann::ordered_json steps = nlohmann::ordered_json::array();
  const response_steps& r = info.response;
  for (const auto& [step, text] :
       {std::pair{"investigate", r.investigate}, std::pair{"contain", r.contain},
        std::pair{"analyse", r.analyse}, std::pair{"remediate", r.remediate},
        std::pair{"report", r.report}}) {
    steps.push_back({{"step", step}, {"action", text}});
  }
  return {{"title", info.title},
          {"mitre", {{"tactics", info.tactics}, {"techniques", info.techniques}}},
          {"response", std::move(steps)}};
}

// `"title":...,"mitre":...,"response":[...]` of each rule, rendered once.
const std::string& catalog_fragment(rule_id rule) {
  static const std::vector<std::string> fragments = [] {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < rule_count; ++i) {
      std::string text = catalog_fields(static_cast<rule_id>(i)).dump();
      out.push_back(text.substr(1, text.size() - 2));
    }
    return out;
  }();
  return fragments[index_of(rule)];
}

}  // namespace

std::string render_alert(std::int64_t id, std::int64_t time_ms, std::int64_t last_seen_ms,
                         std::int64_t count, rule_id rule, std::string_view fields) {
  std::string out = "{\"id\":" + std::to_string(id) + ",\"time\":\"" + format_time_ms(time_ms) +
                    "\",\"lastSeen\":\"" + format_time_ms(last_seen_ms) +
                    "\",\"count\":" + std::to_string(count);
  if (fields.size() > 2) {
    out += ",";
    out += fields.substr(1, fields.size() - 2);
  }
  out += ",";
  out += catalog_fragment(rule);
  out += "}";
  return out;
}

std::string render_alert(const alert& a) {
  return render_alert(
      a.id, a.time_ms, a.last_seen_ms, a.count, a.rule,
      alert_fields(a).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

nlohmann::ordered_json to_json(const alert& a) {
  nlohmann::ordered_json out = {{"id", a.id},
                                {"time", format_time_ms(a.time_ms)},
                                {"lastSeen", format_time_ms(a.last_seen_ms)},
                                {"count", a.count}};
  nlohmann::ordered_json fields = alert_fields(a);
  nlohmann::ordered_json catalog = catalog_fields(a.rule);
  for (auto& [key, value] : fields.items())
    out[key] = std::move(value);
  for (auto& [key, value] : catalog.items())
    out[key] = std::move(value);
  return out;
}

}  // namespace launchguard
