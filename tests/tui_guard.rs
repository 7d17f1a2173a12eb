//! The recent-call guard on screen: a dial held back says why in words and goes only on an
//! explicit second key, recorded on the attempt; the redial key is intent for its one call;
//! a check that cannot be made is shown; History marks attempts dialed past the guard. The
//! runtime's check runs against the simulator, which serves the service's records.

mod tui_support;

use std::sync::Arc;
use std::time::Duration;

use ccc_dial::ccc::{Client, ClientConfig};
use ccc_dial::credentials::{Credential, Env};
use ccc_dial::dialer::{DialRequest, Dialer, DialerEvent, HeldBack, RateLimiter, Witness};
use ccc_dial::history::{AttemptId, AttemptStatus, Override, Store};
use ccc_dial::sim::{self, SimConfig, SimHandle};
use ccc_dial::tui::app::{App, Effect, Msg, Overlay, Pane};
use ccc_dial::tui::held::{HeldDial, Hold};
use ccc_dial::tui::runtime::Runner;
use crossterm::event::KeyCode;
use tokio::sync::mpsc;
use tui_support::*;

const CALLEE: &str = "008613012345678";

fn filled() -> App {
    let mut app = app();
    app.settings.confirm_before_dial = false;
    app.draft.agent_id = "15".into();
    app.draft.callee = CALLEE.into();
    app.now_ms = T0;
    app
}

fn dialed(effects: &[Effect]) -> Option<&Effect> {
    effects
        .iter()
        .find(|e| matches!(e, Effect::Dial(_) | Effect::DialOverride { .. }))
}

fn request_of(app: &mut App) -> DialRequest {
    match dialed(&ctrl(app, 's')) {
        Some(Effect::Dial(r)) => r.clone(),
        other => panic!("{other:?}"),
    }
}

fn earlier(outcome: &str, witness: Witness) -> Hold {
    Hold::Earlier(HeldBack {
        callee: CALLEE.into(),
        at_ms: T0 - 4 * 60_000,
        outcome: outcome.into(),
        witness,
    })
}

fn this_machine() -> Witness {
    Witness::History {
        attempt: AttemptId::from("6bb56a09-0000-4000-8000-000000000000"),
        batch: None,
    }
}

fn held(app: &mut App, request: DialRequest, hold: Hold) {
    let held = HeldDial {
        request,
        hold,
        overridden: None,
    };
    assert!(app.update(Msg::Held(Box::new(held))).is_empty());
}

#[test]
fn a_held_dial_says_why_and_goes_only_on_the_second_key() {
    let mut app = filled();
    let request = request_of(&mut app);
    assert_eq!(app.attempts_in_flight(), 1);
    held(
        &mut app,
        request.clone(),
        earlier("answered", this_machine()),
    );
    assert_eq!(app.attempts_in_flight(), 0, "held back: nothing in flight");
    let text = app.footer_message().unwrap();
    assert!(
        text.contains("was called 4 min ago, answered, from this machine (attempt 6bb56a09)"),
        "{text}"
    );
    assert!(text.contains("a dial anyway · Esc leave it"), "{text}");
    // The habits of the ordinary confirmation dial nothing here.
    for code in [KeyCode::Char('y'), KeyCode::Enter, KeyCode::Char('s')] {
        assert!(dialed(&key(&mut app, code)).is_none(), "{code:?} dialed");
        assert!(matches!(app.overlay, Some(Overlay::Held(_))));
    }
    let effects = key(&mut app, KeyCode::Char('a'));
    assert_eq!(
        dialed(&effects),
        Some(&Effect::DialOverride {
            request,
            overridden: Override::Intent("dial anyway".into()),
            check: false,
        })
    );
    assert!(app.overlay.is_none());
    assert_eq!(app.attempts_in_flight(), 1);
}

#[test]
fn the_held_question_is_drawn_whole_at_80_columns() {
    let mut app = filled();
    let request = request_of(&mut app);
    held(&mut app, request, earlier("answered", this_machine()));
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("Esc leave it"), "{screen}");
    insta::assert_snapshot!("held_question_80x24", screen);
}

