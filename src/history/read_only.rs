//! Opening the history only to read it (to list, show, or plan a prune), so that reading
//! works on a full disk or a file the user may not write: nothing is created, migrated,
//! probed or made private.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::open::BUSY_TIMEOUT;
use super::schema;

/// The history at `path`, opened read-only; `None` when that cannot serve: no file yet, a
/// schema to migrate, or a file SQLite cannot read so (the usual open then creates, migrates
/// or sets aside).
pub(super) fn open(path: &Path) -> Option<Connection> {
    if !path.is_file() {
        return None;
    }
    let encoded = path
        .to_string_lossy()
        .replace('%', "%25")
        .replace('?', "%3f")
        .replace('#', "%23");
    // Read-only WAL needs its shared-memory file; where that cannot be created (a read-only
    // directory, a full disk), a file with no log to replay is read as immutable.
    let mut uris = vec![format!("file:{encoded}?mode=ro")];
    if wal_is_empty(path) {
        uris.push(format!("file:{encoded}?immutable=1"));
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    uris.into_iter().find_map(|uri| {
        let conn = Connection::open_with_flags(uri, flags).ok()?;
        conn.busy_timeout(BUSY_TIMEOUT).ok()?;
        (schema::version(&conn).ok()? == schema::VERSION).then_some(conn)
    })
}

fn wal_is_empty(path: &Path) -> bool {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(wal).map_or(true, |m| m.len() == 0)
}
