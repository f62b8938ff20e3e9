#include "server/store/sqlite_store.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

#include <sqlite3.h>

#include "server/util/log.hpp"

namespace launchguard::server {
namespace {

// The API server retries a failed audit batch at most 5 times, backing off from 10 s: an
// hour covers every retry with room to spare.
constexpr std::int64_t input_key_lifetime_ms = 3600 * 1000;
constexpr std::int64_t once_key_lifetime_ms = 7 * 24 * 3600 * 1000LL;

constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS alerts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  count INTEGER NOT NULL,
  rule TEXT NOT NULL,
  severity INTEGER NOT NULL,
  dedup_key TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_by_dedup_key ON alerts(dedup_key, last_seen_ms);
CREATE INDEX IF NOT EXISTS alerts_by_last_seen ON alerts(last_seen_ms);
CREATE INDEX IF NOT EXISTS alerts_by_rule ON alerts(rule, id);
CREATE INDEX IF NOT EXISTS alerts_by_severity ON alerts(severity, id);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tracker_entries (
  key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_ms INTEGER NOT NULL, rate INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS seen_keys (key TEXT PRIMARY KEY, seen_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_keys_by_time ON seen_keys(seen_ms);
)sql";

std::string error_of(sqlite3* db) {
  return db != nullptr ? sqlite3_errmsg(db) : "out of memory";
}

// A prepared statement, finalized on scope exit.
class statement {
 public:
  statement(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) stmt_ = nullptr;
  }
  ~statement() { sqlite3_finalize(stmt_); }
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  statement& bind(int index, std::int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
  }
  statement& bind(int index, const std::string& value) {
    sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE, or an error code.
  int step() { return sqlite3_step(stmt_); }
  // Ready to bind and step again.
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }
  std::string text(int column) const {
    const unsigned char* data = sqlite3_column_text(stmt_, column);
    return data == nullptr
               ? std::string()
               : std::string(reinterpret_cast<const char*>(data),
                             static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

bool exec(sqlite3* db, const char* sql) {
  return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
}

std::int64_t wall_clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

outcome<sqlite3*> connect(const std::string& path) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string why = error_of(db);
    sqlite3_close(db);
    return failure{path + ": cannot open the state store (" + why + ")"};
  }
  sqlite3_busy_timeout(db, 5000);
  return db;
}

std::string stored_fields(const alert& a) {
  return alert_fields(a).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The statements of a commit, prepared once per commit rather than once per row: preparing
// was a fifth of an audit batch's commit.
struct commit_statements {
  explicit commit_statements(sqlite3* db)
      : remember(db, "INSERT OR IGNORE INTO seen_keys(key, seen_ms) VALUES(?, ?)"),
        find(db,
             "SELECT id FROM alerts WHERE dedup_key = ? AND last_seen_ms >= ? AND time_ms <= ? "
             "ORDER BY id DESC LIMIT 1"),
        update(db,
               "UPDATE alerts SET count = count + 1, last_seen_ms = MAX(last_seen_ms, ?) WHERE "
               "id = ?"),
        insert(db,
               "INSERT INTO alerts(time_ms, last_seen_ms, count, rule, severity, dedup_key, body) "
               "VALUES(?, ?, ?, ?, ?, ?, ?)") {}
  bool ok() const { return remember.ok() && find.ok() && update.ok() && insert.ok(); }

  statement remember;
  statement find;
  statement update;
  statement insert;
};

// Runs `s` to completion and makes it ready for the next row; false on an error.
bool run_once(statement& s) {
  int done = s.step();
  s.reset();
  return done == SQLITE_DONE;
}

// Records a key; false when it was already there.
outcome<bool> remember(sqlite3* db, commit_statements& st, const std::string& key,
                       std::int64_t now_ms) {
  if (!run_once(st.remember.bind(1, key).bind(2, now_ms))) return failure{error_of(db)};
  return sqlite3_changes(db) > 0;
}

// Folds the alert into an identical one within the window; true when it did.
outcome<bool> fold(sqlite3* db, commit_statements& st, const alert& a, const std::string& key,
                   duration_ms window) {
  if (window.count() <= 0) return false;
  st.find.bind(1, key).bind(2, a.time_ms - window.count()).bind(3, a.time_ms + window.count());
  int found = st.find.step();
  std::int64_t id = found == SQLITE_ROW ? st.find.integer(0) : 0;
  st.find.reset();
  if (found == SQLITE_DONE) return false;
  if (found != SQLITE_ROW) return failure{error_of(db)};
  if (!run_once(st.update.bind(1, a.last_seen_ms).bind(2, id))) return failure{error_of(db)};
  return true;
}

outcome<std::int64_t> insert_alert(sqlite3* db, commit_statements& st, const alert& a,
                                   const std::string& key) {
  st.insert.bind(1, a.time_ms)
      .bind(2, a.last_seen_ms)
      .bind(3, a.count)
      .bind(4, std::string(to_string(a.rule)));
  st.insert.bind(5, static_cast<std::int64_t>(a.level)).bind(6, key).bind(7, stored_fields(a));
  if (!run_once(st.insert)) return failure{error_of(db)};
  return sqlite3_last_insert_rowid(db);
}

}  // namespace

outcome<std::unique_ptr<sqlite_store>> sqlite_store::open(const std::string& directory) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) return failure{directory + ": cannot create the state directory (" + ec.message() + ")"};
  std::string path = (std::filesystem::path(directory) / "launchguard.db").string();

