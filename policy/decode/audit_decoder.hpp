#pragma once

// Internal to policy/decode: audit events from On-Demand values.

#include "policy/decode/ondemand_reader.hpp"
#include "policy/model/audit_event.hpp"

namespace launchguard::detail {

// One member of an audit.k8s.io Event (v1 or v1beta1); returns its id (0..31) or -1 for a
// member the detections do not read.
int read_audit_field(std::string_view key, od::value field, audit_event& out);

// A whole Event object.
void read_audit_event(od::object object, audit_event& out);

// Fills what an event leaves implicit (a missing stageTimestamp is the request's time).
void finish_audit_event(audit_event& out);

}  // namespace launchguard::detail
