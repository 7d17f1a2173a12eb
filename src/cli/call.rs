//! `ccc-dial call`: one call, from options or from the API's own JSON body.

use std::io::Read;
use std::path::PathBuf;

use clap::Args;
use serde_json::{Map, Value, json};
use tokio::sync::mpsc;

use super::exit::{EXIT_CODES_HELP, Exit};
use super::guard::GuardArgs;
use super::headless;
use super::interrupt;
use crate::ccc::actions::{CreateAIAgentCall, TelCdrInfo};
use crate::ccc::unix_now;
use crate::cli::GlobalArgs;
use crate::config::Settings;
use crate::dialer::word::{outcome_words, status_words};
use crate::dialer::{
    CallReport, DialDraft, DialRequest, Dialer, DialerEvent, Failure, Finished, WatchEvent,
    settle_abandoned,
};
use crate::history::event::Fetched;
use crate::history::{AttemptId, CallEvent, Event};
use crate::session;

/// Place one call and print its SessionId and RequestId.
///
/// The attempt is recorded in the history before the request is sent. Without credentials
/// this fails rather than falling back to the simulator; add --sim to use the simulator.
#[derive(Debug, Clone, Args)]
#[command(after_long_help = EXIT_CODES_HELP)]
pub struct CallArgs {
    /// SdkAppId of the CCC instance [default: the settings' default_sdk_app_id].
    #[arg(long, value_name = "N")]
    pub sdk_app_id: Option<String>,
    /// AIAgentId of the agent that talks.
    #[arg(long, value_name = "N", required_unless_present = "input")]
    pub agent: Option<String>,
    /// The number to call: 00 + country code + number (+86 130… is read as 0086130…).
    #[arg(long, value_name = "NUM", required_unless_present = "input")]
    pub callee: Option<String>,
    /// A caller number to call from; repeat for a pool. Default: the service picks one.
    #[arg(long = "caller", value_name = "NUM")]
    pub callers: Vec<String>,
    /// A variable for the agent's prompt or dify (dify-inputs-NAME, dify-inputs-user,
    /// welcome-message-delay); repeat for more.
    #[arg(long = "var", value_name = "KEY=VALUE")]
    pub vars: Vec<String>,
    /// Seconds to let the phone ring (MaxRingTimeoutSecond; own numbers only).
    #[arg(long, value_name = "S")]
    pub max_ring: Option<String>,
    /// Seconds to queue when the agent's concurrency is used up, 0 to 5 (AcquireTimeoutSecond).
    #[arg(long, value_name = "S")]
    pub queue_timeout: Option<String>,
    /// Read the request from FILE ("-" for stdin): the API's own CreateAIAgentCall JSON body,
    /// e.g. {"SdkAppId":1400000000,"AIAgentId":15,"Callee":"008613012345678"}.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["sdk_app_id", "agent", "callee", "callers", "vars", "max_ring", "queue_timeout"])]
    pub input: Option<PathBuf>,
    /// Follow the call to its end (DescribeTelSession), then print its call record
    /// (DescribeTelCdr), extracted tags and latency; all of it is recorded in the history.
    #[arg(long)]
    pub wait: bool,
    /// Print one JSON object on stdout, with the service's field names.
    #[arg(long)]
    pub json: bool,
    /// Print the signed HTTP request and an equivalent curl command; send and record nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Use the built-in simulator: no real phone rings.
    #[arg(long)]
    pub sim: bool,
    #[command(flatten)]
    pub guard: GuardArgs,
}

