#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "policy/track/memory_tracker_store.hpp"
#include "server/store/alert_store.hpp"

struct sqlite3;

namespace launchguard::server {

// The embedded store: one SQLite database in the state directory, in WAL mode with full
// synchronous commits, so an acknowledged commit survives kill -9 and power loss. One
// connection writes (the store writer's thread), another serves reads.
class sqlite_store : public alert_store {
 public:
  // Opens or creates `directory`/launchguard.db and checks its integrity: a torn or corrupt
  // file is reported, never silently used.
  static outcome<std::unique_ptr<sqlite_store>> open(const std::string& directory);
  // A private in-memory store with the same semantics, for `launchguard scan`.
  static outcome<std::unique_ptr<sqlite_store>> open_in_memory();
  ~sqlite_store() override;

  outcome<commit_result> commit(std::vector<input_alerts> batch, duration_ms dedup_window) override;
  outcome<std::vector<stored_alert>> query(const alert_query& q) override;
  outcome<std::size_t> prune(std::int64_t now_ms, duration_ms retention,
                             std::int64_t max_alerts) override;

  // The trackers' memory (embedded mode only: Redis is its own store). Saved from the writer
  // thread; loaded once at start.
  outcome<std::size_t> save_trackers(const std::vector<memory_tracker_store::entry_text>& changes);
  outcome<std::size_t> load_trackers(memory_tracker_store& into);
  // The secret of the trackers' key hashes: made at random on first use, then kept, so the
  // persisted keys stay meaningful across restarts.
  outcome<std::array<std::uint64_t, 2>> tracker_secret();

  const std::string& path() const { return path_; }

 private:
  sqlite_store(std::string path, sqlite3* writer, sqlite3* reader)
      : path_(std::move(path)), writer_(writer), reader_(reader) {}

  std::string path_;
  sqlite3* writer_;
  sqlite3* reader_;
  std::mutex reader_mutex_;
};

}  // namespace launchguard::server
