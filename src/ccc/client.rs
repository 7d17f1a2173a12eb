//! The signed HTTP client: one generic `send` for every action.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::Url;
use serde_json::Value;

use super::actions::Action;
use super::error::ApiError;
use super::tls;
use crate::credentials::Credential;
use crate::endpoint;
use crate::tc3;

pub const DEFAULT_LANGUAGE: &str = "en-US";
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// A host (`ccc.intl.tencentcloudapi.com`) or a URL (`http://127.0.0.1:8080` for a simulator).
    pub endpoint: String,
    pub region: Option<String>,
    /// `X-TC-Language`; `en-US` so that error messages come in English.
    pub language: String,
    pub timeout: Duration,
    pub credential: Credential,
}

impl ClientConfig {
    pub fn new(endpoint: impl Into<String>, credential: Credential) -> Self {
        ClientConfig {
            endpoint: endpoint.into(),
            region: None,
            language: DEFAULT_LANGUAGE.into(),
            timeout: DEFAULT_TIMEOUT,
            credential,
        }
    }
}

/// A request ready to go: its exact body and signed headers. What `--dry-run` prints and what
/// history records are these bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub action: &'static str,
    /// Shared with the client that prepared it.
    pub url: Arc<str>,
    pub headers: tc3::Headers,
    pub body: Vec<u8>,
}

impl Prepared {
    pub fn body_text(&self) -> &str {
        // Bodies are built by serde_json, always UTF-8.
        std::str::from_utf8(&self.body).unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)
    }

    /// The HTTP request as text. A session token is masked; the SecretKey is never in a request.
    pub fn to_http(&self) -> String {
        let mut out = String::with_capacity(1024);
        self.write_http(&mut out);
        out
    }

    /// [`Prepared::to_http`], appended to `out`.
    pub fn write_http(&self, out: &mut String) {
        for part in ["POST ", &self.url, "\n"] {
            out.push_str(part);
        }
        for (name, value) in self.shown_headers() {
            for part in [name, ": ", value, "\n"] {
                out.push_str(part);
            }
        }
        out.push('\n');
        out.push_str(self.body_text());
    }

    /// An equivalent curl command.
    pub fn to_curl(&self) -> String {
        let mut out = String::with_capacity(1024);
        self.write_curl(&mut out);
        out
    }

    /// [`Prepared::to_curl`], appended to `out`.
    pub fn write_curl(&self, out: &mut String) {
        out.push_str("curl -sS -X POST ");
        shell_quote(out, &[&self.url]);
        for (name, value) in self.shown_headers() {
            out.push_str(" \\\n  -H ");
            shell_quote(out, &[name, ": ", value]);
        }
        out.push_str(" \\\n  --data-raw ");
        shell_quote(out, &[self.body_text()]);
    }

    fn shown_headers(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        self.headers.iter().map(|(n, v)| {
            let v = if n == "X-TC-Token" {
                "<token redacted>"
            } else {
                v
            };
            (n, v)
        })
    }
}

/// Appends the parts, joined, as one single-quoted shell word.
fn shell_quote(out: &mut String, parts: &[&str]) {
    out.push('\'');
    for part in parts {
        let mut rest = *part;
        while let Some(at) = rest.find('\'') {
            out.push_str(&rest[..at]);
            out.push_str(r"'\''");
            rest = &rest[at + 1..];
        }
        out.push_str(rest);
    }
    out.push('\'');
}

/// A successful answer: the typed fields, the RequestId and the raw JSON for history.
#[derive(Debug, Clone)]
pub struct Reply<T> {
    pub request_id: String,
    pub data: T,
    pub raw: String,
}

#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    url: Url,
    /// `url` as text, given to every request it prepares.
    url_text: Arc<str>,
    host: String,
    region: Option<String>,
    language: String,
    /// Shared by the clones, so the derived key is computed once a day for all of them.
    signer: Arc<tc3::Signer>,
}

impl Client {
    /// Refuses endpoints that would send a signed request in the clear to another machine.
    pub fn new(config: ClientConfig) -> Result<Client, ApiError> {
        let not_sent = |reason: String| ApiError::NotSent {
            action: "",
            reason,
            passing: false,
        };
        let endpoint = endpoint::endpoint_url(&config.endpoint).map_err(not_sent)?;
        let http = tls::with_roots(reqwest::Client::builder(), &endpoint.url)
            .map_err(|e| not_sent(e.to_string()))?
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            // A redirect would re-send a signed call (phone numbers included) elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| not_sent(format!("cannot build the HTTP client: {e}")))?;
        Ok(Client {
            http,
            url_text: endpoint.url.as_str().into(),
            url: endpoint.url,
            host: endpoint.host_header,
            region: config.region.filter(|r| !r.is_empty()),
            language: config.language,
            signer: Arc::new(tc3::Signer::new(config.credential)),
        })
    }

    pub fn endpoint(&self) -> &Url {
        &self.url
    }

    /// Whether requests go to this machine (a simulator) rather than Tencent Cloud.
    pub fn is_loopback(&self) -> bool {
        endpoint::is_loopback(&self.url)
    }

