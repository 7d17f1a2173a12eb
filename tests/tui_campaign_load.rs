//! Loading a CSV from the Campaigns view: the path prompt (wrong paths say what is wrong and
//! keep the text), the preview at 80x24, 160x48 and without colours, a file with bad rows
//! refused with its lines, the callees never-twice holds back, and the server task created
//! on the simulator as `task create` creates it.

mod support;
mod tui_support;

use std::path::Path;
use std::time::Duration;

use ccc_dial::ccc::{Client, ClientConfig};
use ccc_dial::cli::batch::BadRow;
use ccc_dial::cli::task::check_rows;
use ccc_dial::dialer::{DialDraft, Dialer};
use ccc_dial::history::{AttemptId, Page, Store};
use ccc_dial::sim::{self, SimConfig, SimHandle};
use ccc_dial::tui::app::{App, Effect, Msg};
use ccc_dial::tui::campaign_batch::BatchLaunch;
use ccc_dial::tui::campaign_load::{ListAsk, ListRead};
use ccc_dial::tui::campaign_load_io;
use ccc_dial::tui::campaigns::{CampaignEffect, CampaignMsg};
use crossterm::event::KeyCode;
use tokio::sync::mpsc;
use tui_support::*;

/// 2027-01-15 08:00:00 UTC, a Friday.
const NOW_MS: i64 = 1_800_000_000_000;
const CALLER: &str = "008601012345678";

/// The dialer with the form filled, the Campaigns view open and empty.
fn campaigns_open() -> App {
    let mut app = app();
    app.color = false;
    app.now_ms = NOW_MS;
    app.form.draft.agent_id = "15".into();
    app.form.draft.callers = vec![CALLER.into()];
    key(&mut app, KeyCode::F(3));
    app.update(Msg::Campaigns(CampaignMsg::Loaded(Ok(Vec::new()))));
    app
}

/// The load's path prompt with `path` typed, and the effect Enter leads to.
fn typed_path(app: &mut App, path: &str) -> Vec<Effect> {
    key(app, KeyCode::Char('l'));
    type_str(app, path);
    key(app, KeyCode::Enter)
}

fn read_asked(effects: &[Effect]) -> ListAsk {
    match effects {
        [Effect::Campaigns(CampaignEffect::Read(ask))] => ask.clone(),
        other => panic!("the list is read: {other:?}"),
    }
}

/// The list as the runtime reads it, without the held check.
fn checked(ask: &ListAsk, csv: &str) -> Box<ListRead> {
    let (rows, bad, file_error) =
        match check_rows(&ask.args().unwrap(), 1_400_000_000, csv.as_bytes()) {
            Ok((rows, bad)) => (rows, bad, None),
            Err(e) => (Vec::new(), Vec::new(), Some(e)),
        };
    Box::new(ListRead {
        bytes: csv.as_bytes().to_vec(),
        rows,
        bad,
        file_error,
        held: Vec::new(),
        held_unknown: None,
    })
}

const LIST: &str = "callee,var.name,var.plan\n\
                    008613000000001,Ann,gold\n\
                    008613000000002,Bob,silver\n\
                    008613000000003,Cat,\n";

