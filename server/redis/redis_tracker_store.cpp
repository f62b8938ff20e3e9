#include "server/redis/redis_tracker_store.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>

namespace launchguard::server {
namespace {

// A rate cell unused this long is forgotten: past any window's baseline worth keeping.
constexpr const char* rate_lifetime_ms = "691200000";  // 8 days
// A value outlives its own expiry by this much in Redis, so that audit events that arrive
// late (their time is the event's, not Redis's clock) still find it.
constexpr const char* expiry_slack_ms = "3600000";

// rate_cell::add, in Lua: the same ring of six sub-windows, the same baseline and the same
// text form ("newest ewma learned c0 .. c5"), so a cell reads alike in both backends.
const redis_script rate_script(R"lua(
local n = 6
local bucket = tonumber(ARGV[1])
local amount = tonumber(ARGV[2])
local warmup = tonumber(ARGV[3])
local newest, ewma, learned = -1, 0, 0
local c = {0, 0, 0, 0, 0, 0}
local text = redis.call('GET', KEYS[1])
if text then
  local f = {}
  for word in string.gmatch(text, '%S+') do f[#f + 1] = tonumber(word) end
  if #f == 9 then
    newest, ewma, learned = f[1], f[2], f[3]
    for i = 1, n do c[i] = f[3 + i] end
  end
end
local function slot(b) return (b % n) + 1 end
local alpha = 2 / (math.max(1, warmup) * n + 1)
if newest < 0 then
  newest = bucket
elseif bucket > newest then
  local folds = math.min(bucket - newest, 1000)
  for i = 0, folds - 1 do
    local closing = newest + i
    ewma = alpha * c[slot(closing)] + (1 - alpha) * ewma
    learned = learned + 1
    c[slot(closing + 1)] = 0
  end
  if bucket - newest > 1000 then c = {0, 0, 0, 0, 0, 0} end
  newest = bucket
end
if bucket > newest - n then c[slot(bucket)] = c[slot(bucket)] + amount end
local total = 0
for i = 1, n do total = total + c[i] end
redis.call('SET', KEYS[1], string.format('%d %.9g %d %.9g %.9g %.9g %.9g %.9g %.9g',
  newest, ewma, learned, c[1], c[2], c[3], c[4], c[5], c[6]), 'PX', ARGV[4])
return {string.format('%.17g', total), string.format('%.17g', ewma * n),
  tostring(math.floor(learned / n))}
)lua");

// Values are stored as "EXPIRES_MS|VALUE" (0: never), judged by the caller's clock; Redis
// drops them when that much of its own time has passed, plus the slack.
const redis_script add_if_absent_script(R"lua(
local text = redis.call('GET', KEYS[1])
if text then
  local bar = string.find(text, '|', 1, true)
  local expires = bar and tonumber(string.sub(text, 1, bar - 1))
  if expires and (expires == 0 or expires > tonumber(ARGV[2])) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[3] .. '|' .. ARGV[1])
local expires = tonumber(ARGV[3])
if expires > 0 then
  redis.call('PEXPIRE', KEYS[1], math.max(1, expires - tonumber(ARGV[2])) + tonumber(ARGV[4]))
end
return 1
)lua");

double number_of(const redis_reply& reply) {
  return std::strtod(reply.as_text().c_str(), nullptr);
}

}  // namespace

redis_reply redis_tracker_store::call(const redis_script& script, const std::string& key,
                                      const std::vector<std::string>& args) {
  auto reply = redis_.eval(script, {prefix_ + key}, args);
  if (!reply) throw tracker_unavailable(reply.error().message);
  return std::move(*reply);
}

rate_observation redis_tracker_store::add_rate(const std::string& key, std::int64_t bucket,
                                               double amount, std::int64_t warmup_windows) {
  char amount_text[32];
  auto [end, ec] = std::to_chars(amount_text, amount_text + sizeof amount_text, amount);
  redis_reply reply = call(rate_script, key,
                           {std::to_string(bucket), std::string(amount_text, end),
                            std::to_string(warmup_windows), rate_lifetime_ms});
  if (reply.elements.size() != 3) throw tracker_unavailable("redis: unexpected rate reply");
  return {number_of(reply.elements[0]), number_of(reply.elements[1]),
          static_cast<std::int64_t>(number_of(reply.elements[2]))};
}

bool redis_tracker_store::add_if_absent(const std::string& key, const std::string& value,
                                        std::int64_t now_ms, std::int64_t expires_ms) {
  redis_reply reply =
      call(add_if_absent_script, key,
           {value, std::to_string(now_ms), std::to_string(expires_ms), expiry_slack_ms});
  return reply.integer == 1;
}

std::optional<std::string> redis_tracker_store::find(const std::string& key, std::int64_t now_ms) {
  auto reply = redis_.command({"GET", prefix_ + key});
  if (!reply) throw tracker_unavailable(reply.error().message);
  if (reply->is_error()) throw tracker_unavailable("redis: " + reply->text);
  if (reply->type != redis_reply::kind::string) return std::nullopt;
  const std::string& text = reply->text;
  auto bar = text.find('|');
  if (bar == std::string::npos) return std::nullopt;
  std::int64_t expires = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + bar, expires);
  if (ec != std::errc() || end != text.data() + bar) return std::nullopt;
  if (expires != 0 && expires <= now_ms) return std::nullopt;
  return text.substr(bar + 1);
}

void redis_tracker_store::put(const std::string& key, const std::string& value,
                              std::int64_t expires_ms) {
  std::vector<std::string> args = {"SET", prefix_ + key, std::to_string(expires_ms) + "|" + value};
  if (expires_ms > 0) {
    // find() judges expiry by the caller's clock; Redis only has to keep the value that long
    // by its own, plus the slack (an event's time may be behind Redis's clock).
    auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
    args.push_back("PX");
    args.push_back(
        std::to_string(std::max<std::int64_t>(0, expires_ms - wall) + std::atoll(expiry_slack_ms)));
  }
  auto reply = redis_.command(args);
  if (!reply) throw tracker_unavailable(reply.error().message);
  if (reply->is_error()) throw tracker_unavailable("redis: " + reply->text);
}

}  // namespace launchguard::server