  auto writer = connect(path);
  if (!writer) return writer.error();
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> guard(*writer, sqlite3_close);
  {
    // A torn or corrupt file must stop the start, with the reason, not be used or replaced.
    statement check(*writer, "PRAGMA quick_check");
    if (!check.ok())
      return failure{path + ": not a usable state store (" + error_of(*writer) + ")"};
    if (check.step() != SQLITE_ROW || check.text(0) != "ok") {
      std::string why = check.text(0);
      return failure{path + ": the state store is corrupt (" +
                     (why.empty() ? error_of(*writer) : why) +
                     "); move it aside to start with an empty store"};
    }
  }
  if (!exec(*writer, "PRAGMA journal_mode=WAL") || !exec(*writer, "PRAGMA synchronous=FULL") ||
      !exec(*writer, schema)) {
    return failure{path + ": cannot prepare the state store (" + error_of(*writer) + ")"};
  }
  auto reader = connect(path);
  if (!reader) return reader.error();
  guard.release();
  return std::unique_ptr<sqlite_store>(new sqlite_store(path, *writer, *reader));
}

outcome<std::unique_ptr<sqlite_store>> sqlite_store::open_in_memory() {
  // Both connections must see one database: a named, shared-cache memory database.
  static std::atomic<int> counter{0};
  std::string path =
      "file:launchguard-memory-" + std::to_string(++counter) + "?mode=memory&cache=shared";
  auto writer = connect(path);
  if (!writer) return writer.error();
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> guard(*writer, sqlite3_close);
  if (!exec(*writer, schema)) return failure{"in-memory state store: " + error_of(*writer)};
  auto reader = connect(path);
  if (!reader) return reader.error();
  guard.release();
  return std::unique_ptr<sqlite_store>(new sqlite_store("memory", *writer, *reader));
}

sqlite_store::~sqlite_store() {
  sqlite3_close(reader_);
  sqlite3_close(writer_);
}

outcome<commit_result> sqlite_store::commit(std::vector<input_alerts> batch,
                                            duration_ms dedup_window) {
  commit_result result;
  std::int64_t now = wall_clock_ms();
  if (!exec(writer_, "BEGIN IMMEDIATE")) return failure{"state store: " + error_of(writer_)};
  auto fail = [&](const failure& why) -> outcome<commit_result> {
    exec(writer_, "ROLLBACK");
    return failure{"state store: " + why.message};
  };
  commit_statements st(writer_);
  if (!st.ok()) return fail(failure{error_of(writer_)});
  for (auto& input : batch) {
    if (!input.key.empty()) {
      auto fresh = remember(writer_, st, "input:" + input.key, now);
      if (!fresh) return fail(fresh.error());
      if (!*fresh) {
        ++result.repeated_inputs;
        continue;
      }
    }
    for (auto& a : input.alerts) {
      if (!a.once_key.empty()) {
        auto fresh = remember(writer_, st, "once:" + a.once_key, now);
        if (!fresh) return fail(fresh.error());
        if (!*fresh) continue;
      }
      std::string key = dedup_key(a);
      auto folded = fold(writer_, st, a, key, dedup_window);
      if (!folded) return fail(folded.error());
      if (*folded) {
        ++result.folded;
        continue;
      }
      auto id = insert_alert(writer_, st, a, key);
      if (!id) return fail(id.error());
      a.id = *id;
      result.raised.push_back(std::move(a));
    }
  }
  if (!exec(writer_, "COMMIT")) return fail(failure{error_of(writer_)});
  return result;
}

// Every filter is served from an index in id order, so a query reads at most a few times
// `limit` rows however many alerts are stored and however rare the match: by rule from
// alerts_by_rule; by severity from alerts_by_severity, one range per level at or above the
// one asked for (five at most), merged by id; with neither, from the primary key.
outcome<std::vector<stored_alert>> sqlite_store::query(const alert_query& q) {
  std::vector<std::optional<severity>> levels;  // one query per entry; nullopt: any severity
  if (q.at_least && !q.rule) {
    for (int level = static_cast<int>(*q.at_least); level <= static_cast<int>(severity::critical);
         ++level)
      levels.push_back(static_cast<severity>(level));
  } else {
    levels.push_back(std::nullopt);
  }
  std::string sql = "SELECT id, time_ms, last_seen_ms, count, rule, body FROM alerts WHERE ";
  if (q.rule) {
    sql += "rule = ? AND id > ?";
    if (q.at_least) sql += " AND severity >= ?";
  } else if (q.at_least) {
    sql += "severity = ? AND id > ?";
  } else {
    sql += "id > ?";
  }
  sql += " ORDER BY id LIMIT ?";

  std::lock_guard lock(reader_mutex_);
  statement select(reader_, sql.c_str());
  if (!select.ok()) return failure{"state store: " + error_of(reader_)};
  std::vector<stored_alert> out;
  for (const auto& level : levels) {
    select.reset();
    int index = 1;
    if (q.rule) select.bind(index++, std::string(to_string(*q.rule)));
    if (level) select.bind(index++, static_cast<std::int64_t>(*level));
    select.bind(index++, q.since);
    if (q.rule && q.at_least) select.bind(index++, static_cast<std::int64_t>(*q.at_least));
    select.bind(index, static_cast<std::int64_t>(q.limit));
    int step;
    while ((step = select.step()) == SQLITE_ROW) {
      auto rule = rule_from(select.text(4)).value_or(rule_id::webhook_internal_error);
      out.push_back(
          {select.integer(0), render_alert(select.integer(0), select.integer(1), select.integer(2),
                                           select.integer(3), rule, select.text(5))});
    }
    if (step != SQLITE_DONE) return failure{"state store: " + error_of(reader_)};
  }
  if (levels.size() > 1) {
    std::sort(out.begin(), out.end(),
              [](const stored_alert& a, const stored_alert& b) { return a.id < b.id; });
    if (out.size() > q.limit) out.resize(q.limit);
  }
  return out;
}

outcome<std::size_t> sqlite_store::save_trackers(
    const std::vector<memory_tracker_store::entry_text>& changes) {
  if (changes.empty()) return std::size_t{0};
  if (!exec(writer_, "BEGIN IMMEDIATE")) return failure{"state store: " + error_of(writer_)};
  statement upsert(
      writer_,
      "INSERT INTO tracker_entries(key, value, expires_ms, rate) VALUES(?, ?, ?, ?) "
      "ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_ms = excluded.expires_ms, "
      "rate = excluded.rate");
  statement remove(writer_, "DELETE FROM tracker_entries WHERE key = ?");
  if (!upsert.ok() || !remove.ok()) {
    exec(writer_, "ROLLBACK");
    return failure{"state store: " + error_of(writer_)};
  }
  for (const auto& change : changes) {
    int done = change.removed ? remove.bind(1, change.key).step()
                              : upsert.bind(1, change.key)
                                    .bind(2, change.value)
                                    .bind(3, change.expires_ms)
                                    .bind(4, std::int64_t{change.rate ? 1 : 0})
                                    .step();
    (change.removed ? remove : upsert).reset();
    if (done != SQLITE_DONE) {
      exec(writer_, "ROLLBACK");
      return failure{"state store: " + error_of(writer_)};
    }
  }
  if (!exec(writer_, "COMMIT")) {
    exec(writer_, "ROLLBACK");
    return failure{"state store: " + error_of(writer_)};
  }
  return changes.size();
}

outcome<std::array<std::uint64_t, 2>> sqlite_store::tracker_secret() {
  std::random_device entropy;
  auto random64 = [&] { return (std::uint64_t{entropy()} << 32) | entropy(); };
  std::string fresh = std::to_string(random64()) + " " + std::to_string(random64());
  statement insert(writer_, "INSERT OR IGNORE INTO meta(key, value) VALUES('tracker-secret', ?)");
  if (!insert.ok() || insert.bind(1, fresh).step() != SQLITE_DONE)
    return failure{"state store: " + error_of(writer_)};
  statement select(writer_, "SELECT value FROM meta WHERE key = 'tracker-secret'");
  if (!select.ok() || select.step() != SQLITE_ROW)
    return failure{"state store: " + error_of(writer_)};
  std::array<std::uint64_t, 2> secret{};
  if (std::sscanf(select.text(0).c_str(), "%lu %lu", &secret[0], &secret[1]) != 2) {
    return failure{"state store: the tracker secret is damaged"};
  }
  return secret;
}

outcome<std::size_t> sqlite_store::load_trackers(memory_tracker_store& into) {
  std::lock_guard lock(reader_mutex_);
  statement select(reader_, "SELECT key, value, expires_ms, rate FROM tracker_entries");
  if (!select.ok()) return failure{"state store: " + error_of(reader_)};
  std::size_t loaded = 0;
  int step;
  while ((step = select.step()) == SQLITE_ROW) {
    into.load({select.text(0), select.text(1), select.integer(2), select.integer(3) != 0, false});
    ++loaded;
  }
  if (step != SQLITE_DONE) return failure{"state store: " + error_of(reader_)};
  return loaded;
}

outcome<std::size_t> sqlite_store::prune(std::int64_t now_ms, duration_ms retention,
                                         std::int64_t max_alerts) {
  std::size_t removed = 0;
  statement old(writer_, "DELETE FROM alerts WHERE last_seen_ms < ?");
  if (!old.ok() || old.bind(1, now_ms - retention.count()).step() != SQLITE_DONE)
    return failure{error_of(writer_)};
  removed += static_cast<std::size_t>(sqlite3_changes(writer_));
  statement excess(
      writer_,
      "DELETE FROM alerts WHERE id <= (SELECT id FROM alerts ORDER BY id DESC LIMIT 1 OFFSET ?)");
  if (!excess.ok() || excess.bind(1, max_alerts).step() != SQLITE_DONE)
    return failure{error_of(writer_)};
  removed += static_cast<std::size_t>(sqlite3_changes(writer_));
  statement expired(writer_,
                    "DELETE FROM tracker_entries WHERE expires_ms != 0 AND expires_ms < ?");
  if (!expired.ok() || expired.bind(1, now_ms).step() != SQLITE_DONE)
    return failure{error_of(writer_)};
  statement keys(writer_,
                 "DELETE FROM seen_keys WHERE (key LIKE 'input:%' AND seen_ms < ?) OR (key LIKE "
                 "'once:%' AND seen_ms < ?)");
  if (!keys.ok() ||
      keys.bind(1, now_ms - input_key_lifetime_ms).bind(2, now_ms - once_key_lifetime_ms).step() !=
          SQLITE_DONE) {
    return failure{error_of(writer_)};
  }
  return removed;
}

}  // namespace launchguard::server
