//! A redirect answering `CreateAIAgentCall` is never followed: the call is recorded with an
//! unknown outcome, never sent again, and its body goes nowhere else.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ccc_dial::ccc::{Client, ClientConfig, Outcome};
use ccc_dial::credentials::Credential;
use ccc_dial::dialer::{DialDraft, Dialer, Finished, RateLimiter};
use ccc_dial::history::{AttemptId, AttemptStatus, Store};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// A server that counts the connections and bytes it receives, answering each with `head`.
struct Counting {
    url: String,
    connections: Arc<AtomicUsize>,
    bytes: Arc<AtomicUsize>,
}

async fn counting(head: String) -> Counting {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let bytes = Arc::new(AtomicUsize::new(0));
    let (c, b) = (connections.clone(), bytes.clone());
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            c.fetch_add(1, Ordering::SeqCst);
            let (b, head) = (b.clone(), head.clone());
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                // Read what arrives within a moment, then answer.
                while let Ok(Ok(n)) =
                    tokio::time::timeout(Duration::from_millis(200), sock.read(&mut buf)).await
                {
                    if n == 0 {
                        break;
                    }
                    b.fetch_add(n, Ordering::SeqCst);
                }
                let _ = sock.write_all(head.as_bytes()).await;
            });
        }
    });
    Counting {
        url,
        connections,
        bytes,
    }
}

fn redirect_to(location: &str) -> String {
    format!(
        "HTTP/1.1 307 Temporary Redirect\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
}

async fn closed_port() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

async fn dial_through(url: &str) -> (Store, AttemptId, Finished) {
    let cred = Credential::new("AKIDtest".into(), "test-secret-key".into(), None).unwrap();
    let client = Client::new(ClientConfig {
        timeout: Duration::from_secs(5),
        ..ClientConfig::new(url, cred)
    })
    .unwrap();
    let store = Store::open_in_memory().unwrap();
    let (tx, _rx) = mpsc::unbounded_channel();
    let dialer = Dialer::new(
        Arc::new(client),
        store.clone(),
        Arc::new(RateLimiter::new(20)),
        "redirecting",
        tx,
    )
    .with_backoff(Duration::from_millis(10));
    let request = DialDraft {
        sdk_app_id: "1400000000".into(),
        agent_id: "15".into(),
        callee: "008613012345678".into(),
        ..Default::default()
    }
    .validate()
    .unwrap();
    let id = AttemptId::new();
    let finished = dialer.run(id.clone(), request, None).await;
    (store, id, finished)
}

fn assert_unknown_once(store: &Store, id: &AttemptId, finished: &Finished) {
    let Finished::Failed(f) = finished else {
        panic!("a redirect is not an accepted call: {finished:?}");
    };
    assert_eq!(f.outcome, Outcome::Unknown, "{f:?}");
    assert!(f.message.contains("307"), "{}", f.message);
    let a = store.get(id).unwrap().unwrap();
    assert_eq!(a.status, AttemptStatus::Unknown);
    let kinds: Vec<String> = store
        .events(id)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, ["queued", "unknown"], "no retry is recorded");
}

#[tokio::test]
async fn a_redirect_to_a_closed_port_is_unknown_and_never_resent() {
    let target = closed_port().await;
    let endpoint = counting(redirect_to(&target)).await;
    let (store, id, finished) = dial_through(&endpoint.url).await;
    assert_unknown_once(&store, &id, &finished);
    assert_eq!(endpoint.connections.load(Ordering::SeqCst), 1, "0 resends");
}

#[tokio::test]
async fn a_redirect_to_a_second_server_sends_it_nothing() {
    let second = counting(redirect_to("http://127.0.0.1:9/")).await;
    let endpoint = counting(redirect_to(&format!("{}/elsewhere", second.url))).await;
    let (store, id, finished) = dial_through(&endpoint.url).await;
    assert_unknown_once(&store, &id, &finished);
    assert_eq!(endpoint.connections.load(Ordering::SeqCst), 1, "0 resends");
    assert!(endpoint.bytes.load(Ordering::SeqCst) > 0);
    assert_eq!(second.connections.load(Ordering::SeqCst), 0);
    assert_eq!(second.bytes.load(Ordering::SeqCst), 0, "0 body bytes there");
}
