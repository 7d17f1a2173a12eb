//! The call report as the attempt pane draws it: who ended the call from what happened, the
//! LLM's first token beside its whole answer, a value on every timeline line, and what was
//! sent from this app inside the transcript where it was sent.

mod tui_support;

use ccc_dial::history::{Attempt, AttemptStatus, Event};
use ccc_dial::tui::app::{App, Msg, Pane};
use crossterm::event::{KeyCode, KeyEvent};
use serde_json::{Value, json};
use tui_support::*;

fn with_detail(app: &mut App, a: Attempt, events: Vec<Event>) {
    let start = app.start();
    load_history(app, 1, 0, vec![a.clone()], &start);
    app.update(Msg::Detail {
        attempt: Box::new(a),
        events,
    });
    app.focus = Pane::History;
}

fn at(a: &Attempt, seq: i64, after_ms: i64, kind: &str, detail: Value) -> Event {
    let mut e = event(a, seq, after_ms, kind, None);
    e.detail = detail;
    e
}

/// A call hung up with the app's own key: the record says `system`, as the service writes it.
fn hung_up_here() -> (Attempt, Vec<Event>) {
    let mut a = attempt(0, AttemptStatus::Finished);
    a.session_id = Some("6bb56a09-1e2f-4c1b-9d7e-3a5b2c1d0e4f".into());
    let t0 = a.created_at_ms;
    let s = t0 / 1000;
    let events = vec![
        at(&a, 1, 0, "queued", json!({})),
        at(&a, 2, 190, "accepted", json!({"tries": 1})),
        at(&a, 3, 2_000, "status", json!({"status": "ringing"})),
        at(&a, 4, 7_000, "status", json!({"status": "inProgress"})),
        at(
            &a,
            5,
            15_000,
            "push",
            json!({"kind": "push_text", "text": "We have an offer", "ok": true}),
        ),
        at(
            &a,
            6,
            30_000,
            "push",
            json!({"kind": "invoke_llm", "text": "wrap up politely", "ok": true}),
        ),
        at(&a, 7, 40_000, "hangup", json!({"ok": true})),
        at(&a, 8, 41_000, "status", json!({"status": "finished"})),
        at(
            &a,
            9,
            45_000,
            "cdr",
            json!({"record": {"EndStatus": 1, "EndStatusString": "ok", "HungUpSide": "system",
                "SysHangupReason": 0, "RingTimestamp": s + 2, "AcceptTimestamp": s + 7,
                "EndedTimestamp": s + 40, "Duration": 33}}),
        ),
        at(
            &a,
            10,
            46_000,
            "latency",
            json!({"rounds": [
                {"RoundId": "r1", "ETELatency": 900.0, "ASRLatency": 200.0, "LLMLatency": 1400.0,
                 "LLMFirstTokenLatency": 350.0, "TTSLatency": 200.0}]}),
        ),
        at(
            &a,
            11,
            47_000,
            "interaction",
            json!({"offered": true, "events": [
                {"RoundIndex": 0, "Messages": [
                    {"Timestamp": t0 + 8_000, "AISpeak": {"SpokenText": "Hello, this is Sales bot."}}]},
                {"RoundIndex": 1, "Messages": [
                    {"Timestamp": t0 + 20_000, "UserReply": {"ASRTranscript": "How much is it?"}},
                    {"Timestamp": t0 + 21_000, "AISpeak": {"SpokenText": "Ten a month."}}]},
                // The service lists the pushed line's round after the scripted ones.
                {"RoundIndex": 2, "Messages": [
                    {"Timestamp": t0 + 15_500, "AISpeak": {"SpokenText": "We have an offer"}}]}
            ]}),
        ),
    ];
    (a, events)
}

fn opened(w: u16, h: u16) -> String {
    let mut app = app();
    let (a, events) = hung_up_here();
    with_detail(&mut app, a, events);
    app.update(Msg::Key(KeyEvent::from(KeyCode::Enter)));
    render(&mut app, w, h)
}

#[test]
fn the_report_names_this_apps_hang_up_and_places_pushed_text_in_time() {
    let screen = opened(160, 60);
    assert!(
        screen.contains("Ended: hung up from this app"),
        "the record's \"system\" is not what happened:\n{screen}"
    );
    assert!(!screen.contains("by system"), "{screen}");
    for label in ["LLM1st", "LLMall", "E2E: callee stops"] {
        assert!(screen.contains(label), "{label} missing:\n{screen}");
    }
    // The first token (350) sits beside the whole answer (1400).
    assert!(screen.contains("350   1400"), "{screen}");
    let pos = |text: &str| {
        screen
            .find(text)
            .unwrap_or_else(|| panic!("{text} missing:\n{screen}"))
    };
    let order = [
        "AI     Hello, this is Sales bot.",
        "you, pushed text: We have an offer",
        "AI     We have an offer",
        "callee How much is it?",
        "AI     Ten a month.",
        "you, LLM prompt: wrap up politely",
    ];
    for pair in order.windows(2) {
        assert!(pos(pair[0]) < pos(pair[1]), "{pair:?} out of order");
    }
    // Every timeline line says what it came to.
    for line in [
        "status → ringing",
        "status → in progress",
        "status → finished",
        "hung up from this app",
        "accepted: the service placed the call",
    ] {
        assert!(screen.contains(line), "{line} missing:\n{screen}");
    }
    assert!(
        !screen.contains(" status  "),
        "a bare status line:\n{screen}"
    );
}

#[test]
fn report_snapshots() {
    insta::assert_snapshot!("report_hung_up_here_80x24", opened(80, 24));
    insta::assert_snapshot!("report_hung_up_here_120x40", opened(120, 40));
}
