// A renewed certificate is picked up from the mounted files without a restart, under load,
// with no failed request.
#include <atomic>
#include <filesystem>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/integration/server_process.hpp"
#include "tests/integration/tls_client.hpp"
#include "tests/support/files.hpp"

namespace launchguard::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// A Secret volume as the kubelet lays it out: files behind a ..data link that is swapped.
void install_version(const fs::path& dir, const std::string& version, const std::string& cert,
                     const std::string& key) {
  fs::path versioned = dir / ("..20261128_" + version);
  fs::create_directory(versioned);
  fs::copy_file(pki(cert), versioned / "tls.crt");
  fs::copy_file(pki(key), versioned / "tls.key");
  fs::path link = dir / "..data_tmp";
  fs::create_directory_symlink(versioned.filename(), link);
  fs::rename(link, dir / "..data");
}

std::string serial_of(const std::string& cert_file) {
  std::string command = "openssl x509 -noout -serial -in " + pki(cert_file);
  std::FILE* pipe = ::popen(command.c_str(), "r");
  char line[256] = {};
  std::fgets(line, sizeof line, pipe);
  ::pclose(pipe);
  std::string text = line;
  text = text.substr(text.find('=') + 1);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  return text;
}

// notAfter of a certificate, in seconds since the epoch.
double expiry_of(const std::string& cert_file) {
  std::string command =
      "date -u -d \"$(openssl x509 -noout -enddate -in " + pki(cert_file) + " | cut -d= -f2)\" +%s";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  char line[64] = {};
  std::fgets(line, sizeof line, pipe);
  ::pclose(pipe);
  return std::stod(line);
}

double expiry_gauge(server_process& server) {
  http_client ops(server.ops_port());
  std::string text = ops.request("GET", "/metrics", "", "").body;
  const std::string name = "\nlaunchguard_tls_certificate_expiry_timestamp_seconds ";
  auto at = text.find(name);
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + name.size()));
}

TEST(tls_rotation, a_renewed_certificate_is_served_without_a_restart_or_a_failed_request) {
  std::string pattern = (fs::temp_directory_path() / "launchguard-tls-XXXXXX").string();
  fs::path dir = ::mkdtemp(pattern.data());
  install_version(dir, "v1", "server.crt", "server.key");
  fs::create_symlink("..data/tls.crt", dir / "tls.crt");
  fs::create_symlink("..data/tls.key", dir / "tls.key");

  server_process::options options;
  options.certificate = (dir / "tls.crt").string();
  options.key = (dir / "tls.key").string();
  server_process server(options);
  const std::string old_serial = serial_of("server.crt");
  const std::string new_serial = serial_of("server-rotated.crt");
  EXPECT_EQ(expiry_gauge(server), expiry_of("server.crt"));

  std::atomic<bool> stop{false};
  std::atomic<int> failures{0}, requests{0};
  std::atomic<bool> saw_new{false};
  std::thread load([&] {
    while (!stop) {
      try {
        http_client client(server.webhook_port(), pki("ca.crt"));  // a new handshake each time
        if (client.request("GET", "/healthz", "", "").status != 200) ++failures;
        if (client.peer_serial() == new_serial) saw_new = true;
      } catch (const std::exception&) {
        ++failures;
      }
      ++requests;
    }
  });
  std::this_thread::sleep_for(300ms);
  install_version(dir, "v2", "server-rotated.crt", "server-rotated.key");
  for (int i = 0; i < 200 && !saw_new; ++i)
    std::this_thread::sleep_for(10ms);
  std::this_thread::sleep_for(200ms);
  stop = true;
  load.join();

  EXPECT_TRUE(saw_new) << "still serving " << old_serial << " after the files changed";
  EXPECT_EQ(failures, 0) << "of " << requests << " requests";
  EXPECT_GT(requests, 20);
  EXPECT_TRUE(server.process().wait_for_err("certificate reloaded", 1s));
  EXPECT_EQ(expiry_gauge(server), expiry_of("server-rotated.crt")) << "the gauge follows reloads";
  EXPECT_NE(expiry_of("server.crt"), expiry_of("server-rotated.crt"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace launchguard::testing
