//! The tester's keys on the dialer screen, driven by keys: marks that survive a filter, the
//! compare key and why it refuses, Compare scrolled by keys and the wheel, labels and a note
//! round-tripped through the history, the Stats screen over the filter, and a sweep from the
//! form that dials each set once on the simulator.

mod tui_support;

use ccc_dial::history::{AttemptStatus, Entry, Filter, Notes, Page, Store};
use ccc_dial::results::Run;
use ccc_dial::tui::app::{Effect, Msg, Overlay};
use ccc_dial::tui::bench_msg::{BenchEffect, BenchMsg};
use crossterm::event::{KeyCode, MouseEvent, MouseEventKind};
use tui_support::*;

/// The app with `n` attempts in History, History focused.
fn with_history(n: u32) -> ccc_dial::tui::app::App {
    let mut app = app();
    let start = app.start();
    let rows = (0..n)
        .map(|i| attempt(i, AttemptStatus::Finished))
        .collect();
    load_history(&mut app, n as u64, 0, rows, &start);
    alt(&mut app, KeyCode::Char('6'));
    app
}

fn notice(app: &ccc_dial::tui::app::App) -> String {
    app.notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

#[test]
fn space_marks_survive_a_filter_and_show_without_colour() {
    let mut app = with_history(3);
    app.color = false;
    key(&mut app, KeyCode::Char(' '));
    assert!(app.marks.contains(&attempt(0, AttemptStatus::Finished).id));
    assert_eq!(
        app.history.selected, 1,
        "Space moves on to the next attempt"
    );
    // A filter that hides the marked attempt, then clears again.
    key(&mut app, KeyCode::Char('/'));
    let typed = type_str(&mut app, "00000002");
    load_history(
        &mut app,
        1,
        0,
        vec![attempt(2, AttemptStatus::Finished)],
        &typed,
    );
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(app.marks.len(), 2, "the mark made before the filter stays");
    let cleared = key(&mut app, KeyCode::Esc);
    let rows = (0..3)
        .map(|i| attempt(i, AttemptStatus::Finished))
        .collect();
    load_history(&mut app, 3, 0, rows, &cleared);
    let screen = render(&mut app, 80, 24);
    assert_eq!(screen.matches('◆').count(), 2, "{screen}");
    assert!(screen.contains("2 marked"), "{screen}");
    // Space again unmarks.
    app.history.selected = 0;
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(app.marks.len(), 1);
}

#[test]
fn the_compare_key_says_why_with_one_mark_or_more_than_six() {
    let mut app = with_history(8);
    let effects = key(&mut app, KeyCode::Char('C'));
    assert!(effects.is_empty() && app.overlay.is_none());
    assert!(notice(&app).contains("mark 2 to 6"), "{}", notice(&app));
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char('C'));
    assert!(app.overlay.is_none());
    assert!(
        notice(&app).contains("at least 2") && notice(&app).contains("1 is marked"),
        "{}",
        notice(&app)
    );
    for _ in 0..6 {
        key(&mut app, KeyCode::Char(' '));
    }
    key(&mut app, KeyCode::Char('C'));
    assert!(app.overlay.is_none());
    assert!(notice(&app).contains("at most 6"), "{}", notice(&app));
    assert!(notice(&app).contains("unmark 1"), "{}", notice(&app));
}

/// A finished run of attempt `n` with its variables, and no events.
fn run(n: u32) -> Run {
    let mut a = attempt(n, AttemptStatus::Finished);
    a.variables = vec![
        ("name".into(), "张三".into()),
        (
            "dify-inputs-tone".into(),
            ["formal", "casual", "terse"][n as usize % 3].into(),
        ),
    ];
    // Run 1 has a round fewer than the others.
    let rounds: &[(&str, &str)] = match n {
        1 => &[
            ("", "您好，我是客服。"),
            (
                "我的包裹没到",
                "Sorry to hear that; let me look up the parcel for you.",
            ),
        ],
        _ => &[
            ("", "您好，我是客服。"),
            (
                "我的包裹没到",
                "I am sorry, the parcel is late: it leaves the depot tomorrow morning.",
            ),
            ("好的谢谢", "Thank you for your patience. Goodbye."),
        ],
    };
    Run::new(Entry {
        events: vec![conversation(&a, 1, rounds)],
        attempt: a,
        notes: Notes::default(),
    })
}

