//! The thin edge: the terminal, the clock-free event loop, and the effects carried out for
//! the app. The loop sleeps until a key, a dialer event or an effect's result arrives, and
//! draws only after one did, so an idle dialer costs no CPU.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::Backend as TerminalBackend;
use tokio::sync::{mpsc, watch};

use super::app::{App, BackendInfo, Effect, Msg};
use super::campaign_batch::BatchLaunch;
use super::draft;
use super::filter;
use super::held::{HeldDial, Hold};
use super::time::TimeFmt;
use super::view;
use super::watcher;
use crate::backend::{BackendKind, SimChoice};
use crate::ccc::Client;
use crate::ccc::actions::{DescribeAIAgentInfoList, DescribeNumbers, NumberInfo};
use crate::ccc::paginate::all_pages;
use crate::cli::GlobalArgs;
use crate::config::{Settings, ThemeName};
use crate::credentials::{self, Credential, Env};
use crate::dialer::{
    CallReport, CallWord, ControlError, DialDraft, DialRequest, Dialer, DialerEvent, now_ms,
};
use crate::history::{Attempt, AttemptId, AttemptStatus, ClaimRule, Filter, Override, Page, Store};
use crate::session::{self, Session};

/// Carries out the app's effects; results come back on `tx` as messages.
pub struct Runner {
    store: Store,
    dialer: Dialer,
    client: Arc<Client>,
    tx: mpsc::UnboundedSender<Msg>,
    settings_file: Option<PathBuf>,
    env: Env,
    /// The latest draft to save; one writer saves the newest, so saves never land out of order.
    draft_tx: watch::Sender<Option<DialDraft>>,
    /// How a list loaded in Campaigns runs as a local batch; none where no program runs it.
    batches: Option<BatchLaunch>,
}

impl Runner {
    pub fn new(
        dialer: Dialer,
        tx: mpsc::UnboundedSender<Msg>,
        draft_file: Option<PathBuf>,
        settings_file: Option<PathBuf>,
        env: Env,
    ) -> Runner {
        let (draft_tx, mut draft_rx) = watch::channel::<Option<DialDraft>>(None);
        let errors = tx.clone();
        tokio::spawn(async move {
            while draft_rx.changed().await.is_ok() {
                let latest = draft_rx.borrow_and_update().clone();
                if let (Some(d), Some(path)) = (latest, draft_file.clone()) {
                    let saved = tokio::task::spawn_blocking(move || draft::save(&path, &d)).await;
                    if let Ok(Err(e)) = saved {
                        let _ = errors.send(Msg::Done(Err(e)));
                    }
                }
            }
        });
        Runner {
            store: dialer.store().clone(),
            client: dialer.client().clone(),
            dialer,
            tx,
            settings_file,
            env,
            draft_tx,
            batches: None,
        }
    }

    /// Lists loaded in Campaigns may run as local batches, by `launch`.
    pub fn with_batches(mut self, launch: BatchLaunch) -> Runner {
        self.batches = Some(launch);
        self
    }

    /// A page of history, then how its finished calls ended.
    fn query_history(&self, generation: u64, filter: Filter, page: Page) {
        let (store, tx) = (self.store.clone(), self.tx.clone());
        tokio::task::spawn_blocking(move || {
            // Outcomes are read from the kept summaries: make the missing ones first.
            let words = Filter {
                word: None,
                text: None,
                ..filter.clone()
            };
            let msg = match (if filter::needs_words(&filter) {
                crate::results::stats::refresh(&store, &words).map(drop)
            } else {
                Ok(())
            })
            .and_then(|()| store.count(&filter))
            .and_then(|total| Ok((total, store.list(&filter, page)?)))
            {
                Ok((total, rows)) => {
                    let outcomes = outcomes(&store, &rows);
                    let _ = tx.send(Msg::Bench(super::runs::labels(&store, &rows)));
                    let _ = tx.send(Msg::HistoryPage {
                        generation,
                        total,
                        offset: page.offset,
                        rows,
                    });
                    Msg::Outcomes(outcomes)
                }
                Err(e) => Msg::Done(Err(e.to_string())),
            };
            let _ = tx.send(msg);
        });
    }

