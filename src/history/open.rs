//! Opening the history file: private permissions, settings, migrations, and recovery.
//!
//! A file that is damaged, not a database, unreadable, or of a newer schema is never deleted:
//! it is renamed aside with its `-wal`/`-shm` (`history.db.corrupt-20261101T140211Z`), a notice
//! says so, and a fresh history starts. A place that cannot be written (read-only, full,
//! missing permission) is an error naming the path, returned before any call can be placed.

use std::fs;
use std::io::{self, Read};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior};

use super::HistoryError;
use super::schema::{self, MigrateError};

/// How long a write waits for another instance's write to finish.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Files up to this size (some 7,000 attempts; about 15 ms to check) get a full
/// `PRAGMA quick_check` when opened, at most once every [`WHOLE_CHECK_EVERY`]. Other opens,
/// and any open of a larger file, read the newest attempts and write, which keeps opening
/// fast at any size; a damaged page met later marks the file so that the next open checks
/// all of it.
pub const QUICK_CHECK_MAX_BYTES: u64 = 8 * 1024 * 1024;

/// How long a whole check of a small file holds: reading every page costs more than the rest
/// of a `call` once the file holds a few hundred attempts, and calls come in runs.
const WHOLE_CHECK_EVERY: Duration = Duration::from_secs(3600);

/// For a path that is not a regular file.
const HINT_FILE: &str =
    "Pass the path of a file (e.g. DIR/history.db) with --db PATH or CCC_DIAL_HISTORY";

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Why a file was moved aside; the word goes into the new name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aside {
    Corrupt,
    Unreadable,
    Newer,
}

impl Aside {
    fn word(self) -> &'static str {
        match self {
            Aside::Corrupt => "corrupt",
            Aside::Unreadable => "unreadable",
            Aside::Newer => "newer",
        }
    }
}

/// Opens (creating if needed) the history at `path`. The notice, when there is one, tells
/// the user that a previous file was moved aside and where to. With `probe`, a write proves
/// the file takes writes before anything else is done.
pub fn open(path: &Path, probe: bool) -> Result<(Connection, Option<String>), HistoryError> {
    match try_open(path, probe) {
        Ok(conn) => {
            keep_private(path);
            Ok((conn, None))
        }
        Err(Failure::Fatal(e)) => Err(e),
        Err(Failure::SetAside(why, reason)) => {
            let moved = move_aside(path, why)?;
            let notice = format!(
                "The history database {} {reason}; it was moved to {} (nothing was deleted) and a new, empty history was started.",
                path.display(),
                moved.display()
            );
            match try_open(path, probe) {
                Ok(conn) => {
                    keep_private(path);
                    // The new history does not know what was dialed: remembered until the
                    // user says to go on without the old one.
                    mark_set_aside(&conn, &notice)
                        .map_err(|e| unusable(path, e.to_string(), HINT_ELSEWHERE))?;
                    Ok((conn, Some(notice)))
                }
                Err(Failure::Fatal(e)) => Err(e),
                Err(Failure::SetAside(_, reason)) => Err(unusable(
                    path,
                    format!("a new database there {reason} too"),
                    HINT_ELSEWHERE,
                )),
            }
        }
    }
}

enum Failure {
    Fatal(HistoryError),
    SetAside(Aside, String),
}

impl From<HistoryError> for Failure {
    fn from(e: HistoryError) -> Self {
        Failure::Fatal(e)
    }
}

const HINT_ELSEWHERE: &str =
    "Choose another place with --db PATH or the CCC_DIAL_HISTORY environment variable";

fn unusable(path: &Path, reason: impl Into<String>, hint: &str) -> HistoryError {
    HistoryError::Unusable {
        path: path.to_owned(),
        reason: reason.into(),
        hint: hint.to_owned(),
    }
}

fn try_open(path: &Path, probe: bool) -> Result<Connection, Failure> {
    prepare_file(path)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags).map_err(|e| at_open(path, e))?;
    configure(&conn).map_err(|e| at_open(path, e))?;
    match schema::migrate(&mut conn) {
        Ok(()) => {}
        Err(MigrateError::Newer { found, supported }) => {
            return Err(Failure::SetAside(
                Aside::Newer,
                format!(
                    "was written by a newer ccc-dial (schema version {found}; this one knows up to {supported})"
                ),
            ));
        }
        Err(MigrateError::Sqlite(e)) => return Err(at_open(path, e)),
    }
    let checked_whole = check_health(path, &conn)?;
    if probe || checked_whole {
        write_probe(&mut conn, checked_whole).map_err(|e| at_open(path, e))?;
    }
    Ok(conn)
}

