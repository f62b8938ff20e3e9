#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace launchguard {

// A hostPath as the node would resolve it, lexically: "//var/run/../run/docker.sock/" ->
// "/run/docker.sock". /var/run is a symlink to /run on every current distribution, so it is
// folded into /run, and a path written one way cannot slip past a list written the other.
std::string normalize_host_path(std::string_view path);

// True when `path` is `entry` or lies under it ("/etc" covers "/etc/ssh").
bool path_within(std::string_view path, std::string_view entry);

// The container runtime sockets a pod can use to start containers the API server never sees.
const std::vector<std::string>& runtime_socket_paths();

// Host paths whose mount exposes node credentials, the runtime's state or the node itself.
const std::vector<std::string>& sensitive_host_paths();

// The runtime socket a hostPath exposes (the socket itself or a directory holding it), or an
// empty string. Both arguments normalized.
std::string exposed_runtime_socket(std::string_view host_path);

// The sensitive path a hostPath exposes: the path lies under a sensitive entry, or holds one
// ("/var" holds "/var/lib/kubelet"). "/" itself counts only when mounted whole. Empty when
// none. `extra` are the policy's evasion.sensitiveHostPaths.
std::string exposed_sensitive_path(std::string_view host_path,
                                   const std::vector<std::string>& extra);

}  // namespace launchguard
