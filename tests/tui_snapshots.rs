//! The whole screen at 80x24 and 160x48, on ratatui's test terminal. Times are shown in UTC
//! and ids are fixed, so the pictures are the same on every machine.

mod tui_support;

use ccc_dial::ccc::Outcome;
use ccc_dial::ccc::catalog::Label;
use ccc_dial::dialer::{DialerEvent, Failure};
use ccc_dial::history::{Attempt, AttemptStatus, Event};
use ccc_dial::tui::app::{App, Msg, Pane};
use crossterm::event::KeyCode;
use serde_json::json;
use tui_support::*;

fn both(name: &str, app: &mut App) {
    insta::assert_snapshot!(format!("{name}_80x24"), render(app, 80, 24));
    insta::assert_snapshot!(format!("{name}_160x48"), render(app, 160, 48));
}

#[test]
fn empty_form() {
    let mut app = app();
    let start = app.start();
    load_history(&mut app, 0, 0, vec![], &start);
    both("empty_form", &mut app);
}

#[test]
fn filled_form_with_validation_errors() {
    let mut app = app();
    let start = app.start();
    load_history(&mut app, 0, 0, vec![], &start);
    app.focus = Pane::Agent;
    type_str(&mut app, "x");
    key(&mut app, KeyCode::Enter);
    type_str(&mut app, "abc");
    key(&mut app, KeyCode::Enter);
    app.focus = Pane::Options;
    key(&mut app, KeyCode::Down);
    type_str(&mut app, "9");
    app.focus = Pane::Callee;
    key(&mut app, KeyCode::Enter);
    type_str(&mut app, "+86 130 1234 5678");
    key(&mut app, KeyCode::Enter);
    app.focus = Pane::Callers;
    type_str(&mut app, "a12");
    key(&mut app, KeyCode::Enter);
    app.focus = Pane::Variables;
    type_str(&mut app, "u");
    type_str(&mut app, "张三");
    key(&mut app, KeyCode::Enter);
    type_str(&mut app, "aname");
    key(&mut app, KeyCode::Enter);
    type_str(&mut app, "adify-inputs-user");
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 's');
    both("filled_form_with_validation_errors", &mut app);
}

fn with_detail(app: &mut App, rows: Vec<Attempt>, events: Vec<Event>) {
    let start = app.start();
    let total = rows.len() as u64;
    let first = rows[0].clone();
    load_history(app, total, 0, rows, &start);
    app.update(Msg::Detail {
        attempt: Box::new(first),
        events,
    });
    app.focus = Pane::History;
}

#[test]
fn an_accepted_attempt() {
    let mut app = app();
    let mut a = attempt(0, AttemptStatus::Accepted);
    a.session_id = Some("6bb56a09-1e2f-4c1b-9d7e-3a5b2c1d0e4f".into());
    a.request_id = Some("b0f1c2d3-0000-4000-8000-00000000aaaa".into());
    a.response_json = Some(
        r#"{"Response":{"SessionId":"6bb56a09-1e2f-4c1b-9d7e-3a5b2c1d0e4f","RequestId":"b0f1c2d3-0000-4000-8000-00000000aaaa"}}"#.into(),
    );
    let mut sent = event(&a, 2, 40, "sent", None);
    sent.detail = json!({"try": 1});
    let events = vec![
        event(&a, 1, 0, "queued", Some(AttemptStatus::Queued)),
        sent,
        event(&a, 3, 190, "accepted", Some(AttemptStatus::Accepted)),
    ];
    let mut older = attempt(1, AttemptStatus::Finished);
    older.agent_name = Some("Support bot (dify)".into());
    with_detail(
        &mut app,
        vec![a.clone(), older, attempt(2, AttemptStatus::NotSent)],
        events,
    );
    app.update(Msg::Dialer(DialerEvent::Accepted {
        id: a.id.clone(),
        session_id: a.session_id.clone().unwrap(),
        request_id: a.request_id.clone().unwrap(),
    }));
    both("accepted_attempt", &mut app);
}

#[test]
fn a_rejected_attempt_with_its_hint() {
    let mut app = app();
    let mut a = attempt(0, AttemptStatus::Rejected);
    a.request_id = Some("c0ffee00-0000-4000-8000-000000000001".into());
    a.error_code = Some("LimitExceeded.OutOfQuotaMaxCount".into());
    a.error_message = Some("the agent is at its concurrency limit".into());
    a.response_json = Some(
        r#"{"Response":{"Error":{"Code":"LimitExceeded.OutOfQuotaMaxCount","Message":"the agent is at its concurrency limit"},"RequestId":"c0ffee00-0000-4000-8000-000000000001"}}"#.into(),
    );
    let mut rejected = event(&a, 3, 120, "rejected", Some(AttemptStatus::Rejected));
    rejected.detail = json!({"hint": "the agent's concurrency cap is exceeded; lower the concurrency", "label": "capacity-limited"});
    let events = vec![
        event(&a, 1, 0, "queued", Some(AttemptStatus::Queued)),
        event(&a, 2, 30, "sent", None),
        rejected,
    ];
    let mut rate = attempt(1, AttemptStatus::Rejected);
    rate.error_code = Some("RequestLimitExceeded".into());
    with_detail(&mut app, vec![a.clone(), rate], events);
    app.update(Msg::Dialer(DialerEvent::Failed {
        id: a.id.clone(),
        failure: Failure {
            outcome: Outcome::Rejected,
            label: Label::CapacityLimited,
            code: a.error_code.clone(),
            message: a.error_message.clone().unwrap(),
            hint: "the agent's concurrency cap is exceeded; lower the concurrency".into(),
            request_id: a.request_id.clone(),
        },
    }));
    both("rejected_attempt", &mut app);
}

