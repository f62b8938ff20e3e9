#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policy/config/glob.hpp"
#include "policy/model/admission_request.hpp"
#include "policy/model/audit_event.hpp"

namespace launchguard {

// The admission request an audit event describes, so the admission rules can judge what
// admission never saw. The principal is the impersonated user when there is one. A patch's
// requestObject is only the patch: the request is marked partial, and the pod-spec rules use
// the responseObject instead when the audit policy logged it.
admission_request as_request(const audit_event& event);

// "deployments" -> "Deployment", for the resources the rules know; "" otherwise.
std::string kind_of_resource(std::string_view resource);

// The decision id a webhook matching `webhook_names` left on the event (audit annotation
// "<webhook-name>/decision-id"), or "".
std::string decision_id_of(const audit_event& event, const std::vector<glob>& webhook_names);

// "auditID/stage": what names one audit event. A batch the API server sends again repeats
// it, and a log read twice does too.
std::string origin_of(const audit_event& event);

// True for requests the API server ran as a dry run (?dryRun=All): nothing was persisted.
bool is_dry_run(const audit_event& event);

}  // namespace launchguard
