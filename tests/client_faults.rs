//! The client against a raw server started here on 127.0.0.1 that answers badly on purpose:
//! each fault gives a clear ApiError of the right outcome class, never a panic.

use std::time::Duration;

use ccc_dial::ccc::actions::{CreateAIAgentCall, DescribeTelSession};
use ccc_dial::ccc::{ApiError, Client, ClientConfig, Outcome, Retry};
use ccc_dial::credentials::Credential;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does once it has read a whole request.
#[derive(Clone)]
enum Reply {
    Raw(Vec<u8>),
    Json(u16, String),
    Hang,
    Drop,
}

async fn read_request(sock: &mut TcpStream) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = sock.read(&mut chunk).await.unwrap_or(0);
        if n == 0 {
            return buf;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                return buf;
            }
        }
    }
}

/// Serves `reply` to every connection; the server task ends with the test's runtime.
async fn serve(reply: Reply) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let reply = reply.clone();
            tokio::spawn(async move {
                read_request(&mut sock).await;
                match reply {
                    Reply::Raw(bytes) => {
                        let _ = sock.write_all(&bytes).await;
                    }
                    Reply::Json(status, body) => {
                        let head = format!(
                            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        );
                        let _ = sock.write_all(head.as_bytes()).await;
                        let _ = sock.write_all(body.as_bytes()).await;
                    }
                    Reply::Hang => tokio::time::sleep(Duration::from_secs(30)).await,
                    Reply::Drop => drop(sock),
                }
            });
        }
    });
    format!("http://{addr}")
}

fn client(endpoint: &str, timeout: Duration) -> Client {
    let cred = Credential::new("AKIDtest".into(), "test-secret-key".into(), None).unwrap();
    Client::new(ClientConfig {
        timeout,
        ..ClientConfig::new(endpoint, cred)
    })
    .unwrap()
}

fn call() -> CreateAIAgentCall {
    CreateAIAgentCall {
        sdk_app_id: 1_400_000_000,
        ai_agent_id: 15,
        callee: "008613012345678".into(),
        ..Default::default()
    }
}

async fn outcome_of(reply: Reply) -> ApiError {
    let url = serve(reply).await;
    client(&url, Duration::from_secs(5))
        .send(&call())
        .await
        .unwrap_err()
}

fn assert_unknown(e: &ApiError, needle: &str) {
    assert_eq!(e.class().outcome, Outcome::Unknown, "{e}");
    assert_eq!(e.class().retry, Retry::Never, "{e}");
    assert!(
        e.to_string().contains(needle),
        "{e} should mention {needle:?}"
    );
    assert!(e.hint().contains("reconcile"), "{}", e.hint());
}

#[tokio::test]
async fn accepted_call_decodes_session_and_request_id() {
    let url = serve(Reply::Json(
        200,
        r#"{"Response":{"SessionId":"s-1","RequestId":"r-1","Extra":{"new":"field"}}}"#.into(),
    ))
    .await;
    let reply = client(&url, Duration::from_secs(5))
        .send(&call())
        .await
        .unwrap();
    assert_eq!(reply.data.session_id.as_deref(), Some("s-1"));
    assert_eq!(reply.request_id, "r-1");
    assert!(reply.raw.contains("\"Extra\""));
}

#[tokio::test]
async fn service_error_is_rejected_with_code_and_request_id() {
    let e = outcome_of(Reply::Json(
        200,
        r#"{"Response":{"Error":{"Code":"FailedOperation.CalleeIsBlackUser","Message":"risky"},"RequestId":"r-2"}}"#.into(),
    ))
    .await;
    assert_eq!(e.class().outcome, Outcome::Rejected);
    assert_eq!(e.code(), Some("FailedOperation.CalleeIsBlackUser"));
    assert_eq!(e.request_id(), Some("r-2"));
    assert!(e.hint().contains("do not call"));
}

