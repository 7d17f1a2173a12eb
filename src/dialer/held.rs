//! Why a dial was held back: an earlier attempt to the same callee, seen in this machine's
//! history or in the service's own records, that may still be ringing or rang recently; or a
//! server task created from this machine that may call it.

use std::fmt;

use crate::history::{AttemptId, BatchRef, Hold, TaskHolder, TaskPartStatus};

/// Where the earlier call was seen.
#[derive(Debug, Clone, PartialEq)]
pub enum Witness {
    /// This machine's history.
    History {
        attempt: AttemptId,
        batch: Option<BatchRef>,
    },
    /// The service's call records or its list of calls in progress: placed from anywhere.
    Service { session_id: String },
    /// A server task created from this machine lists the callee: the service may call it.
    Task {
        task_id: Option<u64>,
        name: String,
        line: u64,
    },
}

/// The earlier call that holds a callee.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldBack {
    pub callee: String,
    /// When the earlier call was made, ms since the epoch.
    pub at_ms: i64,
    /// Its outcome in words: `accepted`, `unknown`, `queued` (in flight), `in progress`,
    /// or the service's end status.
    pub outcome: String,
    pub witness: Witness,
}

impl HeldBack {
    pub fn from_history(callee: &str, hold: Hold) -> HeldBack {
        let holder = match hold {
            Hold::Attempt(h) => h,
            Hold::Task(t) => return HeldBack::from_task(callee, t),
        };
        let outcome = match holder.status.as_str() {
            "queued" => "in flight".to_string(),
            other => other.replace('_', " "),
        };
        HeldBack {
            callee: callee.to_owned(),
            at_ms: holder.created_at_ms,
            outcome,
            witness: Witness::History {
                attempt: holder.id,
                batch: holder.batch,
            },
        }
    }

    /// Whether another run on this machine has a request to the callee in flight right now
    /// (recorded, its answer not in yet), as opposed to a call placed earlier.
    pub fn in_flight_here(&self) -> bool {
        matches!(self.witness, Witness::History { .. }) && self.outcome == "in flight"
    }

    fn from_task(callee: &str, t: TaskHolder) -> HeldBack {
        let outcome = match t.status {
            // Its creation may be under way: the service may already hold the task.
            TaskPartStatus::Queued => "in flight",
            TaskPartStatus::Unknown => "unknown",
            _ => "in a task",
        };
        HeldBack {
            callee: callee.to_owned(),
            at_ms: t.created_at_ms,
            outcome: outcome.into(),
            witness: Witness::Task {
                task_id: t.task_id,
                name: t.name,
                line: t.line,
            },
        }
    }

    /// Whether the earlier call may still be under way, so no override lets a second through.
    pub fn in_flight(&self) -> bool {
        matches!(
            self.outcome.as_str(),
            "in flight" | "in progress" | "ringing"
        )
    }
}

impl fmt::Display for HeldBack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let when = chrono::DateTime::from_timestamp_millis(self.at_ms)
            .map(|t| {
                t.with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string()
            })
            .unwrap_or_else(|| "an unknown time".into());
        write!(f, "{} was called at {when} ({})", self.callee, self.outcome)?;
        match &self.witness {
            Witness::History { attempt, batch } => {
                write!(f, " from this machine, attempt {}", attempt.short())?;
                if let Some(b) = batch {
                    write!(
                        f,
                        ", batch {} line {}",
                        &b.batch_id[..b.batch_id.len().min(12)],
                        b.row
                    )?;
                }
                Ok(())
            }
            Witness::Service { session_id } => {
                write!(f, " per the service's records, session {session_id}")
            }
            Witness::Task {
                task_id,
                name,
                line,
            } => {
                match task_id {
                    Some(id) => write!(f, " from this machine, server task {id}")?,
                    None => write!(f, " from this machine, a server task being created")?,
                }
                write!(f, " ({name}) line {line}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::AttemptStatus;

    #[test]
    fn says_when_what_and_where() {
        let held = HeldBack::from_history(
            "008613000000001",
            Hold::Attempt(crate::history::Holder {
                id: AttemptId::from("6bb56a09-0000"),
                created_at_ms: 1_800_000_000_000,
                status: AttemptStatus::Queued,
                session_id: None,
                batch: Some(BatchRef {
                    batch_id: "0123456789abcdef".into(),
                    row: 7,
                }),
            }),
        );
        assert!(held.in_flight() && held.in_flight_here());
        let text = held.to_string();
        assert!(
            text.starts_with("008613000000001 was called at 20"),
            "{text}"
        );
        assert!(
            text.ends_with(
                "(in flight) from this machine, attempt 6bb56a09, batch 0123456789ab line 7"
            ),
            "{text}"
        );
        let service = HeldBack {
            outcome: "in progress".into(),
            witness: Witness::Service {
                session_id: "s-1".into(),
            },
            ..held
        };
        assert!(
            service
                .to_string()
                .ends_with("per the service's records, session s-1")
        );
        assert!(service.in_flight() && !service.in_flight_here());
        let task = HeldBack::from_history(
            "008613000000001",
            Hold::Task(TaskHolder {
                task_key: "k".into(),
                part: 1,
                name: "list-k-1of1".into(),
                task_id: Some(17_110),
                status: TaskPartStatus::Created,
                line: 3,
                created_at_ms: 1_800_000_000_000,
            }),
        );
        assert!(!task.in_flight());
        assert!(
            task.to_string()
                .ends_with("(in a task) from this machine, server task 17110 (list-k-1of1) line 3"),
            "{task}"
        );
    }
}
