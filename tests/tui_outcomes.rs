//! History rows say how each call ended, in a word with a glyph of its own, at every width.

mod tui_support;

use ccc_dial::dialer::CallWord;
use ccc_dial::history::AttemptStatus;
use ccc_dial::tui::app::Msg;
use tui_support::*;

#[test]
fn every_outcome_has_its_word_at_every_width() {
    for (w, h) in [(80, 24), (120, 40), (160, 48)] {
        let mut app = every_outcome();
        let screen = render(&mut app, w, h);
        insta::assert_snapshot!(format!("every_outcome_{w}x{h}"), screen);
        let rows = (h as usize - 4) / 2;
        for word in CallWord::ALL.iter().take(rows) {
            assert!(
                screen.contains(word.as_str()),
                "{w}x{h}: no {word}\n{screen}"
            );
        }
    }
}

#[test]
fn an_unanswered_call_does_not_look_answered() {
    let mut app = every_outcome();
    let screen = render(&mut app, 80, 24);
    let line = |needle: &str| {
        screen
            .lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no {needle}"))
            .to_string()
    };
    let callee = |n| attempt(n, AttemptStatus::Finished).callee;
    assert!(line(&callee(1)).contains(&format!("∅ {} no answer", callee(1))));
    assert!(line(&callee(0)).contains(&format!("✓ {} answered", callee(0))));
    assert!(line(&callee(8)).contains("no record"));
}

#[test]
fn the_detail_of_a_finished_call_tells_its_row_how_it_ended() {
    let mut app = app();
    let start = app.start();
    let a = attempt(0, AttemptStatus::Finished);
    load_history(&mut app, 1, 0, vec![a.clone()], &start);
    assert!(render(&mut app, 80, 24).contains(" finished"));
    app.update(Msg::Detail {
        attempt: Box::new(a),
        events: vec![],
    });
    assert!(render(&mut app, 80, 24).contains("no record"));
}
