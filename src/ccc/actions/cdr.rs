use serde::{Deserialize, Serialize};

use super::action;

/// Call records (and recordings) in a time window, filterable by phone or SessionId.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeTelCdr {
    pub start_time_stamp: i64,
    pub end_time_stamp: i64,
    pub sdk_app_id: i64,
    /// At most 100.
    pub page_size: i64,
    pub page_number: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phones: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_ids: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeTelCdrResponse {
    #[serde(default)]
    pub total_count: Option<i64>,
    #[serde(default)]
    pub tel_cdr_list: Vec<TelCdrInfo>,
}

/// One call record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TelCdrInfo {
    pub session_id: Option<String>,
    pub caller: Option<String>,
    pub callee: Option<String>,
    pub time: Option<i64>,
    pub direction: Option<i64>,
    pub call_type: Option<i64>,
    pub duration: Option<i64>,
    #[serde(rename = "RecordURL")]
    pub record_url: Option<String>,
    pub record_id: Option<String>,
    #[serde(rename = "CustomRecordURL")]
    pub custom_record_url: Option<String>,
    pub asr_url: Option<String>,
    pub asr_status: Option<String>,
    pub end_status: Option<i64>,
    pub end_status_string: Option<String>,
    /// `seat`, `user` or `system`.
    pub hung_up_side: Option<String>,
    pub start_timestamp: Option<i64>,
    pub ring_timestamp: Option<i64>,
    pub accept_timestamp: Option<i64>,
    pub ended_timestamp: Option<i64>,
    pub queued_timestamp: Option<i64>,
    #[serde(rename = "IVRDuration")]
    pub ivr_duration: Option<i64>,
    #[serde(rename = "IVRKeyPressed")]
    pub ivr_key_pressed: Option<Vec<String>>,
    #[serde(rename = "IVRKeyPressedEx")]
    pub ivr_key_pressed_ex: Option<Vec<IVRKeyPressedElement>>,
    #[serde(rename = "PostIVRKeyPressed")]
    pub post_ivr_key_pressed: Option<Vec<IVRKeyPressedElement>>,
    pub seat_user: Option<SeatUserInfo>,
    pub serve_participants: Option<Vec<ServeParticipant>>,
    pub skill_group: Option<String>,
    pub skill_group_id: Option<i64>,
    pub queued_skill_group_id: Option<i64>,
    pub queued_skill_group_name: Option<String>,
    pub caller_location: Option<String>,
    pub protected_caller: Option<String>,
    pub protected_callee: Option<String>,
    #[serde(rename = "UUI")]
    pub uui: Option<String>,
    pub remark: Option<String>,
    #[serde(rename = "VoicemailRecordURL")]
    pub voicemail_record_url: Option<Vec<String>>,
    #[serde(rename = "VoicemailAsrURL")]
    pub voicemail_asr_url: Option<Vec<String>>,
    #[serde(rename = "AIAgentId")]
    pub ai_agent_id: Option<i64>,
    #[serde(rename = "AIAgentName")]
    pub ai_agent_name: Option<String>,
    pub sys_hangup_reason: Option<i64>,
    pub sys_hangup_reason_string: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct IVRKeyPressedElement {
    pub key: Option<String>,
    pub label: Option<String>,
    pub timestamp: Option<i64>,
    pub node_label: Option<String>,
    pub original_content: Option<String>,
    #[serde(rename = "TTSPrompt")]
    pub tts_prompt: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SeatUserInfo {
    pub name: Option<String>,
    pub mail: Option<String>,
    pub staff_number: Option<String>,
    pub phone: Option<String>,
    pub nick: Option<String>,
    pub user_id: Option<String>,
    pub skill_group_name_list: Option<Vec<String>>,
    pub role: Option<i64>,
    pub extension_number: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ServeParticipant {
    pub mail: Option<String>,
    pub phone: Option<String>,
    pub ring_timestamp: Option<i64>,
    pub accept_timestamp: Option<i64>,
    pub ended_timestamp: Option<i64>,
    pub record_id: Option<String>,
    #[serde(rename = "Type")]
    pub kind: Option<String>,
    pub transfer_from: Option<String>,
    pub transfer_from_type: Option<String>,
    pub transfer_to: Option<String>,
    pub transfer_to_type: Option<String>,
    pub skill_group_id: Option<i64>,
    pub end_status_string: Option<String>,
    #[serde(rename = "RecordURL")]
    pub record_url: Option<String>,
    pub sequence: Option<i64>,
    pub start_timestamp: Option<i64>,
    pub skill_group_name: Option<String>,
    #[serde(rename = "CustomRecordURL")]
    pub custom_record_url: Option<String>,
}

action!(DescribeTelCdr, DescribeTelCdrResponse);
