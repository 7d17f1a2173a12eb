//! Steering a server task (stop, pause, resume) and one look at its progress: shared by
//! `ccc-dial task` and the dialer's Campaigns view.

use super::task_watch::Progress;
use crate::ccc::actions::{
    DescribeAutoCalloutTask, PauseAutoCalloutTask, ResumeAutoCalloutTask, StopAutoCalloutTask,
    TaskState,
};
use crate::ccc::{ApiError, Client};

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

/// One look at a task: its state and callees per state (the callee list is not kept).
pub async fn task_progress(
    client: &Client,
    sdk_app_id: u64,
    task_id: u64,
) -> Result<(Option<TaskState>, Progress), ApiError> {
    let data = client
        .send(&DescribeAutoCalloutTask {
            sdk_app_id,
            task_id,
        })
        .await?
        .data;
    Ok((data.state, Progress::of(data.state, &data.callees)))
}
