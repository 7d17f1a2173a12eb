//! The campaigns this machine ran: local batches (attempts sharing a batch id) and server
//! tasks (each part created from here), newest first, with what the history knows of their
//! progress. A server task's live counts come from the service, not from here.

use rusqlite::params;

use super::HistoryError;
use super::store::Store;
use super::task::{TaskPart, TaskPartStatus};

/// A local batch as its attempts tell it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalBatch {
    pub batch_id: String,
    pub started_ms: i64,
    pub last_ms: i64,
    pub attempts: u64,
    /// Attempts still queued or live (accepted, ringing, in progress).
    pub live: u64,
    pub finished: u64,
    /// Rejected, not sent, unknown or interrupted.
    pub failed: u64,
}

/// One campaign, local or on the service.
#[derive(Debug, Clone, PartialEq)]
pub enum Campaign {
    Local(LocalBatch),
    Server {
        part: TaskPart,
        created_ms: i64,
        /// Tries brought home so far.
        home: u64,
    },
}

impl Campaign {
    pub fn started_ms(&self) -> i64 {
        match self {
            Campaign::Local(b) => b.started_ms,
            Campaign::Server { created_ms, .. } => *created_ms,
        }
    }

    /// The batch id its attempts carry: what History is filtered by to show its calls.
    pub fn batch_id(&self) -> String {
        match self {
            Campaign::Local(b) => b.batch_id.clone(),
            Campaign::Server { part, .. } => format!("task:{}:{}", part.task_key, part.part),
        }
    }

    /// The service's TaskId, for a server task that was created.
    pub fn task_id(&self) -> Option<u64> {
        match self {
            Campaign::Server { part, .. } if part.status == TaskPartStatus::Created => part.task_id,
            _ => None,
        }
    }
}

impl Store {
    /// The newest `limit` campaigns of `endpoint`, newest first.
    pub fn campaigns(&self, endpoint: &str, limit: usize) -> Result<Vec<Campaign>, HistoryError> {
        let mut out = self.local_batches(endpoint, limit)?;
        for (part, created_ms) in self.task_parts_of(endpoint, limit)? {
            let home = self.with(|conn| {
                Ok(conn.query_row(
                    "SELECT count(*) FROM attempt WHERE batch_id = ?1",
                    [format!("task:{}:{}", part.task_key, part.part)],
                    |r| r.get::<_, i64>(0),
                )?)
            })?;
            out.push(Campaign::Server {
                part,
                created_ms,
                home: home.max(0) as u64,
            });
        }
        out.sort_by_key(|c| std::cmp::Reverse(c.started_ms()));
        out.truncate(limit);
        Ok(out)
    }

    fn local_batches(&self, endpoint: &str, limit: usize) -> Result<Vec<Campaign>, HistoryError> {
        self.with(|conn| {
            let mut stmt = conn.prepare(
                "SELECT batch_id, min(created_at_ms), max(updated_at_ms), count(*),
                    sum(status IN ('queued', 'accepted', 'ringing', 'seat_joining', 'in_progress')),
                    sum(status = 'finished')
                 FROM attempt
                 WHERE batch_id IS NOT NULL AND batch_id NOT LIKE 'task:%' AND endpoint = ?1
                 GROUP BY batch_id ORDER BY min(created_at_ms) DESC LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![endpoint, limit as i64], |r| {
                let count = |i| r.get::<_, i64>(i).map(|v| v.max(0) as u64);
                let (attempts, live, finished) = (count(3)?, count(4)?, count(5)?);
                Ok(Campaign::Local(LocalBatch {
                    batch_id: r.get(0)?,
                    started_ms: r.get(1)?,
                    last_ms: r.get(2)?,
                    attempts,
                    live,
                    finished,
                    failed: attempts.saturating_sub(live + finished),
                }))
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    fn task_parts_of(
        &self,
        endpoint: &str,
        limit: usize,
    ) -> Result<Vec<(TaskPart, i64)>, HistoryError> {
        let keys: Vec<(String, u32, i64)> = self.with(|conn| {
            let mut stmt = conn.prepare(
                "SELECT task_key, part, created_at_ms FROM task WHERE endpoint = ?1
                 ORDER BY created_at_ms DESC LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![endpoint, limit as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })?;
        let mut out = Vec::new();
        for (key, part, created_ms) in keys {
            if let Some(p) = self.task_parts(&key)?.into_iter().find(|p| p.part == part) {
                out.push((p, created_ms));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::claim::tests::{ENDPOINT, attempt};
    use crate::history::task::tests::{T0, claim, part};
    use crate::history::{AttemptStatus, BatchRef, CallEvent, ClaimRule, EventUpdate};

    #[test]
    fn batches_and_tasks_are_listed_newest_first_with_their_progress() {
        let store = Store::open_in_memory().unwrap();
        for (i, status) in [
            AttemptStatus::Finished,
            AttemptStatus::Rejected,
            AttemptStatus::Queued,
        ]
        .into_iter()
        .enumerate()
        {
            let mut a = attempt(&format!("00861390000000{i}"), T0 - 10_000 + i as i64);
            a.batch = Some(BatchRef {
                batch_id: "b1".into(),
                row: i as u64 + 2,
            });
            store.claim(&a, &ClaimRule::default()).unwrap();
            if status != AttemptStatus::Queued {
                let event = CallEvent::Unrecognized {
                    kind: status.as_str().into(),
                    detail: serde_json::Value::Null,
                };
                let update = EventUpdate::new(T0, event).status(status);
                store.record_event(&a.id, update).unwrap();
            }
        }
        assert!(claim(&store, &part(1)).is_empty());
        store
            .settle_task_part("k", 1, TaskPartStatus::Created, Some(17_110), None, T0)
            .unwrap();
        let list = store.campaigns(ENDPOINT, 10).unwrap();
        assert_eq!(list.len(), 2);
        let Campaign::Server { part, home, .. } = &list[0] else {
            panic!("the task is newest: {list:?}");
        };
        assert_eq!((part.task_id, *home), (Some(17_110), 0));
        assert_eq!(list[0].batch_id(), "task:k:1");
        assert_eq!(list[0].task_id(), Some(17_110));
        let Campaign::Local(b) = &list[1] else {
            panic!("then the batch: {list:?}");
        };
        assert_eq!(
            (b.attempts, b.live, b.finished, b.failed),
            (3, 1, 1, 1),
            "{b:?}"
        );
        assert!(store.campaigns("elsewhere", 10).unwrap().is_empty());
    }
}
