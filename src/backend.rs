//! Which service the app talks to: Tencent Cloud with the user's credentials, or the built-in
//! simulator. The TUI falls back to the simulator when nothing is configured; the headless
//! commands use it only when asked (`--sim`), so a script never mistakes a simulated call for
//! a real one.

use std::sync::Arc;
use std::time::Duration;

use crate::ccc::{ApiError, Client, ClientConfig};
use crate::config::{EndpointChoice, Settings};
use crate::credentials::{self, CredentialError, Env, Explicit, Source};
use crate::sim::{self, SimConfig, SimHandle};

/// When the simulator may stand in for the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimChoice {
    /// The TUI: when no credentials are configured.
    IfUnconfigured,
    /// `--sim`: always.
    Always,
    /// Headless commands without `--sim`: never; missing credentials are an error.
    Never,
}

/// What the user chose for this run over the settings: where calls go and how long an
/// answer may take.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceOverrides {
    /// A host or an https:// URL (http:// to this machine only).
    pub endpoint: Option<String>,
    pub region: Option<String>,
    /// The credential profile; given, the environment's credentials are not consulted.
    pub profile: Option<String>,
    /// Seconds to wait for each answer.
    pub timeout: Option<f64>,
}

#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    #[error("{NO_CREDENTIALS}")]
    NoCredentials,
    #[error(transparent)]
    Credentials(#[from] CredentialError),
    #[error(transparent)]
    Client(#[from] ApiError),
    #[error("cannot start the built-in simulator: {0}")]
    Simulator(#[from] std::io::Error),
}

/// What the status bar and the history say about where calls go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendKind {
    Simulator,
    Live {
        endpoint: String,
        source: String,
        masked_id: String,
    },
}

pub struct Backend {
    pub client: Arc<Client>,
    pub kind: BackendKind,
    /// Keeps the in-process simulator running as long as the backend lives.
    pub sim: Option<SimHandle>,
    /// Things the user should know (a world-readable credential file, say).
    pub warnings: Vec<String>,
}

impl Backend {
    pub fn is_simulator(&self) -> bool {
        self.kind == BackendKind::Simulator
    }

    /// The endpoint label recorded with each attempt.
    pub fn label(&self) -> String {
        match &self.kind {
            BackendKind::Simulator => "simulator".into(),
            BackendKind::Live { endpoint, .. } => endpoint.clone(),
        }
    }

    /// One line for a status bar or a command's stderr.
    pub fn describe(&self) -> String {
        match &self.kind {
            BackendKind::Simulator => "SIMULATOR (no real calls)".into(),
            BackendKind::Live {
                endpoint,
                source,
                masked_id,
            } => {
                format!("{endpoint} · {masked_id} from {source}")
            }
        }
    }
}

/// The message for headless commands run with no credentials.
pub const NO_CREDENTIALS: &str = "no credentials configured. Set TENCENTCLOUD_SECRET_ID and \
TENCENTCLOUD_SECRET_KEY, or create a tccli profile (~/.tccli/default.credential, or pick one \
with --profile / TCCLI_PROFILE), or an SDK credentials file (~/.tencentcloud/credentials, or \
TENCENTCLOUD_CREDENTIALS_FILE); or add --sim to use the built-in simulator (no real phone rings)";

/// Connects as the options, settings and environment say. Precedence: flags, then the
/// settings file, then what the credential source configures (tccli's region and endpoint).
pub async fn connect(
    overrides: &ServiceOverrides,
    settings: &Settings,
    env: &Env,
    choice: SimChoice,
) -> Result<Backend, BackendError> {
    let timeout = Duration::from_secs_f64(
        overrides
            .timeout
            .unwrap_or(settings.timeout_secs)
            .clamp(0.1, 3600.0),
    );
    let resolved = if choice == SimChoice::Always {
        None
    } else {
        let profile = overrides.profile.as_deref().or(settings.profile.as_deref());
        credentials::resolve(&Explicit::default(), profile, env)?
    };
    let Some(resolved) = resolved else {
        if choice == SimChoice::Never {
            return Err(BackendError::NoCredentials);
        }
        return simulator(timeout).await;
    };
    let endpoint = match (&overrides.endpoint, &settings.endpoint, &resolved.endpoint) {
        (Some(flag), _, _) => flag.clone(),
        (None, EndpointChoice::International, Some(from_profile)) => from_profile.clone(),
        (None, choice, _) => choice.host_or_url().to_string(),
    };
    let region = overrides
        .region
        .clone()
        .or_else(|| settings.region.clone())
        .or(resolved.region.clone());
    let masked_id = credentials::masked_id(&resolved.credential.secret_id);
    let source = match &resolved.source {
        Source::Explicit => "settings".to_string(),
        other => other.to_string(),
    };
    let client = Client::new(ClientConfig {
        region,
        timeout,
        ..ClientConfig::new(endpoint, resolved.credential)
    })?;
    Ok(Backend {
        kind: BackendKind::Live {
            endpoint: client.endpoint().host_str().unwrap_or_default().to_string(),
            source,
            masked_id,
        },
        client: Arc::new(client),
        sim: None,
        warnings: resolved.warnings,
    })
}

/// Starts the in-process simulator and a client for it.
pub async fn simulator(timeout: Duration) -> Result<Backend, BackendError> {
    let handle = sim::start(SimConfig::default()).await?;
    let client = Client::new(ClientConfig {
        timeout,
        ..ClientConfig::new(handle.url(), handle.credential())
    })?;
    Ok(Backend {
        client: Arc::new(client),
        kind: BackendKind::Simulator,
        sim: Some(handle),
        warnings: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty_env() -> (tempfile::TempDir, Env) {
        let home = tempfile::tempdir().unwrap();
        let env = Env::new(home.path().to_path_buf());
        (home, env)
    }

    #[tokio::test]
    async fn tui_falls_back_to_the_simulator_but_scripts_do_not() {
        let (_home, env) = empty_env();
        let settings = Settings::default();
        let b = connect(
            &ServiceOverrides::default(),
            &settings,
            &env,
            SimChoice::IfUnconfigured,
        )
        .await
        .unwrap();
        assert!(b.is_simulator());
        assert!(b.client.is_loopback());
        assert_eq!(b.label(), "simulator");
        let e = connect(
            &ServiceOverrides::default(),
            &settings,
            &env,
            SimChoice::Never,
        )
        .await
        .err()
        .unwrap()
        .to_string();
        assert!(
            e.contains("TENCENTCLOUD_SECRET_ID") && e.contains("--sim"),
            "{e}"
        );
    }

    #[tokio::test]
    async fn credentials_select_the_live_endpoint_and_flags_win() {
        let (_home, env) = empty_env();
        let env = env
            .with_var("TENCENTCLOUD_SECRET_ID", "AKIDlive0000000000001234")
            .with_var("TENCENTCLOUD_SECRET_KEY", "live-secret-key");
        let b = connect(
            &ServiceOverrides::default(),
            &Settings::default(),
            &env,
            SimChoice::Never,
        )
        .await
        .unwrap();
        assert_eq!(b.label(), "ccc.intl.tencentcloudapi.com");
        let shown = b.describe();
        assert!(
            shown.contains("1234") && !shown.contains("live-secret-key"),
            "{shown}"
        );
        let overrides = ServiceOverrides {
            endpoint: Some("ccc.tencentcloudapi.com".into()),
            ..Default::default()
        };
        let b = connect(&overrides, &Settings::default(), &env, SimChoice::Never)
            .await
            .unwrap();
        assert_eq!(b.label(), "ccc.tencentcloudapi.com");
        let b = connect(&overrides, &Settings::default(), &env, SimChoice::Always)
            .await
            .unwrap();
        assert!(b.is_simulator());
    }
}
