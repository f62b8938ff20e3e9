#pragma once

#include <nlohmann/json.hpp>

#include "policy/model/admission_request.hpp"

namespace launchguard {

// A readable JSON rendering of decoded values, with unset fields left out: what
// `launchguard review --format json` prints and what the decoder's golden files hold.
nlohmann::json to_json(const kube_object& object);
nlohmann::json to_json(const pod_template& pod);
nlohmann::json to_json(const admission_request& request);

}  // namespace launchguard
