//! Quitting with calls live asks first, says how many and what becomes of them, and a
//! second quitting key confirms; with nothing live, one key quits.

mod tui_support;

use ccc_dial::dialer::{DialerEvent, WatchEvent};
use ccc_dial::history::{AttemptId, AttemptStatus};
use ccc_dial::tui::app::{App, Effect, Msg, Overlay, Pane};
use crossterm::event::KeyCode;
use tui_support::*;

fn quits(effects: &[Effect]) -> bool {
    effects.iter().any(|e| matches!(e, Effect::Quit))
}

/// An app following one accepted call.
fn with_a_live_call() -> (App, AttemptId) {
    let mut app = app();
    app.focus = Pane::History;
    let id = AttemptId::from("6bb56a09-aaaa-4000-8000-000000000001");
    app.update(Msg::Dialer(DialerEvent::Accepted {
        id: id.clone(),
        session_id: "sess-1".into(),
        request_id: "req-1".into(),
    }));
    (app, id)
}

#[test]
fn nothing_live_quits_at_once() {
    let mut app = app();
    app.focus = Pane::History;
    assert!(quits(&key(&mut app, KeyCode::Char('q'))));
    assert!(app.quit);
}

#[test]
fn a_live_call_asks_first_and_a_second_q_quits() {
    let (mut app, _) = with_a_live_call();
    let effects = key(&mut app, KeyCode::Char('q'));
    assert!(!quits(&effects), "asked first");
    assert!(matches!(app.overlay, Some(Overlay::Quit)));
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("Quit? 1 call is live"), "{screen}");
    assert!(screen.contains("followed again at next start"), "{screen}");
    assert!(screen.contains("q/y/Enter quit"), "{screen}");
    assert!(quits(&key(&mut app, KeyCode::Char('q'))));
}

#[test]
fn any_other_key_stays_and_ctrl_c_asks_too() {
    let (mut app, _) = with_a_live_call();
    assert!(!quits(&ctrl(&mut app, 'c')));
    assert!(!quits(&key(&mut app, KeyCode::Char('x'))));
    assert!(app.overlay.is_none());
    assert!(!app.quit);
    assert!(app.notice.as_ref().unwrap().text.contains("Not quit"));
    // Ctrl-C twice quits, as does Enter after the question.
    assert!(!quits(&ctrl(&mut app, 'c')));
    assert!(quits(&ctrl(&mut app, 'c')));
    let (mut app, _) = with_a_live_call();
    ctrl(&mut app, 'c');
    assert!(quits(&key(&mut app, KeyCode::Enter)));
}

#[test]
fn dials_not_answered_yet_are_counted_and_an_ended_call_is_not() {
    let (mut app, id) = with_a_live_call();
    app.in_flight.dialed();
    app.in_flight.dialed();
    key(&mut app, KeyCode::Char('q'));
    let question = app.quit_question().unwrap();
    assert!(question.contains("1 call is live"), "{question}");
    assert!(
        question.contains("2 dials are not answered yet"),
        "{question}"
    );
    assert!(question.contains("reconcile"), "{question}");
    key(&mut app, KeyCode::Esc);

    let (mut app, _) = with_a_live_call();
    app.update(Msg::Dialer(DialerEvent::Watch(WatchEvent::Status {
        id,
        status: AttemptStatus::Finished,
        at_ms: T0,
    })));
    assert!(app.quit_question().is_none());
    assert!(quits(&key(&mut app, KeyCode::Char('q'))));
}

#[test]
fn a_call_followed_again_after_a_restart_counts_as_live() {
    let mut app = app();
    app.focus = Pane::History;
    app.update(Msg::Dialer(DialerEvent::Watch(WatchEvent::Status {
        id: AttemptId::from("6bb56a09-aaaa-4000-8000-000000000002"),
        status: AttemptStatus::Ringing,
        at_ms: T0,
    })));
    assert!(!quits(&key(&mut app, KeyCode::Char('q'))));
    assert!(app.quit_question().unwrap().contains("1 call is live"));
}
