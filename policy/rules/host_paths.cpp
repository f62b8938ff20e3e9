#include "policy/rules/host_paths.hpp"

namespace launchguard {

std::string normalize_host_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i < path.size()) {
    std::size_t end = path.find('/', i);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(i, end - i);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = end + 1;
  }
  if (parts.size() >= 2 && parts[0] == "var" && parts[1] == "run") parts.erase(parts.begin());
  std::string out;
  for (auto part : parts) {
    out += '/';
    out += part;
  }
  return out.empty() ? "/" : out;
}

bool path_within(std::string_view path, std::string_view entry) {
  if (entry == "/") return true;
  if (!path.starts_with(entry)) return false;
  return path.size() == entry.size() || path[entry.size()] == '/';
}

const std::vector<std::string>& runtime_socket_paths() {
  // Normalized: /var/run/... is written as /run/...
  static const std::vector<std::string> paths{
      "/run/docker.sock",
      "/run/dockershim.sock",
      "/run/cri-dockerd.sock",
      "/run/containerd/containerd.sock",
      "/run/docker/containerd/containerd.sock",  // dockerd's own containerd, when it starts one
      "/run/k3s/containerd/containerd.sock",
      "/run/crio/crio.sock",
      "/run/podman/podman.sock",
      "/var/snap/microk8s/common/run/containerd.sock",
      "/var/lib/rancher/rke2/agent/containerd/containerd.sock",
  };
  return paths;
}

const std::vector<std::string>& sensitive_host_paths() {
  static const std::vector<std::string> paths{
      "/",
      "/proc",
      "/sys",
      "/dev",
      "/etc",
      "/root",
      "/home",
      "/boot",
      "/lib/modules",
      "/usr",
      "/bin",
      "/sbin",
      "/var/lib/kubelet",
      "/etc/kubernetes",
      "/var/lib/etcd",
      "/var/lib/docker",
      "/var/lib/containerd",
      "/var/lib/containers",
      "/var/lib/cni",
      "/etc/cni",
      "/opt/cni",
      "/var/log",
  };
  return paths;
}

std::string exposed_runtime_socket(std::string_view host_path) {
  std::string path = normalize_host_path(host_path);
  for (const auto& socket : runtime_socket_paths()) {
    if (path_within(socket, path)) return socket;  // the socket itself or a directory above it
  }
  // Rootless and per-user runtimes: /run/user/UID/docker.sock, /run/user/UID/podman/podman.sock.
  if (path.starts_with("/run/user/") &&
      (path.ends_with("/docker.sock") || path.ends_with("/podman.sock") ||
       path.ends_with("/containerd.sock"))) {
    return path;
  }
  // The directories holding them: /run/user, /run/user/UID and /run/user/UID/podman.
  if (path == "/run/user") return "/run/user/*/docker.sock";
  if (path.starts_with("/run/user/")) {
    std::string_view rest = std::string_view(path).substr(std::string_view("/run/user/").size());
    std::size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return path + "/docker.sock";
    if (rest.substr(slash) == "/podman") return path + "/podman.sock";
  }
  return {};
}

std::string exposed_sensitive_path(std::string_view host_path,
                                   const std::vector<std::string>& extra) {
  std::string path = normalize_host_path(host_path);
  auto check = [&](const std::string& written) -> std::string {
    std::string entry = normalize_host_path(written);
    if (entry == "/") return path == "/" ? entry : std::string();
    if (path_within(path, entry) || path_within(entry, path)) return entry;
    return {};
  };
  for (const auto& entry : sensitive_host_paths()) {
    if (auto hit = check(entry); !hit.empty()) return hit;
  }
  for (const auto& entry : extra) {
    if (auto hit = check(entry); !hit.empty()) return hit;
  }
  return {};
}

}  // namespace launchguard
