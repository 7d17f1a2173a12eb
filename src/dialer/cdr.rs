//! A finished call's record and AI details: the call record (DescribeTelCdr by SessionId,
//! asked again while it is not there yet), then the extracted tags, the latency and the
//! interaction records, each recorded as it comes.

use super::ctx::Dialer;
use super::ctx::now_ms;
use super::event::WatchEvent;
use super::word::CallWord;
use crate::ccc::ApiError;
use crate::ccc::actions::{
    DescribeAICallExtractResult, DescribeAICallInteractionRecords, DescribeAILatency,
    DescribeTelCdr, TelCdrInfo,
};
use crate::history::event::{CallRecord, ExtractedTags, Fetched, InteractionRecords, Latency};
use crate::history::{Attempt, AttemptId, AttemptStatus, CallEvent, EventUpdate};

/// How far before the attempt was created a call record may start (clock differences).
pub const LOOKBACK_S: i64 = 60;
/// How far past now the record window reaches, for a service clock ahead of ours.
pub const CLOCK_SLACK_S: i64 = 300;

/// The call-record window, Unix seconds: from a little before the attempt to a little past now.
pub(super) fn window_s(created_ms: i64, now_ms: i64) -> (i64, i64) {
    let from = created_ms.div_euclid(1_000) - LOOKBACK_S;
    let to = now_ms.max(created_ms).div_euclid(1_000) + CLOCK_SLACK_S;
    (from, to)
}

pub(super) fn error_text(e: &ApiError) -> String {
    format!("{e}; {}", e.hint())
}

/// What an AI-details request brought, or why it brought nothing.
fn fetched<R, T>(reply: Result<R, ApiError>, got: impl FnOnce(R) -> T) -> Fetched<T> {
    match reply {
        Ok(r) => Fetched::Got(got(r)),
        Err(e) => Fetched::Failed {
            error: error_text(&e),
        },
    }
}

impl Dialer {
    /// Fetches the call record of a finished session (retrying while it is not there yet),
    /// records it with the attempt's final status, then the AI details.
    pub(super) async fn fetch_record(
        &self,
        attempt: &Attempt,
        session_id: &str,
    ) -> Option<CallWord> {
        let config = self.watch_config();
        let mut pause = config.record_retry;
        let mut tries = 0;
        let mut last_error = String::from("the service has no record of it yet");
        let record = loop {
            tries += 1;
            let (from, to) = window_s(attempt.created_at_ms, now_ms());
            let request = DescribeTelCdr {
                start_time_stamp: from,
                end_time_stamp: to,
                sdk_app_id: attempt.sdk_app_id,
                page_size: 10,
                page_number: 0,
                session_ids: Some(vec![session_id.to_string()]),
                ..Default::default()
            };
            match self.send(&request).await {
                Ok(reply) => {
                    let found = reply
                        .data
                        .tel_cdr_list
                        .into_iter()
                        .find(|c| c.session_id.as_deref() == Some(session_id));
                    if found.is_some() {
                        break found;
                    }
                }
                Err(e) => last_error = error_text(&e),
            }
            if tries >= config.record_tries.max(1) {
                break None;
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(config.max_interval.max(config.record_retry));
        };
        let word = self
            .record_cdr(
                &attempt.id,
                record.as_ref(),
                Some(format!("no call record after {tries} tries: {last_error}")),
                None,
            )
            .await;
        let answered = record.as_ref().is_none_or(was_answered);
        if answered {
            self.fetch_details(attempt, session_id).await;
        }
        word
    }

    /// Records the call record (or why there is none) and makes the attempt Finished.
    pub(super) async fn record_cdr(
        &self,
        id: &AttemptId,
        record: Option<&TelCdrInfo>,
        missing: Option<String>,
        session_id: Option<String>,
    ) -> Option<CallWord> {
        let fetched = match record {
            Some(r) => Fetched::Got(CallRecord {
                record: Box::new(r.clone()),
            }),
            None => Fetched::Failed {
                error: missing.unwrap_or_default(),
            },
        };
        let update = EventUpdate {
            status: Some(AttemptStatus::Finished),
            session_id,
            ..EventUpdate::new(now_ms(), CallEvent::Cdr(fetched))
        };
        self.record(id, update).await;
        let word = record.map(|r| {
            r.end_status
                .map_or(CallWord::Failed, CallWord::from_end_status)
        });
        self.emit_watch(WatchEvent::Record {
            id: id.clone(),
            word,
            end_status: record.and_then(|r| r.end_status),
        });
        word
    }

    /// The AI details of an attempt's call, looked for from its creation to now.
    pub(super) async fn fetch_details(&self, attempt: &Attempt, session_id: &str) {
        let window = window_s(attempt.created_at_ms, now_ms());
        self.fetch_details_in(&attempt.id, attempt.sdk_app_id, session_id, window)
            .await;
    }

    /// Fetches and records the extracted tags, the latency and (where offered) the
    /// interaction records of a finished call, looked for within `window` (Unix seconds).
    pub(super) async fn fetch_details_in(
        &self,
        id: &AttemptId,
        sdk_app_id: i64,
        session_id: &str,
        (from, to): (i64, i64),
    ) {
        let session_id = session_id.to_string();
        let extract = DescribeAICallExtractResult {
            sdk_app_id,
            session_id: session_id.clone(),
            start_time: from,
            end_time: to,
        };
        let tags = fetched(self.send(&extract).await, |r| ExtractedTags {
            results: r.data.result_list,
        });
        self.note(id, CallEvent::Extract(tags)).await;
        let latency = DescribeAILatency {
            sdk_app_id,
            session_id: session_id.clone(),
            start_time: from,
            end_time: to,
        };
        let latency = fetched(self.send(&latency).await, |r| Latency {
            rounds: r.data.ai_latency_detail,
            statistics: r.data.ai_latency_statistics,
        });
        self.note(id, CallEvent::Latency(latency)).await;
        let records = self
            .send(&DescribeAICallInteractionRecords {
                sdk_app_id,
                session_id,
            })
            .await;
        let records = match records {
            Err(e) if e.is_unsupported_action() => {
                Fetched::Got(InteractionRecords::NotOffered { offered: false })
            }
            other => fetched(other, |r| InteractionRecords::Offered {
                offered: true,
                events: r.data.interaction_event_list,
            }),
        };
        self.note(id, CallEvent::Interaction(records)).await;
    }
}

/// Whether the callee picked up: only then are there tags, latency and a conversation.
pub(super) fn was_answered(r: &TelCdrInfo) -> bool {
    r.accept_timestamp.is_some_and(|t| t > 0) || r.duration.is_some_and(|d| d > 0)
}
