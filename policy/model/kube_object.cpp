#include "policy/model/kube_object.hpp"

#include <array>
#include <utility>

namespace launchguard {

workload_kind workload_kind_from(std::string_view kind) {
  static constexpr std::array<std::pair<std::string_view, workload_kind>, 9> kinds{{
      {"Pod", workload_kind::pod},
      {"Deployment", workload_kind::deployment},
      {"ReplicaSet", workload_kind::replica_set},
      {"StatefulSet", workload_kind::stateful_set},
      {"DaemonSet", workload_kind::daemon_set},
      {"Job", workload_kind::job},
      {"CronJob", workload_kind::cron_job},
      {"ReplicationController", workload_kind::replication_controller},
      {"PodTemplate", workload_kind::pod_template},
  }};
  for (const auto& [name, value] : kinds) {
    if (name == kind) return value;
  }
  return workload_kind::none;
}

}  // namespace launchguard