    /// An attempt with its events, for the detail pane.
    fn load_detail(&self, id: AttemptId) {
        let (store, tx) = (self.store.clone(), self.tx.clone());
        tokio::task::spawn_blocking(move || {
            let msg = match store.get(&id).and_then(|a| Ok((a, store.events(&id)?))) {
                Ok((Some(attempt), events)) => Msg::Detail {
                    attempt: Box::new(attempt),
                    events,
                },
                Ok((None, _)) => return,
                Err(e) => Msg::Done(Err(e.to_string())),
            };
            let _ = tx.send(msg);
        });
    }

    /// One page of the application's AI agents, for the agent picker.
    fn load_agents(&self, sdk_app_id: i64, page_number: i64) {
        let (client, tx) = (self.client.clone(), self.tx.clone());
        tokio::spawn(async move {
            let action = DescribeAIAgentInfoList {
                sdk_app_id,
                page_size: super::app::AGENT_PAGE,
                page_number,
            };
            let result = client
                .send(&action)
                .await
                .map(|r| (r.data.ai_agent_info_list, r.data.total_count))
                .map_err(|e| format!("cannot list the agents: {e}"));
            let _ = tx.send(Msg::AgentsPage {
                page_number,
                result,
            });
        });
    }

    /// Every number of the application, for the caller picker.
    fn load_numbers(&self, sdk_app_id: i64) {
        let (client, tx) = (self.client.clone(), self.tx.clone());
        tokio::spawn(async move {
            let result = all_numbers(&client, sdk_app_id).await;
            let _ = tx.send(Msg::Numbers(result));
        });
    }

    /// Copies through the terminal (OSC 52), so it works over SSH too.
    fn copy(&self, text: &str) {
        use std::io::Write;
        let mut out = std::io::stdout();
        let copied = out
            .write_all(osc52(text).as_bytes())
            .and_then(|()| out.flush());
        if let Err(e) = copied {
            let _ = self.tx.send(Msg::Done(Err(format!("cannot copy: {e}"))));
        }
    }

    /// The new rate applies at once; the file is written off the event loop.
    fn save_settings(&self, settings: Settings) {
        self.dialer
            .limiter()
            .set_per_sec(settings.rate_limit_per_sec);
        let (path, tx) = (self.settings_file.clone(), self.tx.clone());
        tokio::task::spawn_blocking(move || {
            let msg = settings
                .save(path.as_deref())
                .map(|p| format!("Settings saved to {}", p.display()));
            let _ = tx.send(Msg::Done(msg));
        });
    }

    /// Saves the keys to the credentials file; the running client keeps its own until restart.
    fn write_profile(&self, profile: String, credential: Credential) {
        let (env, tx) = (self.env.clone(), self.tx.clone());
        tokio::task::spawn_blocking(move || {
            let msg = credentials::write_profile(&env, &profile, &credential)
                .map(|p| {
                    format!(
                        "Keys saved to {} (mode 0600); they are used from the next start",
                        p.display()
                    )
                })
                .map_err(|e| format!("cannot save the keys: {e}"));
            let _ = tx.send(Msg::Done(msg));
        });
    }

