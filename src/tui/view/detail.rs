//! The attempt pane: its timeline, ids, the request exactly as sent, the answer, and what
//! to do about an error. Built as sections, so a live call's controls can slot in after the
//! timeline.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::history::{failure_label, glyph};
use super::{Theme, latency};
use crate::ccc::catalog;
use crate::dialer::report::describe;
use crate::dialer::{
    CallReport, Interactions, LatencyReport, PushKind, Speaker, Stat, Tone, TranscriptLine,
    transcript,
};
use crate::history::AttemptStatus;
use crate::tui::app::{App, Detail};
use crate::tui::live_transcript::Heard;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let Some(d) = app.detail.as_ref() else {
        let block = t.block(" Attempt ", false, false);
        let text = Line::styled("Select an attempt in History to see it here.", t.dim());
        frame.render_widget(
            Paragraph::new(text).wrap(Wrap { trim: true }).block(block),
            area,
        );
        return;
    };
    let hint = if app.detail_open {
        " · Esc close · j/k scroll"
    } else {
        " · Enter open"
    };
    let title = format!(" Attempt {}{hint} ", d.attempt.id.short());
    let block = t.block(title, app.detail_open, false);
    let mut lines = Vec::new();
    for section in [
        header, live, report, timeline, ids, error, request, response,
    ] {
        section(app, d, t, &mut lines);
    }
    // The latency per round as a chart under the text, where the pane has room.
    let rounds = d.report.as_ref().and_then(|r| r.latency.as_ref());
    let rounds = rounds.filter(|l| !l.rounds.is_empty());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let (text, chart) = match rounds {
        Some(_) => latency::beside_text(inner),
        None => (inner, None),
    };
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((d.scroll, 0)),
        text,
    );
    if let (Some(l), Some(at)) = (rounds, chart) {
        latency::draw_titled(frame, at, l, t);
    }
}

fn heading<'a>(text: &'a str, t: &Theme) -> Line<'a> {
    Line::styled(text, t.accent().add_modifier(Modifier::BOLD))
}

fn header<'a>(app: &App, d: &'a Detail, t: &Theme, out: &mut Vec<Line<'a>>) {
    let a = &d.attempt;
    let (g, style) = glyph(a.status, t);
    let agent = match &a.agent_name {
        Some(n) => format!("{} · {n}", a.agent_id),
        None => a.agent_id.to_string(),
    };
    out.push(Line::from(vec![
        Span::styled(format!("{g} {}", a.status), style),
        Span::raw(format!("  {}", app.time.date_time(a.created_at_ms))),
        Span::styled(format!("  {}", a.endpoint), t.dim()),
    ]));
    out.push(Line::raw(format!("Callee {}  Agent {agent}", a.callee)));
    if let Some(o) = &a.claim_override {
        out.push(Line::styled(
            format!("Dialed past the recent-call guard: {o}"),
            t.warn(),
        ));
    }
}

fn timeline<'a>(app: &App, d: &'a Detail, t: &Theme, out: &mut Vec<Line<'a>>) {
    out.push(heading("Timeline", t));
    for e in &d.events {
        let what = describe(e);
        out.push(Line::from(vec![
            Span::styled(app.time.precise(e.at_ms), t.dim()),
            Span::raw(format!(" {what}")),
        ]));
    }
}

fn ids<'a>(_: &App, d: &'a Detail, t: &Theme, out: &mut Vec<Line<'a>>) {
    let a = &d.attempt;
    let none = || Span::styled("—", t.dim());
    let value = |v: &'a Option<String>| v.as_deref().map_or_else(none, Span::raw);
    out.push(Line::from(vec![
        Span::raw("SessionId "),
        value(&a.session_id),
    ]));
    out.push(Line::from(vec![
        Span::raw("RequestId "),
        value(&a.request_id),
    ]));
}

fn error<'a>(app: &App, d: &'a Detail, t: &Theme, out: &mut Vec<Line<'a>>) {
    let a = &d.attempt;
    let Some(code) = &a.error_code else { return };
    let label = failure_label(app, a).map(|l| l.as_str()).unwrap_or("");
    out.push(Line::from(vec![
        Span::styled(format!("Error {code}"), t.error()),
        Span::styled(format!(" ({label})"), t.warn()),
    ]));
    if let Some(m) = &a.error_message {
        out.push(Line::raw(m.as_str()));
    }
    // The hint recorded with the failure, else the catalog's for the code.
    let recorded = d
        .events
        .iter()
        .rev()
        .find_map(|e| e.call_event().hint().map(String::from));
    let hint = match recorded {
        Some(h) => h,
        None => catalog::lookup(code).hint.to_string(),
    };
    out.push(Line::from(vec![
        Span::styled("Hint ", t.warn()),
        Span::raw(hint),
    ]));
}

