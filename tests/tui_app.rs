//! The dialer's state driven by keys and dialer events, without a terminal.

mod tui_support;

use std::time::Duration;

use ccc_dial::ccc::Outcome;
use ccc_dial::ccc::actions::{AIAgentInfo, NumberInfo};
use ccc_dial::ccc::catalog::Label;
use ccc_dial::dialer::{DialDraft, DialerEvent, Failure, Field};
use ccc_dial::history::{AttemptId, AttemptStatus, Page};
use ccc_dial::tui::app::{Effect, Msg, Overlay, Pane};
use crossterm::event::KeyCode;
use tui_support::*;

fn dials(effects: &[Effect]) -> Vec<&ccc_dial::dialer::DialRequest> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Dial(r) => Some(r),
            _ => None,
        })
        .collect()
}

/// Agent 15, callee typed as +86…, one caller, one variable.
fn fill(app: &mut ccc_dial::tui::app::App) {
    app.focus = Pane::Agent;
    key(app, KeyCode::Down);
    type_str(app, "15");
    key(app, KeyCode::Tab); // finishes typing, moves to Options
    key(app, KeyCode::Tab); // Callee
    type_str(app, "+86 130 1234 5678");
    key(app, KeyCode::Enter);
    key(app, KeyCode::Tab); // Callers
    type_str(app, "a008601012345678");
    key(app, KeyCode::Enter);
    key(app, KeyCode::Tab); // Variables
    type_str(app, "aname");
    key(app, KeyCode::Enter);
    key(app, KeyCode::Right);
    key(app, KeyCode::Enter);
    type_str(app, "张三");
    key(app, KeyCode::Enter);
}

#[test]
fn typed_form_dials_after_confirmation_and_keeps_its_values() {
    let mut app = app();
    fill(&mut app);
    assert_eq!(
        app.draft.callee, "008613012345678",
        "the +86 form is shown as 0086"
    );
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .contains("008613012345678")
    );
    let effects = ctrl(&mut app, 's');
    assert!(dials(&effects).is_empty(), "confirmation comes first");
    let Some(Overlay::Confirm(req)) = &app.overlay else {
        panic!("no confirmation")
    };
    assert_eq!(app.confirm_text(req), "Dial 008613012345678 with agent 15?");
    let effects = key(&mut app, KeyCode::Enter);
    let req = dials(&effects)[0].clone();
    assert_eq!(req.agent_id, 15);
    assert_eq!(req.callers, vec!["008601012345678"]);
    assert_eq!(
        req.variables,
        vec![("name".to_string(), "张三".to_string())]
    );
    assert_eq!(app.attempts_in_flight(), 1);
    // The form keeps its values for the next call.
    assert_eq!(app.draft.callee, "008613012345678");

    let id = AttemptId::from("6bb56a09-aaaa-4000-8000-000000000001");
    let effects = app.update(Msg::Dialer(DialerEvent::Queued {
        id: id.clone(),
        request: req,
    }));
    assert!(matches!(effects[0], Effect::QueryHistory { .. }));
    assert_eq!(app.attempts_in_flight(), 1);
    app.update(Msg::Dialer(DialerEvent::Sent {
        id: id.clone(),
        try_no: 1,
    }));
    app.update(Msg::Dialer(DialerEvent::Accepted {
        id: id.clone(),
        session_id: "sess-42".into(),
        request_id: "req-1".into(),
    }));
    assert_eq!(app.attempts_in_flight(), 0);
    assert!(app.notice.as_ref().unwrap().text.contains("sess-42"));
}

#[test]
fn f5_dials_straight_away_when_confirmation_is_off() {
    let mut app = app();
    app.settings.confirm_before_dial = false;
    fill(&mut app);
    let effects = key(&mut app, KeyCode::F(5));
    assert_eq!(dials(&effects).len(), 1);
    assert!(app.overlay.is_none());
}

