//! The store: recording attempts and events, and reading them back.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::config::DbConfig;
use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior, params};

use super::attempt::{Attempt, AttemptId, AttemptStatus, Event, EventUpdate, NewAttempt};
use super::event::CallEvent;
use super::query::{
    ATTEMPT_COLUMNS, EVENT_COLUMNS, Filter, NEWEST_FIRST, Page, attempt_from_row, event_from_row,
};
use super::{ENV_PATH, HistoryError, open, schema};

/// The largest write-ahead log a one-shot process leaves behind (some ten calls' worth).
const LOG_LEFT_MAX_BYTES: u64 = 256 * 1024;

/// A handle on the history. Clones share one connection; each call takes its lock for the
/// length of one statement or transaction. Writes start with `BEGIN IMMEDIATE` and wait up
/// to [`open::BUSY_TIMEOUT`] for another instance's write, so two instances at once both
/// get their writes in.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    path: Option<Arc<PathBuf>>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

type Result<T> = std::result::Result<T, HistoryError>;

impl Store {
    /// Opens or creates the history at `path`. The second value is a notice for the user
    /// when a damaged, unreadable or newer file was moved aside and a fresh one started.
    pub fn open(path: impl AsRef<Path>) -> Result<(Store, Option<String>)> {
        Store::opened(path.as_ref(), true)
    }

    /// [`Store::open`] for a process whose first write is a claim, which proves the file
    /// takes writes before any request leaves: no write at opening to prove it sooner.
    pub fn open_to_claim(path: impl AsRef<Path>) -> Result<(Store, Option<String>)> {
        Store::opened(path.as_ref(), false)
    }

    fn opened(path: &Path, probe: bool) -> Result<(Store, Option<String>)> {
        let (conn, notice) = open::open(path, probe)?;
        let store = Store {
            conn: Arc::new(Mutex::new(conn)),
            path: Some(Arc::new(path.to_owned())),
        };
        Ok((store, notice))
    }

