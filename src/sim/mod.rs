//! A faithful local stand-in for the CCC API: it verifies TC3 signatures, answers in the
//! service's JSON shape, runs each call through ringing, inProgress and finished, and fails
//! on purpose for the callee numbers of the fault table (`faults::TABLE`).
//!
//! Used in-process (the dialer's backend when no credentials are configured, and the tests'
//! peer) or standalone with `ccc-dial sim`.

mod actions;
mod active;
pub mod auth;
pub mod clock;
pub mod faults;
pub mod fixtures;
pub mod flavour;
mod incoming;
mod interaction;
pub mod limit;
pub mod log;
mod net;
pub mod params;
pub mod persona;
pub mod reply;
pub mod session;
pub mod state;
pub mod task;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};
use tokio::sync::watch;

pub use clock::{Clock, ManualClock, ScaledClock, SystemClock};
pub use fixtures::Fixtures;
pub use flavour::Flavour;
pub use log::LogEntry;

use crate::credentials::Credential;
use incoming::{Incoming, Signing};
use limit::RateLimit;
use log::RequestLog;
use net::{Cut, SimListener};
use reply::{ApiError, Reply, Transport};
use state::Sessions;
pub use state::StateFile;

/// The simulator's documented SecretId. Obviously fake: it signs nothing real.
pub const SIM_SECRET_ID: &str = "AKIDccc-dial-simulator";
/// The simulator's documented SecretKey.
pub const SIM_SECRET_KEY: &str = "ccc-dial-simulator-key";
pub const DEFAULT_RING: Duration = Duration::from_secs(2);
pub const DEFAULT_TALK: Duration = Duration::from_secs(8);
/// Longer than the official SDK's 60 s default timeout, so the slow fault outlasts it.
pub const DEFAULT_SLOW_ANSWER: Duration = Duration::from_secs(75);
/// The service's documented limit, for each action.
pub const DEFAULT_RATE_LIMIT: u32 = 20;
/// How long after a call ends its record, tags, latency and interaction records appear. The
/// service does not document its lag; a few seconds makes clients wait for them.
pub const DEFAULT_RECORD_LAG: Duration = Duration::from_secs(3);

#[derive(Clone)]
pub struct SimConfig {
    pub secret_id: String,
    pub secret_key: String,
    /// 0 picks any free port.
    pub port: u16,
    pub fixtures: Fixtures,
    /// How long a normal call rings before it is answered.
    pub ring: Duration,
    /// How long a normal call talks before the callee hangs up.
    pub talk: Duration,
    /// How long the slow-answer fault keeps the client waiting.
    pub slow_answer: Duration,
    /// The clock of call lifecycles (signatures and the rate limit always use real time).
    pub clock: Arc<dyn Clock>,
    /// Also write the request log to this file, one JSON object a line.
    pub log_file: Option<PathBuf>,
    /// Requests admitted per second, action and SdkAppId.
    pub rate_limit_per_sec: u32,
    /// How long after a call ends its reports become visible.
    pub record_lag: Duration,
    /// Which published API model to serve.
    pub flavour: Flavour,
    /// Keep the sessions in this file, shared with other simulators given the same one, so
    /// they outlive the process (the built-in simulator keeps them beside the history).
    pub state: Option<StateFile>,
    /// Callees one CreateAutoCalloutTask may carry (undocumented; see `task::DEFAULT_MAX_CALLEES`).
    pub max_task_callees: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            secret_id: SIM_SECRET_ID.into(),
            secret_key: SIM_SECRET_KEY.into(),
            port: 0,
            fixtures: Fixtures::default(),
            ring: DEFAULT_RING,
            talk: DEFAULT_TALK,
            slow_answer: DEFAULT_SLOW_ANSWER,
            clock: Arc::new(SystemClock),
            log_file: None,
            rate_limit_per_sec: DEFAULT_RATE_LIMIT,
            record_lag: DEFAULT_RECORD_LAG,
            flavour: Flavour::default(),
            state: None,
            max_task_callees: task::DEFAULT_MAX_CALLEES,
        }
    }
}

impl std::fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimConfig")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"<redacted>")
            .field("port", &self.port)
            .field("ring", &self.ring)
            .field("talk", &self.talk)
            .field("slow_answer", &self.slow_answer)
            .field("log_file", &self.log_file)
            .field("rate_limit_per_sec", &self.rate_limit_per_sec)
            .field("record_lag", &self.record_lag)
            .field("flavour", &self.flavour)
            .field("state", &self.state)
            .field("max_task_callees", &self.max_task_callees)
            .finish_non_exhaustive()
    }
}