/// Settings of every connection to the file.
pub fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // WAL: readers never block the writer, and a commit is one append plus one fsync.
    let mode = wal_mode(conn)?;
    if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
            Some(format!("the file system refused WAL mode (got {mode})")),
        ));
    }
    // FULL: each commit is fsynced, so a recorded attempt also survives a power cut; NORMAL
    // in WAL would lose the last commits on power loss, and with them the proof of a call.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_FKEY, true)?;
    // Pruned phone numbers are overwritten, not left in free pages.
    conn.pragma_update(None, "secure_delete", true)?;
    Ok(())
}

/// Switching a new file to WAL needs the file to itself, and SQLite answers a busy file at
/// once there instead of through the busy handler: a second process creating the same
/// history at the same moment waits here for the first.
fn wal_mode(conn: &Connection) -> rusqlite::Result<String> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)) {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            other => return other,
        }
    }
}

/// Makes the directory (0700) and the file (0600) before SQLite sees the path, so neither
/// is ever created with the process umask; checks an existing file looks like SQLite.
fn prepare_file(path: &Path) -> Result<(), Failure> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        match fs::metadata(dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(unusable(
                    path,
                    format!("{} is not a directory", dir.display()),
                    HINT_ELSEWHERE,
                )
                .into());
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(dir)
                    .map_err(|e| {
                        io_unusable(
                            path,
                            &format!("cannot create the directory {}", dir.display()),
                            &e,
                        )
                    })?;
            }
            Err(e) => return Err(io_unusable(path, "cannot reach its directory", &e).into()),
        }
    }
    match fs::metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
            {
                Ok(_) => Ok(()),
                // Another instance created it first: fine.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
                Err(e) => Err(io_unusable(path, "cannot create the file", &e).into()),
            }
        }
        Err(e) => Err(io_unusable(path, "cannot read the file's details", &e).into()),
        Ok(m) if m.is_dir() => Err(unusable(path, "is a directory, not a file", HINT_FILE).into()),
        // A FIFO or a device would block the read below, or be no place for a database.
        Ok(m) if !m.is_file() => Err(unusable(
            path,
            "is not a regular file (a pipe, socket or device)",
            HINT_FILE,
        )
        .into()),
        Ok(m) => {
            if m.permissions().mode() & 0o077 != 0 {
                // Tighten a file that others could read; failing that is not fatal.
                let _ = fs::set_permissions(path, fs::Permissions::from_mode(0o600));
            }
            let mut head = Vec::with_capacity(16);
            match fs::File::open(path).and_then(|f| f.take(16).read_to_end(&mut head)) {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
                    return Err(Failure::SetAside(
                        Aside::Unreadable,
                        "cannot be read (permission denied)".into(),
                    ));
                }
                Err(e) => return Err(io_unusable(path, "cannot read the file", &e).into()),
            }
            // An empty file is what this module creates; SQLite makes it a database.
            if !head.is_empty() && head.as_slice() != SQLITE_HEADER {
                return Err(Failure::SetAside(
                    Aside::Unreadable,
                    "is not a SQLite database".into(),
                ));
            }
            Ok(())
        }
    }
}

/// The `meta` key under which a new history keeps why the previous one was moved aside.
pub const SET_ASIDE_KEY: &str = "set_aside";

/// Notes in a new history why the previous one was moved aside.
fn mark_set_aside(conn: &Connection, notice: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
        [SET_ASIDE_KEY, notice],
    )?;
    Ok(())
}

/// SQLite creates a file through a dangling symlink with the default mode: make it 0600 at
/// once, since it holds phone numbers. Failing that is not fatal.
fn keep_private(path: &Path) {
    if let Ok(m) = fs::metadata(path)
        && m.permissions().mode() & 0o077 != 0
    {
        let _ = fs::set_permissions(path, fs::Permissions::from_mode(0o600));
    }
}

