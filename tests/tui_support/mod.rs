//! Helpers for driving the dialer's state by keys and drawing it on a test terminal.
#![allow(dead_code)]

use ccc_dial::config::Settings;
use ccc_dial::dialer::CallWord;
use ccc_dial::dialer::DialDraft;
use ccc_dial::history::{Attempt, AttemptId, AttemptStatus, Event};
use ccc_dial::tui::app::{App, BackendInfo, Effect, Msg, Pane};
use ccc_dial::tui::time::TimeFmt;
use ccc_dial::tui::view;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// 2025-06-01 14:02:11.120 UTC
pub const T0: i64 = 1_748_786_531_120;

pub fn sim_backend() -> BackendInfo {
    BackendInfo {
        simulator: true,
        label: "simulator".into(),
        credentials: None,
    }
}

pub fn app() -> App {
    let draft = DialDraft {
        sdk_app_id: "1400000000".into(),
        ..Default::default()
    };
    let mut app = App::new(draft, Settings::default(), sim_backend(), TimeFmt::Utc);
    app.settings_file = Some("/home/user/.config/ccc-dial/settings.toml".into());
    app
}

pub fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub fn ctrl(app: &mut App, c: char) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::CONTROL,
    )))
}

pub fn alt(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::ALT)))
}

pub fn type_str(app: &mut App, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| key(app, KeyCode::Char(c)))
        .collect()
}

pub fn attempt(n: u32, status: AttemptStatus) -> Attempt {
    let callee = format!("0086130{:08}", n);
    let request_json = format!(
        r#"{{"SdkAppId":1400000000,"AIAgentId":15,"Callee":"{callee}","Variables":[{{"Key":"name","Value":"张三"}}]}}"#
    );
    Attempt {
        id: AttemptId(format!("{n:08x}-0000-4000-8000-000000000000")),
        created_at_ms: T0 - n as i64 * 61_000,
        updated_at_ms: T0 - n as i64 * 61_000 + 190,
        endpoint: "simulator".into(),
        sdk_app_id: 1400000000,
        agent_id: 15,
        agent_name: Some("Sales bot".into()),
        callee,
        callers: vec!["008601012345678".into()],
        variables: vec![("name".into(), "张三".into())],
        max_ring_timeout: Some(30),
        acquire_timeout: None,
        request_json,
        batch: None,
        status,
        session_id: None,
        request_id: None,
        response_json: None,
        error_code: None,
        error_message: None,
        claim_override: None,
    }
}

pub fn event(
    a: &Attempt,
    seq: i64,
    after_ms: i64,
    kind: &str,
    status: Option<AttemptStatus>,
) -> Event {
    Event {
        attempt_id: a.id.clone(),
        seq,
        at_ms: a.created_at_ms + after_ms,
        kind: kind.into(),
        status,
        detail: serde_json::Value::Null,
    }
}

/// Feeds a history page as the runtime would answer the app's last query.
pub fn load_history(
    app: &mut App,
    total: u64,
    offset: u64,
    rows: Vec<Attempt>,
    effects: &[Effect],
) -> Vec<Effect> {
    let generation = effects
        .iter()
        .rev()
        .find_map(|e| match e {
            Effect::QueryHistory { generation, .. } => Some(*generation),
            _ => None,
        })
        .expect("the app asked for history");
    app.update(Msg::HistoryPage {
        generation,
        total,
        offset,
        rows,
    })
}

/// The whole screen as text, at `w`x`h`.
pub fn render(app: &mut App, w: u16, h: u16) -> String {
    app.update(Msg::Resize(w, h));
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| view::draw(f, app)).unwrap();
    terminal.backend().to_string()
}

/// A history with every way an attempt can end or stand.
pub fn every_outcome() -> App {
    let mut app = app();
    let start = app.start();
    let mut rows: Vec<Attempt> = Vec::new();
    let mut words = Vec::new();
    for (i, word) in CallWord::ALL.into_iter().enumerate() {
        let a = attempt(i as u32, AttemptStatus::Finished);
        words.push((a.id.clone(), Some(word)));
        rows.push(a);
    }
    let no_record = attempt(8, AttemptStatus::Finished);
    words.push((no_record.id.clone(), None));
    rows.push(no_record);
    for (n, status) in [
        (9, AttemptStatus::Ringing),
        (10, AttemptStatus::InProgress),
        (11, AttemptStatus::NotSent),
        (12, AttemptStatus::Unknown),
    ] {
        rows.push(attempt(n, status));
    }
    let mut refused = attempt(13, AttemptStatus::Rejected);
    refused.error_code = Some("InvalidParameterValue.Callee".into());
    rows.push(refused);
    load_history(&mut app, rows.len() as u64, 0, rows, &start);
    app.update(Msg::Outcomes(words));
    app.focus = Pane::History;
    app
}

/// The interaction records of a call: one round per pair of what the callee said (empty for
/// none) and what the agent answered, indexed from 0.
pub fn conversation(a: &Attempt, seq: i64, rounds: &[(&str, &str)]) -> Event {
    let events: Vec<serde_json::Value> = rounds
        .iter()
        .enumerate()
        .map(|(i, (heard, said))| {
            serde_json::json!({"RoundIndex": i, "Messages": [
                {"Timestamp": a.created_at_ms + i as i64 * 5_000,
                 "UserReply": {"ASRTranscript": heard}},
                {"AISpeak": {"SpokenText": said}}]})
        })
        .collect();
    Event {
        detail: serde_json::json!({"offered": true, "events": events}),
        ..event(a, seq, seq * 1_000, "interaction", None)
    }
}
