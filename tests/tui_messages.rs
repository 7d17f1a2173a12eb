//! A mode line that is always true: messages time out, wrap instead of being cut, and stay
//! in a log that opens in full.

mod tui_support;

use ccc_dial::tui::app::{Level, Msg, Overlay, Pane};
use crossterm::event::KeyCode;
use tui_support::*;

const LONG: &str = "cannot list the agents: DescribeAIAgentInfoList not sent: cannot connect: \
     connection refused by 127.0.0.1:9; check the endpoint in settings (F2) or start the \
     simulator with --sim";

#[test]
fn a_long_error_wraps_and_keeps_the_part_that_says_what_to_do() {
    for (w, h) in [(80, 24), (120, 40), (160, 48)] {
        let mut app = app();
        let start = app.start();
        load_history(&mut app, 0, 0, vec![], &start);
        app.notify(Level::Error, LONG);
        let screen = render(&mut app, w, h);
        insta::assert_snapshot!(format!("long_error_{w}x{h}"), screen);
        let flat: String = screen
            .lines()
            .map(|l| l.trim_matches('"').trim())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(flat.contains("start the simulator with --sim"), "{screen}");
        let mode = screen.lines().last().unwrap();
        assert!(mode.contains("Callee · Ctrl-S dial"), "{mode}");
    }
}

#[test]
fn messages_time_out_errors_later_and_stay_in_the_log() {
    let mut app = app();
    app.update(Msg::Tick(T0));
    app.notify(Level::Info, "Saved");
    app.update(Msg::Tick(T0 + 4_000));
    assert!(app.notice.is_some(), "still up after 4 s");
    app.update(Msg::Tick(T0 + 6_000));
    assert!(app.notice.is_none(), "gone after 6 s");
    app.notify(Level::Error, "Not hung up: the call ended");
    app.update(Msg::Tick(T0 + 12_000));
    assert!(app.notice.is_some(), "an error stays longer");
    assert_eq!(
        app.next_wake(T0 + 12_000),
        Some(std::time::Duration::from_millis(9_000))
    );
    app.update(Msg::Tick(T0 + 22_000));
    assert!(app.notice.is_none());
    assert_eq!(
        app.next_wake(T0 + 22_000),
        None,
        "idle: nothing to wake for"
    );
    key(&mut app, KeyCode::Char('m'));
    assert!(matches!(app.overlay, Some(Overlay::Messages { .. })));
    let screen = render(&mut app, 120, 40);
    assert!(screen.contains("Saved") && screen.contains("Not hung up: the call ended"));
    key(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
}

#[test]
fn the_mode_line_says_typing_while_a_message_is_up() {
    let mut app = app();
    app.notify(Level::Info, "Loaded");
    type_str(&mut app, "0086");
    let screen = render(&mut app, 80, 24);
    let mode = screen.lines().last().unwrap();
    assert!(mode.contains("typing · Enter/Esc done"), "{mode}");
}

#[test]
fn esc_clears_a_committed_filter() {
    let mut app = app();
    let start = app.start();
    load_history(&mut app, 0, 0, vec![], &start);
    app.focus = Pane::History;
    type_str(&mut app, "/sess");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.history.filter, "sess");
    let effects = key(&mut app, KeyCode::Esc);
    assert_eq!(app.history.filter, "");
    assert!(matches!(
        &effects[..],
        [ccc_dial::tui::app::Effect::QueryHistory { filter, .. }] if filter.text.is_none()
    ));
}

#[test]
fn without_colours_the_refusal_says_how_problems_are_marked() {
    let mut app = app();
    app.color = false;
    app.draft.callee = "12".into();
    ctrl(&mut app, 's');
    let text = &app.notice.as_ref().unwrap().text;
    assert!(text.contains("marked ✗, in double frames"), "{text}");
    assert!(!text.contains("red"));
}

#[test]
fn a_field_problem_wraps_at_80_columns_and_keeps_what_to_do() {
    let mut app = app();
    let start = app.start();
    load_history(&mut app, 0, 0, vec![], &start);
    app.draft.agent_id = "15".into();
    app.draft.callee = "008613012345678".into();
    app.focus = Pane::Callers;
    type_str(&mut app, "a12");
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 's');
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = render(&mut app, w, h);
        let rows: Vec<&str> = screen.lines().collect();
        let at = rows
            .iter()
            .position(|l| l.contains("✗ 12 lacks the country code"))
            .unwrap_or_else(|| panic!("{screen}"));
        // The rest of the advice is on the rows below, inside the Callers pane.
        let below = rows[at..at + 3].join(" ");
        assert!(below.contains("(e.g."), "{screen}");
        assert!(below.contains("number"), "{screen}");
    }
}
