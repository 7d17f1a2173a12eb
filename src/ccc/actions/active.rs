//! The calls of an instance in progress right now, from anywhere: the service's witness that
//! a callee is already on a call.

use serde::{Deserialize, Serialize};

use super::action;

/// One page of the instance's PSTN calls in progress.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribePSTNActiveSessionList {
    pub sdk_app_id: i64,
    pub offset: i64,
    /// At most [`ACTIVE_SESSIONS_PAGE`].
    pub limit: i64,
}

/// The most rows the service returns per page.
pub const ACTIVE_SESSIONS_PAGE: i64 = 25;

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribePSTNActiveSessionListResponse {
    #[serde(default)]
    pub total: Option<i64>,
    #[serde(default)]
    pub sessions: Vec<PSTNSessionInfo>,
}

/// A call in progress. Caller and Callee are empty when number protection is on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PSTNSessionInfo {
    /// Spelled with a capital D by the service.
    #[serde(rename = "SessionID")]
    pub session_id: Option<String>,
    #[serde(rename = "RoomID")]
    pub room_id: Option<String>,
    pub caller: Option<String>,
    pub callee: Option<String>,
    /// Unix seconds, as a string.
    pub start_timestamp: Option<String>,
    /// Unix seconds, as a string.
    pub accept_timestamp: Option<String>,
    pub staff_email: Option<String>,
    pub staff_number: Option<String>,
    /// `inProgress`.
    pub session_status: Option<String>,
    /// 0 inbound, 1 outbound.
    pub direction: Option<i64>,
    pub ring_timestamp: Option<i64>,
    pub protected_caller: Option<String>,
    pub protected_callee: Option<String>,
}

action!(
    DescribePSTNActiveSessionList,
    DescribePSTNActiveSessionListResponse
);