/// Runs the command and returns its exit code; everything is already printed.
pub async fn run(global: &GlobalArgs, args: CallArgs) -> i32 {
    let settings = match headless::settings_for_dialing() {
        Ok(s) => s,
        Err(message) => {
            eprintln!("error: {message}");
            return Exit::Failure.code();
        }
    };
    let request = match valid_request(&args, &settings) {
        Ok(r) => r,
        Err(exit) => return exit.code(),
    };
    let connected = match headless::connect(global, args.sim).await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Failure.code();
        }
    };
    if args.dry_run {
        return dry_run(&connected, &request).code();
    }
    let mut session = match headless::open_to_claim(connected) {
        // Followed from the moment it is accepted, as on the dialer's screen.
        Ok(s) if args.wait => s.watching(),
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Failure.code();
        }
    };
    let fresh_history = match args.guard.check_history(&session.store) {
        Ok(fresh) => fresh,
        Err(message) => {
            eprintln!("error: {message}");
            return Exit::Failure.code();
        }
    };
    session.dialer = session
        .dialer
        .clone()
        .with_claim(args.guard.rule())
        .with_store_inline();
    if fresh_history && let Some(exit) = witnessed(&session.dialer, &request).await {
        return exit.code();
    }
    let id = AttemptId::new();
    let finished = tokio::select! {
        finished = session.dialer.run(id.clone(), request.clone(), None) => finished,
        _ = interrupt::second_ctrl_c(
            "interrupted: waiting for the service's answer, to record it; Ctrl-C again stops \
             waiting (the call then counts as unknown)"
        ) => return abandoned(&session.dialer, &id),
    };
    let code = report(finished, &id, &request, &args, &mut session).await;
    // The process ends here: the next one folds the log into the file.
    session.store.leave_log_on_close();
    code
}

/// A second Ctrl-C before the answer: the request may have left, so the attempt is unknown.
fn abandoned(dialer: &Dialer, id: &AttemptId) -> i32 {
    match settle_abandoned(dialer.store(), id) {
        Ok(_) => eprintln!(
            "stopped waiting: the outcome is unknown, as the request may have reached the \
             service; check the call records before dialing again (ccc-dial history show {})",
            id.short()
        ),
        Err(e) => eprintln!(
            "stopped waiting: the outcome is unknown, and the history could not record it \
             ({e}); check the call records before dialing again"
        ),
    }
    Exit::Interrupted.code()
}

/// The request from the options or the input file, with every problem printed.
fn valid_request(args: &CallArgs, settings: &Settings) -> Result<DialRequest, Exit> {
    // A file that cannot be read is not bad input: the table's code 1, like any file.
    let input = match args.input.as_deref().map(read_input).transpose() {
        Ok(text) => text,
        Err(message) => {
            eprintln!("error: {message}");
            return Err(Exit::Failure);
        }
    };
    match draft(args, input.as_deref(), settings).map(|d| d.validate()) {
        Ok(Ok(r)) => Ok(r),
        Ok(Err(problems)) => {
            eprintln!("error: the request is not valid:");
            for p in problems {
                eprintln!("  {p}");
            }
            Err(Exit::Invalid)
        }
        Err(message) => {
            eprintln!("error: {message}");
            Err(Exit::Invalid)
        }
    }
}

/// Prints the signed request instead of sending it; nothing is recorded.
fn dry_run(connected: &session::Connected, request: &DialRequest) -> Exit {
    match connected
        .backend
        .client
        .prepare(&request.to_action(), unix_now())
    {
        Ok(prepared) => match headless::write_stdout(&headless::dry_run_text(&prepared)) {
            Ok(()) => Exit::Accepted,
            Err(e) => {
                headless::tell(&format!("error: stdout could not be written ({e})"));
                Exit::Failure
            }
        },
        Err(e) => {
            eprintln!("error: {e}");
            Exit::Invalid
        }
    }
}

/// Prints how the attempt ended, following an accepted call to its end with --wait.
async fn report(
    finished: Finished,
    id: &AttemptId,
    request: &DialRequest,
    args: &CallArgs,
    session: &mut session::Session,
) -> i32 {
    match finished {
        Finished::Accepted {
            session_id,
            request_id,
        } => {
            let accepted = json!({
                "SessionId": session_id,
                "RequestId": request_id,
                "AttemptId": id.as_str(),
                "Callee": request.callee,
            });
            if !args.wait {
                return deliver(&accepted_text(&accepted, args.json), id, Exit::Accepted);
            }
            eprintln!("accepted: SessionId {session_id}, RequestId {request_id}");
            wait(
                &session.dialer,
                id,
                accepted,
                &mut session.events,
                args.json,
            )
            .await
        }
        Finished::Failed(failure) => {
            let printed = failure_text(&failure, id, args.json);
            deliver(&printed, id, Exit::of_outcome(failure.outcome))
        }
        Finished::NotRecorded(message) => {
            eprintln!("error: {message}");
            Exit::Failure.code()
        }
        Finished::Held(held) => {
            let way = if held.in_flight() {
                "wait for it to end"
            } else {
                "to call again anyway, add --allow-recent"
            };
            eprintln!("not dialed: {held}; {way}");
            Exit::Held.code()
        }
    }
}

