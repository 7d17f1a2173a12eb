//! The Compare and Stats views at 80x24 and 160x48 on ratatui's test terminal, and without
//! colour: fixed runs and figures, so the pictures are the same on every machine.

mod tui_support;

use ccc_dial::history::{AttemptStatus, Entry, Event, Notes, Summary, SummaryRow};
use ccc_dial::results::Run;
use ccc_dial::results::compare::Comparison;
use ccc_dial::results::stats::Stats;
use ccc_dial::tui::view::{Theme, compare, latency, stats};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use serde_json::json;
use tui_support::{attempt, conversation};

const TONES: [&str; 6] = ["formal", "casual", "terse", "chatty", "calm", "angry"];

/// Run `n` of the dify agent with its tone, its call record, tags and latency rounds.
pub fn run(n: u32) -> Run {
    let mut a = attempt(n, AttemptStatus::Finished);
    a.agent_id = 16;
    a.agent_name = Some("Support bot (dify)".into());
    a.callee = "008613012345678".into();
    a.variables = vec![
        ("dify-inputs-user".into(), "bob".into()),
        ("dify-inputs-tone".into(), TONES[n as usize % 6].into()),
    ];
    let event = |seq: i64, kind: &str, detail: serde_json::Value| Event {
        attempt_id: a.id.clone(),
        seq,
        at_ms: a.created_at_ms + seq * 1_000,
        kind: kind.into(),
        status: None,
        detail,
    };
    let answered = n % 3 != 2;
    let record = json!({"EndStatus": if answered { 1 } else { 202 },
        "EndStatusString": if answered { "ok" } else { "notAnswer" },
        "RingTimestamp": 100, "AcceptTimestamp": if answered { 103 } else { 0 },
        "EndedTimestamp": 140 + n as i64, "Duration": if answered { 37 + n as i64 } else { 0 }});
    let rounds: Vec<_> = (0..4)
        .map(|r| {
            let v = 700 + n as i64 * 60 + r * 45;
            json!({"ETELatency": v, "ASRLatency": 200 + r, "LLMLatency": 400 + n as i64 * 50,
                   "LLMFirstTokenLatency": 300 + n as i64 * 40, "TTSLatency": 120})
        })
        .collect();
    let tags = json!([{"InfoType": "Boolean", "InfoName": "Resolved", "Result": {"Boolean": n.is_multiple_of(2)}},
                      {"InfoType": "Text", "InfoName": "Issue", "Result": {"Text": "Parcel not delivered"}}]);
    let tone = TONES[n as usize % 6];
    let greeting = format!("Hello bob, this is Support bot (dify), speaking {tone}.");
    let answer = format!("Your parcel left the depot today; a {tone} courier brings it tomorrow.");
    // Odd runs have a third round: the others leave it blank.
    let said: &[(&str, &str)] = &[
        ("", &greeting),
        ("Where is my parcel?", &answer),
        ("Thanks", "Goodbye."),
    ];
    let rounds_said = if answered { 2 + n as usize % 2 } else { 0 };
    let mut events = vec![
        event(1, "cdr", json!({"record": record})),
        event(
            2,
            "extract",
            json!({"results": if answered { tags } else { json!([]) }}),
        ),
        event(
            3,
            "latency",
            json!({"rounds": if answered { json!(rounds) } else { json!([]) }}),
        ),
    ];
    if rounds_said > 0 {
        events.push(conversation(&a, 4, &said[..rounds_said]));
    }
    Run::new(Entry {
        attempt: a,
        events,
        notes: Notes {
            labels: if n < 2 {
                vec!["prompt-v2".into()]
            } else {
                vec![]
            },
            note: None,
        },
    })
}

pub fn comparison(n: u32) -> Comparison {
    Comparison::new((0..n).map(run).collect())
}

/// Stats over a fixed spread of attempts.
pub fn figures() -> Stats {
    let rows = (0..200u64).map(|i| {
        let word = match i % 10 {
            0..=5 => Some("answered"),
            6 | 7 => Some("no answer"),
            8 => Some("busy"),
            _ => None,
        };
        SummaryRow {
            created_at_ms: i as i64,
            agent_id: 15 + i % 2,
            agent_name: Some(
                if i % 2 == 0 {
                    "Sales bot"
                } else {
                    "Support bot (dify)"
                }
                .into(),
            ),
            status: if word.is_some() {
                AttemptStatus::Finished
            } else {
                AttemptStatus::Rejected
            },
            labels: if i % 4 == 0 {
                vec!["prompt-v2".into()]
            } else {
                vec![]
            },
            summary: Summary {
                word: word.map(String::from),
                end_status: None,
                ring_secs: Some(3),
                talk_secs: Some((i as i64 * 7) % 400),
                medians: [
                    Some(700.0 + i as f64),
                    Some(200.0),
                    Some(400.0),
                    Some(300.0),
                    Some(120.0),
                ],
            },
        }
    });
    Stats::fold(rows)
}

fn draw(w: u16, h: u16, color: bool, f: impl Fn(&mut ratatui::Frame, &Theme)) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let theme = Theme::new(color);
    terminal.draw(|frame| f(frame, &theme)).unwrap();
    terminal.backend().buffer().clone()
}

