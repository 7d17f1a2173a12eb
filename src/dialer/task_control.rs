//! Steering a server task (stop, pause, resume) and one look at its progress: shared by
//! `ccc-dial task` and the dialer's Campaigns view, which also brings a task's tries home
//! once it has ended.

use super::ctx::Dialer;
use super::task_home::{Home, Origin, finished_tries};
use super::task_watch::Progress;
use crate::ccc::actions::{
    DescribeAutoCalloutTask, PauseAutoCalloutTask, ResumeAutoCalloutTask, StopAutoCalloutTask,
    TaskState,
};
use crate::ccc::{ApiError, Client};
use crate::history::HistoryError;

/// What to do with a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskVerb {
    /// No new calls, for good.
    Stop,
    Pause,
    Resume,
}

impl TaskVerb {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskVerb::Stop => "stop",
            TaskVerb::Pause => "pause",
            TaskVerb::Resume => "resume",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TaskControlError {
    /// Pause and Resume take signed ids.
    #[error("{0} is too large for PauseAutoCalloutTask and ResumeAutoCalloutTask")]
    TooLarge(u64),
    #[error(transparent)]
    Api(#[from] ApiError),
}

/// Why a followed task's look or its trip home failed.
#[derive(Debug, thiserror::Error)]
pub enum FollowError {
    #[error("{0}; {hint}", hint = .0.hint())]
    Api(#[from] ApiError),
    #[error("the history: {0}")]
    History(#[from] HistoryError),
}

/// Sends `verb` for the task; returns the RequestId.
pub async fn control_task(
    client: &Client,
    sdk_app_id: u64,
    task_id: u64,
    verb: TaskVerb,
) -> Result<String, TaskControlError> {
    let signed = |v: u64| i64::try_from(v).map_err(|_| TaskControlError::TooLarge(v));
    let request_id = match verb {
        TaskVerb::Stop => {
            client
                .send(&StopAutoCalloutTask {
                    sdk_app_id,
                    task_id,
                })
                .await?
                .request_id
        }
        TaskVerb::Pause => {
            client
                .send(&PauseAutoCalloutTask {
                    task_id: signed(task_id)?,
                    sdk_app_id: signed(sdk_app_id)?,
                })
                .await?
                .request_id
        }
        TaskVerb::Resume => {
            client
                .send(&ResumeAutoCalloutTask {
                    task_id: signed(task_id)?,
                    sdk_app_id: signed(sdk_app_id)?,
                })
                .await?
                .request_id
        }
    };
    Ok(request_id)
}

impl Dialer {
    /// One look at a task for a view that follows it, each request within the budget: its
    /// state and callees per state. Once the task has ended, each finished try not yet in
    /// the history is brought home (the records a page per hundred, then the AI report of
    /// each answered try), so a task followed to its end needs no `task watch` or
    /// `task results` for its calls to be seen.
    pub async fn follow_task(
        &self,
        sdk_app_id: u64,
        task_id: u64,
    ) -> Result<(Option<TaskState>, Progress, Home), FollowError> {
        let data = self
            .send(&DescribeAutoCalloutTask {
                sdk_app_id,
                task_id,
            })
            .await?
            .data;
        let progress = Progress::of(data.state, &data.callees);
        if !data.state.is_some_and(TaskState::is_final) {
            return Ok((data.state, progress, Home::default()));
        }
        let store = self.store().clone();
        let tries = finished_tries(&data.callees);
        let away = tokio::task::spawn_blocking(move || {
            let mut away = Vec::new();
            for t in tries {
                if store.find(&t.session_id)?.is_none() {
                    away.push(t);
                }
            }
            Ok::<_, HistoryError>(away)
        })
        .await
        .map_err(|e| HistoryError::Io(std::io::Error::other(e)))??;
        if away.is_empty() {
            return Ok((data.state, progress, Home::default()));
        }
        let origin = Origin::of(
            self.store(),
            self.backend_label(),
            sdk_app_id,
            task_id,
            data.not_before,
        )?;
        let sessions: Vec<String> = away.iter().map(|t| t.session_id.clone()).collect();
        let records = self
            .task_records(sdk_app_id, &sessions, origin.from_s)
            .await?;
        let home = self
            .bring_tries_home(&origin, &data, &away, &records)
            .await?;
        Ok((data.state, progress, home))
    }
}
