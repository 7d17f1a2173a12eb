//! Server-side batch tasks in the history. Each part of a list is recorded, with the CSV line
//! of each callee, before its CreateAutoCalloutTask leaves; its outcome is written when known.
//! A part found `queued` or `unknown` after a restart may exist on the service: it is looked
//! up by its name, never simply sent again.

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::store::Store;
use super::{HistoryError, ParseStatusError};

/// Where a part stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskPartStatus {
    /// Recorded; its request may or may not have left.
    Queued,
    /// The service returned a TaskId.
    Created,
    /// The service answered an error: no task was made.
    Rejected,
    /// Sent, no valid answer: the task may exist.
    Unknown,
}

impl TaskPartStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskPartStatus::Queued => "queued",
            TaskPartStatus::Created => "created",
            TaskPartStatus::Rejected => "rejected",
            TaskPartStatus::Unknown => "unknown",
        }
    }

    pub(super) fn parse(s: &str) -> std::result::Result<Self, ParseStatusError> {
        Ok(match s {
            "queued" => TaskPartStatus::Queued,
            "created" => TaskPartStatus::Created,
            "rejected" => TaskPartStatus::Rejected,
            "unknown" => TaskPartStatus::Unknown,
            other => return Err(ParseStatusError(other.to_string())),
        })
    }
}

/// A part about to be sent.
#[derive(Debug, Clone)]
pub struct NewTaskPart {
    pub task_key: String,
    pub part: u32,
    pub parts: u32,
    pub name: String,
    pub endpoint: String,
    pub sdk_app_id: i64,
    /// The file the callees came from.
    pub source: String,
    pub request_json: String,
    /// (CSV line, callee) in the order of the request's Callees.
    pub callees: Vec<(u64, String)>,
    pub at_ms: i64,
    /// The last moment the service may call (NotAfter, or NotBefore when there is none), ms:
    /// the task holds its callees until the recent-call window has passed after it.
    pub last_call_ms: i64,
}

/// A recorded part.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskPart {
    pub task_key: String,
    pub part: u32,
    pub parts: u32,
    pub name: String,
    pub endpoint: String,
    pub source: String,
    pub callees: u64,
    pub status: TaskPartStatus,
    pub task_id: Option<u64>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

const COLUMNS: &str = "task_key, part, parts, name, endpoint, source, callees, status, task_id, \
                       error_code, error_message";

fn part_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TaskPart> {
    let status: String = r.get(7)?;
    Ok(TaskPart {
        task_key: r.get(0)?,
        part: r.get(1)?,
        parts: r.get(2)?,
        name: r.get(3)?,
        endpoint: r.get(4)?,
        source: r.get(5)?,
        callees: r.get::<_, i64>(6)? as u64,
        status: TaskPartStatus::parse(&status).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(7, rusqlite::types::Type::Text, Box::new(e))
        })?,
        task_id: r.get::<_, Option<i64>>(8)?.map(|v| v as u64),
        error_code: r.get(9)?,
        error_message: r.get(10)?,
    })
}

type Result<T> = std::result::Result<T, HistoryError>;

impl Store {
    /// Writes what became of a part.
    pub fn settle_task_part(
        &self,
        task_key: &str,
        part: u32,
        status: TaskPartStatus,
        task_id: Option<u64>,
        error: Option<(&str, &str)>,
        at_ms: i64,
    ) -> Result<()> {
        self.with(|conn| {
            conn.execute(
                "UPDATE task SET status = ?3, task_id = ?4, error_code = ?5, error_message = ?6,
                    updated_at_ms = ?7
                 WHERE task_key = ?1 AND part = ?2",
                params![
                    task_key,
                    part,
                    status.as_str(),
                    task_id.map(|t| t as i64),
                    error.map(|e| e.0),
                    error.map(|e| e.1),
                    at_ms,
                ],
            )?;
            Ok(())
        })
    }

