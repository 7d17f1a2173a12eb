//! What `call` and `batch` share: one start-up (never the simulator unless `--sim`) with its
//! notices on stderr, and the request printout of `--dry-run`.

use crate::backend::SimChoice;
use crate::ccc::Prepared;
use crate::cli::GlobalArgs;
use crate::config::Settings;
use crate::credentials::Env;
use crate::session::{self, Connected};

/// The settings, with any notice about them printed on stderr.
pub fn settings(env: &Env) -> Settings {
    let (settings, _, notice) = session::load_settings(env);
    if let Some(notice) = notice {
        eprintln!("warning: {notice}");
    }
    settings
}

/// Connects as the options say: the simulator only with `--sim`, never in place of missing
/// credentials. Notices go to stderr.
pub async fn connect(global: &GlobalArgs, sim: bool) -> Result<Connected, session::SessionError> {
    let choice = if sim {
        SimChoice::Always
    } else {
        SimChoice::Never
    };
    let mut connected = session::connect(&global.overrides(choice), Env::from_process()).await?;
    for notice in connected.notices.drain(..) {
        eprintln!("warning: {notice}");
    }
    if connected.is_simulator() {
        eprintln!("using the built-in simulator: no real phone rings");
    }
    Ok(connected)
}

/// Opens the history and the dialer; notices go to stderr.
pub fn open(connected: Connected) -> Result<session::Session, session::SessionError> {
    let mut session = connected.open()?;
    for notice in session.notices.drain(..) {
        eprintln!("warning: {notice}");
    }
    Ok(session)
}

/// The signed request as HTTP and as curl. The SecretKey only signs; it is in neither.
pub fn dry_run_text(prepared: &Prepared) -> String {
    format!(
        "{}\n\n# the same request with curl:\n{}\n",
        prepared.to_http(),
        prepared.to_curl()
    )
}