    /// Serializes and signs `request` as of `timestamp` (Unix seconds).
    pub fn prepare<A: Action>(&self, request: &A, timestamp: i64) -> Result<Prepared, ApiError> {
        // Room for a typical request, so that encoding it does not grow the buffer.
        let mut body = Vec::with_capacity(512);
        serde_json::to_writer(&mut body, request).map_err(|e| ApiError::NotSent {
            action: A::NAME,
            reason: format!("cannot encode the request: {e}"),
            passing: false,
        })?;
        let headers = self.signer.headers(&tc3::Request {
            region: self.region.as_deref(),
            language: Some(&self.language),
            ..tc3::Request::post_json(&self.host, A::NAME, timestamp, &body)
        });
        Ok(Prepared {
            action: A::NAME,
            url: Arc::clone(&self.url_text),
            headers,
            body,
        })
    }

    /// Signs `request` now and sends it.
    pub async fn send<A: Action>(&self, request: &A) -> Result<Reply<A::Response>, ApiError> {
        let prepared = self.prepare(request, unix_now())?;
        self.execute::<A>(&prepared).await
    }

    /// Sends a prepared request once. Never retries: whether to send again is the caller's call.
    pub async fn execute<A: Action>(
        &self,
        prepared: &Prepared,
    ) -> Result<Reply<A::Response>, ApiError> {
        let action = A::NAME;
        let mut req = self.http.post(self.url.clone()).body(prepared.body.clone());
        for (name, value) in &prepared.headers {
            req = req.header(name, value);
        }
        let mut resp = req.send().await.map_err(|e| transport_error(action, &e))?;
        let status = resp.status().as_u16();
        if resp.status().is_redirection() {
            // The request reached someone who answered: the call may have been placed.
            let to = resp.headers().get(reqwest::header::LOCATION);
            return Err(ApiError::Unknown {
                action,
                reason: format!(
                    "HTTP {status} redirect to {}; redirects are never followed",
                    to.and_then(|v| v.to_str().ok()).unwrap_or("nowhere given")
                ),
                http_status: Some(status),
                body: None,
            });
        }
        let skew = server_skew(&resp);
        let mut body = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > A::MAX_RESPONSE_BYTES {
                        return Err(ApiError::Unknown {
                            action,
                            reason: format!(
                                "the answer exceeds {} KiB, so it is not a CCC answer",
                                A::MAX_RESPONSE_BYTES / 1024
                            ),
                            http_status: Some(status),
                            body: Some(snippet(&body)),
                        });
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => {
                    return Err(ApiError::Unknown {
                        action,
                        reason: format!("the answer broke off: {}", error_chain(&e)),
                        http_status: Some(status),
                        body: Some(snippet(&body)),
                    });
                }
            }
        }
        decode::<A>(status, &body, skew)
    }
}

/// Reads one answer. Public so the decoder can be tested on arbitrary bytes.
pub fn decode<A: Action>(
    status: u16,
    body: &[u8],
    clock_skew_secs: Option<i64>,
) -> Result<Reply<A::Response>, ApiError> {
    let action = A::NAME;
    let unknown = |reason: String| ApiError::Unknown {
        action,
        reason,
        http_status: Some(status),
        body: Some(snippet(body)),
    };
    let mut value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) if body.iter().all(u8::is_ascii_whitespace) => {
            return Err(unknown(format!("HTTP {status} with an empty body")));
        }
        Err(_) if looks_like_html(body) => {
            return Err(unknown(format!(
                "HTTP {status} with an HTML page instead of JSON"
            )));
        }
        Err(e) => return Err(unknown(format!("HTTP {status} with malformed JSON: {e}"))),
    };
    // Whatever the server says reaches screens, logs and exports: no string of it may act
    // on a terminal.
    crate::printable::escape_json(&mut value);
    // Taken out rather than copied: a long answer (a task's every callee) is held once.
    let Some(Value::Object(response)) = value.get_mut("Response").map(Value::take) else {
        return Err(unknown(format!(
            "HTTP {status} with JSON that has no Response object"
        )));
    };
    let request_id = response
        .get("RequestId")
        .and_then(Value::as_str)
        .map(String::from);
    if let Some(error) = response.get("Error") {
        let field = |k: &str| error.get(k).and_then(Value::as_str).map(String::from);
        return match (field("Code"), request_id) {
            (Some(code), Some(request_id)) => Err(ApiError::Service {
                action,
                code,
                message: field("Message").unwrap_or_default(),
                request_id,
                clock_skew_secs,
            }),
            (_, request_id) => Err(ApiError::Decode {
                action,
                reason: "an error without a Code or RequestId".into(),
                request_id,
                body: snippet(body),
            }),
        };
    }
    if status != 200 {
        return Err(unknown(format!("HTTP {status}")));
    }
    let Some(request_id) = request_id else {
        return Err(ApiError::Decode {
            action,
            reason: "the answer has no RequestId".into(),
            request_id: None,
            body: snippet(body),
        });
    };
    match serde_json::from_value::<A::Response>(Value::Object(response)) {
        Ok(data) => Ok(Reply {
            request_id,
            data,
            raw: String::from_utf8_lossy(body).into_owned(),
        }),
        Err(e) => Err(ApiError::Decode {
            action,
            reason: e.to_string(),
            request_id: Some(request_id),
            body: snippet(body),
        }),
    }
}

