//! The transcript of a call in progress, asked for only while that call is shown in the
//! attempt pane: one request every few seconds at most, never two at once, inside the app's
//! request budget. Nothing is asked while the pane shows anything else, or once the call
//! ended (its report has the records).

use super::attempts::Detail;
use super::msg::Effect;
use crate::ccc::actions::InteractionEvent;
use crate::history::AttemptId;
use crate::history::event::{Fetched, InteractionRecords};

/// How often the shown call's transcript is asked for.
pub const POLL_MS: i64 = 3_000;

/// What is known of the shown call's transcript.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Heard {
    /// Not answered yet.
    #[default]
    Asking,
    Rounds(Vec<InteractionEvent>),
    /// The endpoint does not have the action: not asked again.
    NotOffered,
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct LiveTranscript {
    /// The attempt it is about.
    pub id: Option<AttemptId>,
    pub heard: Heard,
    asked_ms: Option<i64>,
    waiting: bool,
}

impl LiveTranscript {
    /// The request to make now: when `shown` is a call in progress with a session, nothing
    /// is waiting, and the last answer is older than [`POLL_MS`].
    pub fn poll(&mut self, shown: Option<&Detail>, now_ms: i64) -> Option<Effect> {
        let d = shown.filter(|d| d.live.is_some())?;
        let session_id = d.attempt.session_id.clone()?;
        if self.id.as_ref() != Some(&d.attempt.id) {
            *self = LiveTranscript {
                id: Some(d.attempt.id.clone()),
                ..LiveTranscript::default()
            };
        }
        let due = self.asked_ms.is_none_or(|t| now_ms - t >= POLL_MS);
        if self.waiting || self.heard == Heard::NotOffered || !due {
            return None;
        }
        self.waiting = true;
        self.asked_ms = Some(now_ms);
        Some(Effect::LoadTranscript {
            id: d.attempt.id.clone(),
            sdk_app_id: d.attempt.sdk_app_id,
            session_id,
        })
    }

    /// An answer; one about an attempt no longer shown is dropped.
    pub fn on_answer(&mut self, id: &AttemptId, records: Fetched<InteractionRecords>) {
        if self.id.as_ref() != Some(id) {
            return;
        }
        self.waiting = false;
        self.heard = match records {
            Fetched::Got(InteractionRecords::Offered { events, .. }) => Heard::Rounds(events),
            Fetched::Got(InteractionRecords::NotOffered { .. }) => Heard::NotOffered,
            Fetched::Failed { error } => Heard::Failed(error),
        };
    }

    /// What was heard of `id`, if it is the one asked about.
    pub fn of(&self, id: &AttemptId) -> Option<&Heard> {
        (self.id.as_ref() == Some(id)).then_some(&self.heard)
    }
}
