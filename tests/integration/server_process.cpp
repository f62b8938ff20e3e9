#include "tests/integration/server_process.hpp"

#include <fcntl.h>
#include <cstdio>
#include <filesystem>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/files.hpp"

namespace launchguard::testing {
namespace {

void drain_pipe(int fd, std::mutex& mutex, std::string& into) {
  char buffer[4096];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    std::lock_guard lock(mutex);
    into.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
}

// The port in the log's `"listener":"NAME","address":"HOST:PORT"`. (No std::regex: GCC 12
// warns inside it under the sanitizer build, and warnings are errors.)
unsigned short port_of(const std::string& log, const std::string& listener) {
  const std::string key = "\"listener\":\"" + listener + "\",\"address\":\"";
  auto at = log.find(key);
  if (at == std::string::npos) return 0;
  auto end = log.find('"', at + key.size());
  auto colon = log.rfind(':', end);
  if (end == std::string::npos || colon == std::string::npos || colon < at + key.size()) return 0;
  return static_cast<unsigned short>(std::stoi(log.substr(colon + 1, end - colon - 1)));
}

}  // namespace

child_process::child_process(std::vector<std::string> args) {
  std::vector<char*>
      argv;  // built before fork: the child may only call async-signal-safe functions
  for (auto& arg : args)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  int out_pipe[2];
  int err_pipe[2];
  // Close-on-exec, so a child forked by another thread meanwhile does not inherit the write
  // ends and keep our readers from ever seeing the end of the output.
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  out_reader_ = std::thread([this, fd = out_pipe[0]] { drain_pipe(fd, mutex_, out_); });
  err_reader_ = std::thread([this, fd = err_pipe[0]] { drain_pipe(fd, mutex_, err_); });
}

child_process::~child_process() {
  if (!exit_code_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (out_reader_.joinable()) out_reader_.join();
  if (err_reader_.joinable()) err_reader_.join();
}

void child_process::send_signal(int signal) {
  ::kill(pid_, signal);
}

std::optional<int> child_process::wait_exit(std::chrono::milliseconds timeout) {
  if (exit_code_) return exit_code_;
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    int status = 0;
    pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
      // The process is gone: read what is left in the pipes, so out() and err() are whole.
      if (out_reader_.joinable()) out_reader_.join();
      if (err_reader_.joinable()) err_reader_.join();
      return exit_code_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return std::nullopt;
}

std::string child_process::err() const {
  std::lock_guard lock(mutex_);
  return err_;
}

std::string child_process::out() const {
  std::lock_guard lock(mutex_);
  return out_;
}

bool child_process::wait_for_err(const std::string& text, std::chrono::milliseconds timeout) const {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (err().find(text) != std::string::npos) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) return err().find(text) != std::string::npos;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

server_process::~server_process() {
  // A test that failed while this server ran shows the server's own log, so a failure seen
  // once in CI (a connection closed early, say) can be read rather than guessed at.
  const bool show_log = ::testing::Test::HasFailure();
  const auto exited_early = process_.wait_exit(std::chrono::milliseconds(0));
  process_.send_signal(SIGKILL);
  process_.wait_exit(std::chrono::seconds(5));
  if (show_log) {
    std::fprintf(stderr, "--- launchguard stderr (%s) ---\n%s--- end of launchguard stderr ---\n",
                 exited_early ? ("exited early with " + std::to_string(*exited_early)).c_str()
                              : "running until the test ended",
                 process_.err().c_str());
  }
  if (owns_state_dir_) std::filesystem::remove_all(state_dir_);
}

std::string pki(const std::string& file) {
  return (source_dir() / "tests/pki" / file).string();
}

std::string server_process::make_state_dir(const options& opts, bool& owned) {
  if (!opts.state_dir.empty()) return opts.state_dir;
  std::string pattern =
      (std::filesystem::temp_directory_path() / "launchguard-state-XXXXXX").string();
  owned = true;
  return ::mkdtemp(pattern.data());
}

std::vector<std::string> server_process::arguments(const options& opts,
                                                   const std::string& state_dir) {
  std::vector<std::string> args = {
      LAUNCHGUARD_BINARY,
      "serve",
      "--config",
      opts.config.empty() ? (source_dir() / "deploy/examples/policy.yaml").string() : opts.config,
      "--tls-cert",
      opts.certificate.empty() ? pki("server.crt") : opts.certificate,
      "--tls-key",
      opts.key.empty() ? pki("server.key") : opts.key,
      "--listen",
      "127.0.0.1:0",
      "--ops-listen",
      "127.0.0.1:0",
      "--threads",
      "2",
      "--state-dir",
      state_dir,
  };
  args.insert(args.end(), opts.extra.begin(), opts.extra.end());
  return args;
}

server_process::server_process(options opts)
    : state_dir_(make_state_dir(opts, owns_state_dir_)), process_(arguments(opts, state_dir_)) {
  if (!process_.wait_for_err("\"msg\":\"serving\"", std::chrono::seconds(10))) {
    throw std::runtime_error("launchguard did not start:\n" + process_.err());
  }
  std::string log = process_.err();
  webhook_port_ = port_of(log, "webhook");
  ops_port_ = port_of(log, "ops");
}

}  // namespace launchguard::testing
