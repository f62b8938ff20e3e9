#include "server/cli/replay_command.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "policy/alerts/alert.hpp"
#include "policy/model/time_text.hpp"
#include "policy/rules/severity.hpp"
#include "server/cli/https_client.hpp"
#include "server/util/log.hpp"

namespace launchguard::server {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string bearer(const std::string& file) {
  if (file.empty()) return {};
  std::string token = read_text(file);
  auto first = token.find_first_not_of(" \t\r\n");
  auto last = token.find_last_not_of(" \t\r\n");
  return first == std::string::npos ? std::string()
                                    : "Bearer " + token.substr(first, last - first + 1);
}

// The events of an audit file: an EventList, one Event, or JSON lines.
std::vector<json> audit_events(const std::string& text) {
  std::vector<json> events;
  try {
    json whole = json::parse(text);
    if (whole.contains("items")) return whole["items"].get<std::vector<json>>();
    return {whole};
  } catch (const json::exception&) {
  }
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) events.push_back(json::parse(line));
  }
  return events;
}

// Moves event times to now, in order, shortening long gaps.
class clock_rewrite {
 public:
  clock_rewrite(std::int64_t start_ms, std::int64_t max_gap_ms)
      : now_(start_ms), max_gap_(max_gap_ms) {}

  void rewrite(json& event) {
    std::int64_t original = time_of(event, "stageTimestamp");
    if (original == 0) original = time_of(event, "requestReceivedTimestamp");
    if (last_original_ != 0 && original != 0) {
      now_ += std::clamp<std::int64_t>(original - last_original_, 0, max_gap_);
    }
    if (original != 0) last_original_ = original;
    std::int64_t received = time_of(event, "requestReceivedTimestamp");
    std::int64_t latency = received != 0 && original != 0
                               ? std::clamp<std::int64_t>(original - received, 0, max_gap_)
                               : 0;
    event["stageTimestamp"] = format_time_ms(now_);
    event["requestReceivedTimestamp"] = format_time_ms(now_ - latency);
  }

 private:
  static std::int64_t time_of(const json& event, const char* field) {
    if (!event.contains(field) || !event[field].is_string()) return 0;
    return parse_rfc3339_ms(event[field].get<std::string>()).value_or(0);
  }
  std::int64_t now_;
  std::int64_t max_gap_;
  std::int64_t last_original_ = 0;
};

std::string substitute_decisions(std::string text,
                                 const std::map<std::string, std::string>& decisions) {
  for (const auto& [step, id] : decisions) {
    std::string marker = "{{decision:" + step + "}}";
    for (auto at = text.find(marker); at != std::string::npos;
         at = text.find(marker, at + id.size())) {
      text.replace(at, marker.size(), id);
    }
  }
  return text;
}

struct scenario_result {
  std::string name;
  std::size_t expected = 0;
  std::size_t raised = 0;
  std::vector<std::string> missing;
  std::vector<std::string> unexpected;
  std::string error;
};

class replayer {
 public:
  replayer(https_client& client, const replay_options& options)
      : client_(client),
        options_(options),
        alerts_auth_(bearer(options.token_file)),
        audit_auth_(bearer(options.audit_token_file)),
        run_("-r" + std::to_string(now_unix_ms())) {}

  scenario_result run(const fs::path& folder);

 private:
  outcome<std::int64_t> last_alert_id();
  outcome<std::vector<json>> alerts_since(std::int64_t since);
  outcome<bool> send_step(const fs::path& file, std::map<std::string, std::string>& decisions,
                          clock_rewrite& clock);
  void compare(const json& expected, const std::vector<json>& raised, scenario_result& result);

  https_client& client_;
  const replay_options& options_;
  std::string alerts_auth_;
  std::string audit_auth_;
  std::string run_;
};

outcome<std::vector<json>> replayer::alerts_since(std::int64_t since) {
  std::vector<json> out;
  while (true) {
    auto answer = client_.request("GET", "/alerts?limit=1000&since=" + std::to_string(since), "",
                                  {{"Authorization", alerts_auth_}});
    if (!answer) return answer.error();
    if (answer->status != 200)
      return failure{"GET /alerts: " + std::to_string(answer->status) + " " + answer->body};
    json page = json::parse(answer->body);
    if (page["alerts"].empty()) return out;
    for (auto& a : page["alerts"])
      out.push_back(std::move(a));
    since = page["next"].get<std::int64_t>();
  }
}

outcome<std::int64_t> replayer::last_alert_id() {
  auto all = alerts_since(0);
  if (!all) return all.error();
  return all->empty() ? std::int64_t{0} : all->back()["id"].get<std::int64_t>();
}