#[test]
fn a_refused_dial_lists_every_problem_and_loses_nothing() {
    let mut app = app();
    app.focus = Pane::Agent;
    type_str(&mut app, "x"); // not a digit: does not start typing
    key(&mut app, KeyCode::Enter);
    type_str(&mut app, "abc");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Down);
    type_str(&mut app, "9");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Tab);
    type_str(&mut app, "13012345678");
    let effects = ctrl(&mut app, 's'); // while typing: finishes, then checks
    assert!(dials(&effects).is_empty());
    assert!(app.overlay.is_none());
    let fields: Vec<Field> = app.problems.iter().map(|p| p.field).collect();
    assert_eq!(
        fields,
        vec![
            Field::SdkAppId,
            Field::AgentId,
            Field::Callee,
            Field::AcquireTimeout
        ]
    );
    assert!(app.problem(Field::Callee).unwrap().contains("country code"));
    assert_eq!(
        app.focus,
        Pane::Agent,
        "the focus goes to the first problem"
    );
    assert!(app.notice.as_ref().unwrap().text.contains("4 problems"));
    assert_eq!(app.draft.sdk_app_id, "1400000000abc");
    assert_eq!(app.draft.callee, "13012345678");
    // Fixing a field clears its mark as it is typed.
    app.focus = Pane::Options;
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Backspace);
    type_str(&mut app, "5");
    assert!(app.problem(Field::AcquireTimeout).is_none());
    assert_eq!(app.problems.len(), 3);
}

#[test]
fn failures_are_labelled_rate_limited_or_capacity_limited() {
    let mut app = app();
    let failure = |label, code: &str| Failure {
        outcome: Outcome::Rejected,
        label,
        code: Some(code.into()),
        message: "m".into(),
        hint: "h".into(),
        request_id: Some("r".into()),
    };
    let id = AttemptId::from("a1");
    app.update(Msg::Dialer(DialerEvent::Retrying {
        id: id.clone(),
        after: Duration::from_millis(500),
        reason: "RequestLimitExceeded".into(),
        label: Label::RateLimited,
    }));
    assert_eq!(app.in_flight[&id].state, "rate-limited, again in 0.5s");
    app.update(Msg::Dialer(DialerEvent::Failed {
        id: id.clone(),
        failure: failure(Label::RateLimited, "RequestLimitExceeded"),
    }));
    assert!(app.notice.as_ref().unwrap().text.contains("(rate-limited)"));
    app.update(Msg::Dialer(DialerEvent::Failed {
        id: AttemptId::from("a2"),
        failure: failure(Label::CapacityLimited, "LimitExceeded.OutOfQuotaMaxCount"),
    }));
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .contains("(capacity-limited)")
    );
    assert_eq!(app.attempts_in_flight(), 0);
}

#[test]
fn r_on_a_history_row_loads_it_into_the_form() {
    let mut app = app();
    let start = app.start();
    let mut a = attempt(3, AttemptStatus::Rejected);
    a.variables = vec![("dify-inputs-user".into(), "alice".into())];
    load_history(&mut app, 1, 0, vec![a.clone()], &start);
    app.focus = Pane::History;
    key(&mut app, KeyCode::Char('r'));
    assert_eq!(app.draft, DialDraft::from_attempt(&a));
    assert_eq!(app.focus, Pane::Callee);
}

#[test]
fn picking_an_agent_pages_the_list_filters_and_adds_its_variables() {
    let mut app = app();
    app.focus = Pane::Agent;
    let effects = ctrl(&mut app, 'p');
    assert_eq!(
        effects,
        vec![Effect::LoadAgents {
            sdk_app_id: 1400000000,
            page_number: 0
        }]
    );
    let agent = |id: u64, name: &str, vars: &[&str]| AIAgentInfo {
        ai_agent_id: id,
        ai_agent_name: name.into(),
        variable_names: vars.iter().map(|v| v.to_string()).collect(),
    };
    let page: Vec<_> = (1000..1100).map(|i| agent(i, "filler", &[])).collect();
    let effects = app.update(Msg::AgentsPage {
        page_number: 0,
        result: Ok((page, Some(102))),
    });
    assert_eq!(
        effects,
        vec![Effect::LoadAgents {
            sdk_app_id: 1400000000,
            page_number: 1
        }]
    );
    let effects = app.update(Msg::AgentsPage {
        page_number: 1,
        result: Ok((
            vec![
                agent(15, "Sales bot", &["name", "product"]),
                agent(16, "Support", &[]),
            ],
            Some(102),
        )),
    });
    assert!(effects.is_empty(), "all 102 are loaded");
    type_str(&mut app, "sales");
    key(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
    assert_eq!(app.draft.agent_id, "15");
    assert_eq!(app.draft.agent_name.as_deref(), Some("Sales bot"));
    assert_eq!(
        app.draft.variables,
        vec![
            ("name".into(), String::new()),
            ("product".into(), String::new())
        ]
    );
    assert_eq!(app.empty_declared(), vec!["name", "product"]);
    // The confirmation flags what the agent declares and is still empty.
    app.focus = Pane::Callee;
    type_str(&mut app, "008613012345678");
    ctrl(&mut app, 's');
    let Some(Overlay::Confirm(req)) = &app.overlay else {
        panic!("no confirmation")
    };
    assert!(app.confirm_text(req).ends_with("empty: name, product"));
}

#[test]
fn the_number_picker_offers_only_usable_own_numbers() {
    let mut app = app();
    app.focus = Pane::Callers;
    assert_eq!(
        ctrl(&mut app, 'p'),
        vec![Effect::LoadNumbers {
            sdk_app_id: 1400000000
        }]
    );
    let n = |number: &str, state, cost_type| NumberInfo {
        number: number.into(),
        state: Some(state),
        cost_type: Some(cost_type),
        ..Default::default()
    };
    app.update(Msg::Numbers(Ok(vec![
        n("0086075512345680", 4, 1),
        n("008601012345678", 1, 1),
    ])));
    key(&mut app, KeyCode::Enter);
    assert!(app.draft.callers.is_empty());
    assert!(app.notice.as_ref().unwrap().text.contains("administrator"));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.draft.callers, vec!["008601012345678"]);
}

