//! One start-up for every front end: the settings, the service (or the simulator), the
//! history, the request budget and the dialer, with the attempts a stopped run left queued
//! settled first, so that no front end can dial beside an attempt whose fate is unknown.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::backend::{self, Backend, BackendError, ServiceOverrides, SimChoice};
use crate::config::{Settings, settings_path};
use crate::credentials::Env;
use crate::dialer::{Dialer, DialerEvent, RateLimiter, WatchConfig, settle_interrupted};
use crate::history::{HistoryError, Store};

/// Attempts queued longer than this by a stopped run cannot still be in flight elsewhere.
pub const SETTLE_GRACE: Duration = Duration::from_secs(300);

/// What a front end's options override, for this run only.
#[derive(Debug, Clone, PartialEq)]
pub struct Overrides {
    pub service: ServiceOverrides,
    /// The history file; else `CCC_DIAL_HISTORY`, else the platform data directory.
    pub history: Option<PathBuf>,
    pub sim: SimChoice,
    /// A settings file that cannot be read at all stops the start-up, rather than fall back
    /// to the defaults (and so to another endpoint).
    pub strict_settings: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Backend(#[from] BackendError),
    #[error(transparent)]
    History(#[from] HistoryError),
    #[error("{0}")]
    Settings(String),
}

/// The SdkAppId used when none is given: the settings' default, else on the simulator its
/// own instance.
pub fn default_sdk_app_id(settings: &Settings, simulator: bool) -> Option<i64> {
    settings
        .default_sdk_app_id
        .or_else(|| simulator.then(|| crate::sim::Fixtures::default().sdk_app_id))
}

/// The SdkAppId given, else the default; an error says how to give one.
pub fn sdk_app_id(
    given: Option<&str>,
    settings: &Settings,
    simulator: bool,
) -> Result<String, &'static str> {
    match (given, default_sdk_app_id(settings, simulator)) {
        (Some(id), _) => Ok(id.trim().to_string()),
        (None, Some(id)) => Ok(id.to_string()),
        (None, None) => Err("--sdk-app-id is required (or set default_sdk_app_id in the settings)"),
    }
}

/// The settings file and what it holds; a notice when a field was corrected.
pub fn load_settings(env: &Env) -> (Settings, Option<PathBuf>, Option<String>) {
    let file = settings_path(env).ok();
    let (settings, notice) = Settings::load(file.as_deref());
    (settings, file, notice)
}

/// The settings and the service, before the history is opened (enough for a dry run).
pub struct Connected {
    pub settings: Settings,
    pub settings_file: Option<PathBuf>,
    pub env: Env,
    pub backend: Backend,
    /// What the user should know: corrected settings, credential warnings, a history moved
    /// aside, attempts settled.
    pub notices: Vec<String>,
    history: Option<PathBuf>,
}

/// Everything a front end dials with.
pub struct Session {
    pub settings: Settings,
    pub settings_file: Option<PathBuf>,
    pub env: Env,
    pub backend: Backend,
    pub store: Store,
    pub dialer: Dialer,
    /// What the dialer reports.
    pub events: mpsc::UnboundedReceiver<DialerEvent>,
    pub notices: Vec<String>,
}

/// Loads the settings and connects to the service as `overrides` and the environment say.
pub async fn connect(overrides: &Overrides, env: Env) -> Result<Connected, SessionError> {
    let (settings, settings_file, notice) = if overrides.strict_settings {
        let file = settings_path(&env).map_err(SessionError::Settings)?;
        let (settings, notice) =
            Settings::load_checked(Some(&file)).map_err(SessionError::Settings)?;
        (settings, Some(file), notice)
    } else {
        load_settings(&env)
    };
    let backend = backend::connect(&overrides.service, &settings, &env, overrides.sim).await?;
    let notices = notice
        .into_iter()
        .chain(backend.warnings.iter().cloned())
        .collect();
    Ok(Connected {
        settings,
        settings_file,
        env,
        backend,
        notices,
        history: overrides.history.clone(),
    })
}

/// [`connect`], then [`Connected::open`].
pub async fn open(overrides: &Overrides, env: Env) -> Result<Session, SessionError> {
    connect(overrides, env).await?.open()
}

/// How a history is opened: [`Store::open`] or [`Store::open_to_claim`].
type OpenStore = fn(PathBuf) -> Result<(Store, Option<String>), HistoryError>;

impl Connected {
    /// Whether calls go to the built-in simulator.
    pub fn is_simulator(&self) -> bool {
        self.backend.is_simulator()
    }