#[test]
fn the_preview_without_colours() {
    let mut app = campaigns_open();
    insta::assert_snapshot!("campaigns_empty_80x24", render(&mut app, 80, 24));
    let ask = read_asked(&typed_path(&mut app, "/lists/calls.csv"));
    insta::assert_snapshot!("load_reading_80x24", render(&mut app, 80, 24));
    assert_eq!(ask.path, Path::new("/lists/calls.csv"));
    let mut list = checked(&ask, LIST);
    list.held = vec![(
        4,
        "008613000000003 was called at 2027-01-15 07:40:00 from this machine".into(),
    )];
    app.update(Msg::Campaigns(CampaignMsg::Read(Ok(list))));
    // The window and retries typed, as `--window` and `--retry-on` take them.
    key(&mut app, KeyCode::Down);
    type_str(&mut app, "09:00-12:00,14:00-18:00");
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    type_str(&mut app, "3");
    insta::assert_snapshot!("load_preview_80x24", render(&mut app, 80, 24));
    insta::assert_snapshot!("load_preview_160x48", render(&mut app, 160, 48));
    // Enter asks, naming the simulator and the callees left after the held one.
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    let screen = render(&mut app, 160, 48);
    assert!(
        screen.contains(
            "Start 2 callees on the SIMULATOR (no real phone rings)? y: as a server task"
        ),
        "{screen}"
    );
    insta::assert_snapshot!("load_confirm_160x48", screen);
    // Any other key: nothing starts; y starts it with the bytes previewed.
    assert!(key(&mut app, KeyCode::Char('n')).is_empty());
    key(&mut app, KeyCode::Enter);
    let effects = key(&mut app, KeyCode::Char('y'));
    let [Effect::Campaigns(CampaignEffect::Start(ask, bytes))] = effects.as_slice() else {
        panic!("the task is started: {effects:?}");
    };
    assert_eq!(bytes, LIST.as_bytes());
    assert_eq!(ask.settings[2], "09:00-12:00,14:00-18:00");
    assert_eq!(ask.settings[4], "3");
    // Or `b`: the same list from this machine, calling from the caller setting.
    app.update(Msg::Campaigns(CampaignMsg::Started(Err("again".into()))));
    key(&mut app, KeyCode::Enter);
    let effects = key(&mut app, KeyCode::Char('b'));
    let [Effect::Campaigns(CampaignEffect::StartBatch(batch, caller))] = effects.as_slice() else {
        panic!("the batch is started: {effects:?}");
    };
    assert_eq!((batch, caller.as_deref()), (ask, Some(CALLER)));
    // The service refuses (its text escaped on the way): the preview is kept.
    app.update(Msg::Campaigns(CampaignMsg::Started(Err(
        "InvalidParameterValue: bad \\u{1b}[31m caller".into(),
    ))));
    let screen = render(&mut app, 160, 48);
    assert!(screen.contains("Task settings"), "{screen}");
    assert!(
        screen.contains("InvalidParameterValue: bad \\u{1b}[31m caller"),
        "{screen}"
    );
    assert!(
        app.log
            .iter()
            .any(|n| n.text.starts_with("The task was not created"))
    );
}

#[test]
fn a_setting_typed_wrong_says_what_the_command_says_and_start_is_refused() {
    let mut app = campaigns_open();
    let ask = read_asked(&typed_path(&mut app, "/lists/calls.csv"));
    app.update(Msg::Campaigns(CampaignMsg::Read(Ok(checked(&ask, LIST)))));
    // Tries is the fifth setting.
    for _ in 0..3 {
        key(&mut app, KeyCode::Down);
    }
    type_str(&mut app, "7");
    let screen = render(&mut app, 160, 48);
    assert!(
        screen.contains("✗ --tries: Tries must be 1 to 3, got 7"),
        "the message of task create --tries 7: {screen}"
    );
    assert!(key(&mut app, KeyCode::Enter).is_empty(), "not started");
    assert!(!render(&mut app, 160, 48).contains("y start"));
}

#[test]
fn a_csv_with_errors_is_refused_with_its_lines() {
    let mut app = campaigns_open();
    let ask = read_asked(&typed_path(&mut app, "/lists/bad.csv"));
    let csv = "callee,var.name\n008613000000001,Ann\n12ab,Bob\n008613000000003,Cat\nx99,Dan\n";
    app.update(Msg::Campaigns(CampaignMsg::Read(Ok(checked(&ask, csv)))));
    let screen = render(&mut app, 160, 48);
    assert!(screen.contains("2 rows ready, 2 with bad data"), "{screen}");
    assert!(screen.contains("✗ line 3: "), "{screen}");
    assert!(screen.contains("✗ line 5: "), "{screen}");
    insta::assert_snapshot!("load_bad_rows_80x24", render(&mut app, 80, 24));
    assert!(key(&mut app, KeyCode::Enter).is_empty(), "start refused");
    let screen = render(&mut app, 160, 48);
    assert!(
        screen.contains("2 rows have bad data; fix them in the file and load it again"),
        "{screen}"
    );
    // A callee on two rows: the whole file, with its lines.
    key(&mut app, KeyCode::Esc);
    let dup = "callee\n008613000000001\n008613000000001\n";
    app.update(Msg::Campaigns(CampaignMsg::Read(Ok(checked(&ask, dup)))));
    let screen = render(&mut app, 160, 48);
    assert!(screen.contains("✗ "), "{screen}");
    assert!(screen.contains("line"), "{screen}");
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    assert!(render(&mut app, 160, 48).contains("The file cannot be used"));
}