/// The state shared by every request.
pub(crate) struct Sim {
    cred: Credential,
    fixtures: Fixtures,
    ring_ms: i64,
    talk_ms: i64,
    slow_answer: Duration,
    record_lag_ms: i64,
    flavour: Flavour,
    clock: Arc<dyn Clock>,
    sessions: Mutex<Sessions>,
    /// Locked before `sessions` when both are needed.
    tasks: Mutex<task::Tasks>,
    max_task_callees: usize,
    limit: Mutex<RateLimit>,
    log: RequestLog,
    stop: watch::Receiver<bool>,
}

impl Sim {
    fn sessions(&self) -> MutexGuard<'_, Sessions> {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn tasks(&self) -> MutexGuard<'_, task::Tasks> {
        self.tasks.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A running simulator. Dropping it stops the server too.
pub struct SimHandle {
    addr: SocketAddr,
    sim: Arc<Sim>,
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl SimHandle {
    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The credential the simulator accepts.
    pub fn credential(&self) -> Credential {
        self.sim.cred.clone()
    }

    /// Every request received so far, oldest first (the last `log::MEMORY_CAP`).
    pub fn requests(&self) -> Vec<LogEntry> {
        self.sim.log.entries()
    }

    /// How many requests named this action.
    pub fn count(&self, action: &str) -> usize {
        self.sim.log.count(action)
    }

    /// Stops accepting, finishes the requests in flight (cutting short slow answers) and waits.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Binds 127.0.0.1:`config.port` and serves until the handle is shut down or dropped.
pub async fn start(config: SimConfig) -> std::io::Result<SimHandle> {
    let cred = Credential::new(config.secret_id, config.secret_key, None)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()))?;
    let log = RequestLog::new(config.log_file.as_deref())?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port))
        .await
        .map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!(
                    "cannot listen on 127.0.0.1:{}: {e}; pick another port, or 0 for any free one",
                    config.port
                ),
            )
        })?;
    let addr = listener.local_addr()?;
    let sessions = match config.state {
        Some(file) => Sessions::kept_in(file).map_err(|e| std::io::Error::other(e.to_string()))?,
        None => Sessions::default(),
    };
    let (stop, stop_rx) = watch::channel(false);
    let sim = Arc::new(Sim {
        cred,
        fixtures: config.fixtures,
        ring_ms: millis(config.ring),
        talk_ms: millis(config.talk),
        slow_answer: config.slow_answer,
        record_lag_ms: millis(config.record_lag),
        flavour: config.flavour,
        clock: config.clock,
        sessions: Mutex::new(sessions),
        tasks: Mutex::new(task::Tasks::default()),
        max_task_callees: config.max_task_callees,
        limit: Mutex::new(RateLimit::new(config.rate_limit_per_sec)),
        log,
        stop: stop_rx.clone(),
    });
    let app = Router::new()
        .fallback(handle)
        .with_state(sim.clone())
        .into_make_service_with_connect_info::<Cut>();
    let mut stopped = stop_rx;
    let server = axum::serve(SimListener(listener), app).with_graceful_shutdown(async move {
        let _ = stopped.wait_for(|s| *s).await;
    });
    let task = tokio::spawn(async move { server.await });
    Ok(SimHandle {
        addr,
        sim,
        stop,
        task: Some(task),
    })
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

async fn handle(
    State(sim): State<Arc<Sim>>,
    ConnectInfo(cut): ConnectInfo<Cut>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let now_ms = sim.clock.now_ms();
    let incoming = incoming::read(&method, &uri, &headers, &body);
    let (reply, created) = match process(&sim, &method, &uri, &headers, &body, &incoming, now_ms) {
        Ok(outcome) => (outcome.reply, outcome.created),
        Err(e) => (Reply::Error(e), None),
    };
    let named = incoming
        .params
        .get("SessionId")
        .and_then(Value::as_str)
        .map(String::from);
    sim.log.record(LogEntry {
        time: rfc3339(now_ms),
        action: incoming.action,
        body: incoming.params,
        verdict: reply.verdict(),
        session_id: created.or(named),
    });
    match reply {
        Reply::Ok(fields) => json_response(StatusCode::OK, reply::success_body(fields, &request_id).to_string()),
        Reply::Error(e) => json_response(StatusCode::OK, reply::error_body(&e, &request_id).to_string()),
        Reply::Fault(Transport::Slow, fields) => {
            let mut stop = sim.stop.clone();
            tokio::select! {
                _ = tokio::time::sleep(sim.slow_answer) => {}
                _ = stop.wait_for(|s| *s) => {}
            }
            json_response(StatusCode::OK, reply::success_body(fields, &request_id).to_string())
        }
        Reply::Fault(Transport::Dropped, _) => {
            cut.now();
            StatusCode::OK.into_response()
        }
        Reply::Fault(Transport::Http500, _) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CONTENT_TYPE, "text/html")],
            "<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n<center><h1>500 Internal Server Error</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
        )
            .into_response(),
        Reply::Fault(Transport::MalformedJson, fields) => {
            let full = reply::success_body(fields, &request_id).to_string();
            json_response(StatusCode::OK, full[..full.len() / 2].to_string())
        }
    }
}