fn text(b: &Buffer) -> String {
    let w = b.area.width as usize;
    b.content
        .chunks(w)
        .map(|row| {
            row.iter()
                .map(|c| c.symbol())
                .collect::<String>()
                .trim_end()
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn uncoloured(b: &Buffer) -> bool {
    b.content
        .iter()
        .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
}

#[test]
fn compare_at_both_sizes_and_without_colour() {
    let c = comparison(3);
    for (w, h) in [(80, 24), (160, 48)] {
        let b = draw(w, h, true, |f, t| {
            compare::draw(f, f.area(), &c, 0, true, t);
        });
        insta::assert_snapshot!(format!("compare_3_runs_{w}x{h}"), text(&b));
    }
    let six = comparison(6);
    let b = draw(80, 24, true, |f, t| {
        compare::draw(f, f.area(), &six, 0, false, t);
    });
    insta::assert_snapshot!("compare_6_runs_80x24_all_variables", text(&b));
    let plain = draw(80, 24, false, |f, t| {
        compare::draw(f, f.area(), &six, 0, false, t);
    });
    assert!(uncoloured(&plain));
    insta::assert_snapshot!("compare_6_runs_80x24_no_color", text(&plain));
    let scrolled = draw(80, 24, false, |f, t| {
        compare::draw(f, f.area(), &six, 8, false, t);
    });
    let scrolled = text(&scrolled);
    assert!(!scrolled.contains("  attempt"), "{scrolled}");
    assert!(scrolled.contains("E2E med/p90"), "{scrolled}");
    // Scrolled as far as it goes: the transcripts' last rounds fill the screen to its end.
    let end = draw(80, 24, false, |f, t| {
        let bottom = compare::draw(f, f.area(), &six, usize::MAX, true, t);
        assert!(bottom > 0 && bottom < six.lines(true).len());
    });
    insta::assert_snapshot!("compare_6_runs_80x24_end_no_color", text(&end));
}

#[test]
fn stats_at_both_sizes_and_without_colour() {
    let s = figures();
    for (w, h) in [(80, 24), (160, 48)] {
        let b = draw(w, h, true, |f, t| {
            stats::draw(f, f.area(), &s, "all attempts", t)
        });
        insta::assert_snapshot!(format!("stats_{w}x{h}"), text(&b));
    }
    let plain = draw(80, 24, false, |f, t| {
        stats::draw(f, f.area(), &s, "all attempts", t)
    });
    assert!(uncoloured(&plain));
    let plain = text(&plain);
    insta::assert_snapshot!("stats_80x24_no_color", plain);
    assert!(
        plain.contains("120"),
        "answered count reads without colour: {plain}"
    );
}

#[test]
fn latency_bars_with_median_and_p90_at_both_sizes_and_without_colour() {
    let r = run(1);
    let l = r.report.latency.as_ref().unwrap();
    for (w, h) in [(80, 24), (160, 48)] {
        let b = draw(w, h, true, |f, t| latency::draw(f, f.area(), l, t));
        insta::assert_snapshot!(format!("latency_bars_{w}x{h}"), text(&b));
    }
    let plain = draw(80, 24, false, |f, t| latency::draw(f, f.area(), l, t));
    assert!(uncoloured(&plain));
    let plain = text(&plain);
    insta::assert_snapshot!("latency_bars_80x24_no_color", plain.clone());
    // Rounds of 760, 805, 850 and 895 ms: median 827.5, P90 895.
    assert!(
        plain.contains("median 828") && plain.contains("P90 895"),
        "{plain}"
    );
    assert!(plain.contains("ASR 202"), "{plain}");
}

#[test]
fn transcripts_line_up_by_round_and_a_shorter_run_leaves_blanks() {
    // Run 0 said two rounds, run 1 three, run 2 was not answered.
    let c = comparison(3);
    let said = |heading: &str| -> Vec<String> {
        c.lines(true)
            .into_iter()
            .find(|l| l.heading == heading)
            .unwrap_or_else(|| panic!("no {heading}"))
            .cells
    };
    assert_eq!(
        said("round 1 callee"),
        ["Where is my parcel?", "Where is my parcel?", ""]
    );
    assert!(said("round 1 agent")[1].contains("a casual courier"));
    assert_eq!(said("round 2 agent"), ["", "Goodbye.", ""]);
    assert_eq!(said("round 2 callee"), ["", "Thanks", ""]);
    assert!(
        c.lines(true).iter().all(|l| l.heading != "round 0 callee"),
        "nobody spoke before the greeting"
    );
    let json = c.to_json();
    assert_eq!(json["Transcript"][2]["RoundIndex"], 2);
    assert_eq!(
        json["Transcript"][2]["Runs"],
        json!([null, {"ASRTranscript": "Thanks", "SpokenText": "Goodbye."}, null])
    );
    assert_eq!(
        json["Transcript"][0]["Runs"][0]["ASRTranscript"],
        json!(null)
    );
    assert_eq!(json["Transcript"].as_array().unwrap().len(), 3);
}

#[test]
fn a_transcript_cannot_act_on_the_terminal() {
    let mut hostile = run(0);
    let said = conversation(
        &hostile.attempt,
        9,
        &[("\u{1b}]0;owned\u{7}", "evil \u{202e}txt.exe \u{1b}[2J")],
    );
    hostile.report = ccc_dial::dialer::CallReport::from_events(&hostile.attempt, &[said]);
    let c = Comparison::new(vec![hostile, run(1)]);
    let b = draw(160, 48, false, |f, t| {
        compare::draw(f, f.area(), &c, 0, true, t);
    });
    let screen = text(&b);
    assert!(
        screen.contains("evil \\u{202e}txt.exe \\u{1b}[2J"),
        "{screen}"
    );
    assert!(screen.contains("\\u{1b}]0;owned\\u{7}"), "{screen}");
    assert!(
        !screen.contains(['\u{1b}', '\u{202e}', '\u{7}']),
        "{screen}"
    );
}