#[test]
fn only_the_service_knows_it_from_another_seat() {
    let mut app = filled();
    let request = request_of(&mut app);
    let service = Witness::Service {
        session_id: "s-9".into(),
    };
    held(&mut app, request, earlier("no answer", service));
    let text = app.footer_message().unwrap();
    assert!(
        text.contains("was called 4 min ago, no answer, from another seat (session s-9)"),
        "{text}"
    );
    key(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
    assert_eq!(app.attempts_in_flight(), 0);
    assert!(app.notice.as_ref().unwrap().text.starts_with("Not dialed"));
}

#[test]
fn a_call_still_in_progress_cannot_be_overridden() {
    let mut app = filled();
    let request = request_of(&mut app);
    held(&mut app, request, earlier("ringing", this_machine()));
    let text = app.footer_message().unwrap();
    assert!(text.contains("is still in progress"), "{text}");
    assert!(text.contains("wait for it to end"), "{text}");
    assert!(!text.contains("dial anyway"), "{text}");
    assert!(dialed(&key(&mut app, KeyCode::Char('a'))).is_none());
    assert!(matches!(app.overlay, Some(Overlay::Held(_))));
}

#[test]
fn a_check_that_failed_is_shown_and_asks() {
    let mut app = filled();
    let request = request_of(&mut app);
    let why = "the service's call records could not be checked: AuthFailure (check the keys)";
    held(&mut app, request, Hold::Unchecked(why.into()));
    let text = app.footer_message().unwrap();
    assert!(
        text.contains("could not check whether 008613012345678 was called recently"),
        "{text}"
    );
    assert!(text.contains("AuthFailure"), "{text}");
    assert!(matches!(
        dialed(&key(&mut app, KeyCode::Char('a'))),
        Some(Effect::DialOverride { check: false, .. })
    ));
}

#[test]
fn the_redial_key_is_intent_for_its_one_call() {
    let mut app = filled();
    let start = app.start();
    let a = attempt(0, AttemptStatus::Finished);
    load_history(&mut app, 1, 0, vec![a.clone()], &start);
    app.focus = Pane::History;
    key(&mut app, KeyCode::Char('r'));
    assert_eq!(app.draft.callee, a.callee);
    match dialed(&ctrl(&mut app, 's')) {
        Some(Effect::DialOverride {
            request,
            overridden,
            check,
        }) => {
            assert_eq!(request.callee, a.callee);
            assert_eq!(overridden, &Override::Intent("redial 00000000".into()));
            assert!(check, "a call in progress still holds a redial");
        }
        other => panic!("{other:?}"),
    }
    // Used up: the next dial is an ordinary one.
    assert!(matches!(
        dialed(&ctrl(&mut app, 's')),
        Some(Effect::Dial(_))
    ));
    // A redial whose callee was changed is not that intent.
    app.focus = Pane::History;
    key(&mut app, KeyCode::Char('r'));
    app.draft.callee = "008613099999999".into();
    assert!(matches!(
        dialed(&ctrl(&mut app, 's')),
        Some(Effect::Dial(_))
    ));
}

#[test]
fn history_marks_attempts_dialed_past_the_guard_without_colour_too() {
    let mut app = filled();
    app.color = false;
    let start = app.start();
    let mut a = attempt(0, AttemptStatus::Accepted);
    a.claim_override = Some("intent:dial anyway".into());
    let mut b = attempt(1, AttemptStatus::Accepted);
    b.claim_override = Some("intent:redial 6bb56a09".into());
    let c = attempt(2, AttemptStatus::Accepted);
    load_history(&mut app, 3, 0, vec![a, b, c], &start);
    let narrow = render(&mut app, 80, 24);
    for callee in ["008613000000000 accepted ⚑", "008613000000001 accepted ⚑"] {
        assert!(narrow.contains(callee), "{callee}:\n{narrow}");
    }
    assert!(!narrow.contains("008613000000002 accepted ⚑"), "{narrow}");
    insta::assert_snapshot!("history_override_marks_80x24", narrow);
    let screen = render(&mut app, 160, 48);
    let line_of = |callee: &str| {
        screen
            .lines()
            .find(|l| l.contains(callee))
            .unwrap_or_else(|| panic!("{callee}:\n{screen}"))
            .to_string()
    };
    for (callee, word) in [
        ("008613000000000", "dialed anyway"),
        ("008613000000001", "redial"),
    ] {
        let line = line_of(callee);
        assert!(line.contains('⚑') && line.contains(word), "{screen}");
    }
    assert!(!line_of("008613000000002").contains('⚑'), "{screen}");
    insta::assert_snapshot!("history_override_marks_160x48", screen);
}

// ---- the runtime's check, against the simulator ----

struct Rig {
    sim: SimHandle,
    app: App,
    runner: Runner,
    rx: mpsc::UnboundedReceiver<Msg>,
    events: mpsc::UnboundedReceiver<DialerEvent>,
    store: Store,
    _dir: tempfile::TempDir,
}

fn dialer_on(
    sim: &SimHandle,
    store: Store,
    cred: Credential,
) -> (Dialer, mpsc::UnboundedReceiver<DialerEvent>) {
    let client = Arc::new(Client::new(ClientConfig::new(sim.url(), cred)).unwrap());
    let (tx, rx) = mpsc::unbounded_channel();
    let dialer = Dialer::new(
        client,
        store,
        Arc::new(RateLimiter::new(20)),
        "simulator",
        tx,
    );
    (dialer, rx)
}

async fn rig(sim: SimHandle, cred: Credential) -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("history.db")).unwrap().0;
    let (dialer, events) = dialer_on(&sim, store.clone(), cred);
    let (tx, rx) = mpsc::unbounded_channel();
    let runner = Runner::new(dialer, tx, None, None, Env::new(dir.path()));
    let mut app = filled();
    app.now_ms = ccc_dial::dialer::now_ms();
    Rig {
        sim,
        app,
        runner,
        rx,
        events,
        store,
        _dir: dir,
    }
}