#[test]
fn compare_opens_on_two_marks_scrolls_by_keys_and_wheel_folds_and_closes() {
    let mut app = with_history(3);
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char(' '));
    let effects = key(&mut app, KeyCode::Char('C'));
    let ids = vec![
        attempt(0, AttemptStatus::Finished).id,
        attempt(1, AttemptStatus::Finished).id,
    ];
    assert_eq!(effects, vec![Effect::Bench(BenchEffect::LoadRuns(ids))]);
    assert!(render(&mut app, 80, 24).contains("Reading 2 runs"));
    app.update(Msg::Bench(BenchMsg::Runs(Ok(vec![run(0), run(1)]))));
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("Compare 2 runs"), "{screen}");
    assert!(screen.contains("var name"), "{screen}");
    // v folds the variable both runs share; the differing one stays.
    key(&mut app, KeyCode::Char('v'));
    let folded = render(&mut app, 80, 24);
    assert!(!folded.contains("var name"), "{folded}");
    assert!(folded.contains("* var dify-inputs"), "{folded}");
    let scroll = |app: &ccc_dial::tui::app::App| match &app.overlay {
        Some(Overlay::Compare(c)) => c.scroll,
        _ => panic!("Compare is closed"),
    };
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Down);
    assert_eq!(scroll(&app), 2);
    key(&mut app, KeyCode::Char('k'));
    assert_eq!(scroll(&app), 1);
    let wheel = |kind| {
        Msg::Mouse(MouseEvent {
            kind,
            column: 10,
            row: 10,
            modifiers: crossterm::event::KeyModifiers::NONE,
        })
    };
    render(&mut app, 80, 24);
    app.update(wheel(MouseEventKind::ScrollDown));
    // The folded table is 3 lines taller than the screen: the wheel stops where its end shows.
    assert_eq!(scroll(&app), 3);
    app.update(wheel(MouseEventKind::ScrollUp));
    assert_eq!(scroll(&app), 0);
    key(&mut app, KeyCode::End);
    let last = scroll(&app);
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(scroll(&app), last, "no scrolling past the end");
    let end = render(&mut app, 80, 24);
    assert!(!end.contains("  attempt"), "{end}");
    assert!(
        end.contains("TTS med/p90"),
        "the end fills the screen: {end}"
    );
    key(&mut app, KeyCode::Char('k'));
    assert_eq!(scroll(&app), last - 1, "up from the end moves at once");
    // The last rounds, a column each (the border, an 18-wide heading, 29-wide columns): run 1
    // has no round 2, so its column stays blank there rather than taking run 0's round 1.
    let columns = |heading: &str| -> (String, String) {
        let line: Vec<char> = end
            .lines()
            .find(|l| l.contains(heading))
            .unwrap_or_else(|| panic!("{heading}: {end}"))
            .chars()
            .collect();
        let border = line.iter().position(|c| *c == '┃').unwrap();
        let cut =
            |from: usize, to: usize| line[border + from..border + to].iter().collect::<String>();
        (cut(20, 49), cut(50, 79))
    };
    let (first, second) = columns("round 1 agent");
    assert!(
        first.starts_with("I am sorry") && second.starts_with("Sorry to hear"),
        "{end}"
    );
    let (first, second) = columns("round 2 agent");
    assert!(first.starts_with("Thank you"), "{end}");
    assert_eq!(second.trim(), "", "{end}");
    key(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
    assert_eq!(app.marks.len(), 2, "the marks stay for another look");
}

#[test]
fn the_label_key_round_trips_through_the_history_and_the_filter_finds_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("history.db")).unwrap().0;
    let a = attempt(0, AttemptStatus::Finished);
    store
        .record_queued(&ccc_dial::history::NewAttempt {
            id: a.id.clone(),
            created_at_ms: a.created_at_ms,
            endpoint: a.endpoint.clone(),
            sdk_app_id: a.sdk_app_id,
            agent_id: a.agent_id,
            agent_name: a.agent_name.clone(),
            callee: a.callee.clone(),
            callers: a.callers.clone(),
            variables: a.variables.clone(),
            max_ring_timeout: None,
            acquire_timeout: None,
            request_json: a.request_json.clone(),
            batch: None,
        })
        .unwrap();
    store.annotate(&a.id, &["old".into()], &[], None).unwrap();

    let mut app = with_history(1);
    let effects = key(&mut app, KeyCode::Char('n'));
    assert_eq!(
        effects,
        vec![Effect::Bench(BenchEffect::LoadNotes(a.id.clone()))]
    );
    let notes = store.notes(&a.id).unwrap();
    app.update(Msg::Bench(BenchMsg::Notes(a.id.clone(), Ok(notes))));
    assert!(matches!(app.overlay, Some(Overlay::Notes(_))));
    // Replace "old" by typing the labels anew: Ctrl-U empties the line.
    ctrl(&mut app, 'u');
    type_str(&mut app, "prompt-v2 tone-test");
    key(&mut app, KeyCode::Tab);
    type_str(&mut app, "greets twice");
    let effects = key(&mut app, KeyCode::Enter);
    let [
        Effect::Bench(BenchEffect::Annotate {
            id,
            add,
            remove,
            note,
        }),
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(add, &["prompt-v2".to_string(), "tone-test".to_string()]);
    assert_eq!(remove, &["old".to_string()]);
    let saved = store.annotate(id, add, remove, Some(note)).unwrap();
    assert_eq!(saved.note.as_deref(), Some("greets twice"));
    app.update(Msg::Bench(BenchMsg::Annotated(id.clone(), Ok(saved))));
    assert!(
        notice(&app).contains("prompt-v2 tone-test"),
        "{}",
        notice(&app)
    );
    let screen = render(&mut app, 160, 48);
    assert!(screen.contains("#prompt-v2 #tone-test"), "{screen}");
    let found = store
        .list(
            &Filter {
                text: Some("tone-te".into()),
                ..Filter::default()
            },
            Page::first(10),
        )
        .unwrap();
    assert_eq!(found.len(), 1, "the History filter finds the label");
}

