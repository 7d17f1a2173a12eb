//! Brings a server task's finished tries into the history: each try becomes an attempt under
//! the task (batch id `task:KEY:PART`, row the CSV line) with its call record and, when it was
//! answered, the AI report a single call gets (extracted tags, latency, interaction records),
//! so report, export, compare and stats work for task calls. A try already at home is not
//! written again. Records come a hundred SessionIds a page.

use std::collections::HashMap;

use serde_json::json;

use super::cdr::{CLOCK_SLACK_S, LOOKBACK_S, was_answered};
use super::ctx::{Dialer, now_ms};
use crate::ccc::ApiError;
use crate::ccc::actions::{
    AutoCalloutTaskCalleeInfo, DescribeAutoCalloutTaskResponse, DescribeTelCdr, TelCdrInfo,
};
use crate::history::{
    AttemptId, AttemptStatus, BatchRef, CallEvent, CallRecord, EventUpdate, Fetched, HistoryError,
    NewAttempt, Store, TaskPart,
};

/// Most SessionIds one DescribeTelCdr carries (its page size).
pub const CDR_PAGE: usize = 100;
/// DescribeTelCdr's widest window is under 90 days.
const CDR_WINDOW_S: i64 = 89 * 86_400;

/// Where the tries of one task come from.
#[derive(Debug, Clone)]
pub struct Origin {
    pub sdk_app_id: u64,
    pub task_id: u64,
    /// The part created from this machine, if it was.
    pub part: Option<TaskPart>,
    /// (CSV line, callee) in the request's order.
    pub lines: Vec<(u64, String)>,
    /// Call records are looked for from here on, Unix seconds.
    pub from_s: i64,
}

impl Origin {
    /// The task as this machine knows it: its part and CSV lines when it was created here.
    pub fn of(
        store: &Store,
        endpoint: &str,
        sdk_app_id: u64,
        task_id: u64,
        not_before_s: Option<i64>,
    ) -> Result<Origin, HistoryError> {
        let part = store.task_part_by_id(endpoint, task_id)?;
        let lines = match &part {
            Some(p) => store.task_lines(&p.task_key, p.part)?,
            None => Vec::new(),
        };
        Ok(Origin {
            sdk_app_id,
            task_id,
            part,
            lines,
            from_s: not_before_s.unwrap_or(0) - 3_600,
        })
    }

    /// The CSV line of the callee at `index` of the task's answer, when known.
    pub fn line(&self, index: usize, callee: &str) -> Option<u64> {
        self.lines
            .get(index)
            .filter(|(_, n)| n == callee)
            .map(|(l, _)| *l)
    }

    fn batch_id(&self) -> String {
        match &self.part {
            Some(p) => format!("task:{}:{}", p.task_key, p.part),
            None => format!("task:{}", self.task_id),
        }
    }
}

/// What one trip home brought.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Home {
    /// Tries written to the history.
    pub tries: usize,
    /// Of those, answered tries whose AI report was asked for.
    pub reports: usize,
}

/// One finished try, where it sits in the task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Try {
    pub index: usize,
    pub callee: String,
    /// 1 for the first try.
    pub number: usize,
    pub session_id: String,
}

/// Every try of each callee that is done (answered or unanswered), in the task's order.
pub fn finished_tries(callees: &[AutoCalloutTaskCalleeInfo]) -> Vec<Try> {
    callees
        .iter()
        .enumerate()
        .filter(|(_, c)| c.state.is_final())
        .flat_map(|(index, c)| {
            c.sessions.iter().enumerate().map(move |(n, s)| Try {
                index,
                callee: c.callee.clone(),
                number: n + 1,
                session_id: s.clone(),
            })
        })
        .collect()
}