outcome<bool> replayer::send_step(const fs::path& file,
                                  std::map<std::string, std::string>& decisions,
                                  clock_rewrite& clock) {
  std::string name = file.filename().string();
  std::string step = name.substr(0, name.find('-'));
  std::string text = substitute_decisions(read_text(file), decisions);
  if (name.ends_with(".admission.json")) {
    json review = json::parse(text);
    review["request"]["uid"] = review["request"]["uid"].get<std::string>() + run_;
    auto answer =
        client_.request("POST", "/validate", review.dump(), {{"Content-Type", "application/json"}});
    if (!answer) return answer.error();
    if (answer->status != 200)
      return failure{name + ": /validate answered " + std::to_string(answer->status) + " " +
                     answer->body};
    json response = json::parse(answer->body)["response"];
    decisions[step] = response["auditAnnotations"]["decision-id"].get<std::string>();
    return true;
  }
  json list = {{"kind", "EventList"}, {"apiVersion", "audit.k8s.io/v1"}, {"items", json::array()}};
  for (auto& event : audit_events(text)) {
    event["auditID"] = event.value("auditID", std::string("event")) + run_;
    clock.rewrite(event);
    list["items"].push_back(std::move(event));
  }
  std::map<std::string, std::string> headers{{"Content-Type", "application/json"}};
  if (!audit_auth_.empty()) headers["Authorization"] = audit_auth_;
  auto answer = client_.request("POST", "/audit", list.dump(), headers);
  if (!answer) return answer.error();
  if (answer->status != 200)
    return failure{name + ": /audit answered " + std::to_string(answer->status) + " " +
                   answer->body};
  return true;
}

void replayer::compare(const json& expected, const std::vector<json>& raised,
                       scenario_result& result) {
  std::map<std::pair<std::string, std::string>, std::size_t> got;
  for (const auto& a : raised)
    ++got[{a["rule"].get<std::string>(), a["severity"].get<std::string>()}];
  result.raised = raised.size();
  for (const auto& want : expected.value("alerts", json::array())) {
    auto key = std::make_pair(want["rule"].get<std::string>(), want["severity"].get<std::string>());
    std::size_t count = want.value("count", 1);
    result.expected += count;
    std::size_t have = got[key];
    if (have < count) result.missing.push_back(key.first + " (" + key.second + ")");
    got[key] = have > count ? have - count : 0;  // what is left over is unexpected
  }
  auto tolerate = severity_from(expected.value("tolerate", std::string("info")));
  for (const auto& [key, left] : got) {
    auto level = severity_from(key.second);
    if (left == 0 || (tolerate && level && *level <= *tolerate && expected.contains("tolerate")))
      continue;
    result.unexpected.push_back(key.first + " (" + key.second + ")" +
                                (left > 1 ? " x" + std::to_string(left) : ""));
  }
}

scenario_result replayer::run(const fs::path& folder) {
  scenario_result result;
  result.name = folder.filename().string();
  if (!fs::is_directory(folder) || !fs::exists(folder / "expected.json")) {
    result.error = folder.string() + ": not a scenario (a folder with expected.json)";
    return result;
  }
  std::vector<fs::path> steps;
  for (const auto& entry : fs::directory_iterator(folder)) {
    std::string name = entry.path().filename().string();
    if (name.ends_with(".admission.json") || name.ends_with(".audit.json") ||
        name.ends_with(".audit.jsonl")) {
      steps.push_back(entry.path());
    }
  }
  std::sort(steps.begin(), steps.end());
  auto start = last_alert_id();
  if (!start) {
    result.error = start.error().message;
    return result;
  }
  std::map<std::string, std::string> decisions;
  clock_rewrite clock(now_unix_ms(), options_.max_gap.count());
  for (const auto& step : steps) {
    try {
      auto sent = send_step(step, decisions, clock);
      if (!sent) {
        result.error = sent.error().message;
        return result;
      }
    } catch (const json::exception& error) {
      result.error = step.string() + ": " + error.what();
      return result;
    }
  }
  // Admission alerts are stored just after the answer: wait until the count settles.
  std::vector<json> raised;
  for (int quiet = 0, round = 0; quiet < 3 && round < 50; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto now = alerts_since(*start);
    if (!now) {
      result.error = now.error().message;
      return result;
    }
    quiet = now->size() == raised.size() ? quiet + 1 : 0;
    raised = std::move(*now);
  }
  compare(json::parse(read_text(folder / "expected.json")), raised, result);
  return result;
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items)
    text += (text.empty() ? "" : ", ") + item;
  return text.empty() ? "-" : text;
}

}  // namespace

int run_replay(const replay_options& options) {
  auto client = https_client::connect(options.target, options.ca_file);
  if (!client) {
    std::cerr << "launchguard: " << client.error().message << "\n";
    return 2;
  }
  replayer replay(**client, options);
  bool failed = false, broken = false;
  std::printf("%-28s %9s %7s  %-30s %s\n", "scenario", "expected", "raised", "missing",
              "unexpected");
  for (const auto& folder : options.scenarios) {
    scenario_result r = replay.run(fs::path(folder));
    if (!r.error.empty()) {
      std::printf("%-28s %s\n", r.name.c_str(), ("ERROR: " + r.error).c_str());
      broken = true;
      continue;
    }
    failed = failed || !r.missing.empty() || !r.unexpected.empty();
    std::printf("%-28s %9zu %7zu  %-30s %s\n", r.name.c_str(), r.expected, r.raised,
                joined(r.missing).c_str(), joined(r.unexpected).c_str());
  }
  if (broken) return 2;
  return failed ? 1 : 0;
}

}  // namespace launchguard::server