fn transport_error(action: &'static str, e: &reqwest::Error) -> ApiError {
    let detail = error_chain(e);
    if e.is_builder() {
        ApiError::NotSent {
            action,
            reason: format!("invalid request: {detail}"),
            passing: false,
        }
    } else if e.is_connect() {
        // Connecting failed (refused, DNS, TLS handshake): no byte of the request left.
        ApiError::NotSent {
            action,
            reason: format!(
                "cannot connect: {detail}{}",
                tls::hint(&detail).unwrap_or_default()
            ),
            passing: true,
        }
    } else if e.is_timeout() {
        ApiError::Unknown {
            action,
            reason: "no answer within the timeout after the request was sent".into(),
            http_status: None,
            body: None,
        }
    } else {
        ApiError::Unknown {
            action,
            reason: format!("the connection failed after sending: {detail}"),
            http_status: None,
            body: None,
        }
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

fn server_skew(resp: &reqwest::Response) -> Option<i64> {
    let date = resp.headers().get(reqwest::header::DATE)?.to_str().ok()?;
    let server = chrono::DateTime::parse_from_rfc2822(date).ok()?.timestamp();
    Some(server - unix_now())
}

fn looks_like_html(body: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&body[..body.len().min(256)]).to_ascii_lowercase();
    let head = head.trim_start();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.starts_with('<')
}

fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(2048)]);
    let text = crate::printable::escape(&text).into_owned();
    if body.len() > 2048 {
        format!("{text}…")
    } else {
        text
    }
}

pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ccc::actions::{CreateAIAgentCall, Variable};

    fn client(endpoint: &str) -> Client {
        let cred = Credential::new(
            "AKIDtest".into(),
            "secret-key-xyz".into(),
            Some("tok".into()),
        )
        .unwrap();
        Client::new(ClientConfig {
            region: Some("ap-singapore".into()),
            ..ClientConfig::new(endpoint, cred)
        })
        .unwrap()
    }

    #[test]
    fn prepared_request_is_signed_over_the_exact_body() {
        let c = client("http://127.0.0.1:18081");
        let req = CreateAIAgentCall {
            sdk_app_id: 1_400_000_000,
            ai_agent_id: 15,
            callee: "008613012345678".into(),
            variables: Some(vec![Variable {
                key: "name".into(),
                value: "张三".into(),
            }]),
            ..Default::default()
        };
        let p = c.prepare(&req, 1_551_113_065).unwrap();
        assert_eq!(
            p.body_text(),
            r#"{"SdkAppId":1400000000,"AIAgentId":15,"Callee":"008613012345678","Variables":[{"Key":"name","Value":"张三"}]}"#
        );
        assert_eq!(p.header("Content-Type"), Some("application/json"));
        assert_eq!(p.header("Host"), Some("127.0.0.1:18081"));
        assert_eq!(p.header("X-TC-Language"), Some("en-US"));
        assert_eq!(p.header("X-TC-Region"), Some("ap-singapore"));
        assert_eq!(p.header("X-TC-Token"), Some("tok"));
        assert_eq!(p.header("X-TC-Version"), Some("2020-02-10"));
        let auth = tc3::parse_authorization(p.header("Authorization").unwrap()).unwrap();
        let canonical = tc3::canonical_request(
            "POST",
            "",
            &[
                ("content-type", "application/json"),
                ("host", "127.0.0.1:18081"),
            ],
            &tc3::sha256_hex(&p.body),
        );
        let expected = tc3::signature(
            &tc3::signing_key("secret-key-xyz", "2019-02-25", "ccc"),
            &tc3::string_to_sign(
                1_551_113_065,
                "2019-02-25/ccc/tc3_request",
                &tc3::sha256_hex(canonical.as_bytes()),
            ),
        );
        assert_eq!(auth.signature, expected);
    }

    #[test]
    fn dry_run_text_never_shows_key_or_token() {
        let c = client("ccc.tencentcloudapi.com");
        let p = c.prepare(&CreateAIAgentCall::default(), 1).unwrap();
        for text in [p.to_http(), p.to_curl(), format!("{p:?}")] {
            assert!(!text.contains("secret-key-xyz"));
        }
        assert!(!p.to_curl().contains("tok'"));
        assert!(
            p.to_curl()
                .starts_with("curl -sS -X POST 'https://ccc.tencentcloudapi.com/'")
        );
        assert!(p.to_http().contains("X-TC-Token: <token redacted>"));
    }

    #[test]
    fn absent_optionals_are_omitted() {
        let body = serde_json::to_string(&CreateAIAgentCall::default()).unwrap();
        assert_eq!(body, r#"{"SdkAppId":0,"AIAgentId":0,"Callee":""}"#);
    }
}