    /// Opens the history, settles what a stopped run left queued, and builds the dialer.
    pub fn open(self) -> Result<Session, SessionError> {
        self.open_with(Store::open)
    }

    /// [`Connected::open`] for one call, whose claim is its first write
    /// ([`Store::open_to_claim`]).
    pub fn open_to_claim(self) -> Result<Session, SessionError> {
        self.open_with(Store::open_to_claim)
    }

    fn open_with(self, open: OpenStore) -> Result<Session, SessionError> {
        let path = match self.history {
            Some(p) => p,
            None => Store::default_path()?,
        };
        let (store, moved) = open(path)?;
        let mut notices = self.notices;
        notices.extend(moved);
        match settle_interrupted(&store, SETTLE_GRACE)? {
            0 => {}
            n => notices.push(format!(
                "{n} attempt(s) left queued by a stopped run are now of unknown outcome: \
                 reconcile them before dialing again"
            )),
        }
        let (tx, events) = mpsc::unbounded_channel();
        let limiter = Arc::new(RateLimiter::new(self.settings.rate_limit_per_sec));
        let dialer = Dialer::new(
            self.backend.client.clone(),
            store.clone(),
            limiter,
            self.backend.label(),
            tx,
        );
        Ok(Session {
            settings: self.settings,
            settings_file: self.settings_file,
            env: self.env,
            backend: self.backend,
            store,
            dialer,
            events,
            notices,
        })
    }
}

impl Session {
    /// Follows every accepted call live, polling at the settings' interval.
    pub fn watching(mut self) -> Session {
        self.dialer = self.dialer.with_watch(WatchConfig {
            interval: Duration::from_millis(self.settings.poll_interval_ms),
            ..WatchConfig::default()
        });
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialer::DialRequest;
    use crate::history::{AttemptId, AttemptStatus};

    #[tokio::test]
    async fn one_start_up_settles_what_a_stopped_run_left_queued() {
        let home = tempfile::tempdir().unwrap();
        let env = Env::new(home.path().to_path_buf()).with_var(
            "CCC_DIAL_CONFIG",
            home.path().join("settings.toml").to_str().unwrap(),
        );
        let history = home.path().join("history.db");
        let (store, _) = Store::open(&history).unwrap();
        let request = DialRequest {
            sdk_app_id: 1_400_000_000,
            agent_id: 15,
            agent_name: None,
            callee: "008613012345678".into(),
            callers: vec![],
            variables: vec![],
            max_ring_timeout: None,
            acquire_timeout: None,
        };
        let old = crate::dialer::now_ms() - 2 * SETTLE_GRACE.as_millis() as i64;
        let left = request.new_attempt(AttemptId::new(), old, "simulator", "{}".into(), None);
        store.record_queued(&left).unwrap();
        drop(store);

        let overrides = Overrides {
            service: ServiceOverrides::default(),
            history: Some(history),
            sim: SimChoice::IfUnconfigured,
            strict_settings: false,
        };
        let session = open(&overrides, env).await.unwrap();
        assert!(session.backend.is_simulator());
        let settled = session.store.get(&left.id).unwrap().unwrap();
        assert_eq!(settled.status, AttemptStatus::Unknown);
        assert!(
            session.notices.iter().any(|n| n.contains("1 attempt(s)")),
            "{:?}",
            session.notices
        );
    }

    #[test]
    fn the_default_sdk_app_id_comes_from_the_settings_then_the_simulator() {
        let mut settings = Settings::default();
        assert_eq!(
            sdk_app_id(Some(" 7 "), &settings, false).as_deref(),
            Ok("7")
        );
        assert!(sdk_app_id(None, &settings, false).is_err());
        let sim = crate::sim::Fixtures::default().sdk_app_id.to_string();
        assert_eq!(sdk_app_id(None, &settings, true), Ok(sim));
        settings.default_sdk_app_id = Some(9);
        assert_eq!(sdk_app_id(None, &settings, true).as_deref(), Ok("9"));
    }
}