async fn simulator() -> SimHandle {
    sim::start(SimConfig {
        ring: Duration::from_millis(50),
        talk: Duration::from_millis(50),
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

fn dialer(sim: &SimHandle, history: &Path) -> Dialer {
    let client = Client::new(ClientConfig::new(sim.url(), sim.credential())).unwrap();
    let (store, _) = Store::open(history).unwrap();
    support::dialer::dialer(client, store, 20, sim.url()).0
}

fn ask(path: &Path) -> ListAsk {
    let mut settings: Vec<String> = vec![String::new(); 10];
    settings[1] = CALLER.into();
    settings[7] = "now".into();
    settings[9] = "Asia/Shanghai".into();
    ListAsk {
        path: path.to_path_buf(),
        sdk_app_id: "1400000000".into(),
        agent: "15".into(),
        settings,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_paths_say_what_is_wrong_and_keep_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let sim = simulator().await;
    let dialer = dialer(&sim, &dir.path().join("history.db"));
    let mut app = campaigns_open();
    let missing = dir.path().join("calls.cvs");
    let asked = read_asked(&typed_path(&mut app, &missing.display().to_string()));
    let read = campaign_load_io::read(&dialer, asked).await;
    app.update(Msg::Campaigns(CampaignMsg::Read(read.map(Box::new))));
    let screen = render(&mut app, 160, 48);
    assert!(
        screen.contains("calls.cvs does not exist; check the path"),
        "{screen}"
    );
    assert!(
        screen.contains(&format!("File {}", missing.display())),
        "kept: {screen}"
    );
    // A folder, then Enter on nothing.
    for _ in 0.."calls.cvs".len() {
        key(&mut app, KeyCode::Backspace);
    }
    let effects = key(&mut app, KeyCode::Enter);
    let read = campaign_load_io::read(&dialer, read_asked(&effects)).await;
    app.update(Msg::Campaigns(CampaignMsg::Read(read.map(Box::new))));
    assert!(render(&mut app, 160, 48).contains("is a folder; give the CSV file in it"));
    ctrl(&mut app, 'u');
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    assert!(render(&mut app, 160, 48).contains("Type the path of a CSV with a callee column"));
    // `~` is the home folder.
    key(&mut app, KeyCode::Esc);
    let home = std::env::var("HOME").unwrap_or_default();
    let asked = read_asked(&typed_path(&mut app, "~/lists/x.csv"));
    assert_eq!(asked.path, Path::new(&format!("{home}/lists/x.csv")));
}

#[tokio::test(flavor = "multi_thread")]
async fn held_callees_are_listed_with_why_then_left_out_of_the_task_created() {
    let dir = tempfile::tempdir().unwrap();
    let sim = simulator().await;
    let history = dir.path().join("history.db");
    let dialer = dialer(&sim, &history);
    // Bob was called a moment ago from this machine.
    let bob = DialDraft {
        sdk_app_id: "1400000000".into(),
        agent_id: "15".into(),
        callee: "008613000000002".into(),
        ..Default::default()
    }
    .validate()
    .unwrap();
    dialer.run(AttemptId::new(), bob, None).await;
    let path = dir.path().join("calls.csv");
    std::fs::write(&path, LIST).unwrap();
    let list = campaign_load_io::read(&dialer, ask(&path)).await.unwrap();
    assert_eq!(list.rows.len(), 3);
    assert_eq!(list.bad, Vec::<BadRow>::new());
    assert_eq!(list.held.len(), 1, "{:?}", list.held);
    assert_eq!(list.held[0].0, 3, "Bob is on line 3");
    assert!(
        list.held[0].1.contains("008613000000002 was called"),
        "{:?}",
        list.held
    );
    assert_eq!(list.callees(), 2);
    let mut app = campaigns_open();
    typed_path(&mut app, &path.display().to_string());
    app.update(Msg::Campaigns(CampaignMsg::Read(Ok(Box::new(
        list.clone(),
    )))));
    let screen = render(&mut app, 160, 48);
    assert!(
        screen.contains("held back   1 callees (never twice)"),
        "{screen}"
    );
    assert!(
        screen.contains("line 3: 008613000000002 was called"),
        "{screen}"
    );

    // Created as `task create` creates it: Bob left out, recorded before it was sent.
    let (tx, mut rx) = mpsc::unbounded_channel();
    let ids = campaign_load_io::start(&dialer, &tx, ask(&path), list.bytes.clone())
        .await
        .unwrap();
    assert_eq!(ids.len(), 1);
    let mut told = Vec::new();
    while let Ok(Msg::Campaigns(CampaignMsg::Told(line))) = rx.try_recv() {
        told.push(line);
    }
    assert!(
        told.iter()
            .any(|l| l.starts_with("line 3: held back: 008613000000002")),
        "{told:?}"
    );
    let campaigns = dialer.store().campaigns(&sim.url(), 10).unwrap();
    assert!(campaigns.iter().any(|c| c.task_id() == Some(ids[0])));
    // The same list again creates nothing new: the TaskId comes back.
    let again = campaign_load_io::start(&dialer, &tx, ask(&path), list.bytes)
        .await
        .unwrap();
    assert_eq!(again, ids);
    // Started, the view lists the campaigns again and follows the new task.
    let effects = app.update(Msg::Campaigns(CampaignMsg::Started(Ok(ids.clone()))));
    assert_eq!(effects, [Effect::Campaigns(CampaignEffect::Load)]);
    assert!(
        app.log
            .iter()
            .any(|n| n.text.contains("created and recorded"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_list_started_as_a_local_batch_is_dialed_once_into_this_history() {
    let dir = tempfile::tempdir().unwrap();
    let sim = simulator().await;
    let history = dir.path().join("history.db");
    let dialer = dialer(&sim, &history);
    let path = dir.path().join("calls.csv");
    std::fs::write(&path, LIST).unwrap();
    let launch = BatchLaunch::simulator(env!("CARGO_BIN_EXE_ccc-dial").into(), history.clone());
    let started = launch.start(&ask(&path), Some(CALLER)).unwrap();
    assert!(started.resume.contains(" --sim"), "{}", started.resume);
    let callees = || {
        let rows = dialer
            .store()
            .list(&Default::default(), Page::first(100))
            .unwrap();
        let mut seen: Vec<String> = rows.into_iter().map(|a| a.callee).collect();
        seen.sort();
        seen
    };
    // A run ends by naming its batch on a line of its own.
    let ended = |log: &Path| {
        for _ in 0..600 {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            if text.lines().any(|l| l.starts_with("batch ")) {
                return text;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the batch never ended: {log:?}");
    };
    let first = ended(&started.log);
    assert!(
        first.contains("accepted                                   3"),
        "{first}"
    );
    // Started again from the same list: the claims hold, nothing is dialed twice.
    let again = launch.start(&ask(&path), Some(CALLER)).unwrap();
    let second = ended(&again.log);
    assert!(
        second.contains("accepted earlier, skipped                  3"),
        "{second}"
    );
    assert_eq!(
        callees(),
        ["008613000000001", "008613000000002", "008613000000003"]
    );
    let campaigns = dialer.store().campaigns("simulator", 10).unwrap();
    assert_eq!(
        campaigns.len(),
        1,
        "one batch in this history: {campaigns:?}"
    );
}