impl Rig {
    fn press_dial(&mut self) {
        for e in ctrl(&mut self.app, 's') {
            self.runner.execute(e);
        }
    }

    /// Feeds messages and dialer events until the attempt is accepted or the dial held.
    async fn settle(&mut self) -> Result<AttemptId, HeldDial> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            tokio::select! {
                Some(m) = self.rx.recv() => {
                    if let Msg::Held(h) = &m {
                        let h = (**h).clone();
                        self.app.update(m);
                        return Err(h);
                    }
                    for e in self.app.update(m) { self.runner.execute(e); }
                }
                Some(ev) = self.events.recv() => {
                    let accepted = match &ev {
                        DialerEvent::Accepted { id, .. } => Some(id.clone()),
                        _ => None,
                    };
                    for e in self.app.update(Msg::Dialer(ev)) { self.runner.execute(e); }
                    if let Some(id) = accepted { return Ok(id); }
                }
                _ = tokio::time::sleep_until(deadline) => panic!("nothing settled"),
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_dial_is_held_until_the_second_key_which_is_recorded() {
    let sim = sim::start(SimConfig::default()).await.unwrap();
    let cred = sim.credential();
    let mut r = rig(sim, cred).await;
    r.press_dial();
    let first = r.settle().await.expect("the first dial goes");
    r.press_dial();
    let held = r.settle().await.expect_err("the second is held back");
    let Hold::Earlier(h) = &held.hold else {
        panic!("{held:?}")
    };
    assert!(
        matches!(&h.witness, Witness::History { attempt, .. } if *attempt == first),
        "{h:?}"
    );
    assert_eq!(r.sim.count("CreateAIAgentCall"), 1);
    // The first dial asked the service too, on the simulator as on a live backend; the
    // second was answered by this machine's history.
    assert_eq!(r.sim.count("DescribePSTNActiveSessionList"), 1);
    assert_eq!(r.sim.count("DescribeTelCdr"), 1);
    for e in key(&mut r.app, KeyCode::Char('a')) {
        r.runner.execute(e);
    }
    let second = r.settle().await.expect("dialed anyway");
    assert_eq!(r.sim.count("CreateAIAgentCall"), 2);
    assert_eq!(
        r.store.claim_override(&second).unwrap().as_deref(),
        Some("intent:dial anyway")
    );
    assert_eq!(r.store.claim_override(&first).unwrap(), None);
    let a = r.store.get(&second).unwrap().unwrap();
    assert_eq!(a.claim_override.as_deref(), Some("intent:dial anyway"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_from_another_seat_is_held_by_the_service_records() {
    let sim = sim::start(SimConfig::default()).await.unwrap();
    // Another machine of the team: its own history, the same service.
    let other_dir = tempfile::tempdir().unwrap();
    let other_store = Store::open(other_dir.path().join("history.db")).unwrap().0;
    let (other, _rx) = dialer_on(&sim, other_store, sim.credential());
    let request = request_of(&mut filled());
    let id = AttemptId::new();
    other.run(id, request, None).await;
    let cred = sim.credential();
    let mut r = rig(sim, cred).await;
    r.press_dial();
    let held = r.settle().await.expect_err("held by the service's records");
    let Hold::Earlier(h) = &held.hold else {
        panic!("{held:?}")
    };
    assert!(matches!(h.witness, Witness::Service { .. }), "{h:?}");
    let text = r.app.footer_message().unwrap();
    assert!(text.contains("from another seat"), "{text}");
    assert_eq!(r.sim.count("CreateAIAgentCall"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_check_that_fails_is_shown_never_skipped() {
    let sim = sim::start(SimConfig::default()).await.unwrap();
    let wrong = Credential::new(sim.credential().secret_id, "not-the-key".into(), None).unwrap();
    let mut r = rig(sim, wrong).await;
    r.press_dial();
    let held = r.settle().await.expect_err("the check failed");
    let Hold::Unchecked(why) = &held.hold else {
        panic!("{held:?}")
    };
    assert!(why.contains("could not be checked"), "{why}");
    assert_eq!(r.sim.count("CreateAIAgentCall"), 0);
    assert!(r.app.footer_message().unwrap().contains("could not check"));
}
