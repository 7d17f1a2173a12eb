//! Signing with a kept key allocates nothing, and its headers allocate one buffer for all
//! their values: the allocator of this test binary counts.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use ccc_dial::ccc::actions::{CreateAIAgentCall, Variable};
use ccc_dial::ccc::{Client, ClientConfig};
use ccc_dial::credentials::Credential;
use ccc_dial::tc3::{Request, Signer};

struct Counting;

thread_local! {
    // Per thread, so that tests running side by side do not count each other's allocations.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

#[test]
fn a_signature_with_the_kept_key_allocates_nothing() {
    let cred = Credential::new("AKIDexample".into(), "example-key".into(), None).unwrap();
    let signer = Signer::new(cred);
    let body = br#"{"SdkAppId":1400000000,"AIAgentId":15,"Callee":"008613012345678"}"#;
    let req = |ts| Request {
        region: Some("ap-singapore"),
        language: Some("en-US"),
        ..Request::post_json(
            "ccc.intl.tencentcloudapi.com",
            "CreateAIAgentCall",
            ts,
            body,
        )
    };
    // The first signature of a day derives and keeps the key.
    let first = signer.signature(&req(1_700_000_000));
    let before = allocations();
    let again = signer.signature(&req(1_700_000_000));
    let later = signer.signature(&req(1_700_000_060));
    let after = allocations();
    assert_eq!(after - before, 0, "allocations while signing");
    assert_eq!(first, again);
    assert_ne!(first, later);
}

#[test]
fn the_headers_of_a_signature_share_one_allocation() {
    let cred = Credential::new(
        "AKIDexample".into(),
        "example-key".into(),
        Some("a-session-token".into()),
    )
    .unwrap();
    let signer = Signer::new(cred);
    let body = br#"{"SdkAppId":1400000000,"AIAgentId":15,"Callee":"008613012345678"}"#;
    let req = Request {
        region: Some("ap-singapore"),
        language: Some("en-US"),
        signed_headers: &["content-type", "host", "x-tc-action", "x-tc-region"],
        ..Request::post_json(
            "ccc.intl.tencentcloudapi.com",
            "CreateAIAgentCall",
            1_700_000_000,
            body,
        )
    };
    signer.signature(&req);
    let before = allocations();
    let headers = signer.headers(&req);
    let after = allocations();
    assert_eq!(after - before, 1, "allocations for the headers");
    // Every header is there, the longest (Authorization) whole: nothing was cut to fit.
    assert_eq!(headers.iter().count(), 9);
    let authorization = headers.get("authorization").unwrap();
    assert!(
        authorization.ends_with(&format!(", Signature={}", signer.signature(&req).as_str())),
        "{authorization}"
    );
    assert!(authorization.contains("SignedHeaders=content-type;host;x-tc-action;x-tc-region,"));
}

#[test]
fn preparing_a_call_allocates_its_body_and_its_headers_only() {
    let cred = Credential::new("AKIDexample".into(), "example-key".into(), None).unwrap();
    let client = Client::new(ClientConfig::new("http://127.0.0.1:9", cred)).unwrap();
    let call = CreateAIAgentCall {
        sdk_app_id: 1_400_000_000,
        ai_agent_id: 15,
        callee: "008613012345678".into(),
        callers: Some(vec!["008601012345678".into()]),
        variables: Some(vec![Variable {
            key: "name".into(),
            value: "张三".into(),
        }]),
        max_ring_timeout_second: Some(30),
        acquire_timeout_second: None,
    };
    client.prepare(&call, 1_700_000_000).unwrap();
    let before = allocations();
    let prepared = client.prepare(&call, 1_700_000_060).unwrap();
    let after = allocations();
    assert_eq!(after - before, 2, "allocations to prepare a call");
    assert_eq!(&*prepared.url, client.endpoint().as_str());
    assert_eq!(prepared.header("x-tc-timestamp"), Some("1700000060"));
    assert!(prepared.body_text().contains(r#""Value":"张三""#));
}