#[test]
fn help() {
    let mut app = app();
    let start = app.start();
    load_history(&mut app, 0, 0, vec![], &start);
    type_str(&mut app, "?");
    both("help", &mut app);
}

#[test]
fn settings() {
    let mut app = app();
    let start = app.start();
    load_history(&mut app, 0, 0, vec![], &start);
    key(&mut app, KeyCode::F(2));
    for _ in 0..8 {
        key(&mut app, KeyCode::Down);
    }
    type_str(&mut app, "hidden-key");
    both("settings", &mut app);
}

#[test]
fn no_color_still_shows_focus_and_errors_by_shape() {
    let mut app = app();
    app.color = false;
    let start = app.start();
    load_history(&mut app, 0, 0, vec![], &start);
    app.focus = Pane::Callee;
    ctrl(&mut app, 's');
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    app.update(Msg::Resize(80, 24));
    terminal
        .draw(|f| ccc_dial::tui::view::draw(f, &app))
        .unwrap();
    let buf = terminal.backend().buffer();
    for cell in buf.content() {
        assert_eq!(cell.fg, ratatui::style::Color::Reset, "{:?}", cell);
        assert_eq!(cell.bg, ratatui::style::Color::Reset, "{:?}", cell);
    }
    let text = terminal.backend().to_string();
    assert!(
        text.contains('╔'),
        "a pane with a problem has a double border"
    );
}

#[test]
fn a_live_call() {
    let mut app = app();
    let mut a = attempt(0, AttemptStatus::InProgress);
    a.session_id = Some("6bb56a09-1e2f-4c1b-9d7e-3a5b2c1d0e4f".into());
    let mut events = vec![
        event(&a, 1, 0, "queued", Some(AttemptStatus::Queued)),
        event(&a, 2, 40, "sent", None),
        event(&a, 3, 190, "accepted", Some(AttemptStatus::Accepted)),
        event(&a, 4, 1_200, "status", Some(AttemptStatus::Ringing)),
        event(&a, 5, 6_200, "status", Some(AttemptStatus::InProgress)),
    ];
    events[3].detail = json!({"status": "ringing"});
    events[4].detail = json!({"status": "inprogress"});
    let mut push = event(&a, 6, 20_000, "push", None);
    push.detail = json!({"kind": "push_text", "text": "请稍等", "interrupt": true, "ok": true});
    events.push(push);
    let talking_since = events[4].at_ms;
    with_detail(&mut app, vec![a], events);
    app.update(Msg::Tick(talking_since + 72_000));
    both("live_call", &mut app);
}

#[test]
fn a_call_report() {
    let mut app = app();
    let mut a = attempt(0, AttemptStatus::Finished);
    a.session_id = Some("6bb56a09-1e2f-4c1b-9d7e-3a5b2c1d0e4f".into());
    let t0 = a.created_at_ms / 1000;
    let mut cdr = event(&a, 4, 60_000, "cdr", None);
    cdr.detail = json!({"record": {
        "SessionId": "6bb56a09-1e2f-4c1b-9d7e-3a5b2c1d0e4f",
        "EndStatus": 1, "EndStatusString": "ok",
        "HungUpSide": "callee", "SysHangupReason": 0, "SysHangupReasonString": "normal",
        "RingTimestamp": t0 + 2, "AcceptTimestamp": t0 + 7, "EndedTimestamp": t0 + 52,
        "Duration": 45,
        "RecordURL": "https://rec.example/6bb56a09.mp3",
        "AsrUrl": "https://asr.example/6bb56a09.txt"
    }});
    let mut extract = event(&a, 5, 61_000, "extract", None);
    extract.detail = json!({"results": [
        {"InfoType": "Text", "InfoName": "name", "Result": {"Text": "张三"}},
        {"InfoType": "Boolean", "InfoName": "interested", "Result": {"Boolean": true}}
    ]});
    let mut latency = event(&a, 6, 61_500, "latency", None);
    latency.detail = json!({"rounds": [
        {"RoundId": "r1", "ETELatency": 900.0, "ASRLatency": 200.0, "LLMLatency": 500.0, "TTSLatency": 200.0},
        {"RoundId": "r2", "ETELatency": 1300.0, "ASRLatency": 250.0, "LLMLatency": 800.0, "TTSLatency": 250.0}
    ]});
    let mut interaction = event(&a, 7, 62_000, "interaction", None);
    interaction.detail = json!({"offered": false});
    let mut finished = event(&a, 3, 53_000, "status", Some(AttemptStatus::Finished));
    finished.detail = json!({"status": "finished"});
    let events = vec![
        event(&a, 1, 0, "queued", Some(AttemptStatus::Queued)),
        event(&a, 2, 190, "accepted", Some(AttemptStatus::Accepted)),
        finished,
        cdr,
        extract,
        latency,
        interaction,
    ];
    with_detail(&mut app, vec![a], events);
    app.update(Msg::Key(crossterm::event::KeyEvent::from(KeyCode::Enter)));
    both("call_report", &mut app);
}
