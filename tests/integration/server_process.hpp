#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace launchguard::testing {

// Runs `launchguard` as a child process and collects its stdout and stderr.
class child_process {
 public:
  explicit child_process(std::vector<std::string> args);
  ~child_process();  // SIGKILL if still running
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const { return pid_; }
  void send_signal(int signal);
  // The exit code, or nullopt if it did not exit in time (or died from a signal: -signal).
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

  std::string err() const;
  std::string out() const;
  // Waits until stderr contains `text`; false on timeout or exit.
  bool wait_for_err(const std::string& text, std::chrono::milliseconds timeout) const;

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  mutable std::mutex mutex_;
  std::string out_;
  std::string err_;
  std::thread out_reader_;
  std::thread err_reader_;
};

// `launchguard serve` on loopback port 0 with the test PKI; knows its chosen ports.
class server_process {
 public:
  struct options {
    std::string config;  // default: deploy/examples/policy.yaml
    std::string certificate;
    std::string key;
    std::string state_dir;  // default: a fresh temporary directory, removed with the server
    std::vector<std::string> extra;
  };
  explicit server_process(options opts);
  server_process() : server_process(options{}) {}
  ~server_process();

  child_process& process() { return process_; }
  const std::string& state_dir() const { return state_dir_; }
  unsigned short webhook_port() const { return webhook_port_; }
  unsigned short ops_port() const { return ops_port_; }

 private:
  static std::vector<std::string> arguments(const options& opts, const std::string& state_dir);
  static std::string make_state_dir(const options& opts, bool& owned);
  bool owns_state_dir_ = false;
  std::string state_dir_;
  child_process process_;
  unsigned short webhook_port_ = 0;
  unsigned short ops_port_ = 0;
};

std::string pki(const std::string& file);  // tests/pki/<file>

}  // namespace launchguard::testing