impl Dialer {
    /// Records of these sessions, a page of a hundred per request, within the budget.
    pub async fn task_records(
        &self,
        sdk_app_id: u64,
        sessions: &[String],
        from_s: i64,
    ) -> Result<HashMap<String, TelCdrInfo>, ApiError> {
        let mut out = HashMap::new();
        for chunk in sessions.chunks(CDR_PAGE) {
            let page = self
                .send(&DescribeTelCdr {
                    start_time_stamp: from_s,
                    end_time_stamp: from_s + CDR_WINDOW_S,
                    sdk_app_id: sdk_app_id as i64,
                    page_size: CDR_PAGE as i64,
                    page_number: 0,
                    session_ids: Some(chunk.to_vec()),
                    ..Default::default()
                })
                .await?
                .data;
            for cdr in page.tel_cdr_list {
                if let Some(id) = cdr.session_id.clone() {
                    out.insert(id, cdr);
                }
            }
        }
        Ok(out)
    }

    /// Writes each of `tries` that has a record and is not at home yet, then asks for the AI
    /// report of each answered one, as for a single call.
    pub async fn bring_tries_home(
        &self,
        origin: &Origin,
        task: &DescribeAutoCalloutTaskResponse,
        tries: &[Try],
        records: &HashMap<String, TelCdrInfo>,
    ) -> Result<Home, HistoryError> {
        let mut home = Home::default();
        for t in tries {
            let Some(record) = records.get(&t.session_id) else {
                continue;
            };
            let new = self.try_attempt(origin, task, t, record);
            let (id, session, record2) = (new.id.clone(), t.session_id.clone(), record.clone());
            let written = self
                .blocking_store(move |s| record_try(s, &new, &session, record2))
                .await?;
            if !written {
                continue;
            }
            home.tries += 1;
            if was_answered(record) {
                let start_s = record.start_timestamp.unwrap_or(origin.from_s);
                let end_s = record.ended_timestamp.unwrap_or(start_s);
                let window = (
                    start_s - LOOKBACK_S,
                    end_s.max(now_ms().div_euclid(1_000)) + CLOCK_SLACK_S,
                );
                self.fetch_details_in(&id, origin.sdk_app_id as i64, &t.session_id, window)
                    .await;
                home.reports += 1;
            }
        }
        Ok(home)
    }

    fn try_attempt(
        &self,
        origin: &Origin,
        task: &DescribeAutoCalloutTaskResponse,
        t: &Try,
        record: &TelCdrInfo,
    ) -> NewAttempt {
        NewAttempt {
            id: AttemptId::new(),
            created_at_ms: record.start_timestamp.unwrap_or(0).saturating_mul(1_000),
            endpoint: self.backend_label().to_string(),
            sdk_app_id: origin.sdk_app_id as i64,
            agent_id: record.ai_agent_id.unwrap_or(0).max(0) as u64,
            agent_name: record.ai_agent_name.clone(),
            callee: t.callee.clone(),
            callers: task.callers.clone().unwrap_or_default(),
            variables: Vec::new(),
            max_ring_timeout: task.max_ring_timeout_second.filter(|s| *s > 0),
            acquire_timeout: None,
            request_json: json!({"TaskId": origin.task_id, "Callee": t.callee, "Try": t.number})
                .to_string(),
            batch: Some(BatchRef {
                batch_id: origin.batch_id(),
                row: origin
                    .line(t.index, &t.callee)
                    .unwrap_or(t.index as u64 + 1),
            }),
        }
    }
}

/// Writes one try with its record; false when it is at home already.
fn record_try(
    store: &Store,
    new: &NewAttempt,
    session: &str,
    record: TelCdrInfo,
) -> Result<bool, HistoryError> {
    if store.find(session)?.is_some() {
        return Ok(false);
    }
    let at_ms = new.created_at_ms;
    store.record_queued(new)?;
    store.record_event(
        &new.id,
        EventUpdate {
            status: Some(AttemptStatus::Accepted),
            session_id: Some(session.to_string()),
            ..EventUpdate::new(at_ms, CallEvent::Accepted { tries: 1 })
        },
    )?;
    let ended_ms = record.ended_timestamp.unwrap_or(0).saturating_mul(1_000);
    super::record_with_summary(
        store,
        &new.id,
        EventUpdate {
            status: Some(AttemptStatus::Finished),
            session_id: Some(session.to_string()),
            ..EventUpdate::new(
                ended_ms.max(at_ms),
                CallEvent::Cdr(Fetched::Got(CallRecord {
                    record: Box::new(record),
                })),
            )
        },
    )?;
    Ok(true)
}
