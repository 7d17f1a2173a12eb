//! A sweep from the dialer's form, driven by keys against the in-process simulator: F6, a
//! path, Enter dials each variable set once, one call at a time, then Compare opens over the
//! runs; the same sweep again dials nothing; a file that cannot be read is told on the prompt
//! before anything is dialed.
#![cfg(unix)]

mod support;
mod tui_support;

use std::sync::Arc;
use std::time::Duration;

use ccc_dial::ccc::{Client, ClientConfig};
use ccc_dial::credentials::Env;
use ccc_dial::dialer::DialerEvent;
use ccc_dial::history::Store;
use ccc_dial::sim::{self, ManualClock, SimConfig, SimHandle};
use ccc_dial::tui::app::{App, Effect, Msg, Overlay};
use ccc_dial::tui::bench_msg::BenchMsg;
use ccc_dial::tui::runtime::Runner;
use crossterm::event::KeyCode;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};
use tui_support::*;

const TONES: [&str; 3] = ["formal", "casual", "terse"];

struct Rig {
    sim: SimHandle,
    clock: Arc<ManualClock>,
    runner: Runner,
    events: UnboundedReceiver<DialerEvent>,
    msgs: UnboundedReceiver<Msg>,
    app: App,
    dir: tempfile::TempDir,
}

