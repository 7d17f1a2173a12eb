//! Signing cost: one CreateAIAgentCall signature, and build + serialize + sign.

use std::hint::black_box;

use ccc_dial::ccc::actions::{CreateAIAgentCall, Variable};
use ccc_dial::ccc::{Client, ClientConfig};
use ccc_dial::credentials::Credential;
use ccc_dial::tc3;
use criterion::{Criterion, criterion_group, criterion_main};

fn request() -> CreateAIAgentCall {
    CreateAIAgentCall {
        sdk_app_id: 1_400_000_000,
        ai_agent_id: 15,
        callee: "008613012345678".into(),
        callers: Some(vec!["008601012345678".into(), "008601012345679".into()]),
        variables: Some(vec![
            Variable {
                key: "dify-inputs-user".into(),
                value: "alice".into(),
            },
            Variable {
                key: "name".into(),
                value: "张三".into(),
            },
        ]),
        max_ring_timeout_second: Some(30),
        acquire_timeout_second: Some(5),
    }
}

fn bench(c: &mut Criterion) {
    let cred = Credential::new(
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE".into(),
        "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE".into(),
        None,
    )
    .unwrap();
    let body = serde_json::to_vec(&request()).unwrap();
    let signer = tc3::Signer::new(cred.clone());
    let req = |timestamp| tc3::Request {
        language: Some("en-US"),
        ..tc3::Request::post_json(
            "ccc.intl.tencentcloudapi.com",
            "CreateAIAgentCall",
            timestamp,
            black_box(&body),
        )
    };
    // What the client does for each request: the key of the day is kept.
    c.bench_function("sign CreateAIAgentCall", |b| {
        b.iter(|| black_box(signer.signature(&req(black_box(1_551_113_065)))))
    });
    c.bench_function("sign CreateAIAgentCall, headers included", |b| {
        b.iter(|| black_box(signer.headers(&req(black_box(1_551_113_065)))))
    });
    // Every intermediate text kept and the key derived again, as --dry-run shows it.
    c.bench_function("sign CreateAIAgentCall step by step", |b| {
        b.iter(|| black_box(tc3::sign(&cred, &req(black_box(1_551_113_065)))))
    });
    let client = Client::new(ClientConfig::new("ccc.intl.tencentcloudapi.com", cred)).unwrap();
    c.bench_function("build + serialize + sign CreateAIAgentCall", |b| {
        b.iter(|| {
            black_box(
                client
                    .prepare(&request(), black_box(1_551_113_065))
                    .unwrap(),
            )
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
