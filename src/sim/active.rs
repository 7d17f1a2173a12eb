//! DescribePSTNActiveSessionList: the calls of the instance not finished yet, ringing or in
//! progress, as the service lists them for a check "is this callee already on a call?".

use serde_json::{Map, Value, json};

use super::Sim;
use super::reply::ApiError;
use super::session::{Phase, Session, secs};

/// The most rows a page may hold.
const MAX_LIMIT: i64 = 25;

pub fn describe(sim: &Sim, p: &Map<String, Value>, now_ms: i64) -> Result<Value, ApiError> {
    let int = |name: &str| p.get(name).and_then(Value::as_i64).unwrap_or(0);
    let (offset, limit) = (int("Offset"), int("Limit"));
    if offset < 0 {
        return Err(invalid(format!("Offset starts from 0, got {offset}.")));
    }
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(invalid(format!(
            "Limit must be between 1 and {MAX_LIMIT}, got {limit}."
        )));
    }
    let mut sessions = sim.sessions();
    let live: Vec<&Session> = sessions
        .in_order()
        .filter(|s| s.phase(now_ms) != Phase::Finished)
        .collect();
    let page: Vec<Value> = live
        .iter()
        .skip(offset as usize)
        .take(limit as usize)
        .map(|s| info(s, now_ms))
        .collect();
    Ok(json!({"Total": live.len(), "Sessions": page}))
}

/// A PSTNSessionInfo: the timestamps but RingTimestamp are strings on the wire.
fn info(s: &Session, now_ms: i64) -> Value {
    let accepted = s
        .accepted_ms()
        .filter(|a| now_ms >= *a)
        .map_or(String::new(), |a| secs(a).to_string());
    json!({
        "SessionID": s.id,
        "RoomID": "",
        "Caller": s.caller,
        "Callee": s.callee,
        "StartTimestamp": s.start_s().to_string(),
        "AcceptTimestamp": accepted,
        "StaffEmail": "",
        "StaffNumber": "",
        "SessionStatus": s.phase(now_ms).wire(),
        "Direction": 1,
        "RingTimestamp": s.start_s(),
        "ProtectedCaller": "",
        "ProtectedCallee": "",
    })
}

fn invalid(message: String) -> ApiError {
    ApiError::new("InvalidParameterValue", message)
}
