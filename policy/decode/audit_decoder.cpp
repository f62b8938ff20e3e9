#include "policy/decode/audit_decoder.hpp"

#include "policy/decode/object_decoder.hpp"
#include "policy/model/time_text.hpp"

namespace launchguard::detail {
namespace {

void read_user(od::value value, user_info& out) {
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key == "username") return out.username = read_string(field), 0;
    if (key == "uid") return out.uid = read_string(field), 1;
    if (key == "groups") return out.groups = read_strings(field), 2;
    return -1;
  });
}

void read_object_ref(od::value value, audit_object_ref& out) {
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key == "resource") return out.resource = read_string(field), 0;
    if (key == "subresource") return out.subresource = read_string(field), 1;
    if (key == "namespace") return out.namespace_name = read_string(field), 2;
    if (key == "name") return out.name = read_string(field), 3;
    if (key == "apiGroup") return out.api_group = read_string(field), 4;
    if (key == "apiVersion") return out.api_version = read_string(field), 5;
    if (key == "uid") return out.uid = read_string(field), 6;
    return -1;
  });
}

void read_status(od::value value, audit_event& out) {
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key == "code") return out.response_code = read_int32(field), 0;
    if (key == "reason") return out.response_reason = read_string(field), 1;
    if (key == "message") return out.response_message = read_string(field), 2;
    return -1;
  });
}

std::int64_t read_time(od::value value) {
  std::string text = read_string(value);
  if (text.empty()) return 0;
  auto ms = parse_rfc3339_ms(text);
  if (!ms)
    throw decode_failure(decode_errc::wrong_type,
                         "expected an RFC 3339 timestamp, got \"" + text + "\"");
  return *ms;
}

// requestObject and responseObject are whatever the request carried: a JSON patch logs an
// array of operations, some backends a placeholder string for bodies they cut. Only an object
// is an object; anything else is skipped, not an error that would drop the whole batch.
void read_embedded(od::value value, std::optional<kube_object>& out) {
  if (value.type().value() != od::json_type::object) return;
  read_kube_object(value, out.emplace());
}

}  // namespace

int read_audit_field(std::string_view key, od::value field, audit_event& out) {
  if (key == "apiVersion") return out.api_version = read_string(field), 0;
  if (key == "level") return out.level = read_string(field), 1;
  if (key == "auditID") return out.audit_id = read_string(field), 2;
  if (key == "stage") return out.stage = read_string(field), 3;
  if (key == "requestURI") return out.request_uri = read_string(field), 4;
  if (key == "verb") return out.verb = read_string(field), 5;
  if (key == "user") return read_user(field, out.user), 6;
  if (key == "impersonatedUser") {
    if (!field.is_null()) read_user(field, out.impersonated_user.emplace());
    return 7;
  }
  if (key == "sourceIPs") return out.source_ips = read_strings(field), 8;
  if (key == "userAgent") return out.user_agent = read_string(field), 9;
  if (key == "objectRef") return read_object_ref(field, out.object), 10;
  if (key == "responseStatus") return read_status(field, out), 11;
  if (key == "requestObject") return read_embedded(field, out.request_object), 12;
  if (key == "responseObject") return read_embedded(field, out.response_object), 13;
  if (key == "annotations") return out.annotations = read_string_map(field), 14;
  if (key == "requestReceivedTimestamp") return out.request_received_ms = read_time(field), 15;
  if (key == "stageTimestamp") return out.stage_ms = read_time(field), 16;
  return -1;
}

void read_audit_event(od::object object, audit_event& out) {
  read_object(object, [&](std::string_view key, od::value field) {
    return read_audit_field(key, field, out);
  });
  finish_audit_event(out);
}

void finish_audit_event(audit_event& out) {
  if (out.stage_ms == 0) out.stage_ms = out.request_received_ms;
}

}  // namespace launchguard::detail