/// The checks in the service's order: protocol, action and version, signature, rate limit,
/// parameters; then the action itself.
fn process(
    sim: &Sim,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    incoming: &Incoming,
    now_ms: i64,
) -> Result<actions::Outcome, ApiError> {
    if method != Method::POST && method != Method::GET {
        return Err(ApiError::new(
            "UnsupportedProtocol",
            "The simulator accepts POST (JSON or form body) and GET requests, as the SDKs send.",
        ));
    }
    let action = check_action_and_version(incoming)?;
    verify_signature(sim, method, uri, headers, body, incoming)?;
    let schema = params::schema(action)
        .or_else(|| task::schema(action))
        .filter(|_| sim.flavour.offers(action));
    let Some(schema) = schema else {
        return Err(ApiError::new(
            "InvalidAction",
            format!(
                "The action `{action}` does not exist for CCC version {} ({} API).",
                crate::ccc::API_VERSION,
                sim.flavour.name()
            ),
        ));
    };
    let Some(params) = incoming.object() else {
        return Err(ApiError::new(
            "InvalidParameter",
            "The request body is not a JSON object.",
        ));
    };
    let params = &params;
    admit(sim, action, params)?;
    if let Some(name) = params.keys().find(|n| !sim.flavour.accepts(action, n)) {
        return Err(ApiError::new(
            "UnknownParameter",
            format!(
                "The parameter `{name}` is not recognized ({} API).",
                sim.flavour.name()
            ),
        ));
    }
    params::check(schema, params, "")?;
    let mut outcome = if task::schema(action).is_some() {
        task::run(sim, action, params, now_ms)
    } else {
        // Task calls are sessions too: bring them up to now before any session is looked at.
        sim.tasks().advance(now_ms, &mut sim.sessions());
        actions::run(sim, action, params, now_ms)
    };
    if let Reply::Ok(fields) | Reply::Fault(_, fields) = &mut outcome.reply {
        sim.flavour.shape(action, fields);
    }
    Ok(outcome)
}

/// The action named by the request, once both it and the API version are present and the
/// version is the one CCC has.
fn check_action_and_version(incoming: &Incoming) -> Result<&str, ApiError> {
    let action = incoming.action.as_str();
    if action.is_empty() {
        return Err(ApiError::new(
            "MissingParameter",
            "The request is missing a required parameter `Action` (header X-TC-Action).",
        ));
    }
    match incoming.version.as_deref().map(str::as_bytes) {
        None => Err(ApiError::new(
            "MissingParameter",
            "The request is missing a required parameter `Version` (header X-TC-Version).",
        )),
        Some(v) if v != crate::ccc::API_VERSION.as_bytes() => Err(ApiError::new(
            "NoSuchVersion",
            format!(
                "The API version {:?} does not exist; CCC is version {}.",
                String::from_utf8_lossy(v),
                crate::ccc::API_VERSION
            ),
        )),
        Some(_) => Ok(action),
    }
}

/// Checks the request's signature, TC3 or the older HmacSHA256 one, against the real clock.
fn verify_signature(
    sim: &Sim,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    incoming: &Incoming,
) -> Result<(), ApiError> {
    let real_now_s = clock::wall_ms().div_euclid(1_000);
    match &incoming.signing {
        Signing::Tc3 => auth::verify(
            headers,
            method.as_str(),
            uri.query().unwrap_or(""),
            body,
            &sim.cred,
            real_now_s,
        )?,
        Signing::Hmac(pairs) => {
            let host = headers
                .get(header::HOST)
                .map(|h| String::from_utf8_lossy(h.as_bytes()).into_owned())
                .unwrap_or_default();
            auth::verify_v1(
                method.as_str(),
                &host,
                uri.path(),
                pairs,
                &sim.cred,
                real_now_s,
            )?
        }
    }
    Ok(())
}

/// The per-application rate limit; calls without an `SdkAppId` are not counted.
fn admit(sim: &Sim, action: &str, params: &Map<String, Value>) -> Result<(), ApiError> {
    let Some(app) = params.get("SdkAppId").and_then(Value::as_i64) else {
        return Ok(());
    };
    let mut limit = sim.limit.lock().unwrap_or_else(|p| p.into_inner());
    if limit.admit(action, app, Instant::now()) {
        return Ok(());
    }
    let n = limit.per_sec();
    Err(ApiError::new(
        "RequestLimitExceeded",
        format!(
            "Your current request times equals to `{n}` in a second, which exceeds the frequency limit `{n}` for a second. Please reduce the frequency of calls."
        ),
    ))
}

fn json_response(status: StatusCode, body: String) -> Response {
    // Exactly `application/json`: the official SDKs ignore errors under any other type.
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
