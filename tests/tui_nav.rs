//! Navigation people already know: j/k/g/G in lists, Alt-1…6 to a pane, the mouse.

mod tui_support;

use ccc_dial::history::AttemptStatus;
use ccc_dial::tui::app::{App, Effect, Msg, Pane};
use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use tui_support::*;

/// 30 attempts in History, at 120x40.
fn listed() -> App {
    let mut app = app();
    app.update(Msg::Resize(120, 40));
    let start = app.start();
    let rows = (0..30)
        .map(|i| attempt(i, AttemptStatus::Finished))
        .collect();
    load_history(&mut app, 30, 0, rows, &start);
    app
}

fn mouse(app: &mut App, kind: MouseEventKind, column: u16, row: u16) -> Vec<Effect> {
    app.update(Msg::Mouse(MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    }))
}

#[test]
fn j_k_g_and_shift_g_move_the_history_selection() {
    let mut app = listed();
    app.focus = Pane::History;
    type_str(&mut app, "jjj");
    assert_eq!(app.history.selected, 3);
    type_str(&mut app, "k");
    assert_eq!(app.history.selected, 2);
    type_str(&mut app, "G");
    assert_eq!(app.history.selected, 29);
    type_str(&mut app, "g");
    assert_eq!(app.history.selected, 0);
}

#[test]
fn j_and_k_move_through_rows_of_the_form_too() {
    let mut app = app();
    app.draft.callers = vec!["1".into(), "2".into(), "3".into()];
    app.focus = Pane::Callers;
    type_str(&mut app, "jj");
    assert_eq!(app.caller_row, 2);
    type_str(&mut app, "g");
    assert_eq!(app.caller_row, 0);
}

#[test]
fn alt_digits_jump_to_panes_even_while_typing() {
    let mut app = app();
    alt(&mut app, KeyCode::Char('6'));
    assert_eq!(app.focus, Pane::History);
    alt(&mut app, KeyCode::Char('3'));
    type_str(&mut app, "0086");
    alt(&mut app, KeyCode::Char('1'));
    assert_eq!(app.focus, Pane::Agent);
    assert!(app.editing.is_none());
    assert_eq!(app.draft.callee, "0086");
}

#[test]
fn a_click_selects_the_history_row_under_it() {
    let mut app = listed();
    let screen = render(&mut app, 120, 40);
    let callee = attempt(4, AttemptStatus::Finished).callee;
    let (y, line) = screen
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(&callee))
        .expect("row 4 on screen");
    let x = line
        .find(&callee)
        .map(|b| line[..b].chars().count())
        .unwrap() as u16
        - 1;
    let effects = mouse(
        &mut app,
        MouseEventKind::Down(MouseButton::Left),
        x,
        y as u16,
    );
    assert_eq!(app.focus, Pane::History);
    assert_eq!(app.history.selected, 4);
    let a = app.history.selected_attempt().unwrap();
    assert_eq!(a.callee, callee);
    assert!(effects.contains(&Effect::LoadDetail(a.id.clone())));
    mouse(&mut app, MouseEventKind::ScrollDown, x, y as u16);
    assert_eq!(app.history.selected, 5, "the wheel moves the selection");
}

#[test]
fn a_click_on_a_pane_focuses_it() {
    let mut app = listed();
    render(&mut app, 120, 40);
    // The Callee pane's frame, on the left below Agent and Options.
    let screen = render(&mut app, 120, 40);
    let y = screen.lines().position(|l| l.contains("Callee")).unwrap() as u16 + 1;
    mouse(&mut app, MouseEventKind::Down(MouseButton::Left), 5, y);
    assert_eq!(app.focus, Pane::Callee);
}