    /// Opens the history at `path` to read it only, so that it reads on a full disk or from
    /// a file the user may not write; when it cannot be read so (no file yet, a schema to
    /// migrate), opens it as [`Store::open`] does. Writing through it fails.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<(Store, Option<String>)> {
        let path = path.as_ref();
        match super::read_only::open(path) {
            Some(conn) => Ok((
                Store {
                    conn: Arc::new(Mutex::new(conn)),
                    path: Some(Arc::new(path.to_owned())),
                },
                None,
            )),
            None => Store::open(path),
        }
    }

    /// Opens the history at [`Store::default_path`].
    pub fn open_default() -> Result<(Store, Option<String>)> {
        Store::open(Store::default_path()?)
    }

    /// `$CCC_DIAL_HISTORY` when set, else `history.db` in the platform data directory
    /// (`~/.local/share/ccc-dial/` on Linux).
    pub fn default_path() -> Result<PathBuf> {
        if let Some(p) = std::env::var_os(ENV_PATH).filter(|p| !p.is_empty()) {
            return Ok(PathBuf::from(p));
        }
        directories::ProjectDirs::from("", "", "ccc-dial")
            .map(|d| d.data_dir().join("history.db"))
            .ok_or(HistoryError::NoDataDir)
    }

    /// A history that lives in memory only, for tests and demos.
    pub fn open_in_memory() -> Result<Store> {
        let mut conn = Connection::open_in_memory()?;
        open::configure(&conn)?;
        schema::migrate(&mut conn).map_err(|e| match e {
            schema::MigrateError::Sqlite(e) => HistoryError::Sqlite(e),
            // A new in-memory database has no newer schema; kept total all the same.
            newer => HistoryError::Unusable {
                path: ":memory:".into(),
                reason: newer.to_string(),
                hint: String::new(),
            },
        })?;
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
            path: None,
        })
    }

    /// The file, or `None` in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref().map(PathBuf::as_path)
    }

    /// Lets the close leave the write-ahead log for the next open or commit to fold into the
    /// file, rather than fold it now and sync both on the way out: for a process that writes
    /// one call and exits. The log is as durable as the file (each claim synced it). Not once
    /// the log has grown past [`LOG_LEFT_MAX_BYTES`], so that the next open, which reads
    /// what is left of it, stays quick.
    pub fn leave_log_on_close(&self) {
        let Some(path) = self.path() else { return };
        let log = std::fs::metadata(open::with_suffix(path, "-wal"));
        if log.is_ok_and(|m| m.len() <= LOG_LEFT_MAX_BYTES) {
            let _ = self.with(|conn| {
                Ok(conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?)
            });
        }
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves at most an open transaction, which was rolled
        // back when it dropped: the connection is still good.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on the connection, naming the file and the fix in errors about the place.
    pub(super) fn with<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        match f(&mut conn) {
            Err(HistoryError::Sqlite(e)) => Err(match self.path() {
                Some(path) => open::classify(path, e),
                None => HistoryError::Sqlite(e),
            }),
            other => other,
        }
    }

    /// Commits the attempt with status `queued` and a "queued" event, whatever else the history
    /// holds for its callee: [`Store::claim`] is the check-then-record that dialing uses.
    pub fn record_queued(&self, a: &NewAttempt) -> Result<()> {
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            insert_queued(&tx, a, None)?;
            tx.commit()?;
            Ok(())
        })
    }

    /// Appends an event and, in the same transaction, updates the attempt's current columns
    /// from the fields of `update` that are `Some`.
    pub fn record_event(&self, id: &AttemptId, update: EventUpdate) -> Result<()> {
        self.record_event_if(id, update, None).map(drop)
    }

    /// The attempts still `queued` that were made before `before_ms`: what a stopped run may
    /// have left in flight. One small query on the status index, as every start asks it.
    pub fn queued_before(&self, before_ms: i64) -> Result<Vec<AttemptId>> {
        self.with(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id FROM attempt WHERE status = 'queued' AND created_at_ms < ?1",
            )?;
            let ids = stmt.query_map([before_ms], |r| Ok(AttemptId(r.get(0)?)))?;
            Ok(ids.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// [`Store::record_event`], only while the attempt is still `queued`: a run that stops
    /// waiting settles what it left in flight without overwriting an outcome that came in.
    /// Returns whether it was still queued.
    pub fn settle_queued(&self, id: &AttemptId, update: EventUpdate) -> Result<bool> {
        self.record_event_if(id, update, Some(AttemptStatus::Queued))
    }

    /// Commits without an fsync of its own (`synchronous=NORMAL`): an event only ever follows
    /// its attempt's claim, which was synced before the request left. A power cut can lose
    /// the newest events, and only those (the next synced commit syncs them too), which
    /// leaves the attempt `queued`: settled as unknown, it holds its callee as a claim does.
    fn record_event_if(
        &self,
        id: &AttemptId,
        update: EventUpdate,
        only_if: Option<AttemptStatus>,
    ) -> Result<bool> {
        self.with(|conn| {
            open::with_sync(conn, "NORMAL", |conn| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                if let Some(status) = only_if {
                    let now: Option<AttemptStatus> = tx
                        .query_row("SELECT status FROM attempt WHERE id = ?1", [&id.0], |r| {
                            r.get(0)
                        })
                        .optional()?;
                    if now != Some(status) {
                        return Ok(false);
                    }
                }
                let changed = tx.execute(
                    "UPDATE attempt SET
                    updated_at_ms = max(updated_at_ms, ?2),
                    status        = coalesce(?3, status),
                    session_id    = coalesce(?4, session_id),
                    request_id    = coalesce(?5, request_id),
                    response_json = coalesce(?6, response_json),
                    error_code    = coalesce(?7, error_code),
                    error_message = coalesce(?8, error_message)
                 WHERE id = ?1",
                    params![
                        id.0,
                        update.at_ms,
                        update.status,
                        update.session_id,
                        update.request_id,
                        update.response_json,
                        update.error_code,
                        update.error_message,
                    ],
                )?;
                if changed == 0 {
                    return Err(HistoryError::NotFound(id.0.clone()));
                }
                let (kind, detail) = update.event.to_stored();
                insert_event(&tx, id, update.at_ms, &kind, update.status, &detail)?;
                tx.commit()?;
                Ok(true)
            })
        })
    }

    pub fn get(&self, id: &AttemptId) -> Result<Option<Attempt>> {
        self.with(|conn| {
            Ok(conn
                .prepare_cached(&format!(
                    "SELECT {ATTEMPT_COLUMNS} FROM attempt WHERE id = ?1"
                ))?
                .query_row([&id.0], attempt_from_row)
                .optional()?)
        })
    }

    /// Finds an attempt by its id, a SessionId (the newest attempt with it), or a unique
    /// prefix (4 characters or more) of an attempt id.
    pub fn find(&self, key: &str) -> Result<Option<Attempt>> {
        let key = key.trim();
        if key.is_empty() {
            return Ok(None);
        }
        if let Some(a) = self.get(&AttemptId(key.to_owned()))? {
            return Ok(Some(a));
        }
        let by_session = self.with(|conn| {
            Ok(conn
                .prepare_cached(&format!(
                    "SELECT {ATTEMPT_COLUMNS} FROM attempt WHERE session_id = ?1 {NEWEST_FIRST} LIMIT 1"
                ))?
                .query_row([key], attempt_from_row)
                .optional()?)
        })?;
        if by_session.is_some() {
            return Ok(by_session);
        }
        let is_prefix = key.len() >= 4 && key.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
        if !is_prefix {
            return Ok(None);
        }
        // Attempt ids are lowercase UUIDs; GLOB on the binary-collated column uses its index.
        let pattern = format!("{}*", key.to_ascii_lowercase());
        let (count, found) = self.with(|conn| {
            let count: i64 = conn.query_row(
                "SELECT count(*) FROM attempt WHERE id GLOB ?1",
                [&pattern],
                |r| r.get(0),
            )?;
            let count = count.max(0) as u64;
            let found = if count == 1 {
                conn.query_row(
                    &format!("SELECT {ATTEMPT_COLUMNS} FROM attempt WHERE id GLOB ?1"),
                    [&pattern],
                    attempt_from_row,
                )
                .optional()?
            } else {
                None
            };
            Ok((count, found))
        })?;
        if count > 1 {
            return Err(HistoryError::Ambiguous {
                prefix: key.to_owned(),
                count,
            });
        }
        Ok(found)
    }

    /// The attempt's timeline, oldest first.
    pub fn events(&self, id: &AttemptId) -> Result<Vec<Event>> {
        self.with(|conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {EVENT_COLUMNS} FROM event WHERE attempt_id = ?1 ORDER BY seq"
            ))?;
            let rows = stmt.query_map([&id.0], event_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// A page of the attempts that match, newest first.
    pub fn list(&self, filter: &Filter, page: Page) -> Result<Vec<Attempt>> {
        let mut out = Vec::new();
        self.for_each(filter, page, |a| {
            out.push(a);
            Ok(())
        })?;
        Ok(out)
    }

    /// Calls `f` on each matching attempt of the page, newest first, without holding them
    /// all in memory. The store is locked meanwhile: `f` must not call it.
    pub fn for_each(
        &self,
        filter: &Filter,
        page: Page,
        mut f: impl FnMut(Attempt) -> Result<()>,
    ) -> Result<()> {
        self.scan(filter, page, |_, a| f(a))
    }

    /// As `for_each`, handing `f` the connection too, to read more of each attempt.
    pub(super) fn scan(
        &self,
        filter: &Filter,
        page: Page,
        mut f: impl FnMut(&Connection, Attempt) -> Result<()>,
    ) -> Result<()> {
        let (clause, mut values) = filter.to_sql();
        let n = values.len();
        values.push(rusqlite::types::Value::Integer(
            i64::try_from(page.limit).unwrap_or(i64::MAX),
        ));
        values.push(rusqlite::types::Value::Integer(
            i64::try_from(page.offset).unwrap_or(i64::MAX),
        ));
        let sql = format!(
            "SELECT {ATTEMPT_COLUMNS} FROM attempt {clause} {NEWEST_FIRST} LIMIT ?{} OFFSET ?{}",
            n + 1,
            n + 2
        );
        self.with(|conn| {
            let mut stmt = conn.prepare_cached(&sql)?;
            let mut rows = stmt.query(rusqlite::params_from_iter(values))?;
            while let Some(row) = rows.next()? {
                f(conn, attempt_from_row(row)?)?;
            }
            Ok(())
        })
    }

    /// How many attempts match.
    pub fn count(&self, filter: &Filter) -> Result<u64> {
        let (clause, values) = filter.to_sql();
        self.with(|conn| {
            let n: i64 = conn
                .prepare_cached(&format!("SELECT count(*) FROM attempt {clause}"))?
                .query_row(rusqlite::params_from_iter(values), |r| r.get(0))?;
            Ok(n.max(0) as u64)
        })
    }

    /// The attempts of a batch by row (a row dialed twice appears twice, oldest first), to
    /// resume it without dialing a row again.
    pub fn batch_rows(&self, batch_id: &str) -> Result<Vec<(u64, AttemptStatus, AttemptId)>> {
        self.with(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT batch_row, status, id FROM attempt WHERE batch_id = ?1
                 ORDER BY batch_row, created_at_ms, rowid",
            )?;
            let rows = stmt.query_map([batch_id], |r| {
                Ok((
                    r.get::<_, i64>(0)?.max(0) as u64,
                    r.get(1)?,
                    AttemptId(r.get(2)?),
                ))
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Attempts accepted or in a live session state, oldest first: the watches to resume
    /// after a restart.
    pub fn live_attempts(&self) -> Result<Vec<Attempt>> {
        self.with(|conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {ATTEMPT_COLUMNS} FROM attempt
                 WHERE status IN ('accepted', 'ringing', 'seat_joining', 'in_progress')
                 ORDER BY created_at_ms, rowid"
            ))?;
            let rows = stmt.query_map([], attempt_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Deletes the attempts created before `cutoff_ms` (ms since the epoch) with their
    /// events, overwriting the freed space, and returns how many went.
    pub fn prune(&self, cutoff_ms: i64) -> Result<usize> {
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "DELETE FROM event WHERE attempt_id IN
                    (SELECT id FROM attempt WHERE created_at_ms < ?1)",
                [cutoff_ms],
            )?;
            let gone = tx.execute("DELETE FROM attempt WHERE created_at_ms < ?1", [cutoff_ms])?;
            tx.commit()?;
            if gone > 0 {
                // Copy the change into the main file and empty the log, so the deleted
                // numbers do not linger in the -wal file either.
                conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            }
            Ok(gone)
        })
    }

    /// SQLite's full `integrity_check`: `"ok"` when the file is sound.
    pub fn integrity_check(&self) -> Result<String> {
        self.with(|conn| {
            let mut stmt = conn.prepare("PRAGMA integrity_check")?;
            let lines = stmt.query_map([], |r| r.get::<_, String>(0))?;
            Ok(lines.collect::<rusqlite::Result<Vec<_>>>()?.join("\n"))
        })
    }
}

/// Inserts `a` as `queued` with its "queued" event, in the caller's transaction.
pub(super) fn insert_queued(
    conn: &Connection,
    a: &NewAttempt,
    claim_override: Option<&str>,
) -> Result<()> {
    let callers = serde_json::to_string(&a.callers).expect("strings serialize");
    let variables = serde_json::to_string(&a.variables).expect("strings serialize");
    let agent_id = i64::try_from(a.agent_id).map_err(|_| {
        HistoryError::Sqlite(rusqlite::Error::ToSqlConversionFailure(
            format!("agent id {} is too large to store", a.agent_id).into(),
        ))
    })?;
    let (kind, detail) = CallEvent::Queued {
        batch_id: a.batch.as_ref().map(|b| b.batch_id.clone()),
        row: a.batch.as_ref().map(|b| b.row),
    }
    .to_stored();
    let inserted = conn.execute(
        "INSERT INTO attempt (id, created_at_ms, updated_at_ms, endpoint, sdk_app_id,
            agent_id, agent_name, callee, callers, variables, max_ring_timeout,
            acquire_timeout, request_json, batch_id, batch_row, status, claim_override)
         VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        params![
            a.id.0,
            a.created_at_ms,
            a.endpoint,
            a.sdk_app_id,
            agent_id,
            a.agent_name,
            a.callee,
            callers,
            variables,
            a.max_ring_timeout,
            a.acquire_timeout,
            a.request_json,
            a.batch.as_ref().map(|b| &b.batch_id),
            a.batch.as_ref().map(|b| b.row as i64),
            AttemptStatus::Queued,
            claim_override,
        ],
    );
    match inserted {
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation) => {
            return Err(HistoryError::Duplicate(a.id.0.clone()));
        }
        other => other?,
    };
    insert_event(
        conn,
        &a.id,
        a.created_at_ms,
        &kind,
        Some(AttemptStatus::Queued),
        &detail,
    )?;
    Ok(())
}