fn io_unusable(path: &Path, what: &str, e: &io::Error) -> HistoryError {
    let hint = match e.kind() {
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
            "Make the directory writable, or choose another place with --db PATH or CCC_DIAL_HISTORY"
        }
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
            "Free some disk space, or choose another place with --db PATH or CCC_DIAL_HISTORY"
        }
        _ => HINT_ELSEWHERE,
    };
    unusable(path, format!("{what}: {e}"), hint)
}

/// Reads enough to catch a damaged file: all of it after damage was met, or when small and
/// not checked whole lately; the newest attempts and their events otherwise (so
/// opening stays fast at any size). Returns whether it read all of it.
fn check_health(path: &Path, conn: &Connection) -> Result<bool, Failure> {
    let marker = damage_marker(path);
    let size = fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let full = marker.exists()
        || (size <= QUICK_CHECK_MAX_BYTES
            && !checked_lately(conn).map_err(|e| at_open(path, e))?);
    let result = if full {
        conn.query_row("PRAGMA quick_check(1)", [], |r| r.get::<_, String>(0))
            .map(|verdict| (verdict != "ok").then_some(verdict))
    } else {
        conn.query_row(
            "SELECT count(*), sum(length(request_json)) FROM
               (SELECT id, request_json FROM attempt ORDER BY created_at_ms DESC LIMIT 20) a
             JOIN event e ON e.attempt_id = a.id",
            [],
            |_| Ok(None),
        )
    };
    match result {
        Ok(None) => {
            let _ = fs::remove_file(&marker);
            Ok(full)
        }
        Ok(Some(verdict)) => Err(Failure::SetAside(
            Aside::Corrupt,
            format!("is damaged (integrity check: {verdict})"),
        )),
        Err(e) => Err(at_open(path, e)),
    }
}

/// The value kept under `key` in `meta`, through one kept statement: a start reads several.
pub(super) fn meta_value(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()
}

/// Whether the whole file was checked within [`WHOLE_CHECK_EVERY`] (a clock set back does
/// not count).
fn checked_lately(conn: &Connection) -> rusqlite::Result<bool> {
    let at = meta_value(conn, "checked_at_ms")?;
    let now = chrono::Utc::now().timestamp_millis();
    let every = WHOLE_CHECK_EVERY.as_millis() as i64;
    Ok(at
        .and_then(|v| v.parse::<i64>().ok())
        .is_some_and(|at| at <= now && now - at < every))
}

/// Proves the file takes a write now, so a full disk or a read-only place is reported
/// before any call is placed rather than after; notes a whole check that found no damage.
/// The probe itself need not survive a power cut, so it is not synced: the next commit that
/// matters (a claim) syncs it with its own.
fn write_probe(conn: &mut Connection, checked_whole: bool) -> rusqlite::Result<()> {
    with_sync(conn, "OFF", |conn| probe(conn, checked_whole))
}

/// Runs `f` with `synchronous` at `level`, then back at FULL whatever `f` returned.
pub(super) fn with_sync<T, E: From<rusqlite::Error>>(
    conn: &mut Connection,
    level: &str,
    f: impl FnOnce(&mut Connection) -> Result<T, E>,
) -> Result<T, E> {
    set_sync(conn, level)?;
    let done = f(conn);
    set_sync(conn, "FULL")?;
    done
}

/// Sets `synchronous` through a kept statement: each event's commit sets it twice.
fn set_sync(conn: &Connection, level: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(&format!("PRAGMA synchronous = {level}"))?
        .execute([])
        .map(drop)
}

fn probe(conn: &mut Connection, checked_whole: bool) -> rusqlite::Result<()> {
    let now = chrono::Utc::now().timestamp_millis();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let rows = if checked_whole {
        "('opened_at_ms', ?1), ('checked_at_ms', ?1)"
    } else {
        "('opened_at_ms', ?1)"
    };
    tx.execute(
        &format!(
            "INSERT INTO meta (key, value) VALUES {rows}
             ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        ),
        [now.to_string()],
    )?;
    tx.commit()
}

/// An error while opening: damage sends the file aside, anything else is reported.
fn at_open(path: &Path, e: rusqlite::Error) -> Failure {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt) => {
            Failure::SetAside(Aside::Corrupt, format!("is damaged ({e})"))
        }
        Some(ErrorCode::NotADatabase) => {
            Failure::SetAside(Aside::Unreadable, format!("is not a usable database ({e})"))
        }
        _ => Failure::Fatal(classify(path, e)),
    }
}