    /// Starts `effect`; returns true when it asks to quit.
    pub fn execute(&self, effect: Effect) -> bool {
        let tx = self.tx.clone();
        match effect {
            Effect::Quit => return true,
            Effect::Dial(request) => self.guarded_dial(request, None, true),
            Effect::DialOverride {
                request,
                overridden,
                check,
            } => self.guarded_dial(request, Some(overridden), check),
            Effect::QueryHistory {
                generation,
                filter,
                page,
            } => self.query_history(generation, filter, page),
            Effect::LoadDetail(id) => self.load_detail(id),
            Effect::LoadAgents {
                sdk_app_id,
                page_number,
            } => self.load_agents(sdk_app_id, page_number),
            Effect::LoadNumbers { sdk_app_id } => self.load_numbers(sdk_app_id),
            Effect::HangUp(id) => {
                let dialer = self.dialer.clone();
                tokio::spawn(async move {
                    if let Err(e) = dialer.hang_up(&id).await {
                        report_unemitted(&tx, e);
                    }
                });
            }
            Effect::Steer {
                id,
                kind,
                text,
                interrupt,
            } => {
                let dialer = self.dialer.clone();
                tokio::spawn(async move {
                    if let Err(e) = dialer.steer(&id, kind, &text, interrupt).await {
                        report_unemitted(&tx, e);
                    }
                });
            }
            Effect::Reconcile(id) => {
                let dialer = self.dialer.clone();
                tokio::spawn(async move {
                    // A found outcome arrives as a dialer event; only errors come here.
                    if let Err(e) = dialer.reconcile(&id).await {
                        let _ = tx.send(Msg::Done(Err(format!("Not reconciled: {e}"))));
                    }
                });
            }
            Effect::LoadTranscript {
                id,
                sdk_app_id,
                session_id,
            } => {
                let dialer = self.dialer.clone();
                tokio::spawn(async move {
                    let records = dialer.interaction_records(sdk_app_id, session_id).await;
                    let _ = tx.send(Msg::Transcript { id, records });
                });
            }
            Effect::Copy(text) => self.copy(&text),
            Effect::Campaigns(e) => {
                super::campaigns_io::run(&self.dialer, &self.tx, self.batches.as_ref(), e)
            }
            Effect::Bench(e) => super::runs::execute(e, &self.dialer, &tx),
            Effect::SaveDraft(d) => {
                self.draft_tx.send_replace(Some(d));
            }
            Effect::SaveSettings(settings) => self.save_settings(settings),
            Effect::WriteProfile {
                profile,
                credential,
            } => self.write_profile(profile, credential),
        }
        false
    }

    /// Dials `request` unless the recent-call guard holds it back: this machine's history,
    /// then the service's records (on the simulator too, which serves both), each time. A
    /// held dial, or a check that could not be made, goes back to the app to ask the user.
    fn guarded_dial(&self, request: DialRequest, overridden: Option<Override>, check: bool) {
        let rule = ClaimRule {
            overridden: overridden.clone(),
            ..self.dialer.claim_rule().clone()
        };
        let dialer = self.dialer.clone().with_claim(rule);
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let hold = match check {
                false => None,
                true => match dialer.check_callee(&request).await {
                    Ok(held) => held.map(Hold::Earlier),
                    Err(e) => Some(Hold::Unchecked(e)),
                },
            };
            match hold {
                None => {
                    dialer.dial(request, None);
                }
                Some(hold) => {
                    let held = HeldDial {
                        request,
                        hold,
                        overridden,
                    };
                    let _ = tx.send(Msg::Held(Box::new(held)));
                }
            }
        });
    }

    /// Follows the calls still live after a restart (the start-up settled what a stopped run
    /// left queued); a notice says how many.
    pub fn resume(&self) {
        let dialer = self.dialer.clone();
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let said = match dialer.resume().await {
                Ok(ids) if ids.is_empty() => return,
                Ok(ids) => Ok(format!("following {} live call(s) again", ids.len())),
                Err(e) => Err(format!("cannot follow the live calls: {e}")),
            };
            let _ = tx.send(Msg::Done(said));
        });
    }
}

/// Errors the dialer did not report itself (it reports every answer from the service).
fn report_unemitted(tx: &mpsc::UnboundedSender<Msg>, e: ControlError) {
    if !matches!(
        e,
        ControlError::Failed(_) | ControlError::NotControllable { .. }
    ) {
        let _ = tx.send(Msg::Done(Err(e.to_string())));
    }
}

/// The OSC 52 sequence that puts `text` on the terminal's clipboard.
pub fn osc52(text: &str) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    format!("\x1b]52;c;{encoded}\x07")
}

/// Every page of DescribeNumbers.
async fn all_numbers(client: &Client, sdk_app_id: i64) -> Result<Vec<NumberInfo>, String> {
    let request = DescribeNumbers {
        sdk_app_id: sdk_app_id.max(0) as u64,
        ..Default::default()
    };
    all_pages(
        &request,
        100,
        u64::MAX,
        |r| async move { client.send(&r).await },
    )
    .await
    .map_err(|e| format!("cannot list the numbers: {e}"))
}

