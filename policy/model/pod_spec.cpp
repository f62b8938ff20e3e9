#include "policy/model/pod_spec.hpp"

namespace launchguard {

const char* to_string(container_kind kind) {
  switch (kind) {
    case container_kind::regular:
      return "containers";
    case container_kind::init:
      return "initContainers";
    case container_kind::ephemeral:
      return "ephemeralContainers";
  }
  return "containers";
}

}  // namespace launchguard