/// With a new history, the service's records are the only witness of earlier calls: a
/// callee they hold is not dialed, and a check that fails stops the call.
async fn witnessed(dialer: &Dialer, request: &DialRequest) -> Option<Exit> {
    let callees = [request.callee.clone()];
    let rule = dialer.claim_rule();
    match dialer
        .service_check(request.sdk_app_id, &callees, rule.window)
        .await
    {
        Ok(held) => {
            let held = held.get(&request.callee)?;
            if rule.overridden.is_some() && !held.in_flight() {
                return None;
            }
            eprintln!("not dialed: {held}");
            Some(Exit::Held)
        }
        Err(f) => {
            eprintln!(
                "error: not dialed: the service's call records could not be checked: {} ({})",
                f.message, f.hint
            );
            Some(Exit::Failure)
        }
    }
}

/// Follows the accepted call through the dialer, as the dialer's screen does, and prints its
/// call record once everything about it is recorded.
async fn wait(
    dialer: &Dialer,
    id: &AttemptId,
    accepted: Value,
    statuses: &mut mpsc::UnboundedReceiver<DialerEvent>,
    json: bool,
) -> i32 {
    // `run` started the watch when the call was accepted; its events say how it goes.
    let followed = async {
        loop {
            let Some(event) = statuses.recv().await else {
                break Err("the dialer stopped".to_string());
            };
            match event {
                DialerEvent::Watch(WatchEvent::Status { status, .. }) if !json => {
                    eprintln!("status: {}", status_words(status));
                }
                DialerEvent::Watch(WatchEvent::Report { id: done }) if done == *id => break Ok(()),
                DialerEvent::Watch(WatchEvent::WatchError {
                    id: failed,
                    message,
                    stopped: true,
                }) if failed == *id => break Err(message),
                _ => {}
            }
        }
    };
    let ended = tokio::select! {
        ended = followed => ended,
        _ = interrupt::second_ctrl_c(
            "interrupted: the call goes on; still following it to record its end. Ctrl-C \
             again stops following (the history keeps the call; the next start follows it up)"
        ) => {
            eprintln!("stopped following: ccc-dial history show {}", id.short());
            return deliver(&accepted_text(&accepted, json), id, Exit::Interrupted);
        }
    };
    let report = ended.and_then(|()| {
        let store = dialer.store();
        let attempt = store.get(id).ok().flatten();
        let events = store.events(id).map_err(|e| e.to_string())?;
        attempt
            .map(|a| (CallReport::from_events(&a, &events), events))
            .ok_or_else(|| format!("no attempt {id} in the history"))
    });
    match report {
        Ok((report, events)) => match last_record(&events) {
            Some(record) => deliver(
                &finished_text(accepted, &report, &record, json),
                id,
                Exit::Accepted,
            ),
            None => {
                let why = report.record_error.unwrap_or_default();
                eprintln!("error: the call finished without a call record: {why}");
                deliver(&accepted_text(&accepted, json), id, Exit::Failure)
            }
        },
        Err(message) => {
            eprintln!("error: lost track of the call: {message}");
            deliver(&accepted_text(&accepted, json), id, Exit::Failure)
        }
    }
}

/// The call record the watch recorded.
fn last_record(events: &[Event]) -> Option<TelCdrInfo> {
    events.iter().rev().find_map(|e| match e.call_event() {
        CallEvent::Cdr(Fetched::Got(r)) => Some(*r.record),
        _ => None,
    })
}

