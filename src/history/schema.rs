//! The schema and its migrations, versioned by `PRAGMA user_version`.
//!
//! Each entry of `MIGRATIONS` takes the database from version `i` to `i + 1`. Never edit a
//! released migration: append a new one.

use rusqlite::{Connection, TransactionBehavior};

/// The schema version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

const MIGRATIONS: &[&str] = &[
    // 1: attempts and their events.
    "
    CREATE TABLE attempt (
        id               TEXT    NOT NULL UNIQUE,
        created_at_ms    INTEGER NOT NULL,
        updated_at_ms    INTEGER NOT NULL,
        endpoint         TEXT    NOT NULL,
        sdk_app_id       INTEGER NOT NULL,
        agent_id         INTEGER NOT NULL,
        agent_name       TEXT,
        callee           TEXT    NOT NULL,
        callers          TEXT    NOT NULL,  -- JSON array of numbers
        variables        TEXT    NOT NULL,  -- JSON array of [name, value]
        max_ring_timeout INTEGER,
        acquire_timeout  INTEGER,
        request_json     TEXT    NOT NULL,
        batch_id         TEXT,
        batch_row        INTEGER,
        status           TEXT    NOT NULL,
        session_id       TEXT,
        request_id       TEXT,
        response_json    TEXT,
        error_code       TEXT,
        error_message    TEXT
    );
    -- Newest first: the index holds the rowid, which breaks ties in insertion order.
    CREATE INDEX attempt_created ON attempt (created_at_ms);
    CREATE INDEX attempt_callee ON attempt (callee, created_at_ms);
    CREATE INDEX attempt_agent ON attempt (agent_id, created_at_ms);
    CREATE INDEX attempt_status ON attempt (status, created_at_ms);
    CREATE INDEX attempt_session ON attempt (session_id) WHERE session_id IS NOT NULL;
    CREATE INDEX attempt_batch ON attempt (batch_id, batch_row) WHERE batch_id IS NOT NULL;

    CREATE TABLE event (
        attempt_id TEXT    NOT NULL REFERENCES attempt (id) ON DELETE CASCADE,
        seq        INTEGER NOT NULL,
        at_ms      INTEGER NOT NULL,
        kind       TEXT    NOT NULL,
        status     TEXT,
        detail     TEXT    NOT NULL,
        PRIMARY KEY (attempt_id, seq)
    ) WITHOUT ROWID;

    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    ",
    // 2: server-side batch tasks, one row per part of a split list, and which CSV line each
    // callee came from.
    "
    CREATE TABLE task (
        task_key      TEXT    NOT NULL,
        part          INTEGER NOT NULL,
        parts         INTEGER NOT NULL,
        name          TEXT    NOT NULL,
        endpoint      TEXT    NOT NULL,
        sdk_app_id    INTEGER NOT NULL,
        source        TEXT    NOT NULL,
        callees       INTEGER NOT NULL,
        request_json  TEXT    NOT NULL,
        status        TEXT    NOT NULL,
        task_id       INTEGER,
        request_id    TEXT,
        error_code    TEXT,
        error_message TEXT,
        created_at_ms INTEGER NOT NULL,
        updated_at_ms INTEGER NOT NULL,
        PRIMARY KEY (task_key, part)
    );
    CREATE INDEX task_by_id ON task (task_id) WHERE task_id IS NOT NULL;

    CREATE TABLE task_callee (
        task_key TEXT    NOT NULL,
        part     INTEGER NOT NULL,
        seq      INTEGER NOT NULL,
        line     INTEGER NOT NULL,
        callee   TEXT    NOT NULL,
        PRIMARY KEY (task_key, part, seq),
        FOREIGN KEY (task_key, part) REFERENCES task (task_key, part) ON DELETE CASCADE
    ) WITHOUT ROWID;
    ",
    // 3: the claim on a callee looks up its attempts by line; an override is kept with the
    // attempt it let through.
    "
    ALTER TABLE attempt ADD COLUMN claim_override TEXT;
    CREATE INDEX attempt_claim ON attempt (callee, sdk_app_id, endpoint, created_at_ms);
    ",
    // 4: labels and a note on an attempt.
    "
    ALTER TABLE attempt ADD COLUMN note TEXT;
    CREATE TABLE label (
        attempt_id TEXT NOT NULL REFERENCES attempt (id) ON DELETE CASCADE,
        name       TEXT NOT NULL,
        PRIMARY KEY (attempt_id, name)
    ) WITHOUT ROWID;
    CREATE INDEX label_name ON label (name, attempt_id);
    ",
    // 5: each attempt's results, made from its events, for statistics.
    "
    CREATE TABLE summary (
        attempt_id     TEXT    NOT NULL PRIMARY KEY REFERENCES attempt (id) ON DELETE CASCADE,
        seq            INTEGER NOT NULL,  -- the last event it was made from
        word           TEXT,
        end_status     INTEGER,
        ring_secs      INTEGER,
        talk_secs      INTEGER,
        ete_ms         REAL,
        asr_ms         REAL,
        llm_ms         REAL,
        first_token_ms REAL,
        tts_ms         REAL
    ) WITHOUT ROWID;
    ",
    // 6: a task's callees hold their claim like attempts do: looked up by callee, until the
    // window has passed after the task's last possible call; an override is kept with it.
    "
    ALTER TABLE task ADD COLUMN last_call_ms INTEGER;
    ALTER TABLE task ADD COLUMN claim_override TEXT;
    CREATE INDEX task_callee_claim ON task_callee (callee);
    ",
    // 7: statistics read each attempt's agent, id and status from this index rather than from
    // the attempts' long rows (their request and answer JSON).
    "
    CREATE INDEX attempt_tally ON attempt (agent_id, id, status);
    ",
    // 8: statistics read the attempts in id order beside the summaries and labels, which are
    // kept in that order, instead of looking up each attempt's summary by its id.
    "
    DROP INDEX attempt_tally;
    CREATE INDEX attempt_tally_by_id ON attempt (id, agent_id, status);
    ",
];

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("it has schema version {found}, newer than version {supported} that this build knows")]
    Newer { found: i64, supported: i64 },
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

pub fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Brings the schema up to `VERSION`. Runs in one write transaction, so two instances
/// starting at once migrate once, and a crash leaves the old version intact.
pub fn migrate(conn: &mut Connection) -> Result<(), MigrateError> {
    let current = version(conn)?;
    if current > VERSION {
        return Err(MigrateError::Newer {
            found: current,
            supported: VERSION,
        });
    }
    if current == VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Another instance may have migrated while this one waited for the lock.
    let current = version(&tx)?;
    if current > VERSION {
        return Err(MigrateError::Newer {
            found: current,
            supported: VERSION,
        });
    }
    for sql in &MIGRATIONS[current as usize..] {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", VERSION)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_a_new_database_once() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(version(&conn).unwrap(), 0);
        migrate(&mut conn).unwrap();
        assert_eq!(version(&conn).unwrap(), VERSION);
        migrate(&mut conn).unwrap();
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 7);
    }

    #[test]
    fn refuses_a_newer_schema() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", VERSION + 1)
            .unwrap();
        let err = migrate(&mut conn).unwrap_err();
        assert!(matches!(err, MigrateError::Newer { found, .. } if found == VERSION + 1));
        assert!(err.to_string().contains("newer"));
    }
}
