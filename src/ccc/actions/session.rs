use serde::{Deserialize, Serialize};

use super::{Empty, action};

/// The live state of one PSTN session.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeTelSession {
    pub sdk_app_id: i64,
    pub session_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeTelSessionResponse {
    #[serde(default)]
    pub session: Option<PSTNSession>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PSTNSession {
    #[serde(default, rename = "SessionID")]
    pub session_id: Option<String>,
    #[serde(default, rename = "RoomID")]
    pub room_id: Option<String>,
    #[serde(default)]
    pub caller: Option<String>,
    #[serde(default)]
    pub callee: Option<String>,
    #[serde(default)]
    pub start_timestamp: Option<i64>,
    #[serde(default)]
    pub ring_timestamp: Option<i64>,
    #[serde(default)]
    pub accept_timestamp: Option<i64>,
    #[serde(default)]
    pub staff_email: Option<String>,
    #[serde(default)]
    pub staff_number: Option<String>,
    /// `ringing`, `seatJoining`, `inProgress` or `finished`.
    #[serde(default)]
    pub session_status: Option<String>,
    #[serde(default)]
    pub direction: Option<i64>,
    #[serde(default)]
    pub out_bound_caller: Option<String>,
    #[serde(default)]
    pub out_bound_callee: Option<String>,
    #[serde(default)]
    pub protected_caller: Option<String>,
    #[serde(default)]
    pub protected_callee: Option<String>,
}

/// Hangs up a session.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HangUpCall {
    pub sdk_app_id: u64,
    pub session_id: String,
}

action!(DescribeTelSession, DescribeTelSessionResponse);
action!(HangUpCall, Empty);
