#pragma once

// Internal to policy/decode: Kubernetes objects from On-Demand values.

#include "policy/decode/ondemand_reader.hpp"
#include "policy/model/kube_object.hpp"

namespace launchguard::detail {

// Decodes any Kubernetes object; `null` leaves `out` empty. The caller sets `out.workload`
// from the request's kind when the object itself does not name one.
void read_kube_object(od::value value, kube_object& out);

void read_object_meta(od::value value, object_meta& out);

}  // namespace launchguard::detail
