// Host path normalization and the two path lists behind runtime-socket-mount and
// sensitive-host-mount: what a hostPath exposes, however it is written.

#include "policy/rules/host_paths.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace launchguard {
namespace {

const std::vector<std::string> no_extra;

std::string sensitive(std::string_view path, const std::vector<std::string>& extra = no_extra) {
  return exposed_sensitive_path(path, extra);
}

// normalize_host_path

TEST(normalize_host_path, resolves_dot_dot_segments) {
  EXPECT_EQ(normalize_host_path("/var/lib/../log"), "/var/log");
  EXPECT_EQ(normalize_host_path("/data/app/../../etc/ssh"), "/etc/ssh");
}

TEST(normalize_host_path, does_not_climb_above_root) {
  EXPECT_EQ(normalize_host_path("/../../etc"), "/etc");
  EXPECT_EQ(normalize_host_path("/.."), "/");
}

TEST(normalize_host_path, drops_dot_segments) {
  EXPECT_EQ(normalize_host_path("/./etc/./ssh/."), "/etc/ssh");
}

TEST(normalize_host_path, collapses_repeated_slashes) {
  EXPECT_EQ(normalize_host_path("//etc///kubernetes//pki"), "/etc/kubernetes/pki");
}

TEST(normalize_host_path, drops_the_trailing_slash) {
  EXPECT_EQ(normalize_host_path("/var/lib/kubelet/"), "/var/lib/kubelet");
  EXPECT_EQ(normalize_host_path("/etc//"), "/etc");
}

TEST(normalize_host_path, keeps_root_as_a_single_slash) {
  EXPECT_EQ(normalize_host_path("/"), "/");
  EXPECT_EQ(normalize_host_path("//"), "/");
  EXPECT_EQ(normalize_host_path("/./"), "/");
}

TEST(normalize_host_path, folds_var_run_into_run) {
  EXPECT_EQ(normalize_host_path("/var/run/docker.sock"), "/run/docker.sock");
  EXPECT_EQ(normalize_host_path("/var/run"), "/run");
  EXPECT_EQ(normalize_host_path("/var/run/"), "/run");
}

TEST(normalize_host_path, folds_var_run_reached_through_dots_and_slashes) {
  EXPECT_EQ(normalize_host_path("//var/run/../run/docker.sock/"), "/run/docker.sock");
  EXPECT_EQ(normalize_host_path("/var/./run/crio/crio.sock"), "/run/crio/crio.sock");
  EXPECT_EQ(normalize_host_path("/var/log/../run/containerd"), "/run/containerd");
}

TEST(normalize_host_path, keeps_paths_that_only_resemble_var_run) {
  EXPECT_EQ(normalize_host_path("/var/run-foo"), "/var/run-foo");
  EXPECT_EQ(normalize_host_path("/var/runner/x"), "/var/runner/x");
  EXPECT_EQ(normalize_host_path("/opt/var/run/docker.sock"), "/opt/var/run/docker.sock");
  EXPECT_EQ(normalize_host_path("/var/lib/var/run"), "/var/lib/var/run");
}

TEST(normalize_host_path, leaves_a_clean_path_unchanged) {
  EXPECT_EQ(normalize_host_path("/run/containerd/containerd.sock"),
            "/run/containerd/containerd.sock");
}

// path_within

TEST(path_within, covers_the_entry_itself_and_what_lies_under_it) {
  EXPECT_TRUE(path_within("/etc", "/etc"));
  EXPECT_TRUE(path_within("/etc/ssh", "/etc"));
  EXPECT_TRUE(path_within("/etc/ssh/sshd_config", "/etc"));
}

TEST(path_within, does_not_cover_a_sibling_sharing_a_prefix) {
  EXPECT_FALSE(path_within("/etcd", "/etc"));
  EXPECT_FALSE(path_within("/etc-backup/ssh", "/etc"));
}

TEST(path_within, does_not_cover_a_parent) {
  EXPECT_FALSE(path_within("/etc", "/etc/ssh"));
}

TEST(path_within, root_covers_everything) {
  EXPECT_TRUE(path_within("/", "/"));
  EXPECT_TRUE(path_within("/anything/at/all", "/"));
}

// exposed_runtime_socket

struct socket_case {
  const char* runtime;
  const char* host_path;
  const char* socket;
};

TEST(exposed_runtime_socket, finds_each_runtime_socket_written_either_way) {
  const socket_case cases[] = {
      {"docker", "/var/run/docker.sock", "/run/docker.sock"},
      {"docker", "/run/docker.sock", "/run/docker.sock"},
      {"dockershim", "/var/run/dockershim.sock", "/run/dockershim.sock"},
      {"cri-dockerd", "/var/run/cri-dockerd.sock", "/run/cri-dockerd.sock"},
      {"containerd", "/run/containerd/containerd.sock", "/run/containerd/containerd.sock"},
      {"containerd", "/var/run/containerd/containerd.sock", "/run/containerd/containerd.sock"},
      {"containerd of dockerd", "/var/run/docker/containerd/containerd.sock",
       "/run/docker/containerd/containerd.sock"},
      {"k3s", "/run/k3s/containerd/containerd.sock", "/run/k3s/containerd/containerd.sock"},
      {"cri-o", "/var/run/crio/crio.sock", "/run/crio/crio.sock"},
      {"podman", "/run/podman/podman.sock", "/run/podman/podman.sock"},
      {"microk8s", "/var/snap/microk8s/common/run/containerd.sock",
       "/var/snap/microk8s/common/run/containerd.sock"},
      {"rke2", "/var/lib/rancher/rke2/agent/containerd/containerd.sock",
       "/var/lib/rancher/rke2/agent/containerd/containerd.sock"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.runtime) + " " + c.host_path);
    EXPECT_EQ(exposed_runtime_socket(c.host_path), c.socket);
  }
}

