//! The dialer screen's costs: start to first frame and one full frame with a 10,000-attempt
//! history, a key press to the request arriving at the simulator, and a key typed in the
//! Campaigns view's preview of a 100,000-row list.

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ccc_dial::ccc::{Client, ClientConfig};
use ccc_dial::cli::task::check_rows;
use ccc_dial::config::Settings;
use ccc_dial::credentials::Env;
use ccc_dial::dialer::{DialDraft, Dialer, DialerEvent, RateLimiter};
use ccc_dial::history::{AttemptId, Filter, NewAttempt, Store};
use ccc_dial::sim::{self, SimConfig};
use ccc_dial::tui::app::{App, BackendInfo, Effect, HISTORY_PAGE, Msg, Pane};
use ccc_dial::tui::campaign_load::{ListRead, Load};
use ccc_dial::tui::runtime::Runner;
use ccc_dial::tui::time::TimeFmt;
use ccc_dial::tui::view;
use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const ROWS: i64 = 10_000;

/// A history file with `ROWS` attempts: one recorded through the store, copied in SQL in one
/// transaction (recording each with its own fsync would take minutes).
fn history(path: &Path) {
    let (store, _) = Store::open(path).unwrap();
    store
        .record_queued(&NewAttempt {
            id: AttemptId::from("seed"),
            created_at_ms: 1_748_786_531_120,
            endpoint: "simulator".into(),
            sdk_app_id: 1_400_000_000,
            agent_id: 15,
            agent_name: Some("Sales bot".into()),
            callee: "008613012345678".into(),
            callers: vec!["008601012345678".into()],
            variables: vec![("name".into(), "张三".into())],
            max_ring_timeout: Some(30),
            acquire_timeout: None,
            request_json: r#"{"SdkAppId":1400000000,"AIAgentId":15,"Callee":"008613012345678"}"#
                .into(),
            batch: None,
        })
        .unwrap();
    drop(store);
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(&format!(
        "BEGIN;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {})
         INSERT INTO attempt SELECT 'a' || i, created_at_ms - i * 1000, updated_at_ms, endpoint,
           sdk_app_id, agent_id, agent_name, printf('0086130%08d', i), callers, variables,
           max_ring_timeout, acquire_timeout, request_json, batch_id, batch_row,
           CASE i % 3 WHEN 0 THEN 'finished' WHEN 1 THEN 'rejected' ELSE 'accepted' END,
           session_id, request_id, response_json, error_code, error_message
         FROM attempt, n WHERE id = 'seed';
         COMMIT;",
        ROWS - 1
    ))
    .unwrap();
}

fn new_app() -> App {
    let backend = BackendInfo {
        simulator: true,
        label: "simulator".into(),
        credentials: None,
    };
    App::new(
        DialDraft::default(),
        Settings::default(),
        backend,
        TimeFmt::Utc,
    )
}

/// Runs the app's history query as the runtime does, synchronously.
fn answer(app: &mut App, store: &Store, effects: Vec<Effect>) {
    for e in effects {
        if let Effect::QueryHistory {
            generation,
            filter,
            page,
        } = e
        {
            let total = store.count(&filter).unwrap();
            let rows = store.list(&filter, page).unwrap();
            app.update(Msg::HistoryPage {
                generation,
                total,
                offset: page.offset,
                rows,
            });
        }
    }
}