/// Opens the dialer on this terminal and runs it until the user quits.
pub async fn run(global: GlobalArgs, theme: Option<ThemeName>) -> anyhow::Result<()> {
    if !std::io::stdout().is_terminal() {
        anyhow::bail!(
            "the dialer needs a terminal; for scripts use a subcommand (see ccc-dial --help)"
        );
    }
    let session = session::open(
        &global.overrides(SimChoice::IfUnconfigured),
        Env::from_process(),
    )
    .await?
    .watching();
    let draft_file = session.settings_file.as_deref().map(draft::path_beside);
    let (mut draft, draft_notice) = match &draft_file {
        Some(p) => draft::load(p),
        None => (DialDraft::default(), None),
    };
    let info = BackendInfo {
        simulator: session.backend.is_simulator(),
        label: session.backend.label(),
        credentials: match &session.backend.kind {
            BackendKind::Live {
                source, masked_id, ..
            } => Some(format!("{masked_id} from {source}")),
            BackendKind::Simulator => None,
        },
    };
    // The SdkAppId and agent of a form filled for another backend are not this one's.
    let switched = draft_file.as_deref().and_then(|p| {
        let owner = match &info.credentials {
            Some(c) => format!("{} {c}", info.label),
            None => info.label.clone(),
        };
        draft::adopt(p, &mut draft, &owner)
    });
    if draft.sdk_app_id.trim().is_empty()
        && let Some(id) = session::default_sdk_app_id(&session.settings, info.simulator)
    {
        draft.sdk_app_id = id.to_string();
    }
    let Session {
        settings,
        settings_file,
        env,
        backend,
        dialer,
        events: events_rx,
        notices,
        ..
    } = session;
    let mut app = App::new(draft, settings, info, TimeFmt::Local);
    if let Some(theme) = theme {
        app.settings.theme = theme;
    }
    app.settings_file = settings_file.clone();
    app.color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let notices: Vec<String> = notices
        .into_iter()
        .chain(draft_notice)
        .chain(switched)
        .collect();
    if !notices.is_empty() {
        app.notify(super::app::Level::Warning, notices.join(" · "));
    }
    let (tx, rx) = mpsc::unbounded_channel();
    if let Some(path) = dialer.store().path()
        && let Err(e) = watcher::watch(path, tx.clone())
    {
        app.notify(super::app::Level::Warning, e.to_string());
    }
    let launch = batch_launch(&global, &backend, dialer.store().path());
    let runner = Runner::new(dialer, tx, draft_file.clone(), settings_file, env);
    let runner = match launch {
        Some(launch) => runner.with_batches(launch),
        None => runner,
    };
    runner.resume();

    let mut terminal = ratatui::try_init()?;
    capture_mouse();
    let result = event_loop(&mut terminal, &mut app, &runner, rx, events_rx).await;
    release_mouse();
    ratatui::restore();
    // The last word on the draft, whatever the writer task had queued.
    if let Some(path) = &draft_file
        && let Err(e) = draft::save(path, &app.draft)
    {
        eprintln!("{e}");
    }
    drop(backend);
    result
}

/// A local batch runs as this program's `batch` on the dialer's service and history: the
/// same endpoint, `--profile`, `--region` and `--timeout`, or `--sim`.
fn batch_launch(
    global: &GlobalArgs,
    backend: &crate::backend::Backend,
    history: Option<&std::path::Path>,
) -> Option<BatchLaunch> {
    let program = std::env::current_exe().ok()?;
    let mut service: Vec<std::ffi::OsString> = Vec::new();
    for (flag, value) in [
        ("--profile", global.profile.clone()),
        ("--region", global.region.clone()),
        ("--timeout", global.timeout.map(|t| t.to_string())),
    ] {
        if let Some(v) = value {
            service.extend([flag.into(), v.into()]);
        }
    }
    let history = history?.to_path_buf();
    Some(match backend.is_simulator() {
        true => BatchLaunch::simulator(program, history),
        false => BatchLaunch::live(
            program,
            backend.client.endpoint().as_str(),
            service,
            history,
        ),
    })
}

