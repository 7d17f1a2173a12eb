//! Brings a task's finished tries into the history: each try becomes an attempt under the task
//! (batch id `task:KEY:PART`, row the CSV line) with its call record, so what works for a
//! single call (report, export, compare, stats) works for task calls. A try already at home
//! is not written again.

use std::collections::HashMap;

use serde_json::json;

use crate::ccc::actions::{DescribeAutoCalloutTaskResponse, TelCdrInfo};
use crate::history::{
    AttemptId, AttemptStatus, BatchRef, CallEvent, CallRecord, EventUpdate, Fetched, HistoryError,
    NewAttempt, Store, TaskPart,
};

/// Where the tries of one task come from.
pub struct Origin<'a> {
    pub endpoint: &'a str,
    pub sdk_app_id: u64,
    pub task_id: u64,
    /// The part created from this machine, if it was.
    pub part: Option<&'a TaskPart>,
    /// (CSV line, callee) in the request's order.
    pub lines: &'a [(u64, String)],
}

/// Records every try that has a call record and is not in the history yet; returns how many.
pub fn bring_home(
    store: &Store,
    origin: &Origin<'_>,
    task: &DescribeAutoCalloutTaskResponse,
    records: &HashMap<String, TelCdrInfo>,
) -> Result<usize, HistoryError> {
    let batch_id = match origin.part {
        Some(p) => format!("task:{}:{}", p.task_key, p.part),
        None => format!("task:{}", origin.task_id),
    };
    let mut added = 0;
    for (i, callee) in task.callees.iter().enumerate() {
        let line = origin
            .lines
            .get(i)
            .filter(|(_, n)| *n == callee.callee)
            .map_or(i as u64 + 1, |(l, _)| *l);
        for (n, session) in callee.sessions.iter().enumerate() {
            let Some(record) = records.get(session) else {
                continue;
            };
            if store.find(session)?.is_some() {
                continue;
            }
            let at_ms = record.start_timestamp.unwrap_or(0).saturating_mul(1_000);
            let id = AttemptId::new();
            store.record_queued(&NewAttempt {
                id: id.clone(),
                created_at_ms: at_ms,
                endpoint: origin.endpoint.to_string(),
                sdk_app_id: origin.sdk_app_id as i64,
                agent_id: record.ai_agent_id.unwrap_or(0).max(0) as u64,
                agent_name: record.ai_agent_name.clone(),
                callee: callee.callee.clone(),
                callers: task.callers.clone().unwrap_or_default(),
                variables: Vec::new(),
                max_ring_timeout: task.max_ring_timeout_second.filter(|s| *s > 0),
                acquire_timeout: None,
                request_json:
                    json!({"TaskId": origin.task_id, "Callee": callee.callee, "Try": n + 1})
                        .to_string(),
                batch: Some(BatchRef {
                    batch_id: batch_id.clone(),
                    row: line,
                }),
            })?;
            store.record_event(
                &id,
                EventUpdate {
                    status: Some(AttemptStatus::Accepted),
                    session_id: Some(session.clone()),
                    ..EventUpdate::new(at_ms, CallEvent::Accepted { tries: 1 })
                },
            )?;
            let ended_ms = record.ended_timestamp.unwrap_or(0).saturating_mul(1_000);
            crate::dialer::record_with_summary(
                store,
                &id,
                EventUpdate {
                    status: Some(AttemptStatus::Finished),
                    session_id: Some(session.clone()),
                    ..EventUpdate::new(
                        ended_ms.max(at_ms),
                        CallEvent::Cdr(Fetched::Got(CallRecord {
                            record: Box::new(record.clone()),
                        })),
                    )
                },
            )?;
            added += 1;
        }
    }
    Ok(added)
}
