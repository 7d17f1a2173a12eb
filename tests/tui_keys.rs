//! The key table is the only way in: a key the app answers to on the main screen has a line
//! in the help, and the help's keys are the ones the app answers to.

mod tui_support;

use ccc_dial::history::AttemptStatus;
use ccc_dial::tui::app::{App, Effect, Msg, Overlay, Pane};
use ccc_dial::tui::keymap::{self, BINDINGS, Scope};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_support::*;

/// Everything about the state a key could change, as text.
fn fingerprint(app: &App) -> String {
    format!(
        "{:?} {:?} {:?} {:?} {:?} {} {} {} {} {} {} {} {} {:?} {}",
        app.focus,
        app.overlay,
        app.draft,
        app.notice,
        app.editing,
        app.history.selected,
        app.history.filtering.is_some(),
        app.detail_open,
        app.caller_row,
        app.var_row,
        app.var_col,
        app.agent_field,
        app.options_field,
        app.detail.as_ref().map(|d| d.scroll),
        app.quit,
    )
}

/// Every key a terminal sends that the test tries, plain and with Ctrl, Alt and Shift.
fn keys() -> Vec<KeyEvent> {
    let mut codes: Vec<KeyCode> = (' '..='~').map(KeyCode::Char).collect();
    codes.extend([
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Backspace,
        KeyCode::Delete,
        KeyCode::Insert,
    ]);
    codes.extend((1..=12).map(KeyCode::F));
    let mods = [
        KeyModifiers::NONE,
        KeyModifiers::CONTROL,
        KeyModifiers::ALT,
        KeyModifiers::SHIFT,
    ];
    codes
        .iter()
        .flat_map(|c| mods.iter().map(|m| KeyEvent::new(*c, *m)))
        .collect()
}

/// An app in each scope the key table covers, with something in every list.
fn apps() -> Vec<(Scope, App)> {
    let mut out = Vec::new();
    for pane in Pane::ALL {
        let mut a = attempt(0, AttemptStatus::Ringing);
        a.session_id = Some("sess-1".into());
        let mut app = app();
        let start = app.start();
        let rows = vec![a.clone(), attempt(1, AttemptStatus::Finished)];
        load_history(&mut app, 2, 0, rows, &start);
        app.update(Msg::Detail {
            attempt: Box::new(a),
            events: vec![],
        });
        app.draft.callers = vec!["008601012345678".into(), "008601012345679".into()];
        app.draft.variables = vec![("name".into(), "Ann".into())];
        app.focus = pane;
        out.push((Scope::Pane(pane), app));
    }
    let mut confirm = app();
    confirm.draft.agent_id = "15".into();
    confirm.draft.callee = "008613012345678".into();
    ctrl(&mut confirm, 's');
    out.push((Scope::Confirm, confirm));
    out
}

#[test]
fn a_key_does_something_only_through_a_line_of_the_help() {
    for (scope, template) in apps() {
        assert_eq!(template.scope(), scope);
        for key in keys() {
            let mut app = template.clone();
            let before = fingerprint(&app);
            let effects = app.update(Msg::Key(key));
            let reacted = !effects.is_empty() || fingerprint(&app) != before;
            let bound = keymap::action(scope, &key);
            if reacted {
                let line = bound.and_then(|action| {
                    BINDINGS.iter().find(|b| {
                        b.when.covers(scope) && b.pressed.iter().any(|(_, a)| *a == action)
                    })
                });
                assert!(
                    line.is_some(),
                    "{key:?} does something in {scope:?} without a line in the help"
                );
            }
        }
    }
}

#[test]
fn the_help_lists_every_binding_in_order() {
    let mut app = app();
    key(&mut app, KeyCode::Char('?'));
    assert!(matches!(app.overlay, Some(Overlay::Help { .. })));
    let screen = render(&mut app, 200, 60);
    let mut from = 0;
    for b in BINDINGS {
        let at = screen[from..].find(b.what).unwrap_or_else(|| {
            panic!(
                "{:?} is not on the help screen after the line before",
                b.what
            )
        });
        from += at;
    }
}

#[test]
fn the_footer_names_the_keys_of_the_focused_pane() {
    for pane in Pane::ALL {
        let mut app = app();
        app.focus = pane;
        let screen = render(&mut app, 160, 48);
        let footer = screen.lines().last().unwrap().to_string();
        for (key, hint) in keymap::hints(Scope::Pane(pane)) {
            assert!(
                footer.contains(hint),
                "{pane:?}: {hint} missing from {footer}"
            );
            assert!(keymap::action(Scope::Pane(pane), &key.event()).is_some());
        }
    }
}

#[test]
fn tab_cycles_the_panes_both_ways() {
    let mut a = app();
    a.focus = Pane::Agent;
    for _ in 0..6 {
        key(&mut a, KeyCode::Tab);
    }
    assert_eq!(a.focus, Pane::Agent);
    key(&mut a, KeyCode::BackTab);
    assert_eq!(a.focus, Pane::History);
}

#[test]
fn q_quits_only_when_not_typing() {
    let mut a = app();
    a.draft.callee.clear();
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Char('q'));
    assert!(!a.quit);
    assert_eq!(a.draft.callee, "q");
    key(&mut a, KeyCode::Esc);
    let effects = key(&mut a, KeyCode::Char('q'));
    assert!(a.quit);
    assert_eq!(effects.last(), Some(&Effect::Quit));
}
