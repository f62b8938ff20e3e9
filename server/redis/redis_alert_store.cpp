#include "server/redis/redis_alert_store.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>

namespace launchguard::server {
namespace {

// As in the embedded store: the API server retries a batch within the hour, and a once-key
// (an exec seen at two stages) is kept a week.
constexpr const char* input_key_lifetime_ms = "3600000";
constexpr const char* once_key_lifetime_ms = "604800000";
// A query looks at most this many log entries, so a filter that matches nothing cannot hold
// Redis (single-threaded) for long.
constexpr const char* query_scan_budget = "20000";

// ARGV: now, dedup window, retention, max alerts, input TTL, once TTL, prefix, then per input
// its key and alert count, then per alert: once key, dedup key, time, last seen, count, rule,
// severity, fields. Returns per input 1 (new) or 0 (committed before), then one code per
// alert: its new id, 0 when folded into an identical alert, -1 when its once-key was taken,
// -2 when its input was committed before.
const redis_script commit_script(R"lua(
local p = ARGV[7]
local window = tonumber(ARGV[2])
local out = {}
local i = 8
while i <= #ARGV do
  local key, n = ARGV[i], tonumber(ARGV[i + 1])
  i = i + 2
  local fresh = true
  if key ~= '' then
    fresh = redis.call('SET', p .. 'input:' .. key, '1', 'NX', 'PX', ARGV[5]) ~= false
  end
  out[#out + 1] = fresh and 1 or 0
  for _ = 1, n do
    local once, dedup, t, last = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3])
    local code = -2
    if fresh then
      code = -1
      if once == '' or redis.call('SET', p .. 'once:' .. once, '1', 'NX', 'PX', ARGV[6]) then
        code = nil
        if window > 0 then
          local id = redis.call('GET', p .. 'dedup:' .. dedup)
          if id then
            local h = p .. 'alert:' .. id
            local seen = redis.call('HMGET', h, 't', 'l')
            if seen[1] and tonumber(seen[2]) >= t - window and tonumber(seen[1]) <= t + window then
              redis.call('HINCRBY', h, 'c', 1)
              if last > tonumber(seen[2]) then redis.call('HSET', h, 'l', ARGV[i + 3]) end
              redis.call('PEXPIRE', h, ARGV[3])
              code = 0
            end
          end
        end
        if code == nil then
          local id = redis.call('INCR', p .. 'alert-id')
          local h = p .. 'alert:' .. id
          redis.call('HSET', h, 't', ARGV[i + 2], 'l', ARGV[i + 3], 'c', ARGV[i + 4],
            'r', ARGV[i + 5], 's', ARGV[i + 6], 'b', ARGV[i + 7])
          redis.call('PEXPIRE', h, ARGV[3])
          redis.call('XADD', p .. 'alerts', 'MAXLEN', '~', ARGV[4], id .. '-1', 'id', id)
          if window > 0 then
            redis.call('SET', p .. 'dedup:' .. dedup, id, 'PX', 2 * window + 1)
          end
          code = id
        end
      end
    end
    out[#out + 1] = code
    i = i + 8
  end
end
return out
)lua");

// ARGV: prefix, since, limit, rule ('' for any), lowest severity (-1 for any), scan budget.
// Returns id, time, last seen, count, rule, fields for each match, oldest first.
const redis_script query_script(R"lua(
local p = ARGV[1]
local limit, rule, lowest, budget = tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
local out = {}
local found = 0
local start = ARGV[2] + 1
while found < limit and budget > 0 do
  local chunk = redis.call('XRANGE', p .. 'alerts', start .. '-0', '+', 'COUNT', 256)
  for _, entry in ipairs(chunk) do
    budget = budget - 1
    local id = string.match(entry[1], '^(%d+)')
    local h = redis.call('HMGET', p .. 'alert:' .. id, 't', 'l', 'c', 'r', 's', 'b')
    if h[1] and (rule == '' or h[4] == rule) and (lowest < 0 or tonumber(h[5]) >= lowest) then
      out[#out + 1] = id
      out[#out + 1] = h[1]
      out[#out + 1] = h[2]
      out[#out + 1] = h[3]
      out[#out + 1] = h[4]
      out[#out + 1] = h[6]
      found = found + 1
      if found >= limit then break end
    end
  end
  if #chunk < 256 then break end
  start = tonumber(string.match(chunk[#chunk][1], '^(%d+)')) + 1
end
return out
)lua");

std::int64_t integer_of(const std::string& text) {
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::int64_t wall_clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

outcome<commit_result> redis_alert_store::commit(std::vector<input_alerts> batch,
                                                 duration_ms dedup_window) {
  std::vector<std::string> args = {std::to_string(wall_clock_ms()),
                                   std::to_string(std::max<std::int64_t>(0, dedup_window.count())),
                                   std::to_string(retention_ms_.load()),
                                   std::to_string(max_alerts_.load()),
                                   input_key_lifetime_ms,
                                   once_key_lifetime_ms,
                                   prefix_};
  std::size_t alerts = 0;
  for (const auto& input : batch) {
    args.push_back(input.key);
    args.push_back(std::to_string(input.alerts.size()));
    for (const auto& a : input.alerts) {
      args.push_back(a.once_key);
      args.push_back(dedup_key(a));
      args.push_back(std::to_string(a.time_ms));
      args.push_back(std::to_string(a.last_seen_ms));
      args.push_back(std::to_string(a.count));
      args.push_back(std::string(to_string(a.rule)));
      args.push_back(std::to_string(static_cast<int>(a.level)));
      args.push_back(
          alert_fields(a).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      ++alerts;
    }
  }
  commit_result result;
  if (batch.empty()) return result;
  auto reply = redis_.eval(commit_script, {}, args);
  if (!reply) return failure{"state store (redis): " + reply.error().message};
  if (reply->elements.size() != alerts + batch.size())
    return failure{"state store (redis): the commit script answered " +
                   std::to_string(reply->elements.size()) + " codes for " +
                   std::to_string(batch.size()) + " inputs and " + std::to_string(alerts) +
                   " alerts"};
  std::size_t at = 0;
  for (auto& input : batch) {
    if (reply->elements[at++].integer == 0) ++result.repeated_inputs;
    for (auto& a : input.alerts) {
      long long code = reply->elements[at++].integer;
      if (code > 0) {
        a.id = code;
        result.raised.push_back(std::move(a));
      } else if (code == 0) {
        ++result.folded;
      }
    }
  }
  return result;
}

outcome<std::vector<stored_alert>> redis_alert_store::query(const alert_query& q) {
  auto reply =
      redis_.eval(query_script, {},
                  {prefix_, std::to_string(q.since), std::to_string(q.limit),
                   q.rule ? std::string(to_string(*q.rule)) : std::string(),
                   q.at_least ? std::to_string(static_cast<int>(*q.at_least)) : std::string("-1"),
                   query_scan_budget});
  if (!reply) return failure{"state store (redis): " + reply.error().message};
  std::vector<stored_alert> out;
  const auto& e = reply->elements;
  for (std::size_t i = 0; i + 5 < e.size(); i += 6) {
    std::int64_t id = integer_of(e[i].text);
    auto rule = rule_from(e[i + 4].text).value_or(rule_id::webhook_internal_error);
    out.push_back({id, render_alert(id, integer_of(e[i + 1].text), integer_of(e[i + 2].text),
                                    integer_of(e[i + 3].text), rule, e[i + 5].text)});
  }
  return out;
}

outcome<std::size_t> redis_alert_store::prune(std::int64_t, duration_ms retention,
                                              std::int64_t max_alerts) {
  retention_ms_ = std::max<std::int64_t>(1, retention.count());
  max_alerts_ = std::max<std::int64_t>(1, max_alerts);
  // Alert hashes expire by themselves; the log is trimmed on every add and here, exactly.
  auto reply = redis_.command({"XTRIM", prefix_ + "alerts", "MAXLEN", std::to_string(max_alerts)});
  if (!reply) return failure{"state store (redis): " + reply.error().message};
  if (reply->is_error()) return failure{"state store (redis): " + reply->text};
  return static_cast<std::size_t>(reply->integer);
}

}  // namespace launchguard::server