#[test]
fn callers_are_added_reordered_and_deleted() {
    let mut app = app();
    app.focus = Pane::Callers;
    for n in ["008601012345671", "008601012345672", "008601012345673"] {
        type_str(&mut app, "a");
        type_str(&mut app, n);
        key(&mut app, KeyCode::Enter);
    }
    assert_eq!(app.caller_row, 2);
    alt(&mut app, KeyCode::Up);
    type_str(&mut app, "K");
    assert_eq!(
        app.draft.callers,
        vec!["008601012345673", "008601012345671", "008601012345672"]
    );
    type_str(&mut app, "J");
    assert_eq!(app.caller_row, 1);
    type_str(&mut app, "d");
    assert_eq!(
        app.draft.callers,
        vec!["008601012345671", "008601012345672"]
    );
    // A new row left empty goes away.
    type_str(&mut app, "a");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.draft.callers.len(), 2);
}

#[test]
fn variable_keys_for_dify_are_one_key_each() {
    let mut app = app();
    app.focus = Pane::Variables;
    type_str(&mut app, "u");
    type_str(&mut app, "alice 😀");
    key(&mut app, KeyCode::Enter);
    type_str(&mut app, "c");
    key(&mut app, KeyCode::Enter);
    type_str(&mut app, "i");
    type_str(&mut app, "city");
    key(&mut app, KeyCode::Right); // moves the cursor within the key
    key(&mut app, KeyCode::Enter);
    type_str(&mut app, "w");
    type_str(&mut app, "1.5");
    key(&mut app, KeyCode::Enter);
    let keys: Vec<&str> = app
        .draft
        .variables
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(
        keys,
        vec![
            "dify-inputs-user",
            "dify-inputs-conversation_id",
            "dify-inputs-city",
            "welcome-message-delay"
        ]
    );
    assert_eq!(app.draft.variables[0].1, "alice 😀");
    // `u` again goes to the existing row rather than adding a duplicate.
    type_str(&mut app, "u");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.draft.variables.len(), 4);
    assert_eq!(app.var_row, 0);
}

#[test]
fn the_history_is_paged_and_filtered() {
    let mut app = app();
    app.update(Msg::Resize(80, 24));
    let start = app.start();
    let rows: Vec<_> = (0..200)
        .map(|i| attempt(i, AttemptStatus::Finished))
        .collect();
    let effects = load_history(&mut app, 10_000, 0, rows, &start);
    assert!(matches!(&effects[..], [Effect::LoadDetail(_)]));
    app.focus = Pane::History;
    let mut asked = None;
    for _ in 0..30 {
        for e in key(&mut app, KeyCode::PageDown) {
            if let Effect::QueryHistory { page, .. } = e {
                asked = Some(page);
            }
        }
        if asked.is_some() {
            break;
        }
    }
    let page: Page = asked.expect("paging past the loaded rows asks for more");
    assert!(page.offset > 0 && page.offset <= app.history.scroll);
    assert_eq!(page.limit, 200);

    let effects = type_str(&mut app, "/sess");
    let Some(Effect::QueryHistory { filter, page, .. }) = effects.last() else {
        panic!("no query")
    };
    assert_eq!(filter.text.as_deref(), Some("sess"));
    assert_eq!(page.offset, 0);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.history.filter, "sess");
}

