#include "policy/track/memory_tracker_store.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace launchguard {
namespace {

std::string hex(std::uint64_t key) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(key));
  return text;
}

std::optional<std::uint64_t> from_hex(const std::string& text) {
  std::uint64_t key = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), key, 16);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return key;
}

}  // namespace

memory_tracker_store::memory_tracker_store(std::size_t max_keys,
                                           std::array<std::uint64_t, 2> secret)
    : hash_(secret) {
  set_capacity(max_keys);
}

void memory_tracker_store::set_capacity(std::size_t max_keys) {
  // Rounded down, so that the shards together never hold more than max_keys (rounded up,
  // 40 keys would be 3 per shard: 48).
  per_shard_ = std::max<std::size_t>(1, max_keys / shard_count);
}

memory_tracker_store::shard& memory_tracker_store::shard_of(std::uint64_t key) {
  return shards_[(key >> 56) % shard_count];  // the map uses the low bits; the shard the high ones
}

void memory_tracker_store::unlink(shard& s, entry& e) {
  (e.newer != nullptr ? e.newer->older : s.newest) = e.older;
  (e.older != nullptr ? e.older->newer : s.oldest) = e.newer;
  e.newer = e.older = nullptr;
}

void memory_tracker_store::link_newest(shard& s, entry& e) {
  e.older = s.newest;
  e.newer = nullptr;
  if (s.newest != nullptr) s.newest->newer = &e;
  s.newest = &e;
  if (s.oldest == nullptr) s.oldest = &e;
}

void memory_tracker_store::make_newest(shard& s, entry& e) {
  if (s.newest == &e) return;
  unlink(s, e);
  link_newest(s, e);
}

memory_tracker_store::entry& memory_tracker_store::touch(shard& s, std::uint64_t key) {
  auto found = s.entries.find(key);
  if (found != s.entries.end()) {
    make_newest(s, found->second);
    return found->second;
  }
  while (s.entries.size() >= per_shard_ && s.oldest != nullptr) {
    entry* victim = s.oldest;
    unlink(s, *victim);
    s.evicted.push_back(victim->key);
    s.entries.erase(victim->key);
  }
  entry& made = s.entries[key];
  made.key = key;
  link_newest(s, made);
  return made;
}

rate_observation memory_tracker_store::add_rate(const std::string& key, std::int64_t bucket,
                                                double amount, std::int64_t warmup_windows) {
  std::uint64_t k = hash_(key);
  shard& s = shard_of(k);
  std::lock_guard lock(s.mutex);
  entry& e = touch(s, k);
  e.rate = true;
  e.dirty = true;
  return e.cell.add(bucket, amount, warmup_windows);
}

bool memory_tracker_store::add_if_absent(const std::string& key, const std::string& value,
                                         std::int64_t now_ms, std::int64_t expires_ms) {
  std::uint64_t k = hash_(key);
  shard& s = shard_of(k);
  std::lock_guard lock(s.mutex);
  entry& e = touch(s, k);
  bool live = e.value != nullptr && (e.expires_ms == 0 || e.expires_ms > now_ms);
  if (live) return false;
  e.value = std::make_unique<std::string>(value);
  e.expires_ms = expires_ms;
  e.dirty = true;
  return true;
}

std::optional<std::string> memory_tracker_store::find(const std::string& key, std::int64_t now_ms) {
  std::uint64_t k = hash_(key);
  shard& s = shard_of(k);
  std::lock_guard lock(s.mutex);
  auto found = s.entries.find(k);
  if (found == s.entries.end() || found->second.value == nullptr) return std::nullopt;
  if (found->second.expires_ms != 0 && found->second.expires_ms <= now_ms) return std::nullopt;
  make_newest(s, found->second);  // touch() without looking the key up again
  return *found->second.value;
}

void memory_tracker_store::put(const std::string& key, const std::string& value,
                               std::int64_t expires_ms) {
  std::uint64_t k = hash_(key);
  shard& s = shard_of(k);
  std::lock_guard lock(s.mutex);
  entry& e = touch(s, k);
  if (e.value != nullptr && *e.value == value && e.expires_ms == expires_ms)
    return;  // nothing to persist
  e.value = std::make_unique<std::string>(value);
  e.expires_ms = expires_ms;
  e.dirty = true;
}

std::vector<memory_tracker_store::entry_text> memory_tracker_store::drain_changes() {
  std::vector<entry_text> out;
  for (auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    for (std::uint64_t key : s.evicted) {
      if (!s.entries.contains(key)) out.push_back({hex(key), {}, 0, false, true});
    }
    s.evicted.clear();
    // A scan, not a list of changed keys: an update then costs a flag, and a scan of a
    // million entries once a second is a few milliseconds of the store's own thread.
    for (auto& [key, e] : s.entries) {
      if (!e.dirty) continue;
      e.dirty = false;
      out.push_back({hex(key), e.rate ? e.cell.serialize() : (e.value ? *e.value : std::string()),
                     e.expires_ms, e.rate, false});
    }
  }
  return out;
}

bool memory_tracker_store::load(const entry_text& loaded) {
  auto k = from_hex(loaded.key);
  if (!k) return false;
  // Checked before the key takes a place (and perhaps evicts another for it).
  rate_cell cell;
  if (loaded.rate && !cell.deserialize(loaded.value)) return false;
  shard& s = shard_of(*k);
  std::lock_guard lock(s.mutex);
  entry& e = touch(s, *k);
  e.rate = loaded.rate;
  if (loaded.rate) {
    e.cell = cell;
  } else {
    e.value = std::make_unique<std::string>(loaded.value);
  }
  e.expires_ms = loaded.expires_ms;
  e.dirty = false;
  return true;
}

std::size_t memory_tracker_store::size() const {
  std::size_t total = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    total += s.entries.size();
  }
  return total;
}

}  // namespace launchguard