/// The form as given on the command line or in `--input`.
fn draft(args: &CallArgs, input: Option<&str>, settings: &Settings) -> Result<DialDraft, String> {
    if let (Some(path), Some(text)) = (&args.input, input) {
        let action = parse_body(text).map_err(|e| format!("{}: {e}", path.display()))?;
        return Ok(DialRequest::from_action(&action));
    }
    let sdk_app_id = session::sdk_app_id(args.sdk_app_id.as_deref(), settings, args.sim)?;
    let variables = args
        .vars
        .iter()
        .map(|kv| {
            kv.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| format!("--var {kv:?}: write it as KEY=VALUE"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(DialDraft {
        sdk_app_id,
        agent_id: args.agent.clone().unwrap_or_default(),
        agent_name: None,
        callee: args.callee.clone().unwrap_or_default(),
        callers: args.callers.clone(),
        variables,
        max_ring_timeout: args.max_ring.clone().unwrap_or_default(),
        acquire_timeout: args.queue_timeout.clone().unwrap_or_default(),
    })
}

fn read_input(path: &std::path::Path) -> Result<String, String> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read the request from stdin: {e}"))?;
        return Ok(text);
    }
    std::fs::read_to_string(path).map_err(|e| {
        format!(
            "cannot read the request file {}: {e}; --input takes a JSON file, or - for stdin",
            path.display()
        )
    })
}

/// The fields of CreateAIAgentCall's body. `PromptVariables` is the deprecated name of
/// `Variables`, still in the service's documented example.
const BODY_FIELDS: &[&str] = &[
    "SdkAppId",
    "AIAgentId",
    "Callee",
    "Callers",
    "Variables",
    "PromptVariables",
    "MaxRingTimeoutSecond",
    "AcquireTimeoutSecond",
];

/// Reads the API's JSON body. An unknown field is an error rather than silently dropped, so
/// a misspelt option never goes unnoticed.
pub fn parse_body(text: &str) -> Result<CreateAIAgentCall, String> {
    // Editors on some systems start a UTF-8 file with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(key) = super::json_keys::first_repeated_key(text) {
        return Err(format!(
            "{key:?} is given twice; give each field once (JSON keeps only the last)"
        ));
    }
    let value: Value = serde_json::from_str(text)
        .map_err(|e| format!("not valid JSON ({e}); expected a CreateAIAgentCall body"))?;
    let Value::Object(mut fields) = value else {
        return Err("expected a JSON object, the CreateAIAgentCall body".into());
    };
    if let Some(unknown) = fields.keys().find(|k| !BODY_FIELDS.contains(&k.as_str())) {
        return Err(format!(
            "unknown field {unknown:?}; CreateAIAgentCall takes {}",
            BODY_FIELDS.join(", ")
        ));
    }
    if let Some(prompt) = fields.remove("PromptVariables") {
        if fields.contains_key("Variables") {
            return Err("give Variables or PromptVariables (its old name), not both".into());
        }
        fields.insert("Variables".into(), prompt);
    }
    let variables = fields.get("Variables").and_then(Value::as_array);
    for (i, v) in variables.into_iter().flatten().enumerate() {
        let unknown = v
            .as_object()
            .and_then(|o| o.keys().find(|k| !matches!(k.as_str(), "Key" | "Value")));
        if let Some(k) = unknown {
            return Err(format!(
                "Variables.{i}: unknown field {k:?}; a variable has Key and Value"
            ));
        }
    }
    serde_json::from_value(Value::Object(fields)).map_err(|e| format!("{e}"))
}

fn accepted_text(accepted: &Value, json: bool) -> String {
    if json {
        format!("{accepted}\n")
    } else {
        format!(
            "SessionId: {}\nRequestId: {}\n",
            text(accepted, "SessionId"),
            text(accepted, "RequestId")
        )
    }
}

fn finished_text(
    mut accepted: Value,
    report: &CallReport,
    record: &TelCdrInfo,
    json: bool,
) -> String {
    if json {
        accepted["CallRecord"] = without_nulls(serde_json::to_value(record).unwrap_or_default());
        return format!("{accepted}\n");
    }
    let mut out = accepted_text(&accepted, false);
    let mut show = |name: &str, value: Option<String>| {
        if let Some(v) = value {
            out.push_str(&format!("{name}: {v}\n"));
        }
    };
    show("Outcome", report.word.map(|w| w.to_string()));
    show("EndStatus", record.end_status_string.clone());
    show("Duration", record.duration.map(|d| format!("{d} s")));
    show("Caller", record.caller.clone());
    show("HungUpSide", record.hung_up_side.clone());
    show("RecordURL", record.record_url.clone());
    for tag in &report.tags {
        show("Tag", Some(format!("{} = {}", tag.name, tag.value)));
    }
    let ete = report.latency.as_ref().and_then(|l| l.ete.median);
    show(
        "Latency",
        ete.map(|ms| format!("{ms:.0} ms median end to end")),
    );
    out
}