#[test]
fn settings_save_and_keys_go_to_a_profile_never_on_screen() {
    let mut app = app();
    key(&mut app, KeyCode::F(2));
    for _ in 0..5 {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'u');
    type_str(&mut app, "5");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    type_str(&mut app, "AKIDexample0000000001234");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Down);
    type_str(&mut app, "very-secret-key");
    let screen = render(&mut app, 160, 48);
    assert!(!screen.contains("very-secret-key"), "{screen}");
    assert!(screen.contains("•••••••••••••••"));
    let effects = ctrl(&mut app, 's');
    let [
        Effect::SaveSettings(s),
        Effect::WriteProfile {
            profile,
            credential,
        },
    ] = &effects[..]
    else {
        panic!("{effects:?}")
    };
    assert_eq!(s.rate_limit_per_sec, 5);
    assert_eq!(profile, "default");
    assert_eq!(credential.secret_id, "AKIDexample0000000001234");
    assert!(!format!("{effects:?}").contains("very-secret-key"));
    assert!(app.overlay.is_none());
}

#[test]
fn a_bad_setting_keeps_the_screen_open_with_the_problem() {
    let mut app = app();
    key(&mut app, KeyCode::F(2));
    for _ in 0..5 {
        key(&mut app, KeyCode::Down);
    }
    type_str(&mut app, "0");
    key(&mut app, KeyCode::Enter);
    assert!(ctrl(&mut app, 's').is_empty());
    let Some(Overlay::Settings(form)) = &app.overlay else {
        panic!("closed")
    };
    assert!(!form.problems.is_empty());
}

#[test]
fn ctrl_c_quits_even_while_typing_and_saves_the_draft() {
    let mut app = app();
    type_str(&mut app, "0086");
    assert!(app.editing.is_some());
    let effects = ctrl(&mut app, 'c');
    assert!(app.quit);
    assert!(matches!(&effects[..], [Effect::SaveDraft(d), Effect::Quit] if d.callee == "0086"));
}

/// The app showing `a` with `events` in the History pane.
fn showing(
    a: ccc_dial::history::Attempt,
    events: Vec<ccc_dial::history::Event>,
) -> ccc_dial::tui::app::App {
    let mut app = app();
    let start = app.start();
    load_history(&mut app, 1, 0, vec![a.clone()], &start);
    app.update(Msg::Detail {
        attempt: Box::new(a),
        events,
    });
    app.focus = Pane::History;
    app
}

fn live_call() -> ccc_dial::history::Attempt {
    let mut a = attempt(0, AttemptStatus::Ringing);
    a.session_id = Some("sess-1".into());
    a
}

#[test]
fn hang_up_asks_once_and_any_other_key_cancels() {
    let a = live_call();
    let id = a.id.clone();
    let mut app = showing(a, vec![]);
    assert!(key(&mut app, KeyCode::Char('h')).is_empty());
    assert!(matches!(app.overlay, Some(Overlay::HangUp(_))));
    assert!(key(&mut app, KeyCode::Char('x')).is_empty(), "x cancels");
    assert!(app.overlay.is_none());
    key(&mut app, KeyCode::Char('h'));
    assert_eq!(
        key(&mut app, KeyCode::Char('y')),
        vec![Effect::HangUp(id.clone())]
    );
    key(&mut app, KeyCode::Char('h'));
    assert_eq!(key(&mut app, KeyCode::Enter), vec![Effect::HangUp(id)]);
}

#[test]
fn live_keys_do_nothing_on_a_finished_call() {
    let mut a = live_call();
    a.status = AttemptStatus::Finished;
    let mut app = showing(a, vec![]);
    for c in ['h', 's', 'l', 'b', 'c'] {
        assert!(key(&mut app, KeyCode::Char(c)).is_empty());
        assert!(app.overlay.is_none(), "{c} opened something");
    }
}

