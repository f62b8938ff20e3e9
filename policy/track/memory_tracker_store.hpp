#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "policy/track/key_hash.hpp"
#include "policy/track/tracker_store.hpp"

namespace launchguard {

// The in-process tracker store, built to hold a million keys in little memory:
//  - 16 shards, each with its own lock, hash map and least-recently-used order, together
//    holding at most `max_keys` keys (limits.trackedKeys; at least one per shard, so 16 for
//    a smaller cap); beyond that a shard forgets its least recently used key;
//  - keys are kept as keyed 64-bit hashes (see key_hasher), not as strings;
//  - the LRU order is threaded through the entries themselves, and a changed entry is only
//    flagged, so an update allocates nothing.
// drain_changes() hands the changed and evicted keys to whoever persists them.
class memory_tracker_store : public tracker_store {
 public:
  memory_tracker_store(std::size_t max_keys, std::array<std::uint64_t, 2> secret);
  // With a fixed secret: for tests and offline tools, where nobody picks the names to collide.
  explicit memory_tracker_store(std::size_t max_keys) : memory_tracker_store(max_keys, {0, 0}) {}

  rate_observation add_rate(const std::string& key, std::int64_t bucket, double amount,
                            std::int64_t warmup_windows) override;
  bool add_if_absent(const std::string& key, const std::string& value, std::int64_t now_ms,
                     std::int64_t expires_ms) override;
  std::optional<std::string> find(const std::string& key, std::int64_t now_ms) override;
  void put(const std::string& key, const std::string& value, std::int64_t expires_ms) override;

  // One key as persisted: its hash in hex, the rate cell serialized or the value.
  struct entry_text {
    std::string key;
    std::string value;
    std::int64_t expires_ms = 0;
    bool rate = false;
    bool removed = false;  // evicted since the last drain
  };
  // Keys changed since the last call (with their current text), and keys evicted since.
  std::vector<entry_text> drain_changes();
  // Loads a persisted key (at start) without marking it changed; false for text that is not
  // one.
  bool load(const entry_text& entry);

  std::size_t size() const;
  void set_capacity(std::size_t max_keys);

 private:
  struct entry {
    rate_cell cell;
    std::unique_ptr<std::string> value;  // null for rate cells: they need no string
    std::int64_t expires_ms = 0;
    std::uint64_t key = 0;
    entry* newer = nullptr;  // LRU order, through the entries (map nodes never move)
    entry* older = nullptr;
    bool rate = false;
    bool dirty = false;
  };
  struct shard {
    mutable std::mutex mutex;
    std::unordered_map<std::uint64_t, entry> entries;
    entry* newest = nullptr;
    entry* oldest = nullptr;
    std::vector<std::uint64_t> evicted;  // since the last drain
  };
  static constexpr std::size_t shard_count = 16;

  shard& shard_of(std::uint64_t key);
  entry& touch(shard& s, std::uint64_t key);  // with the shard locked
  static void unlink(shard& s, entry& e);
  static void link_newest(shard& s, entry& e);
  static void make_newest(shard& s, entry& e);

  key_hasher hash_;
  std::array<shard, shard_count> shards_;
  std::size_t per_shard_;
};

}  // namespace launchguard