#[test]
fn a_bad_label_is_told_on_the_form_and_nothing_is_saved() {
    let mut app = with_history(1);
    let id = attempt(0, AttemptStatus::Finished).id;
    app.update(Msg::Bench(BenchMsg::Notes(id, Ok(Notes::default()))));
    type_str(&mut app, &"x".repeat(70));
    let effects = key(&mut app, KeyCode::Enter);
    assert!(effects.is_empty());
    let Some(Overlay::Notes(form)) = &app.overlay else {
        panic!("the form closed");
    };
    assert!(form.problem.as_deref().unwrap().contains("longer than 64"));
    key(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
}

#[test]
fn stats_open_over_the_history_filter() {
    let mut app = with_history(2);
    key(&mut app, KeyCode::Char('/'));
    type_str(&mut app, "prompt-v2");
    key(&mut app, KeyCode::Enter);
    let effects = key(&mut app, KeyCode::Char('S'));
    let want = Filter {
        text: Some("prompt-v2".into()),
        ..Filter::default()
    };
    assert_eq!(
        effects,
        vec![Effect::Bench(BenchEffect::GatherStats(want.clone()))]
    );
    assert!(render(&mut app, 80, 24).contains("Gathering statistics over /prompt-v2"));
    let stats = ccc_dial::results::stats::Stats::fold(Vec::new());
    app.update(Msg::Bench(BenchMsg::Stats(
        Box::new(want),
        Ok(Box::new(stats)),
    )));
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("Stats · /prompt-v2"), "{screen}");
    assert!(screen.contains("0 attempts"), "{screen}");
    key(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
}

/// Opens one of the tester's screens.
type Open = fn(&mut ccc_dial::tui::app::App);

/// Each tester's screen over the dialer, at both sizes and without colour.
#[test]
fn the_tester_screens_at_both_sizes_and_without_colour() {
    let screens: [(&str, Open); 4] = [
        ("compare", |app| {
            for _ in 0..3 {
                key(app, KeyCode::Char(' '));
            }
            key(app, KeyCode::Char('C'));
            app.update(Msg::Bench(BenchMsg::Runs(Ok(vec![run(0), run(1), run(2)]))));
        }),
        ("stats", |app| {
            key(app, KeyCode::Char('S'));
            let rows = (0..3u32).map(|n| ccc_dial::history::SummaryRow {
                created_at_ms: n as i64,
                agent_id: 15,
                agent_name: Some("Sales bot".into()),
                status: AttemptStatus::Finished,
                labels: vec!["prompt-v2".into()],
                summary: ccc_dial::history::Summary {
                    word: Some(if n == 2 { "busy" } else { "answered" }.into()),
                    talk_secs: Some(40),
                    medians: [Some(800.0 + n as f64 * 100.0), None, None, None, None],
                    ..Default::default()
                },
            });
            let stats = ccc_dial::results::stats::Stats::fold(rows);
            app.update(Msg::Bench(BenchMsg::Stats(
                Box::default(),
                Ok(Box::new(stats)),
            )));
        }),
        ("labels", |app| {
            let notes = Notes {
                labels: vec!["prompt-v2".into()],
                note: Some("greets twice".into()),
            };
            let id = attempt(0, AttemptStatus::Finished).id;
            app.update(Msg::Bench(BenchMsg::Notes(id, Ok(notes))));
            type_str(app, " bad!label\u{1}");
        }),
        ("sweep", |app| {
            key(app, KeyCode::F(6));
            type_str(app, "sets.csv");
            app.update(Msg::Bench(BenchMsg::SweepRefused(
                "sets.csv:3: var.tone: empty\nsets.csv: 1 bad variable set(s); fix them, nothing was dialed".into(),
            )));
        }),
    ];
    for (name, open) in screens {
        for (w, h, color) in [(80, 24, true), (160, 48, true), (80, 24, false)] {
            let mut app = with_history(3);
            app.color = color;
            open(&mut app);
            let screen = render(&mut app, w, h);
            let shade = if color { "" } else { "_no_color" };
            insta::assert_snapshot!(format!("{name}_{w}x{h}{shade}"), screen);
        }
    }
}