#[test]
fn steer_line_sends_with_interrupt_and_keeps_the_text_on_refusal() {
    use ccc_dial::dialer::{PushKind, WatchEvent};
    let a = live_call();
    let id = a.id.clone();
    let mut app = showing(a, vec![]);
    key(&mut app, KeyCode::Char('s'));
    type_str(&mut app, "hello");
    key(&mut app, KeyCode::Tab);
    let sent = key(&mut app, KeyCode::Enter);
    assert_eq!(
        sent,
        vec![Effect::Steer {
            id: id.clone(),
            kind: PushKind::Text,
            text: "hello".into(),
            interrupt: true,
        }]
    );
    assert!(app.overlay.is_none());
    app.update(Msg::Dialer(DialerEvent::Watch(WatchEvent::Pushed {
        id: id.clone(),
        kind: PushKind::Text,
        text: "hello".into(),
        result: Err("the call is not in progress".into()),
    })));
    let notice = app.notice.clone().unwrap().text;
    assert!(notice.contains("not in progress"), "{notice}");
    key(&mut app, KeyCode::Char('s'));
    let Some(Overlay::Steer(line)) = &app.overlay else {
        panic!("the line reopens")
    };
    assert_eq!(line.input.text(), "hello", "the text is kept");
    assert!(line.interrupt);
    let sent = key(&mut app, KeyCode::Enter);
    assert_eq!(sent.len(), 1);
    app.update(Msg::Dialer(DialerEvent::Watch(WatchEvent::Pushed {
        id: id.clone(),
        kind: PushKind::Text,
        text: "hello".into(),
        result: Ok(()),
    })));
    assert!(app.unsent.is_none(), "accepted text is let go");
    // The LLM line starts empty, and Esc sends nothing.
    key(&mut app, KeyCode::Char('l'));
    type_str(&mut app, "why");
    assert!(key(&mut app, KeyCode::Esc).is_empty());
    key(&mut app, KeyCode::Char('l'));
    let sent = key(&mut app, KeyCode::Enter);
    assert!(
        matches!(&sent[..], [Effect::Steer { kind: PushKind::Llm, text, .. }] if text == "why")
    );
}

#[test]
fn b_sends_last_words_that_end_the_call() {
    use ccc_dial::dialer::PushKind;
    let a = live_call();
    let id = a.id.clone();
    let mut app = showing(a, vec![]);
    key(&mut app, KeyCode::Char('b'));
    type_str(&mut app, "goodbye");
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        vec![Effect::Steer {
            id,
            kind: PushKind::LastWords,
            text: "goodbye".into(),
            interrupt: false,
        }]
    );
}

#[test]
fn c_reconciles_an_unknown_attempt_and_shows_the_outcome() {
    use ccc_dial::dialer::{ReconcileOutcome, WatchEvent};
    let a = attempt(0, AttemptStatus::Unknown);
    let id = a.id.clone();
    let mut app = showing(a, vec![]);
    assert_eq!(
        key(&mut app, KeyCode::Char('c')),
        vec![Effect::Reconcile(id.clone())]
    );
    let outcome = ReconcileOutcome::Matched {
        session_id: "sess-9".into(),
        word: None,
    };
    let effects = app.update(Msg::Dialer(DialerEvent::Watch(WatchEvent::Reconciled {
        id: id.clone(),
        outcome: outcome.clone(),
    })));
    assert_eq!(app.notice.clone().unwrap().text, outcome.describe());
    assert!(
        effects.contains(&Effect::LoadDetail(id)),
        "the detail reloads"
    );
}

#[test]
fn y_copies_the_session_id_and_o_the_recording_link() {
    use ccc_dial::history::Event;
    let mut a = live_call();
    a.status = AttemptStatus::Finished;
    let cdr = Event {
        detail: serde_json::json!({"record": {"SessionId": "sess-1", "EndStatus": 1, "RecordURL": "https://rec.example/1.mp3"}}),
        ..event(&a, 3, 9000, "cdr", None)
    };
    let mut app = showing(a, vec![cdr]);
    assert_eq!(
        key(&mut app, KeyCode::Char('y')),
        vec![Effect::Copy("sess-1".into())]
    );
    assert_eq!(
        key(&mut app, KeyCode::Char('o')),
        vec![Effect::Copy("https://rec.example/1.mp3".into())]
    );
    // Without a SessionId there is nothing to copy.
    let mut app = showing(attempt(1, AttemptStatus::Rejected), vec![]);
    assert!(key(&mut app, KeyCode::Char('y')).is_empty());
}

#[test]
fn live_label_counts_from_the_status_change_and_ticks_only_while_live() {
    let a = live_call();
    let ringing = event(&a, 2, 1000, "status", Some(AttemptStatus::Ringing));
    let since = ringing.at_ms;
    let mut app = showing(a, vec![ringing]);
    assert!(app.ticking());
    app.update(Msg::Tick(since + 4_000));
    assert_eq!(app.live_label().as_deref(), Some("ringing 0:04"));
    let app = showing(attempt(1, AttemptStatus::Rejected), vec![]);
    assert!(!app.ticking(), "nothing live, no tick");
    assert_eq!(app.live_label(), None);
}