/// Handles messages until the app quits. Draws once at the start and after each batch of
/// messages that may change the screen; never on a timer.
pub async fn event_loop<B: TerminalBackend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    runner: &Runner,
    mut rx: mpsc::UnboundedReceiver<Msg>,
    mut dialer_rx: mpsc::UnboundedReceiver<DialerEvent>,
) -> anyhow::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    let mut keys = terminal_events();
    let size = terminal.size()?;
    let mut effects = app.update(Msg::Resize(size.width, size.height));
    effects.extend(app.start());
    for e in effects {
        runner.execute(e);
    }
    app.now_ms = now_ms();
    terminal.draw(|f| view::draw(f, app))?;
    let mut interrupt = std::pin::pin!(shutdown_signal());
    loop {
        let wake = app.next_wake(now_ms());
        let first = tokio::select! {
            ev = keys.recv() => match ev {
                Some(Ok(ev)) => match terminal_msg(ev) {
                    Some(msg) => msg,
                    None => continue,
                },
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(()),
            },
            Some(ev) = dialer_rx.recv() => Msg::Dialer(ev),
            Some(m) = rx.recv() => m,
            _ = &mut interrupt => Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            // Only while a live call is shown or a notice is up; idle, nothing wakes.
            _ = tokio::time::sleep(wake.unwrap_or_default()), if wake.is_some() => Msg::Tick(now_ms()),
        };
        // Everything already waiting is handled before the next frame: a paste of thousands
        // of keys costs a few frames, and the keys typed after it act at once.
        let mut next = Some(first);
        let mut handled = 0;
        while let Some(msg) = next {
            app.now_ms = now_ms();
            let mut quit = false;
            for e in app.update(msg) {
                quit |= runner.execute(e);
            }
            if quit {
                return Ok(());
            }
            handled += 1;
            next = if handled < MAX_PER_FRAME {
                waiting(&mut keys, &mut rx, &mut dialer_rx)?
            } else {
                None
            };
        }
        terminal.draw(|f| view::draw(f, app))?;
    }
}

/// Mouse reports on, for clicks and the wheel; off again on a panic, so the terminal is
/// left as it was found.
fn capture_mouse() {
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture);
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        release_mouse();
        hook(info);
    }));
}

fn release_mouse() {
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
}

/// Messages handled between two frames at most, so a flood still shows progress.
const MAX_PER_FRAME: usize = 4096;

/// The message a terminal event carries, if any.
fn terminal_msg(ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => Some(Msg::Key(k)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        Event::Mouse(m) => Some(Msg::Mouse(m)),
        _ => None,
    }
}

/// Terminal events, read on a thread of their own as fast as the terminal gives them, so a
/// paste is taken in whole however long the app takes over each key. The thread blocks in
/// the read: no CPU while nothing is typed.
fn terminal_events() -> mpsc::UnboundedReceiver<std::io::Result<Event>> {
    let (tx, rx) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        loop {
            let event = crossterm::event::read();
            let failed = event.is_err();
            if tx.send(event).is_err() || failed {
                break;
            }
        }
    });
    rx
}

/// A message that has already arrived, without waiting: keys first, then the rest.
fn waiting(
    keys: &mut mpsc::UnboundedReceiver<std::io::Result<Event>>,
    rx: &mut mpsc::UnboundedReceiver<Msg>,
    dialer_rx: &mut mpsc::UnboundedReceiver<DialerEvent>,
) -> anyhow::Result<Option<Msg>> {
    while let Ok(event) = keys.try_recv() {
        if let Some(msg) = terminal_msg(event?) {
            return Ok(Some(msg));
        }
    }
    if let Ok(msg) = rx.try_recv() {
        return Ok(Some(msg));
    }
    Ok(dialer_rx.try_recv().ok().map(Msg::Dialer))
}

/// The words of the finished attempts among `rows`, from their recorded events.
fn outcomes(store: &Store, rows: &[Attempt]) -> Vec<(AttemptId, Option<CallWord>)> {
    rows.iter()
        .filter(|a| a.status == AttemptStatus::Finished)
        .filter_map(|a| {
            let events = store.events(&a.id).ok()?;
            Some((a.id.clone(), CallReport::from_events(a, &events).word))
        })
        .collect()
}

/// SIGINT, SIGTERM, SIGHUP (the terminal went away) or SIGQUIT from outside: each quits the
/// way Ctrl-C does, restoring the terminal and keeping the form. In raw mode Ctrl-C and
/// Ctrl-\ arrive as keys instead.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut others: Vec<_> = [
            SignalKind::terminate(),
            SignalKind::hangup(),
            SignalKind::quit(),
        ]
        .into_iter()
        .filter_map(|kind| signal(kind).ok())
        .collect();
        if others.is_empty() {
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
        let any_other = futures::future::select_all(others.iter_mut().map(|s| Box::pin(s.recv())));
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = any_other => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
