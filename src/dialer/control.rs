//! Acting on a live call: hanging it up (HangUpCall) and steering its agent
//! (ControlAIConversation: pushed text or an LLM turn). Each action is recorded in the call's
//! timeline with its result, and reported.

use super::ctx::{Dialer, HistoryUnreadable};
use super::event::{DialerEvent, Failure, WatchEvent};
use crate::ccc::ApiError;
use crate::ccc::actions::{ControlAIConversation, HangUpCall};
use crate::history::event::ActionResult;
use crate::history::{Attempt, AttemptId, CallEvent, PushKind};

const NOT_IN_CONTROL_STATE: &str = "FailedOperation.SessionNotInControlState";

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ControlError {
    #[error("no attempt {0} in the history")]
    NotFound(AttemptId),
    #[error("attempt {} has no SessionId: only an accepted call can be {what}", .id.short())]
    NoSession { id: AttemptId, what: &'static str },
    #[error("nothing to send: type the text first")]
    EmptyText,
    /// The call is ringing or over: the catalog's hint says so.
    #[error("{hint}")]
    NotControllable { hint: String },
    #[error("{}: {}", .0.message, .0.hint)]
    Failed(Failure),
    #[error(transparent)]
    History(#[from] HistoryUnreadable),
}

impl Dialer {
    async fn controllable(
        &self,
        id: &AttemptId,
        what: &'static str,
    ) -> Result<(Attempt, String), ControlError> {
        let attempt = self
            .load(id)
            .await
            .map_err(HistoryUnreadable::from)?
            .ok_or_else(|| ControlError::NotFound(id.clone()))?;
        match attempt.session_id.clone() {
            Some(s) => Ok((attempt, s)),
            None => Err(ControlError::NoSession {
                id: id.clone(),
                what,
            }),
        }
    }

    /// Hangs up the call of an attempt. The watch sees it end at its next poll, which this
    /// brings forward.
    pub async fn hang_up(&self, id: &AttemptId) -> Result<(), ControlError> {
        let (attempt, session_id) = self.controllable(id, "hung up").await?;
        let sdk_app_id = u64::try_from(attempt.sdk_app_id).map_err(|_| {
            ControlError::Failed(local_failure(format!(
                "SdkAppId {} is not a valid id",
                attempt.sdk_app_id
            )))
        })?;
        let result = self
            .send(&HangUpCall {
                sdk_app_id,
                session_id,
            })
            .await
            .map(|_| ());
        let event = CallEvent::Hangup(action_result(&result));
        self.note(id, event).await;
        let result = result.map_err(|e| ControlError::Failed(Failure::from_error(&e)));
        self.emit(DialerEvent::Watch(WatchEvent::HangUp {
            id: id.clone(),
            result: result.clone().map_err(|e| e.to_string()),
        }));
        self.watching().nudge(id);
        result
    }

    /// Has the agent say `text` (ServerPushText), cutting itself short when `interrupt`.
    pub async fn push_text(
        &self,
        id: &AttemptId,
        text: &str,
        interrupt: bool,
    ) -> Result<(), ControlError> {
        self.steer(id, PushKind::Text, text, interrupt).await
    }

    /// Sends `text` to the agent's LLM for a turn (InvokeLLM).
    pub async fn invoke_llm(
        &self,
        id: &AttemptId,
        text: &str,
        interrupt: bool,
    ) -> Result<(), ControlError> {
        self.steer(id, PushKind::Llm, text, interrupt).await
    }

    pub async fn steer(
        &self,
        id: &AttemptId,
        kind: PushKind,
        text: &str,
        interrupt: bool,
    ) -> Result<(), ControlError> {
        if text.trim().is_empty() {
            return Err(ControlError::EmptyText);
        }
        let (attempt, session_id) = self.controllable(id, "steered").await?;
        let request = match kind {
            PushKind::Text => {
                ControlAIConversation::push_text(attempt.sdk_app_id, &session_id, text, interrupt)
            }
            PushKind::Llm => {
                ControlAIConversation::invoke_llm(attempt.sdk_app_id, &session_id, text, interrupt)
            }
        };
        let result = self.send(&request).await.map(|_| ());
        let event = CallEvent::Push {
            kind,
            text: text.to_string(),
            interrupt,
            result: action_result(&result),
        };
        self.note(id, event).await;
        let result = result.map_err(|e| match e.code() {
            Some(NOT_IN_CONTROL_STATE) => ControlError::NotControllable { hint: e.hint() },
            _ => ControlError::Failed(Failure::from_error(&e)),
        });
        self.emit(DialerEvent::Watch(WatchEvent::Pushed {
            id: id.clone(),
            kind,
            text: text.to_string(),
            result: result.clone().map_err(|e| e.to_string()),
        }));
        result
    }
}

/// How the action went, as recorded.
fn action_result(result: &Result<(), ApiError>) -> ActionResult {
    match result {
        Ok(()) => ActionResult {
            ok: true,
            ..Default::default()
        },
        Err(e) => {
            let f = Failure::from_error(e);
            ActionResult {
                ok: false,
                code: f.code,
                message: Some(f.message),
                hint: Some(f.hint),
                request_id: f.request_id,
            }
        }
    }
}

fn local_failure(message: String) -> Failure {
    Failure::from_error(&ApiError::NotSent {
        action: "HangUpCall",
        reason: message,
        passing: false,
    })
}