TEST(exposed_runtime_socket, finds_a_socket_written_with_dots_and_extra_slashes) {
  EXPECT_EQ(exposed_runtime_socket("//var/run/../run/docker.sock/"), "/run/docker.sock");
  EXPECT_EQ(exposed_runtime_socket("/run/./crio//crio.sock"), "/run/crio/crio.sock");
}

TEST(exposed_runtime_socket, finds_rootless_sockets_in_the_user_runtime_directory) {
  EXPECT_EQ(exposed_runtime_socket("/run/user/1000/docker.sock"), "/run/user/1000/docker.sock");
  EXPECT_EQ(exposed_runtime_socket("/run/user/1000/podman/podman.sock"),
            "/run/user/1000/podman/podman.sock");
  EXPECT_EQ(exposed_runtime_socket("/run/user/1000/containerd/containerd.sock"),
            "/run/user/1000/containerd/containerd.sock");
  EXPECT_EQ(exposed_runtime_socket("/var/run/user/1001/docker.sock"), "/run/user/1001/docker.sock");
}

TEST(exposed_runtime_socket, finds_the_directories_holding_a_rootless_socket) {
  EXPECT_EQ(exposed_runtime_socket("/run/user/1000"), "/run/user/1000/docker.sock");
  EXPECT_EQ(exposed_runtime_socket("/var/run/user/1000/"), "/run/user/1000/docker.sock");
  EXPECT_EQ(exposed_runtime_socket("/run/user/1000/podman"), "/run/user/1000/podman/podman.sock");
  EXPECT_FALSE(exposed_runtime_socket("/run/user").empty());
}

TEST(exposed_runtime_socket, finds_a_runtime_directory_holding_its_socket) {
  EXPECT_EQ(exposed_runtime_socket("/run/containerd"), "/run/containerd/containerd.sock");
  EXPECT_EQ(exposed_runtime_socket("/var/run/crio/"), "/run/crio/crio.sock");
  EXPECT_EQ(exposed_runtime_socket("/run/k3s"), "/run/k3s/containerd/containerd.sock");
  EXPECT_EQ(exposed_runtime_socket("/run/podman"), "/run/podman/podman.sock");
  EXPECT_EQ(exposed_runtime_socket("/var/run/docker"), "/run/docker/containerd/containerd.sock");
  EXPECT_EQ(exposed_runtime_socket("/var/lib/rancher"),
            "/var/lib/rancher/rke2/agent/containerd/containerd.sock");
}

TEST(exposed_runtime_socket, finds_run_var_run_and_root_as_holding_the_docker_socket) {
  EXPECT_EQ(exposed_runtime_socket("/run"), "/run/docker.sock");
  EXPECT_EQ(exposed_runtime_socket("/var/run"), "/run/docker.sock");
  EXPECT_EQ(exposed_runtime_socket("/var/run/"), "/run/docker.sock");
  EXPECT_EQ(exposed_runtime_socket("/"), "/run/docker.sock");
}

TEST(exposed_runtime_socket, ignores_unrelated_paths) {
  for (const char* path :
       {"/run/secrets", "/var/run/secrets/kubernetes.io/serviceaccount", "/var/run-foo",
        "/var/run-foo/docker.sock", "/run/containerd-backup", "/run/docker.sock.bak",
        "/run/crio-old/crio.sock", "/run/user/1000/app/data", "/home/alice/docker.sock", "/var/log",
        "/etc", "/data", "/tmp"}) {
    EXPECT_EQ(exposed_runtime_socket(path), "") << path;
  }
}

