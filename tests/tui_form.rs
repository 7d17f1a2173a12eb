//! Fields behave like fields and variables follow the agent: driven by keys, no terminal.

mod tui_support;

use ccc_dial::ccc::actions::AIAgentInfo;
use ccc_dial::tui::app::{App, Effect, Overlay, Pane};
use crossterm::event::KeyCode;
use tui_support::*;

fn agent_with(vars: &[&str]) -> AIAgentInfo {
    serde_json::from_value(serde_json::json!({
        "AIAgentId": 15,
        "AIAgentName": "Sales bot",
        "VariableNames": vars,
    }))
    .unwrap()
}

fn dialed(effects: &[Effect]) -> Option<&ccc_dial::dialer::DialRequest> {
    effects.iter().find_map(|e| match e {
        Effect::Dial(r) => Some(r),
        _ => None,
    })
}

/// Agent 15 with `name` and `welcome-message-delay` declared, and a callee.
fn ready() -> App {
    let mut app = app();
    app.pick_agent(agent_with(&["name", "welcome-message-delay"]));
    app.draft.callee = "008613012345678".into();
    app
}

#[test]
fn the_first_digit_on_a_filled_field_replaces_it_and_ctrl_z_brings_it_back() {
    let mut app = app();
    app.draft.callee = "0099910000100999".into();
    app.focus = Pane::Callee;
    type_str(&mut app, "0086130");
    assert_eq!(app.draft.callee, "0086130");
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'z');
    assert_eq!(app.draft.callee, "0099910000100999");
    assert!(app.editing.is_none());
    // Enter still edits at the end of the text.
    key(&mut app, KeyCode::Enter);
    type_str(&mut app, "1");
    assert_eq!(app.draft.callee, "00999100001009991");
}

#[test]
fn ctrl_u_empties_a_field_without_typing_first() {
    let mut app = app();
    app.focus = Pane::Agent;
    ctrl(&mut app, 'u');
    assert_eq!(app.draft.sdk_app_id, "");
    assert!(app.editing.is_some());
    type_str(&mut app, "1400000001");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.draft.sdk_app_id, "1400000001");
}

#[test]
fn ctrl_z_undoes_a_row_deletion() {
    let mut app = app();
    app.draft.callers = vec!["008601012345678".into(), "008601012345679".into()];
    app.focus = Pane::Callers;
    key(&mut app, KeyCode::Char('d'));
    assert_eq!(app.draft.callers.len(), 1);
    let effects = ctrl(&mut app, 'z');
    assert_eq!(app.draft.callers.len(), 2);
    assert!(matches!(&effects[..], [Effect::SaveDraft(d)] if d.callers.len() == 2));
}

#[test]
fn enter_on_a_declared_variable_edits_its_value() {
    let mut app = ready();
    app.focus = Pane::Variables;
    assert_eq!(app.draft.variables[0].0, "name");
    key(&mut app, KeyCode::Enter);
    type_str(&mut app, "Ann");
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        app.draft.variables[0],
        ("name".to_string(), "Ann".to_string())
    );
}

#[test]
fn the_draft_follows_every_key_typed_at_the_end_or_in_the_middle() {
    let mut app = ready();
    app.focus = Pane::Variables;
    key(&mut app, KeyCode::Enter);
    let pasted = "a张1".repeat(1_700);
    type_str(&mut app, &pasted);
    assert_eq!(app.draft.variables[0].1, pasted, "held while still typing");
    key(&mut app, KeyCode::Left);
    key(&mut app, KeyCode::Left);
    type_str(&mut app, "X");
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::End);
    type_str(&mut app, "yz");
    ctrl(&mut app, 'k');
    let expected = format!("{}张1yz", &pasted[..pasted.len() - "a张1".len()]);
    assert_eq!(app.draft.variables[0].1, expected);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.draft.variables[0].1, expected);
}

#[test]
fn an_agent_id_typed_at_the_end_is_not_the_picked_agent_any_more() {
    let mut app = ready();
    app.focus = Pane::Agent;
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.draft.agent_name.as_deref(), Some("Sales bot"));
    type_str(&mut app, "7");
    assert_eq!(app.draft.agent_id, "157");
    assert_eq!(app.draft.agent_name, None);
}

#[test]
fn tab_moves_from_a_variables_key_to_its_value_and_back() {
    let mut app = app();
    app.focus = Pane::Variables;
    type_str(&mut app, "acity");
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Pane::Variables, "Tab stays in the row");
    type_str(&mut app, "Paris");
    key(&mut app, KeyCode::BackTab);
    type_str(&mut app, "-fr");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    assert_eq!(
        app.focus,
        Pane::History,
        "Tab from the value leaves the pane"
    );
    assert_eq!(
        app.draft.variables,
        vec![("city-fr".to_string(), "Paris".to_string())]
    );
}

#[test]
fn empty_variables_are_left_out_and_the_confirmation_says_which() {
    let mut app = ready();
    app.draft.variables[0].1 = "Ann".into();
    let effects = ctrl(&mut app, 's');
    assert!(effects.iter().all(|e| !matches!(e, Effect::Dial(_))));
    let Some(Overlay::Confirm(req)) = &app.overlay else {
        panic!(
            "an empty welcome-message-delay does not block: {:?}",
            app.notice
        )
    };
    assert_eq!(
        app.confirm_text(req),
        "Dial 008613012345678 with agent 15 (Sales bot)? · left out, empty: welcome-message-delay"
    );
    let effects = key(&mut app, KeyCode::Char('y'));
    let sent = dialed(&effects).expect("dialed");
    assert_eq!(
        sent.variables,
        vec![("name".to_string(), "Ann".to_string())]
    );
}

#[test]
fn problems_of_variables_point_at_their_rows_in_the_form() {
    let mut app = ready();
    app.draft.variables[1].1 = "soon".into();
    ctrl(&mut app, 's');
    let problem = app.problem(ccc_dial::dialer::Field::Variable(1));
    assert!(
        problem.is_some_and(|p| p.contains("welcome-message-delay")),
        "{:?}",
        app.problems
    );
    assert_eq!(app.focus, Pane::Variables);
}
