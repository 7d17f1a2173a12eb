//! Signing with a kept key allocates nothing: the allocator of this test binary counts.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use ccc_dial::credentials::Credential;
use ccc_dial::tc3::{Request, Signer};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
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
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    let again = signer.signature(&req(1_700_000_000));
    let later = signer.signature(&req(1_700_000_060));
    let after = ALLOCATIONS.load(Ordering::SeqCst);
    assert_eq!(after - before, 0, "allocations while signing");
    assert_eq!(first, again);
    assert_ne!(first, later);
}