// exposed_sensitive_path

TEST(exposed_sensitive_path, finds_every_built_in_path_mounted_exactly) {
  for (const std::string& entry : sensitive_host_paths()) {
    EXPECT_FALSE(sensitive(entry).empty()) << entry;
  }
}

TEST(exposed_sensitive_path, names_the_entry_a_path_equals) {
  EXPECT_EQ(sensitive("/etc"), "/etc");
  EXPECT_EQ(sensitive("/proc"), "/proc");
  EXPECT_EQ(sensitive("/var/lib/kubelet"), "/var/lib/kubelet");
  EXPECT_EQ(sensitive("/var/lib/etcd"), "/var/lib/etcd");
  EXPECT_EQ(sensitive("/lib/modules"), "/lib/modules");
  EXPECT_EQ(sensitive("/var/log"), "/var/log");
}

TEST(exposed_sensitive_path, names_the_entry_a_path_lies_under) {
  EXPECT_EQ(sensitive("/etc/kubernetes/pki"), "/etc");
  EXPECT_EQ(sensitive("/proc/1/root"), "/proc");
  EXPECT_EQ(sensitive("/var/lib/kubelet/pods"), "/var/lib/kubelet");
  EXPECT_EQ(sensitive("/var/lib/containerd/io.containerd.content.v1.content"),
            "/var/lib/containerd");
  EXPECT_EQ(sensitive("/root/.ssh"), "/root");
  EXPECT_EQ(sensitive("/home/alice/.kube"), "/home");
  EXPECT_EQ(sensitive("/var/log/pods"), "/var/log");
}

TEST(exposed_sensitive_path, names_the_entry_a_directory_holds) {
  EXPECT_EQ(sensitive("/var"), "/var/lib/kubelet");
  EXPECT_EQ(sensitive("/var/lib"), "/var/lib/kubelet");
  EXPECT_EQ(sensitive("/lib"), "/lib/modules");
  EXPECT_EQ(sensitive("/opt"), "/opt/cni");
}

TEST(exposed_sensitive_path, counts_root_only_when_mounted_whole) {
  EXPECT_EQ(sensitive("/"), "/");
  EXPECT_EQ(sensitive("//"), "/");
  EXPECT_EQ(sensitive("/data/.."), "/");
  EXPECT_EQ(sensitive("/data"), "");
}

TEST(exposed_sensitive_path, normalizes_the_path_first) {
  EXPECT_EQ(sensitive("/data/../etc"), "/etc");
  EXPECT_EQ(sensitive("/var/run/../log"), "/var/log");
  EXPECT_EQ(sensitive("//etc//"), "/etc");
  EXPECT_EQ(sensitive("/etc/../data"), "");
}

TEST(exposed_sensitive_path, ignores_ordinary_data_paths) {
  for (const char* path :
       {"/data/app", "/srv", "/mnt/disks/ssd0", "/tmp", "/run/secrets", "/var/run-foo",
        "/var/lib/app-data", "/var/local", "/etcd-data", "/usrlocal", "/opt/local-path-provisioner",
        "/var/lib/kubelet-plugins-backup"}) {
    EXPECT_EQ(sensitive(path), "") << path;
  }
}

TEST(exposed_sensitive_path, adds_the_policys_extra_paths) {
  const std::vector<std::string> extra{"/srv/vault"};
  EXPECT_EQ(sensitive("/srv/vault", extra), "/srv/vault");
  EXPECT_EQ(sensitive("/srv/vault/keys", extra), "/srv/vault");
  EXPECT_EQ(sensitive("/srv", extra), "/srv/vault");
  EXPECT_EQ(sensitive("/srv/other", extra), "");
  EXPECT_EQ(sensitive("/srv/vault"), "");
}

TEST(exposed_sensitive_path, normalizes_extra_paths_as_written_in_the_policy) {
  const std::vector<std::string> extra{"//srv/./vault/", "/var/run/vault"};
  EXPECT_EQ(sensitive("/srv/vault/keys", extra), "/srv/vault");
  EXPECT_EQ(sensitive("/run/vault/token", extra), "/run/vault");
}

TEST(exposed_sensitive_path, treats_an_extra_root_like_the_built_in_one) {
  const std::vector<std::string> extra{"/"};
  EXPECT_EQ(sensitive("/data", extra), "");
  EXPECT_EQ(sensitive("/", extra), "/");
}

}  // namespace
}  // namespace launchguard
