// memory_tracker_store: the in-process tracker store. Values with expiry, rate cells, a
// per-shard least-recently-used cap, the change log the write-behind drains, loading at start,
// and concurrent use. The store hashes keys with a fixed secret here, so which keys share a
// shard is known: the high bits of the hash pick one of 16 shards.

#include "policy/track/memory_tracker_store.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "policy/track/key_hash.hpp"

namespace launchguard {
namespace {

constexpr std::size_t shard_count = 16;

std::uint64_t hash_of(const std::string& key) {
  return key_hasher({0, 0})(key);
}

std::size_t shard_of(const std::string& key) {
  return (hash_of(key) >> 56) % shard_count;
}

// The key as drain_changes() names it: its hash, 16 hex digits.
std::string hex_of(const std::string& key) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash_of(key)));
  return text;
}

// `n` keys that land in the same shard, so they compete for the same capacity.
std::vector<std::string> keys_in_one_shard(std::size_t n, const std::string& prefix = "key-") {
  std::vector<std::string> keys;
  std::size_t shard = shard_of(prefix + "0");
  for (int i = 0; keys.size() < n; ++i) {
    std::string key = prefix + std::to_string(i);
    if (shard_of(key) == shard) keys.push_back(key);
  }
  return keys;
}

const memory_tracker_store::entry_text* find_change(
    const std::vector<memory_tracker_store::entry_text>& changes, const std::string& key) {
  auto found = std::find_if(changes.begin(), changes.end(),
                            [&](const auto& c) { return c.key == hex_of(key); });
  return found == changes.end() ? nullptr : &*found;
}

