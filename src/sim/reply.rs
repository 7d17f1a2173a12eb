//! What the simulator answers: the service's `{"Response": …}` JSON, or a scripted transport fault.

use serde_json::{Map, Value, json};

/// An error in the service's shape: `Response.Error.Code` and `Response.Error.Message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        ApiError {
            code: code.to_string(),
            message: message.into(),
        }
    }
}

/// Ways the answer itself goes wrong, as a flaky network or a failing gateway would.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// The answer comes only after `SimConfig::slow_answer`.
    Slow,
    /// The connection closes after the request was read, with no response at all.
    Dropped,
    /// HTTP 500 with an HTML page.
    Http500,
    /// HTTP 200 `application/json` whose body is cut off mid-object.
    MalformedJson,
}

impl Transport {
    /// The verdict written to the request log.
    pub fn verdict(self) -> &'static str {
        match self {
            Transport::Slow => "slow",
            Transport::Dropped => "dropped",
            Transport::Http500 => "http500",
            Transport::MalformedJson => "malformed",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// The output fields of a successful call (RequestId is added on the way out).
    Ok(Map<String, Value>),
    Error(ApiError),
    /// A transport fault; the wrapped fields are what a healthy answer would have carried.
    Fault(Transport, Map<String, Value>),
}

impl Reply {
    pub fn ok(fields: Value) -> Self {
        match fields {
            Value::Object(m) => Reply::Ok(m),
            _ => Reply::Ok(Map::new()),
        }
    }

    pub fn verdict(&self) -> String {
        match self {
            Reply::Ok(_) => "ok".into(),
            Reply::Error(e) => e.code.clone(),
            Reply::Fault(t, _) => t.verdict().into(),
        }
    }
}

impl From<ApiError> for Reply {
    fn from(e: ApiError) -> Self {
        Reply::Error(e)
    }
}

/// `{"Response": {...fields, "RequestId"}}`.
pub fn success_body(mut fields: Map<String, Value>, request_id: &str) -> Value {
    fields.insert("RequestId".into(), json!(request_id));
    json!({ "Response": fields })
}

pub fn error_body(e: &ApiError, request_id: &str) -> Value {
    json!({"Response": {"Error": {"Code": e.code, "Message": e.message}, "RequestId": request_id}})
}
