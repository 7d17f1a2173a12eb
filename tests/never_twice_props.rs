//! Random interleavings of two or three processes (each with its own connection to one
//! history file, its own client and dialer) running `call`-like and `batch`-like work over
//! overlapping callees: no callee receives two CreateAIAgentCall inside the window unless an
//! override was recorded for the extra ones.

mod support;

use std::collections::HashMap;
use std::time::Duration;

use ccc_dial::ccc::{Client, ClientConfig};
use ccc_dial::dialer::{DialDraft, Dialer};
use ccc_dial::history::{AttemptId, ClaimRule, Filter, Override, Page, Store};
use ccc_dial::sim::{self, SimConfig, SimHandle};
use proptest::prelude::*;

const POOL: [&str; 4] = [
    "008613300000001",
    "008613300000002",
    "008613300000003",
    "008613300000004",
];

/// One process: its callees (indexes into `POOL`), whether it dials them all at once (a
/// batch) or one after another (calls), and whether it runs with `--allow-recent`.
#[derive(Debug, Clone)]
struct Process {
    callees: Vec<usize>,
    at_once: bool,
    allow_recent: bool,
}

fn process() -> impl Strategy<Value = Process> {
    (
        proptest::collection::vec(0..POOL.len(), 1..6),
        any::<bool>(),
        proptest::bool::weighted(0.2),
    )
        .prop_map(|(callees, at_once, allow_recent)| Process {
            callees,
            at_once,
            allow_recent,
        })
}

fn dialer(sim: &SimHandle, path: &std::path::Path, allow_recent: bool) -> Dialer {
    let client = Client::new(ClientConfig {
        timeout: Duration::from_secs(5),
        ..ClientConfig::new(sim.url(), sim.credential())
    })
    .unwrap();
    // Its own connection to the file, as another process has.
    let (store, _) = Store::open(path).unwrap();
    support::dialer::dialer(client, store, 20, sim.url())
        .0
        .with_claim(ClaimRule {
            overridden: allow_recent.then_some(Override::AllowRecent),
            ..ClaimRule::default()
        })
}

async fn run(dialer: Dialer, p: Process) {
    let request = |i: usize| {
        DialDraft {
            sdk_app_id: "1400000000".into(),
            agent_id: "15".into(),
            callee: POOL[i].into(),
            ..Default::default()
        }
        .validate()
        .unwrap()
    };
    if p.at_once {
        let tasks: Vec<_> = p
            .callees
            .iter()
            .map(|&i| {
                let d = dialer.clone();
                let r = request(i);
                tokio::spawn(async move { d.run(AttemptId::new(), r, None).await })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    } else {
        for &i in &p.callees {
            dialer.run(AttemptId::new(), request(i), None).await;
        }
    }
}

fn check(processes: Vec<Process>) -> Result<(), TestCaseError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let sim = sim::start(SimConfig::default()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.db");
        let runs: Vec<_> = processes
            .iter()
            .map(|p| tokio::spawn(run(dialer(&sim, &path, p.allow_recent), p.clone())))
            .collect();
        for r in runs {
            r.await.unwrap();
        }
        let mut sent: HashMap<String, usize> = HashMap::new();
        for r in sim.requests() {
            if r.action == "CreateAIAgentCall" && r.verdict == "ok" {
                let callee = r.body["Callee"].as_str().unwrap_or_default().to_string();
                *sent.entry(callee).or_default() += 1;
            }
        }
        let (store, _) = Store::open(&path).unwrap();
        for (callee, n) in sent {
            let filter = Filter {
                callee: Some(callee.clone()),
                ..Filter::default()
            };
            let overridden = store
                .list(&filter, Page::all())
                .unwrap()
                .iter()
                .filter(|a| store.claim_override(&a.id).unwrap().is_some())
                .count();
            prop_assert!(
                n <= 1 + overridden,
                "{callee} dialed {n} times with {overridden} overrides recorded"
            );
        }
        Ok(())
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn no_callee_is_dialed_twice_without_a_recorded_override(
        processes in proptest::collection::vec(process(), 2..=3)
    ) {
        check(processes)?;
    }
}