TEST(memory_tracker_store, add_if_absent_stores_once_until_the_value_expires) {
  memory_tracker_store store(1'000);
  EXPECT_TRUE(store.add_if_absent("alerted:x", "first", 100, 200));
  EXPECT_FALSE(store.add_if_absent("alerted:x", "second", 150, 300));
  EXPECT_EQ(store.find("alerted:x", 199), "first");
  EXPECT_EQ(store.find("alerted:x", 200), std::nullopt) << "expired at its expiry time";
  EXPECT_TRUE(store.add_if_absent("alerted:x", "third", 200, 400));
  EXPECT_EQ(store.find("alerted:x", 250), "third");
}

TEST(memory_tracker_store, a_value_without_expiry_lives_forever) {
  memory_tracker_store store(1'000);
  EXPECT_TRUE(store.add_if_absent("image:a", "seen", 100, 0));
  EXPECT_FALSE(store.add_if_absent("image:a", "again", 9'000'000'000'000, 0));
  EXPECT_EQ(store.find("image:a", 9'000'000'000'000), "seen");
}

TEST(memory_tracker_store, find_of_an_unknown_key_is_empty_and_stores_nothing) {
  memory_tracker_store store(1'000);
  EXPECT_EQ(store.find("nothing", 0), std::nullopt);
  EXPECT_EQ(store.size(), 0u);
}

TEST(memory_tracker_store, put_replaces_and_find_returns_the_latest) {
  memory_tracker_store store(1'000);
  store.put("owner:shop/Deployment/web", "alice", 0);
  EXPECT_EQ(store.find("owner:shop/Deployment/web", 10), "alice");
  store.put("owner:shop/Deployment/web", "carol", 0);
  EXPECT_EQ(store.find("owner:shop/Deployment/web", 10), "carol");
  EXPECT_EQ(store.size(), 1u);
}

TEST(memory_tracker_store, put_with_expiry_expires) {
  memory_tracker_store store(1'000);
  store.put("k", "v", 500);
  EXPECT_EQ(store.find("k", 499), "v");
  EXPECT_EQ(store.find("k", 500), std::nullopt);
}

TEST(memory_tracker_store, add_rate_keeps_one_rate_cell_per_key) {
  memory_tracker_store store(1'000);
  rate_cell expected;
  for (std::int64_t b = 0; b < 20; ++b) {
    rate_observation o = store.add_rate("rate:namespace:shop", b, 2, 1);
    rate_observation e = expected.add(b, 2, 1);
    EXPECT_EQ(o.window_total, e.window_total);
    EXPECT_EQ(o.baseline, e.baseline);
    EXPECT_EQ(o.learned, e.learned);
  }
  EXPECT_EQ(store.add_rate("rate:namespace:other", 19, 1, 1).window_total, 1);
  EXPECT_EQ(store.add_rate("rate:namespace:shop", 19, 0, 1).window_total, 12);
}

TEST(memory_tracker_store, evicts_the_least_recently_used_key_of_a_full_shard) {
  memory_tracker_store store(2 * shard_count);  // two keys per shard
  auto keys = keys_in_one_shard(3);
  store.put(keys[0], "a", 0);
  store.put(keys[1], "b", 0);
  ASSERT_EQ(store.find(keys[0], 0), "a");  // keys[1] is now the least recently used
  store.put(keys[2], "c", 0);
  EXPECT_EQ(store.find(keys[1], 0), std::nullopt);
  EXPECT_EQ(store.find(keys[0], 0), "a");
  EXPECT_EQ(store.find(keys[2], 0), "c");
  EXPECT_EQ(store.size(), 2u);
}

TEST(memory_tracker_store, counting_a_rate_is_a_use_that_protects_it_from_eviction) {
  memory_tracker_store store(2 * shard_count);
  auto keys = keys_in_one_shard(3, "rate:");
  store.add_rate(keys[0], 0, 5, 1);
  store.add_if_absent(keys[1], "x", 0, 0);
  store.add_rate(keys[0], 0, 1, 1);  // keys[1] is now the least recently used
  store.add_if_absent(keys[2], "y", 0, 0);
  EXPECT_EQ(store.find(keys[1], 0), std::nullopt);
  EXPECT_EQ(store.add_rate(keys[0], 0, 0, 1).window_total, 6) << "the rate key kept its count";
}

TEST(memory_tracker_store, an_evicted_rate_key_starts_counting_again) {
  memory_tracker_store store(shard_count);  // one key per shard
  auto keys = keys_in_one_shard(2, "rate:");
  store.add_rate(keys[0], 0, 5, 1);
  store.add_rate(keys[1], 0, 1, 1);
  EXPECT_EQ(store.add_rate(keys[0], 0, 1, 1).window_total, 1);
}

TEST(memory_tracker_store, total_never_exceeds_the_cap_and_recent_keys_survive) {
  for (std::size_t cap : {16u, 40u, 64u, 100u}) {
    memory_tracker_store store(cap);
    for (int i = 0; i < 2'000; ++i) {
      store.put("hot", "kept", 0);  // used before every new key
      store.add_if_absent("cold-" + std::to_string(i), "v", 0, 0);
      ASSERT_LE(store.size(), cap) << "cap " << cap << " after " << i + 1 << " keys";
      ASSERT_EQ(store.find("cold-" + std::to_string(i), 0), "v") << "the newest key survives";
    }
    // With one key per shard any newcomer in its shard evicts it; with two or more, a key
    // used before every newcomer is never the least recently used.
    if (cap >= 2 * shard_count) {
      EXPECT_EQ(store.find("hot", 0), "kept") << "cap " << cap;
    }
    EXPECT_EQ(store.find("cold-0", 0), std::nullopt) << "cap " << cap;
  }
}

TEST(memory_tracker_store, drain_changes_lists_each_changed_key_once) {
  memory_tracker_store store(1'000);
  store.put("owner:shop/Deployment/web", "alice", 0);
  store.add_if_absent("alerted:launch-rate-principal:alice", "", 100, 60'100);
  store.add_rate("rate:principal:alice", 7, 1, 2);
  store.add_rate("rate:principal:alice", 7, 1, 2);

  auto changes = store.drain_changes();
  ASSERT_EQ(changes.size(), 3u);
  const auto* owner = find_change(changes, "owner:shop/Deployment/web");
  ASSERT_NE(owner, nullptr);
  EXPECT_EQ(owner->value, "alice");
  EXPECT_FALSE(owner->rate);
  EXPECT_FALSE(owner->removed);
  const auto* alerted = find_change(changes, "alerted:launch-rate-principal:alice");
  ASSERT_NE(alerted, nullptr);
  EXPECT_EQ(alerted->expires_ms, 60'100);
  const auto* rate = find_change(changes, "rate:principal:alice");
  ASSERT_NE(rate, nullptr);
  EXPECT_TRUE(rate->rate);
  rate_cell expected;
  expected.add(7, 1, 2);
  expected.add(7, 1, 2);
  EXPECT_EQ(rate->value, expected.serialize());

  EXPECT_TRUE(store.drain_changes().empty()) << "nothing changed since";
  store.put("owner:shop/Deployment/web", "carol", 0);
  changes = store.drain_changes();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].key, hex_of("owner:shop/Deployment/web"));
  EXPECT_EQ(changes[0].value, "carol");
}

TEST(memory_tracker_store, reads_and_unchanged_writes_are_not_changes) {
  memory_tracker_store store(1'000);
  store.put("k", "v", 0);
  store.add_if_absent("once", "x", 0, 0);
  store.drain_changes();
  store.put("k", "v", 0);
  EXPECT_FALSE(store.add_if_absent("once", "y", 10, 0));
  EXPECT_EQ(store.find("k", 10), "v");
  EXPECT_TRUE(store.drain_changes().empty());
}

TEST(memory_tracker_store, drain_marks_evicted_keys_removed) {
  memory_tracker_store store(shard_count);  // one key per shard
  auto keys = keys_in_one_shard(2);
  store.put(keys[0], "a", 0);
  store.drain_changes();
  store.put(keys[1], "b", 0);

  auto changes = store.drain_changes();
  ASSERT_EQ(changes.size(), 2u);
  const auto* gone = find_change(changes, keys[0]);
  ASSERT_NE(gone, nullptr);
  EXPECT_TRUE(gone->removed);
  const auto* added = find_change(changes, keys[1]);
  ASSERT_NE(added, nullptr);
  EXPECT_FALSE(added->removed);
  EXPECT_EQ(added->value, "b");
  EXPECT_TRUE(store.drain_changes().empty());
}

TEST(memory_tracker_store, an_evicted_key_that_came_back_is_not_reported_removed) {
  memory_tracker_store store(shard_count);
  auto keys = keys_in_one_shard(2);
  store.put(keys[0], "a", 0);
  store.put(keys[1], "b", 0);   // evicts keys[0]
  store.put(keys[0], "a2", 0);  // evicts keys[1]

  auto changes = store.drain_changes();
  const auto* back = find_change(changes, keys[0]);
  ASSERT_NE(back, nullptr);
  EXPECT_FALSE(back->removed);
  EXPECT_EQ(back->value, "a2");
  const auto* gone = find_change(changes, keys[1]);
  ASSERT_NE(gone, nullptr);
  EXPECT_TRUE(gone->removed);
  for (const auto& c : changes)
    EXPECT_FALSE(c.key == hex_of(keys[0]) && c.removed) << "keys[0] both changed and removed";
}

TEST(memory_tracker_store, loaded_keys_are_not_changes_and_behave_as_before) {
  memory_tracker_store before(1'000);
  before.put("owner:shop/Deployment/web", "alice", 0);
  before.add_if_absent("alerted:x", "", 100, 5'000);
  for (std::int64_t b = 0; b < 30; ++b)
    before.add_rate("rate:namespace:shop", b, 3, 1);
  auto saved = before.drain_changes();
  ASSERT_EQ(saved.size(), 3u);

  memory_tracker_store after(1'000);
  for (const auto& entry : saved)
    ASSERT_TRUE(after.load(entry)) << entry.key;
  EXPECT_EQ(after.size(), 3u);
  EXPECT_TRUE(after.drain_changes().empty()) << "loading is not a change to persist";

  EXPECT_EQ(after.find("owner:shop/Deployment/web", 0), "alice");
  EXPECT_FALSE(after.add_if_absent("alerted:x", "", 4'999, 0)) << "still live";
  EXPECT_EQ(after.find("alerted:x", 5'000), std::nullopt) << "the expiry came along";
  rate_observation continued = after.add_rate("rate:namespace:shop", 30, 3, 1);
  rate_observation original = before.add_rate("rate:namespace:shop", 30, 3, 1);
  EXPECT_EQ(continued.window_total, original.window_total);
  EXPECT_EQ(continued.baseline, original.baseline);
  EXPECT_EQ(continued.learned, original.learned);
}

TEST(memory_tracker_store, load_rejects_text_that_is_not_an_entry_and_keeps_nothing) {
  memory_tracker_store store(1'000);
  EXPECT_FALSE(store.load({"", "v", 0, false, false}));
  EXPECT_FALSE(store.load({"not-hex", "v", 0, false, false}));
  EXPECT_FALSE(store.load({"123456789abcdef01", "v", 0, false, false})) << "more than 64 bits";
  EXPECT_FALSE(store.load({hex_of("rate:x"), "garbage", 0, true, false}));
  EXPECT_EQ(store.size(), 0u);
  EXPECT_TRUE(store.drain_changes().empty());
}

TEST(memory_tracker_store, a_rejected_load_leaves_a_loaded_key_as_it_was) {
  memory_tracker_store store(1'000);
  rate_cell cell;
  cell.add(3, 4, 1);
  ASSERT_TRUE(store.load({hex_of("rate:x"), cell.serialize(), 0, true, false}));
  EXPECT_FALSE(store.load({hex_of("rate:x"), "garbage", 0, true, false}));
  EXPECT_EQ(store.add_rate("rate:x", 3, 0, 1).window_total, 4);
}

TEST(memory_tracker_store, loading_past_the_cap_evicts_and_reports_it) {
  memory_tracker_store store(shard_count);  // one key per shard
  auto keys = keys_in_one_shard(2);
  ASSERT_TRUE(store.load({hex_of(keys[0]), "a", 0, false, false}));
  ASSERT_TRUE(store.load({hex_of(keys[1]), "b", 0, false, false}));
  EXPECT_EQ(store.find(keys[0], 0), std::nullopt);
  EXPECT_EQ(store.find(keys[1], 0), "b");
  auto changes = store.drain_changes();
  ASSERT_EQ(changes.size(), 1u) << "the persisted copy of the evicted key goes too";
  EXPECT_EQ(changes[0].key, hex_of(keys[0]));
  EXPECT_TRUE(changes[0].removed);
}

TEST(memory_tracker_store, set_capacity_shrinks_a_shard_when_it_next_grows_and_can_grow_again) {
  memory_tracker_store store(10 * shard_count);  // ten keys per shard
  auto keys = keys_in_one_shard(17);
  for (int i = 0; i < 10; ++i)
    store.put(keys[i], "v", 0);
  ASSERT_EQ(store.size(), 10u);

  store.set_capacity(shard_count);  // one key per shard
  store.put(keys[10], "v", 0);
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(store.find(keys[10], 0), "v");
  EXPECT_EQ(store.find(keys[9], 0), std::nullopt);
  auto changes = store.drain_changes();
  EXPECT_EQ(std::count_if(changes.begin(), changes.end(), [](const auto& c) { return c.removed; }),
            10);

  store.set_capacity(10 * shard_count);
  for (int i = 11; i < 17; ++i)
    store.put(keys[i], "v", 0);
  EXPECT_EQ(store.size(), 7u);
  for (int i = 10; i < 17; ++i)
    EXPECT_EQ(store.find(keys[i], 0), "v") << i;
}

TEST(memory_tracker_store, concurrent_counts_and_claims_add_up) {
  memory_tracker_store store(1'000'000);
  constexpr int threads = 4;
  constexpr int per_thread = 2'000;
  constexpr int claims = 500;
  std::atomic<int> claimed{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::string own = "rate:principal:user-" + std::to_string(t);
      for (int i = 0; i < per_thread; ++i) {
        store.add_rate("rate:namespace:shared", 0, 1, 1);
        store.add_rate(own, 0, 1, 1);
        store.put("owner:" + std::to_string(t) + "/" + std::to_string(i % 100), "x", 0);
        // Every thread tries to claim every image; each is claimed exactly once.
        if (store.add_if_absent("image:" + std::to_string(i % claims), "seen", i, 0)) ++claimed;
        if (i % 64 == 0) store.drain_changes();
      }
    });
  }
  for (auto& w : workers)
    w.join();

  EXPECT_EQ(claimed.load(), claims);
  EXPECT_EQ(store.add_rate("rate:namespace:shared", 0, 0, 1).window_total, threads * per_thread);
  for (int t = 0; t < threads; ++t)
    EXPECT_EQ(store.add_rate("rate:principal:user-" + std::to_string(t), 0, 0, 1).window_total,
              per_thread);
  EXPECT_EQ(store.size(), 1u + threads + threads * 100u + claims);
}

}  // namespace
}  // namespace launchguard