/// Writes what the call prints on stdout and returns `exit`; a reader gone (`| true`) or a
/// full device cannot undo the call, which is recorded: stderr names it and the code is 1.
fn deliver(text: &str, id: &AttemptId, exit: Exit) -> i32 {
    match headless::write_stdout(text) {
        Ok(()) => exit.code(),
        Err(e) => {
            headless::tell(&format!(
                "error: stdout could not be written ({e}); the attempt is recorded: \
                 ccc-dial history show {}",
                id.short()
            ));
            Exit::Failure.code()
        }
    }
}

/// Tells the failure on stderr; returns what goes to stdout (the JSON object with --json).
fn failure_text(failure: &Failure, id: &AttemptId, json: bool) -> String {
    let what = outcome_words(failure.outcome);
    match &failure.code {
        Some(code) => eprintln!("error: {what}: {code}: {}", failure.message),
        None => eprintln!("error: {what}: {}", failure.message),
    }
    eprintln!("hint: {}", failure.hint);
    if let Some(rid) = &failure.request_id {
        eprintln!("RequestId: {rid}");
    }
    eprintln!(
        "attempt {} (ccc-dial history show {})",
        id.short(),
        id.short()
    );
    if !json {
        return String::new();
    }
    let mut out = Map::new();
    out.insert("Outcome".into(), json!(failure.status().as_str()));
    if let Some(code) = &failure.code {
        out.insert(
            "Error".into(),
            json!({"Code": code, "Message": failure.message}),
        );
    } else {
        out.insert("Error".into(), json!({"Message": failure.message}));
    }
    out.insert("Hint".into(), json!(failure.hint));
    out.insert("RequestId".into(), json!(failure.request_id));
    out.insert("AttemptId".into(), json!(id.as_str()));
    format!("{}\n", Value::Object(out))
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// A call record without the fields the service left empty.
fn without_nulls(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_body_is_read_with_its_old_variable_name() {
        let body = r#"{
            "SdkAppId": 1400000000,
            "AIAgentId": 15,
            "Callee": "008613012345678",
            "Callers": ["008601012345678"],
            "PromptVariables": [{"Key": "name", "Value": "张三"}]
        }"#;
        let action = parse_body(body).unwrap();
        assert_eq!(action.sdk_app_id, 1_400_000_000);
        assert_eq!(action.variables.unwrap()[0].value, "张三");
    }

    #[test]
    fn bad_bodies_say_what_is_wrong() {
        let e = parse_body(r#"{"SdkAppId":1,"AIAgentId":2,"Calee":"0086130"}"#).unwrap_err();
        assert!(e.contains("\"Calee\"") && e.contains("Callee"), "{e}");
        let e = parse_body("[1]").unwrap_err();
        assert!(e.contains("JSON object"), "{e}");
        let e = parse_body(r#"{"SdkAppId":"x","AIAgentId":2,"Callee":"1"}"#).unwrap_err();
        assert!(e.contains("invalid type"), "{e}");
        let both =
            r#"{"SdkAppId":1,"AIAgentId":2,"Callee":"1","Variables":[],"PromptVariables":[]}"#;
        assert!(parse_body(both).unwrap_err().contains("not both"));
    }

    #[test]
    fn a_bom_is_read_and_repeated_or_unknown_variable_fields_are_not() {
        let body = "\u{feff}{\"SdkAppId\":1,\"AIAgentId\":2,\"Callee\":\"0086130\"}";
        assert_eq!(parse_body(body).unwrap().callee, "0086130");
        let twice = r#"{"SdkAppId":1,"AIAgentId":2,"Callee":"0086130","Callee":"0086131"}"#;
        assert!(
            parse_body(twice)
                .unwrap_err()
                .contains("\"Callee\" is given twice")
        );
        let extra = r#"{"SdkAppId":1,"AIAgentId":2,"Callee":"1","Variables":[{"Key":"a","Value":"b","Vaule":"c"}]}"#;
        let e = parse_body(extra).unwrap_err();
        assert!(e.contains("Variables.0: unknown field \"Vaule\""), "{e}");
    }
}
