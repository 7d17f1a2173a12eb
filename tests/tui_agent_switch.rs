//! Picking another agent offers to drop the rows the new one does not declare: they go on
//! Enter, `d` or Esc and stay only on `k`; Ctrl-Z brings dropped rows back.

mod tui_support;

use ccc_dial::ccc::actions::AIAgentInfo;
use ccc_dial::tui::app::{App, Msg, Overlay, Pane};
use crossterm::event::KeyCode;
use tui_support::*;

fn agent(id: u64, name: &str, vars: &[&str]) -> AIAgentInfo {
    AIAgentInfo {
        ai_agent_id: id,
        ai_agent_name: name.into(),
        variable_names: vars.iter().map(|v| v.to_string()).collect(),
    }
}

/// Picks `a` through the picker, by keys.
fn pick(app: &mut App, a: AIAgentInfo) {
    app.focus = Pane::Agent;
    ctrl(app, 'p');
    let name = a.ai_agent_name.clone();
    app.update(Msg::AgentsPage {
        page_number: 0,
        result: Ok((vec![a], Some(1))),
    });
    type_str(app, &name.to_lowercase());
    key(app, KeyCode::Enter);
}

fn keys(app: &App) -> Vec<&str> {
    app.draft
        .variables
        .iter()
        .map(|(k, _)| k.as_str())
        .collect()
}

/// Agent 15 picked, its `name` filled, a row of the user's own added.
fn sales() -> App {
    let mut app = app();
    pick(
        &mut app,
        agent(15, "Sales", &["name", "welcome-message-delay"]),
    );
    assert!(app.overlay.is_none(), "a first pick asks nothing");
    app.draft.variables[0].1 = "Ann".into();
    app.draft
        .variables
        .push(("dify-inputs-city".into(), "Paris".into()));
    app
}

#[test]
fn another_agent_offers_to_drop_what_it_does_not_declare() {
    let mut app = sales();
    pick(&mut app, agent(16, "Support", &["name", "ticket"]));
    assert_eq!(app.draft.agent_id, "16");
    let Some(Overlay::Undeclared(q)) = &app.overlay else {
        panic!("{:?}", app.overlay)
    };
    assert_eq!(q.keys, vec!["welcome-message-delay", "dify-inputs-city"]);
    let text = app.footer_message().unwrap();
    assert!(
        text.contains(
            "Agent 16 · Support does not declare welcome-message-delay, dify-inputs-city"
        ),
        "{text}"
    );
    assert!(text.contains("k keeps them"), "{text}");
    // A stray key leaves the question up.
    key(&mut app, KeyCode::Char('x'));
    assert!(matches!(app.overlay, Some(Overlay::Undeclared(_))));
    key(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
    assert_eq!(keys(&app), vec!["name", "ticket"]);
    assert_eq!(
        app.draft.variables[0].1, "Ann",
        "a declared row keeps its value"
    );
    // Dropped by mistake: Ctrl-Z brings them back.
    app.focus = Pane::Variables;
    ctrl(&mut app, 'z');
    assert_eq!(
        keys(&app),
        vec![
            "name",
            "welcome-message-delay",
            "dify-inputs-city",
            "ticket"
        ]
    );
}

#[test]
fn k_keeps_them_and_esc_drops_them() {
    let mut app = sales();
    pick(&mut app, agent(16, "Support", &[]));
    key(&mut app, KeyCode::Char('k'));
    assert!(app.overlay.is_none());
    assert_eq!(
        keys(&app),
        vec!["name", "welcome-message-delay", "dify-inputs-city"]
    );
    let mut app = sales();
    pick(&mut app, agent(16, "Support", &[]));
    key(&mut app, KeyCode::Esc);
    assert!(keys(&app).is_empty(), "{:?}", keys(&app));
}

#[test]
fn the_same_agent_again_or_one_declaring_every_row_asks_nothing() {
    let mut app = sales();
    pick(
        &mut app,
        agent(15, "Sales", &["name", "welcome-message-delay"]),
    );
    assert!(app.overlay.is_none());
    pick(
        &mut app,
        agent(
            17,
            "City",
            &["name", "welcome-message-delay", "dify-inputs-city"],
        ),
    );
    assert!(app.overlay.is_none());
    assert_eq!(keys(&app).len(), 3);
}

#[test]
fn the_question_wraps_above_the_mode_line_at_80_columns() {
    let mut app = sales();
    pick(&mut app, agent(16, "Support", &["name", "ticket"]));
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("k keeps them"), "{screen}");
    insta::assert_snapshot!("agent_switch_question_80x24", screen);
}
