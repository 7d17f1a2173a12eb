//! Simulator throughput on loopback: DescribeTelSession, signed and verified, from several
//! concurrent keep-alive clients. Reported as requests (elements) per second.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ccc_dial::sim::{self, SimConfig};
use ccc_dial::tc3::{self, Request};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const CLIENTS: u64 = 8;

fn describe_tel_session(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let handle = rt.block_on(sim::start(SimConfig::default())).unwrap();
    let host = handle.addr().to_string();
    let url = handle.url();
    let cred = handle.credential();

    // One live session to describe.
    let create = br#"{"SdkAppId":1400000000,"AIAgentId":15,"Callee":"008613012345678"}"#.to_vec();
    let send = |client: reqwest::Client, action: &'static str, body: Vec<u8>| {
        let ts = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let signed = tc3::sign(&cred, &Request::post_json(&host, action, ts, &body));
        let mut req = client.post(&url).body(body);
        for (n, v) in &signed.headers {
            req = req.header(n, v);
        }
        req
    };
    let first = reqwest::Client::new();
    let created: serde_json::Value = rt.block_on(async {
        let r = send(first.clone(), "CreateAIAgentCall", create)
            .send()
            .await
            .unwrap();
        serde_json::from_str(&r.text().await.unwrap()).unwrap()
    });
    let id = created["Response"]["SessionId"]
        .as_str()
        .unwrap()
        .to_string();
    let body = format!(r#"{{"SdkAppId":1400000000,"SessionId":"{id}"}}"#).into_bytes();

    let clients: Vec<reqwest::Client> = (0..CLIENTS).map(|_| reqwest::Client::new()).collect();
    let mut group = c.benchmark_group("sim");
    group.throughput(Throughput::Elements(1));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("DescribeTelSession", |b| {
        b.iter_custom(|iters| {
            // Signed once per batch: the timestamp stays valid for five minutes.
            let requests: Vec<reqwest::RequestBuilder> = clients
                .iter()
                .map(|c| send(c.clone(), "DescribeTelSession", body.clone()))
                .collect();
            rt.block_on(async {
                let start = Instant::now();
                let tasks: Vec<_> = requests
                    .into_iter()
                    .enumerate()
                    .map(|(i, req)| {
                        let n = iters / CLIENTS + u64::from((i as u64) < iters % CLIENTS);
                        tokio::spawn(async move {
                            for _ in 0..n {
                                let r = req.try_clone().unwrap().send().await.unwrap();
                                let bytes = r.bytes().await.unwrap();
                                assert!(bytes.starts_with(br#"{"Response":{"Session""#));
                            }
                        })
                    })
                    .collect();
                for t in tasks {
                    t.await.unwrap();
                }
                start.elapsed()
            })
        })
    });
    group.finish();
    rt.block_on(handle.shutdown());
}

criterion_group!(benches, describe_tel_session);
criterion_main!(benches);