fn frames(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    history(&path);
    assert_eq!(
        Store::open(&path)
            .unwrap()
            .0
            .count(&Filter::default())
            .unwrap(),
        ROWS as u64
    );

    c.bench_function("start to first frame, 10k history, 160x48", |b| {
        b.iter(|| {
            let (store, _) = Store::open(&path).unwrap();
            let mut app = new_app();
            let mut effects = app.update(Msg::Resize(160, 48));
            effects.extend(app.start());
            answer(&mut app, &store, effects);
            let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
            terminal.draw(|f| view::draw(f, &app)).unwrap();
            black_box(terminal.backend().buffer().content.len())
        })
    });

    let (store, _) = Store::open(&path).unwrap();
    let mut app = new_app();
    let mut effects = app.update(Msg::Resize(160, 48));
    effects.extend(app.start());
    answer(&mut app, &store, effects);
    app.focus = Pane::History;
    // Somewhere in the middle of the list.
    for _ in 0..100 {
        let effects = app.update(Msg::Key(KeyEvent::new(
            KeyCode::PageDown,
            KeyModifiers::NONE,
        )));
        answer(&mut app, &store, effects);
    }
    assert!(app.history.selected > 1000 && app.history.rows.len() as u64 == HISTORY_PAGE);
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
    c.bench_function("one frame, 10k history, 160x48", |b| {
        b.iter(|| {
            terminal.draw(|f| view::draw(f, &app)).unwrap();
        })
    });
}

fn key_to_wire(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (handle, runner, mut events) = rt.block_on(async {
        let handle = sim::start(SimConfig {
            rate_limit_per_sec: 1_000_000,
            ..SimConfig::default()
        })
        .await
        .unwrap();
        let client =
            Arc::new(Client::new(ClientConfig::new(handle.url(), handle.credential())).unwrap());
        let store = Store::open(dir.path().join("history.db")).unwrap().0;
        let (events_tx, events) = tokio::sync::mpsc::unbounded_channel();
        let dialer = Dialer::new(
            client,
            store,
            Arc::new(RateLimiter::new(1_000_000)),
            "simulator",
            events_tx,
        );
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        std::mem::forget(_rx);
        let runner = Runner::new(dialer, tx, None, None, Env::new(dir.path()));
        (handle, runner, events)
    });
    let mut app = new_app();
    app.settings.confirm_before_dial = false;
    app.draft = DialDraft {
        sdk_app_id: "1400000000".into(),
        agent_id: "15".into(),
        callee: "008613012345678".into(),
        ..Default::default()
    };
    let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
    c.bench_function("key press to request at the simulator", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let before = handle.count("CreateAIAgentCall");
                    let start = Instant::now();
                    let _guard = rt.enter();
                    for e in app.update(Msg::Key(ctrl_s)) {
                        runner.execute(e);
                    }
                    while handle.count("CreateAIAgentCall") == before {
                        tokio::task::yield_now().await;
                    }
                    total += start.elapsed();
                    // Wait for the attempt to finish so attempts do not pile up.
                    while let Some(ev) = events.recv().await {
                        if matches!(
                            ev,
                            DialerEvent::Accepted { .. } | DialerEvent::Failed { .. }
                        ) {
                            break;
                        }
                    }
                }
                total
            })
        })
    });
}

/// A setting typed in the preview of a 100,000-row list: the preview is made again (rows,
/// callees, variables, windows, first call), and the frame drawn.
fn load_preview(c: &mut Criterion) {
    let mut csv = String::from("callee,var.name,var.plan\n");
    for i in 0..100_000 {
        csv.push_str(&format!("0086130{i:08},Ann,gold\n"));
    }
    let mut load = Load::new("1400000000", "15", Some("008601012345678"));
    let ask = load.ask();
    let (rows, bad) = check_rows(&ask.args().unwrap(), 1_400_000_000, csv.as_bytes()).unwrap();
    let list = ListRead {
        bytes: csv.into_bytes(),
        rows,
        bad,
        file_error: None,
        held: Vec::new(),
        held_unknown: None,
    };
    let now_s = 1_800_000_000;
    load.on_read(Ok(Box::new(list)), now_s);
    let typed = |code| KeyEvent::new(code, KeyModifiers::NONE);
    c.bench_function("a key in the preview of a 100k-row list", |b| {
        b.iter(|| {
            load.on_key(&typed(KeyCode::Char('x')), now_s);
            load.on_key(&typed(KeyCode::Backspace), now_s);
            black_box(load.preview());
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(4));
    targets = frames, key_to_wire, load_preview
}
criterion_main!(benches);