async fn rig() -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::starting_now());
    let sim = sim::start(SimConfig {
        clock: clock.clone(),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let client = Client::new(ClientConfig::new(sim.url(), sim.credential())).unwrap();
    let store = Store::open(dir.path().join("history.db")).unwrap().0;
    let (dialer, events) = support::dialer::dialer(client, store, 500, "simulator");
    let dialer = dialer
        .with_backoff(Duration::from_millis(10))
        .with_watch(support::dialer::fast_watch());
    let (tx, msgs) = unbounded_channel();
    let runner = Runner::new(dialer, tx, None, None, Env::new(dir.path()));
    let mut app = app();
    app.draft.agent_id = "16".into();
    app.draft.callee = "008613012345678".into();
    Rig {
        sim,
        clock,
        runner,
        events,
        msgs,
        app,
        dir,
    }
}

impl Rig {
    fn run(&mut self, effects: Vec<Effect>) {
        for e in effects {
            self.runner.execute(e);
        }
    }

    /// F6, the path, Enter.
    fn sweep(&mut self, path: &str) {
        let mut effects = key(&mut self.app, KeyCode::F(6));
        assert!(matches!(self.app.overlay, Some(Overlay::Sweep(_))));
        effects.extend(type_str(&mut self.app, path));
        effects.extend(key(&mut self.app, KeyCode::Enter));
        self.run(effects);
    }

    /// Feeds the app until the sweep ends; returns its progress lines.
    async fn until_swept(&mut self) -> Vec<String> {
        self.until(true).await
    }

    /// Feeds the app until the sweep ends, or says its first line when `to_end` is false.
    async fn until(&mut self, to_end: bool) -> Vec<String> {
        let mut lines = Vec::new();
        let wait = tokio::time::timeout(Duration::from_secs(30), async {
            loop {
                tokio::select! {
                    Some(ev) = self.events.recv() => {
                        if matches!(ev, DialerEvent::Accepted { .. }) {
                            self.clock.advance(Duration::from_secs(60));
                        }
                        let effects = self.app.update(Msg::Dialer(ev));
                        self.run(effects);
                    }
                    Some(msg) = self.msgs.recv() => {
                        let done = matches!(msg, Msg::Bench(BenchMsg::Swept { .. } | BenchMsg::SweepRefused(_)));
                        let progress = matches!(msg, Msg::Bench(BenchMsg::SweepProgress(_)));
                        if let Msg::Bench(BenchMsg::SweepProgress(line)) = &msg {
                            lines.push(line.clone());
                        }
                        let effects = self.app.update(msg);
                        self.run(effects);
                        if done || (progress && !to_end) {
                            return;
                        }
                    }
                }
            }
        });
        wait.await.expect("the sweep ends within the wait");
        lines
    }

    /// The tones of the calls the simulator was asked for, in order.
    fn dialed(&self) -> Vec<String> {
        self.sim
            .requests()
            .into_iter()
            .filter(|r| r.action == "CreateAIAgentCall")
            .map(|r| {
                let vars = r.body["Variables"].as_array().cloned().unwrap_or_default();
                vars.iter()
                    .find(|v| v["Key"] == "dify-inputs-tone")
                    .and_then(|v| v["Value"].as_str())
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sweep_from_the_form_dials_each_set_once_then_compares_the_runs() {
    let mut rig = rig().await;
    let sets = rig.dir.path().join("sets.csv");
    std::fs::write(
        &sets,
        format!("var.dify-inputs-tone\n{}\n", TONES.join("\n")),
    )
    .unwrap();
    let path = sets.display().to_string();
    rig.sweep(&path);
    let mut lines = rig.until(false).await;
    // One sweep at a time: F6 meanwhile says why.
    key(&mut rig.app, KeyCode::F(6));
    assert!(rig.app.overlay.is_none());
    let said = rig.app.notice.as_ref().unwrap().text.clone();
    assert!(said.contains("A sweep is running"), "{said}");
    lines.extend(rig.until_swept().await);
    assert_eq!(rig.dialed(), TONES, "each set once, in order: {lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("set 3/3 (line 4): answered")),
        "{lines:?}"
    );
    // Compare opens over the three runs.
    let Some(Overlay::Compare(c)) = &rig.app.overlay else {
        panic!("no Compare after the sweep");
    };
    assert_eq!(c.ids.len(), 3);
    // The runs load among whatever else arrives (a history change, the clock).
    let screen = loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), rig.msgs.recv())
            .await
            .expect("the runs never loaded")
            .unwrap();
        rig.app.update(msg);
        let screen = render(&mut rig.app, 160, 48);
        if screen.contains("Compare 3 runs") {
            break screen;
        }
    };
    for tone in TONES {
        assert!(screen.contains(tone), "{screen}");
    }
    key(&mut rig.app, KeyCode::Esc);

    // The same sweep again dials nothing.
    rig.sweep(&path);
    let lines = rig.until_swept().await;
    assert_eq!(rig.dialed().len(), 3, "{lines:?}");
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.contains("dialed by an earlier run"))
            .count(),
        3,
        "{lines:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_cannot_be_swept_is_told_on_the_prompt_and_nothing_is_dialed() {
    let mut rig = rig().await;
    let missing = rig.dir.path().join("nope.csv").display().to_string();
    rig.sweep(&missing);
    rig.until_swept().await;
    let Some(Overlay::Sweep(p)) = &rig.app.overlay else {
        panic!("the prompt closed");
    };
    assert!(
        p.problem.as_deref().unwrap().contains("cannot read"),
        "{p:?}"
    );
    // A bad column: every problem is told, still nothing dialed.
    let bad = rig.dir.path().join("bad.csv");
    std::fs::write(&bad, "var.dify-inputs-tone,color\nformal,red\n").unwrap();
    key(&mut rig.app, KeyCode::Esc);
    rig.sweep(&bad.display().to_string());
    rig.until_swept().await;
    let Some(Overlay::Sweep(p)) = &rig.app.overlay else {
        panic!("the prompt closed");
    };
    assert!(
        p.problem.as_deref().unwrap().contains("var.<name>"),
        "{p:?}"
    );
    let screen = render(&mut rig.app, 80, 24);
    assert!(screen.contains("✗"), "{screen}");
    // An empty callee in the form: refused, the file good or not.
    let good = rig.dir.path().join("sets.csv");
    std::fs::write(&good, "var.dify-inputs-tone\nformal\n").unwrap();
    rig.app.draft.callee.clear();
    key(&mut rig.app, KeyCode::Esc);
    rig.sweep(&good.display().to_string());
    rig.until_swept().await;
    let Some(Overlay::Sweep(p)) = &rig.app.overlay else {
        panic!("the prompt closed");
    };
    assert!(
        p.problem.as_deref().unwrap().contains("nothing was dialed"),
        "{p:?}"
    );
    assert!(rig.dialed().is_empty());
}