    /// Removes a part the service rejected, so that it is claimed and recorded anew before
    /// it is sent again. A part in any other state is kept.
    pub fn forget_rejected_task_part(&self, task_key: &str, part: u32) -> Result<()> {
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let gone = tx.execute(
                "DELETE FROM task WHERE task_key = ?1 AND part = ?2 AND status = 'rejected'",
                params![task_key, part],
            )?;
            if gone > 0 {
                tx.execute(
                    "DELETE FROM task_callee WHERE task_key = ?1 AND part = ?2",
                    params![task_key, part],
                )?;
            }
            tx.commit()?;
            Ok(())
        })
    }

    /// Every recorded part of a task key, by part.
    pub fn task_parts(&self, task_key: &str) -> Result<Vec<TaskPart>> {
        self.with(|conn| {
            let mut stmt = conn.prepare(&format!(
                "SELECT {COLUMNS} FROM task WHERE task_key = ?1 ORDER BY part"
            ))?;
            let rows = stmt.query_map([task_key], part_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// The part the service created as `task_id` on `endpoint`.
    pub fn task_part_by_id(&self, endpoint: &str, task_id: u64) -> Result<Option<TaskPart>> {
        self.with(|conn| {
            Ok(conn
                .query_row(
                    &format!(
                        "SELECT {COLUMNS} FROM task WHERE task_id = ?1 AND endpoint = ?2
                         ORDER BY updated_at_ms DESC LIMIT 1"
                    ),
                    params![task_id as i64, endpoint],
                    part_from_row,
                )
                .optional()?)
        })
    }

    /// The CSV line of each callee of a part, in request order.
    pub fn task_lines(&self, task_key: &str, part: u32) -> Result<Vec<(u64, String)>> {
        self.with(|conn| {
            let mut stmt = conn.prepare(
                "SELECT line, callee FROM task_callee WHERE task_key = ?1 AND part = ?2
                 ORDER BY seq",
            )?;
            let rows = stmt.query_map(params![task_key, part], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get(1)?))
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use crate::history::ClaimRule;
    use crate::history::HeldCallee;
    use crate::history::claim::Hold;
    use crate::history::claim::tests::ENDPOINT;

    pub(in crate::history) const T0: i64 = 1_800_000_000_000;

    pub(in crate::history) fn part(n: u32) -> NewTaskPart {
        let callee = |i: u32| (u64::from(2 * i), format!("00861300000{n:02}{i:02}"));
        NewTaskPart {
            task_key: "k".into(),
            part: n,
            parts: 2,
            name: format!("list-k-{n}of2"),
            endpoint: ENDPOINT.into(),
            sdk_app_id: 1_400_000_000,
            source: "list.csv".into(),
            request_json: "{}".into(),
            callees: vec![callee(1), callee(2)],
            at_ms: T0,
            last_call_ms: T0,
        }
    }

    pub(in crate::history) fn claim(store: &Store, p: &NewTaskPart) -> Vec<HeldCallee> {
        store.claim_task_part(p, &ClaimRule::default()).unwrap()
    }

    #[test]
    fn a_part_is_queued_then_settled_and_keeps_its_lines() {
        let store = Store::open_in_memory().unwrap();
        assert!(claim(&store, &part(1)).is_empty());
        assert!(claim(&store, &part(2)).is_empty());
        let again = claim(&store, &part(1));
        assert_eq!(again.len(), 2, "a part's callees are claimed once");
        assert!(matches!(&again[0].hold, Hold::Task(t) if t.part == 1 && t.line == 2));
        let parts = store.task_parts("k").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].status, TaskPartStatus::Queued);
        store
            .settle_task_part("k", 1, TaskPartStatus::Created, Some(17_110), None, 2)
            .unwrap();
        let found = store.task_part_by_id(ENDPOINT, 17_110).unwrap().unwrap();
        assert_eq!((found.part, found.status), (1, TaskPartStatus::Created));
        assert!(store.task_part_by_id("other", 17_110).unwrap().is_none());
        assert_eq!(
            store.task_lines("k", 1).unwrap(),
            [(2, "008613000000101".into()), (4, "008613000000102".into())]
        );
    }
}