#[tokio::test]
async fn malformed_json_is_unknown() {
    let e = outcome_of(Reply::Json(200, r#"{"Response":{"SessionId":"#.into())).await;
    assert_unknown(&e, "malformed JSON");
}

#[tokio::test]
async fn html_error_page_is_unknown() {
    let page = "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>";
    let raw = format!(
        "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n{page}",
        page.len()
    );
    let e = outcome_of(Reply::Raw(raw.into_bytes())).await;
    assert_unknown(&e, "HTML");
}

#[tokio::test]
async fn empty_body_is_unknown() {
    let e = outcome_of(Reply::Json(200, String::new())).await;
    assert_unknown(&e, "empty body");
}

#[tokio::test]
async fn http_500_without_json_is_unknown() {
    let e = outcome_of(Reply::Json(500, "internal failure".into())).await;
    assert_unknown(&e, "HTTP 500");
    let e = outcome_of(Reply::Json(503, r#"{"status":"down"}"#.into())).await;
    assert_unknown(&e, "no Response");
}

#[tokio::test]
async fn json_without_response_is_unknown() {
    let e = outcome_of(Reply::Json(200, r#"{"SessionId":"s-1"}"#.into())).await;
    assert_unknown(&e, "no Response");
}

#[tokio::test]
async fn wrong_types_are_a_decode_failure_with_unknown_outcome() {
    let e = outcome_of(Reply::Json(
        200,
        r#"{"Response":{"SessionId":42,"RequestId":"r-3"}}"#.into(),
    ))
    .await;
    assert!(matches!(e, ApiError::Decode { .. }), "{e:?}");
    assert_eq!(e.request_id(), Some("r-3"));
    assert_eq!(e.class().outcome, Outcome::Unknown);
}

#[tokio::test]
async fn oversized_answer_is_cut_off() {
    let body = format!(
        r#"{{"Response":{{"RequestId":"r","Pad":"{}"}}}}"#,
        "x".repeat(2 << 20)
    );
    let e = outcome_of(Reply::Json(200, body)).await;
    assert_unknown(&e, "exceeds 1024 KiB");
}

#[tokio::test]
async fn timeout_after_the_request_was_written_is_unknown_not_unsent() {
    let url = serve(Reply::Hang).await;
    let e = client(&url, Duration::from_millis(300))
        .send(&call())
        .await
        .unwrap_err();
    assert_unknown(&e, "timeout");
}

#[tokio::test]
async fn connection_dropped_after_reading_is_unknown() {
    let e = outcome_of(Reply::Drop).await;
    assert_unknown(&e, "after sending");
}

#[tokio::test]
async fn refused_connection_is_not_sent_and_passing() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let e = client(&url, Duration::from_secs(2))
        .send(&call())
        .await
        .unwrap_err();
    assert_eq!(e.class().outcome, Outcome::NotSent, "{e}");
    assert_eq!(e.class().retry, Retry::WhenPassing);
}

#[tokio::test]
async fn other_actions_decode_their_own_shapes() {
    let url = serve(Reply::Json(
        200,
        r#"{"Response":{"Session":{"SessionID":"s","SessionStatus":"ringing","Unknown":1},"RequestId":"r"}}"#.into(),
    ))
    .await;
    let reply = client(&url, Duration::from_secs(5))
        .send(&DescribeTelSession {
            sdk_app_id: 1,
            session_id: "s".into(),
        })
        .await
        .unwrap();
    assert_eq!(
        reply.data.session.unwrap().session_status.as_deref(),
        Some("ringing")
    );
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    let cred = Credential::new("AKIDtest".into(), "k".into(), None).unwrap();
    let e = Client::new(ClientConfig::new("http://ccc.tencentcloudapi.com", cred)).unwrap_err();
    assert_eq!(e.class().outcome, Outcome::NotSent);
    assert!(e.to_string().contains("in the clear"), "{e}");
}

#[test]
fn control_characters_from_the_server_never_reach_a_terminal() {
    use ccc_dial::ccc::decode;
    let body = br#"{"Response":{"Error":{"Code":"FailedOperation","Message":"bad\u001b]0;owned\u0007 \u202eevil"},"RequestId":"r\u001b[2J"}}"#;
    let e = decode::<CreateAIAgentCall>(200, body, None).unwrap_err();
    let text = e.to_string();
    assert!(!text.chars().any(|c| c.is_control()), "{text:?}");
    assert!(
        text.contains("bad\\u{1b}]0;owned\\u{7} \\u{202e}evil"),
        "{text}"
    );
    assert!(text.contains("r\\u{1b}[2J"), "{text}");
    let ok = br#"{"Response":{"SessionId":"s\u009b31m","RequestId":"r"}}"#;
    let reply = decode::<CreateAIAgentCall>(200, ok, None).unwrap();
    assert_eq!(reply.data.session_id.as_deref(), Some("s\\u{9b}31m"));
}