fn insert_event(
    conn: &Connection,
    id: &AttemptId,
    at_ms: i64,
    kind: &str,
    status: Option<AttemptStatus>,
    detail: &serde_json::Value,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO event (attempt_id, seq, at_ms, kind, status, detail)
         VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM event WHERE attempt_id = ?1),
                 ?2, ?3, ?4, ?5)",
    )?
    .execute(params![id.0, at_ms, kind, status, detail.to_string()])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::NewAttempt;

    fn attempt(n: i64) -> NewAttempt {
        NewAttempt {
            id: AttemptId::new(),
            created_at_ms: n,
            endpoint: "simulator".into(),
            sdk_app_id: 1400000000,
            agent_id: 15,
            agent_name: Some("Sales bot".into()),
            callee: format!("0086130{n:08}"),
            callers: vec!["008601012345678".into()],
            variables: vec![],
            max_ring_timeout: None,
            acquire_timeout: None,
            request_json: "{}".into(),
            batch: None,
        }
    }

    /// A one-shot process leaves a small log for the next open, which reads the calls in it;
    /// a log grown past the bound is folded into the file on closing as usual.
    #[test]
    fn a_small_log_is_left_for_the_next_open_and_a_large_one_folded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.db");
        let log = dir.path().join("history.db-wal");
        let (store, _) = Store::open(&path).unwrap();
        let first = attempt(1);
        store.record_queued(&first).unwrap();
        store.leave_log_on_close();
        drop(store);
        assert!(std::fs::metadata(&log).is_ok_and(|m| m.len() > 0));
        let (store, _) = Store::open(&path).unwrap();
        assert_eq!(store.get(&first.id).unwrap().unwrap().callee, first.callee);

        let big = NewAttempt {
            request_json: "x".repeat(4_000),
            ..attempt(2)
        };
        for n in 0..100 {
            store
                .record_queued(&NewAttempt {
                    id: AttemptId::new(),
                    callee: format!("0086131{n:08}"),
                    ..big.clone()
                })
                .unwrap();
        }
        assert!(std::fs::metadata(&log).unwrap().len() > LOG_LEFT_MAX_BYTES);
        store.leave_log_on_close();
        drop(store);
        assert!(!log.exists(), "a large log is folded into the file");
        let (store, _) = Store::open(&path).unwrap();
        assert_eq!(store.count(&Default::default()).unwrap(), 101);
    }

    /// An event commits without its own fsync; every other write, a claim above all, still
    /// commits synced, whether the event was written or refused.
    #[test]
    fn events_commit_unsynced_and_leave_the_claims_synced() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = Store::open(dir.path().join("history.db")).unwrap();
        let sync = |s: &Store| {
            s.with(|c| Ok(c.query_row("PRAGMA synchronous", [], |r| r.get::<_, i64>(0))?))
                .unwrap()
        };
        let a = attempt(1);
        store.record_queued(&a).unwrap();
        let accepted = CallEvent::Accepted { tries: 1 };
        let update = EventUpdate::new(2, accepted).status(AttemptStatus::Accepted);
        store.record_event(&a.id, update.clone()).unwrap();
        assert_eq!(sync(&store), 2, "FULL again after an event");
        let missing = store.record_event(&AttemptId::new(), update);
        assert!(matches!(missing, Err(HistoryError::NotFound(_))));
        assert_eq!(sync(&store), 2, "FULL again after a refused event");
        let got = store.get(&a.id).unwrap().unwrap();
        assert_eq!(got.status, AttemptStatus::Accepted);
    }

    /// A full disk reaches the caller as an error naming the file and the way out.
    #[test]
    fn full_disk_names_the_path_and_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.db");
        let (store, _) = Store::open(&path).unwrap();
        {
            let conn = store.lock();
            let pages: i64 = conn
                .query_row("PRAGMA page_count", [], |r| r.get(0))
                .unwrap();
            conn.pragma_update(None, "max_page_count", pages).unwrap();
        }
        let mut failure = None;
        for n in 0..10_000 {
            let mut a = attempt(n);
            a.request_json = "x".repeat(2000);
            if let Err(e) = store.record_queued(&a) {
                failure = Some(e);
                break;
            }
        }
        let msg = failure.expect("the page limit is reached").to_string();
        assert!(msg.contains(&path.display().to_string()), "{msg}");
        assert!(msg.contains("disk is full"), "{msg}");
        assert!(msg.contains("--db PATH"), "{msg}");
    }

    #[test]
    fn a_read_only_place_names_the_path_and_the_fix() {
        let path = Path::new("/srv/ro/history.db");
        let e = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_READONLY),
            None,
        );
        let msg = open::classify(path, e).to_string();
        assert!(
            msg.starts_with("history database /srv/ro/history.db: cannot be written"),
            "{msg}"
        );
        assert!(
            msg.contains("Make the file and its directory writable"),
            "{msg}"
        );
        assert!(msg.contains("CCC_DIAL_HISTORY"), "{msg}");
    }

    #[test]
    fn a_handle_goes_to_any_task() {
        fn shareable<T: Send + Sync + Clone + 'static>() {}
        shareable::<Store>();
    }

    #[test]
    fn duplicate_id_is_refused() {
        let store = Store::open_in_memory().unwrap();
        let a = attempt(1);
        store.record_queued(&a).unwrap();
        let err = store.record_queued(&a).unwrap_err();
        assert!(matches!(err, HistoryError::Duplicate(ref id) if *id == a.id.0));
        assert_eq!(store.count(&Filter::default()).unwrap(), 1);
        assert_eq!(store.events(&a.id).unwrap().len(), 1);
    }
}