fn request<'a>(_: &App, d: &'a Detail, t: &Theme, out: &mut Vec<Line<'a>>) {
    out.push(heading("Request (as sent)", t));
    out.push(Line::raw(d.attempt.request_json.as_str()));
}

fn response<'a>(_: &App, d: &'a Detail, t: &Theme, out: &mut Vec<Line<'a>>) {
    out.push(heading("Response", t));
    match &d.attempt.response_json {
        Some(r) => out.push(Line::raw(r.as_str())),
        None => out.push(Line::styled("none", t.dim())),
    }
}

/// The live call: where it stands, for how long, and the keys that act on it.
fn live<'a>(app: &App, d: &'a Detail, t: &Theme, out: &mut Vec<Line<'a>>) {
    let Some(call) = &d.live else { return };
    out.push(heading("Live", t));
    out.push(Line::styled(call.label(app.now_ms), t.ok()));
    let keys = if d.attempt.session_id.is_some() {
        "h hang up · s say · l ask the LLM · y copy SessionId"
    } else {
        "waiting for the SessionId"
    };
    out.push(Line::styled(keys, t.dim()));
    let Some(heard) = app.transcript.of(&d.attempt.id) else {
        return;
    };
    out.push(heading("Transcript so far", t));
    match heard {
        Heard::Asking => out.push(Line::styled("asking…", t.dim())),
        Heard::NotOffered => out.push(Line::styled(
            "not offered by this endpoint; the report lists the call once it ends",
            t.dim(),
        )),
        Heard::Failed(e) => out.push(Line::styled(e.clone(), t.warn())),
        Heard::Rounds(rounds) => {
            let steers = CallReport::from_events(&d.attempt, &d.events).steers;
            transcript_lines(app, &transcript(rounds, &steers), t, out);
        }
    }
}

fn report<'a>(app: &App, d: &'a Detail, t: &Theme, out: &mut Vec<Line<'a>>) {
    if d.attempt.status == AttemptStatus::Unknown && d.attempt.session_id.is_none() {
        out.push(Line::styled(
            "c reconcile: look for this call in the call records",
            t.warn(),
        ));
    }
    let Some(r) = &d.report else { return };
    out.push(heading("Report", t));
    let tone = match r.word.map(|w| w.tone()) {
        Some(Tone::Good) => t.ok(),
        Some(Tone::Warn) => t.warn(),
        Some(Tone::Bad) => t.error(),
        None => t.dim(),
    };
    let raw = match (r.end_status, &r.end_status_string) {
        (Some(c), Some(s)) => format!("  EndStatus {c} {s}"),
        (Some(c), None) => format!("  EndStatus {c}"),
        (None, _) => String::new(),
    };
    out.push(Line::from(vec![
        Span::styled(
            r.word.map_or("no call record".into(), |w| w.to_string()),
            tone.add_modifier(Modifier::BOLD),
        ),
        Span::raw(raw),
    ]));
    if let Some(e) = &r.record_error {
        out.push(Line::styled(format!("Call record: {e}"), t.warn()));
    }
    let opt = |v: Option<String>| v.unwrap_or_else(|| "—".into());
    out.push(match r.hung_up() {
        Some(h) => Line::raw(format!("Ended: {h}")),
        None => Line::styled("Ended: who hung up is not recorded", t.dim()),
    });
    let secs = |s: Option<i64>| opt(s.map(|s| format!("{s}s")));
    out.push(Line::raw(format!(
        "Ring {}  Talk {}",
        secs(r.ring_secs),
        secs(r.talk_secs)
    )));
    let link = |label: &'static str, url: &'a Option<String>| {
        Line::from(vec![
            Span::raw(label),
            url.as_deref()
                .map_or_else(|| Span::styled("—", t.dim()), Span::raw),
        ])
    };
    out.push(link("Recording ", &r.record_url));
    out.push(link("ASR ", &r.asr_url));
    if r.record_url.is_some() {
        out.push(Line::styled(
            "o copy the recording link · y copy SessionId",
            t.dim(),
        ));
    }
    tags(r, t, out);
    latency(r.latency.as_ref(), t, out);
    interactions(app, r, t, out);
}