/// Turns an SQLite error into one that names the file and says what to do, where the cause
/// is the place rather than the query.
pub fn classify(path: &Path, e: rusqlite::Error) -> HistoryError {
    let (reason, hint) = match e.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => (
            "the disk is full",
            "Free some disk space (or prune: ccc-dial history prune --older-than 90d), or choose another place with --db PATH or CCC_DIAL_HISTORY",
        ),
        Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied | ErrorCode::CannotOpen) => (
            "cannot be written (read-only place or no permission)",
            "Make the file and its directory writable, or choose another place with --db PATH or CCC_DIAL_HISTORY",
        ),
        Some(ErrorCode::SystemIoFailure) => (
            "the disk reported an input/output error",
            "Check the disk, or choose another place with --db PATH or CCC_DIAL_HISTORY",
        ),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => (
            "another ccc-dial held it locked for too long",
            "Try again; if it persists, look for a stuck ccc-dial process",
        ),
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
            // Make the next open check the whole file and move it aside if needed.
            let _ = fs::write(damage_marker(path), b"");
            (
                "is damaged",
                "Restart ccc-dial: it checks the file, moves a damaged one aside and starts a new history",
            )
        }
        _ => return HistoryError::Sqlite(e),
    };
    unusable(path, format!("{reason} ({e})"), hint)
}

fn damage_marker(path: &Path) -> PathBuf {
    with_suffix(path, ".needs-check")
}

pub(super) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Renames the file and its `-wal`/`-shm` to `<file>.<why>-<UTC time>[-n]`, keeping SQLite's
/// naming so the moved file still opens with its log.
fn move_aside(path: &Path, why: Aside) -> Result<PathBuf, HistoryError> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let mut target = with_suffix(path, &format!(".{}-{stamp}", why.word()));
    let mut n = 1;
    while target.exists() {
        n += 1;
        target = with_suffix(path, &format!(".{}-{stamp}-{n}", why.word()));
    }
    fs::rename(path, &target).map_err(|e| {
        io_unusable(
            path,
            &format!(
                "is unusable and could not be moved aside to {}",
                target.display()
            ),
            &e,
        )
    })?;
    for side in ["-wal", "-shm"] {
        let from = with_suffix(path, side);
        if from.exists() {
            let _ = fs::rename(&from, with_suffix(&target, side));
        }
    }
    let _ = fs::remove_file(damage_marker(path));
    Ok(target)
}

#[cfg(test)]
mod tests {
    /// The bundled SQLite is built as `.cargo/config.toml` asks: each of these options saves
    /// every `call` some work.
    #[test]
    fn sqlite_is_built_without_what_a_call_does_not_use() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let options: Vec<String> = conn
            .prepare("SELECT compile_options FROM pragma_compile_options")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for wanted in ["DEFAULT_MEMSTATUS=0", "DEFAULT_PCACHE_INITSZ=0"] {
            assert!(options.iter().any(|o| o == wanted), "{wanted}: {options:?}");
        }
        for unwanted in [
            "ENABLE_FTS3",
            "ENABLE_FTS5",
            "ENABLE_RTREE",
            "ENABLE_DBSTAT_VTAB",
        ] {
            assert!(
                !options.iter().any(|o| o == unwanted),
                "{unwanted}: {options:?}"
            );
        }
    }

    #[test]
    fn the_unsynced_probe_leaves_every_later_commit_synced() {
        let dir = tempfile::tempdir().unwrap();
        let (conn, notice) = super::open(&dir.path().join("history.db"), true).unwrap();
        assert_eq!(notice, None);
        let sync: i64 = conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2, "FULL");
        let opened: String = conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'opened_at_ms'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(opened.parse::<i64>().unwrap() > 0);
    }

    /// Opened to claim, a history checked whole lately is not written to: the claim is the
    /// first write. An open with the probe writes.
    #[test]
    fn opening_to_claim_writes_nothing_before_the_claim() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.db");
        let opened = |probe: bool| {
            let (conn, _) = super::open(&path, probe).unwrap();
            super::meta_value(&conn, "opened_at_ms").unwrap().unwrap()
        };
        let first = opened(true);
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert_eq!(opened(false), first, "no write");
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert_ne!(opened(true), first, "the probe writes");
    }
}
