//! The attempt pane: its timeline, ids, the request exactly as sent, the answer, and what
//! to do about an error. Built as sections, so a live call's controls can slot in after the
//! timeline.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::Theme;
use super::history::{failure_label, glyph};
use crate::ccc::catalog;
use crate::dialer::report::describe;
use crate::dialer::{CallReport, Interactions, LatencyReport, Stat, Tone};
use crate::history::AttemptStatus;
use crate::tui::app::{App, Detail};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let Some(d) = app.detail.as_ref() else {
        let block = t.block(" Attempt ", false, false);
        let text = Line::styled("Select an attempt in History to see it here.", t.dim());
        frame.render_widget(Paragraph::new(text).block(block), area);
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
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((d.scroll, 0))
            .block(block),
        area,
    );
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
}

fn report<'a>(_: &App, d: &'a Detail, t: &Theme, out: &mut Vec<Line<'a>>) {
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
    let hangup = match (r.sys_hangup_reason, &r.sys_hangup_reason_string) {
        (Some(c), Some(s)) => Some(format!("{c} {s}")),
        (Some(c), None) => Some(c.to_string()),
        (None, s) => s.clone(),
    };
    out.push(Line::raw(format!(
        "Hung up by {}  SysHangupReason {}",
        opt(r.hung_up_side.clone()),
        opt(hangup)
    )));
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
    interactions(&r.interactions, t, out);
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

/// Per-round latencies by stage, then the median and P90 over the call.
fn latency(l: Option<&LatencyReport>, t: &Theme, out: &mut Vec<Line<'_>>) {
    let Some(l) = l else {
        out.push(Line::styled("Latency —", t.dim()));
        return;
    };
    out.push(Line::raw(format!(
        "{:<11}{:>7}{:>7}{:>7}{:>7}",
        "Latency ms", "E2E", "ASR", "LLM", "TTS"
    )));
    for (i, round) in l.rounds.iter().enumerate() {
        out.push(Line::raw(format!(
            "  round {:<3}{:>7}{:>7}{:>7}{:>7}",
            i + 1,
            ms(round.ete),
            ms(round.asr),
            ms(round.llm),
            ms(round.tts)
        )));
    }
    let row = |name: &str, f: fn(&Stat) -> Option<f64>| {
        format!(
            "  {name:<9}{:>7}{:>7}{:>7}{:>7}",
            ms(f(&l.ete)),
            ms(f(&l.asr)),
            ms(f(&l.llm)),
            ms(f(&l.tts))
        )
    };
    out.push(Line::raw(row("median", |s| s.median)));
    out.push(Line::raw(row("P90", |s| s.p90)));
}

/// Whether the interaction records came, then what the AI said and what it heard.
fn interactions(i: &Interactions, t: &Theme, out: &mut Vec<Line<'_>>) {
    out.push(match i {
        Interactions::NotFetched => Line::styled("Interaction records —", t.dim()),
        Interactions::NotOffered => Line::styled("Interaction records not offered", t.dim()),
        Interactions::Failed(e) => Line::styled(format!("Interaction records: {e}"), t.warn()),
        Interactions::Records(rounds) => {
            Line::raw(format!("Interaction records: {} round(s)", rounds.len()))
        }
    });
    let Interactions::Records(rounds) = i else {
        return;
    };
    for m in rounds.iter().flat_map(|r| &r.messages) {
        if let Some(s) = m.ai_speak.as_ref().and_then(|a| a.spoken_text.as_deref()) {
            out.push(Line::raw(format!("  AI   {s}")));
        }
        if let Some(u) = m
            .user_reply
            .as_ref()
            .and_then(|u| u.asr_transcript.as_deref())
        {
            out.push(Line::raw(format!("  user {u}")));
        }
    }
}

fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{v:.0}"))
}