fn tags<'a>(r: &'a CallReport, t: &Theme, out: &mut Vec<Line<'a>>) {
    if r.tags.is_empty() {
        out.push(Line::styled("Tags none", t.dim()));
        return;
    }
    out.push(Line::raw("Tags"));
    for tag in &r.tags {
        out.push(Line::from(vec![
            Span::raw(format!("  {} ", tag.name)),
            Span::styled(format!("({}) ", tag.kind), t.dim()),
            Span::raw(tag.value.as_str()),
        ]));
    }
}

/// Per-round latencies by stage, then the median and P90 over the call, with what each
/// stage measures: the LLM's whole answer is spoken while it streams, so it may exceed end
/// to end, which ends at the first sound.
fn latency(l: Option<&LatencyReport>, t: &Theme, out: &mut Vec<Line<'_>>) {
    let Some(l) = l else {
        out.push(Line::styled("Latency —", t.dim()));
        return;
    };
    out.push(Line::raw(format!(
        "{:<10}{:>6}{:>6}{:>7}{:>7}{:>6}",
        "Latency ms", "E2E", "ASR", "LLM1st", "LLMall", "TTS"
    )));
    let row = |name: String, v: [Option<f64>; 5]| {
        format!(
            "  {name:<8}{:>6}{:>6}{:>7}{:>7}{:>6}",
            ms(v[0]),
            ms(v[1]),
            ms(v[2]),
            ms(v[3]),
            ms(v[4])
        )
    };
    for (i, r) in l.rounds.iter().enumerate() {
        let v = [r.ete, r.asr, r.llm_first_token, r.llm, r.tts];
        out.push(Line::raw(row(format!("round {}", i + 1), v)));
    }
    let stat =
        |f: fn(&Stat) -> Option<f64>| [&l.ete, &l.asr, &l.llm_first_token, &l.llm, &l.tts].map(f);
    out.push(Line::raw(row("median".into(), stat(|s| s.median))));
    out.push(Line::raw(row("P90".into(), stat(|s| s.p90))));
    out.push(Line::styled(
        "E2E: callee stops → agent speaks · LLM1st: first token, speech starts here · \
         LLMall: the whole answer, spoken as it streams, so it may exceed E2E",
        t.dim(),
    ));
}

/// Whether the interaction records came, then the conversation in time order with what was
/// sent from this app in its place.
fn interactions<'a>(app: &App, r: &'a CallReport, t: &Theme, out: &mut Vec<Line<'a>>) {
    let rounds: &[_] = match &r.interactions {
        Interactions::NotFetched => {
            out.push(Line::styled("Interaction records —", t.dim()));
            &[]
        }
        Interactions::NotOffered => {
            out.push(Line::styled("Interaction records not offered", t.dim()));
            &[]
        }
        Interactions::Failed(e) => {
            out.push(Line::styled(format!("Interaction records: {e}"), t.warn()));
            &[]
        }
        Interactions::Records(rounds) => {
            out.push(Line::raw(format!(
                "Interaction records: {} round(s)",
                rounds.len()
            )));
            rounds
        }
    };
    transcript_lines(app, &transcript(rounds, &r.steers), t, out);
}

/// One line per turn: the time, who spoke or what was sent, and the text.
pub(super) fn transcript_lines(
    app: &App,
    lines: &[TranscriptLine],
    t: &Theme,
    out: &mut Vec<Line<'_>>,
) {
    for l in lines {
        let who = match l.speaker {
            Speaker::Agent => "AI    ",
            Speaker::Callee => "callee",
            Speaker::Operator(PushKind::Text) => "you, pushed text:",
            Speaker::Operator(PushKind::Llm) => "you, LLM prompt:",
            Speaker::Operator(PushKind::LastWords) => "you, last words:",
        };
        let mut spans = vec![
            Span::styled(format!("  {} ", app.time.clock(l.at_ms)), t.dim()),
            match l.speaker {
                Speaker::Operator(_) => Span::styled(who, t.accent()),
                _ => Span::raw(who),
            },
            Span::raw(format!(" {}", l.text)),
        ];
        if let Some(why) = &l.refused {
            spans.push(Span::styled(format!(" (refused: {why})"), t.warn()));
        }
        out.push(Line::from(spans));
    }
}

fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{v:.0}"))
}
