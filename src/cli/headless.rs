//! What `call` and `batch` share: the backend (never the simulator unless `--sim`), the
//! history, the request printout of `--dry-run`.

use crate::backend::{self, Backend, SimChoice};
use crate::ccc::Prepared;
use crate::cli::GlobalArgs;
use crate::config::{Settings, settings_path};
use crate::credentials::Env;
use crate::history::Store;

/// The settings, with any notice about them printed on stderr. A settings file that cannot
/// be read at all is an error: falling back to the defaults would change the endpoint.
pub fn settings(env: &Env) -> Result<Settings, String> {
    let path = settings_path(env)?;
    let (settings, notice) = Settings::load_checked(Some(&path))?;
    if let Some(notice) = notice {
        eprintln!("warning: {notice}");
    }
    Ok(settings)
}

/// The service, or the in-process simulator when `sim` is set. Without credentials and
/// without `sim`, an error that names the ways to configure them and `--sim`.
pub async fn connect(
    global: &GlobalArgs,
    settings: &Settings,
    sim: bool,
) -> anyhow::Result<Backend> {
    let env = Env::from_process();
    let choice = if sim {
        SimChoice::Always
    } else {
        SimChoice::Never
    };
    let backend = backend::connect(global, settings, &env, choice).await?;
    for warning in &backend.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(backend)
}

/// The history every attempt is recorded in, with any notice printed on stderr.
pub fn history() -> anyhow::Result<Store> {
    let (store, notice) = Store::open_default()?;
    if let Some(notice) = notice {
        eprintln!("warning: {notice}");
    }
    Ok(store)
}

/// The signed request as HTTP and as curl. The SecretKey only signs; it is in neither.
pub fn dry_run_text(prepared: &Prepared) -> String {
    format!(
        "{}\n\n# the same request with curl:\n{}\n",
        prepared.to_http(),
        prepared.to_curl()
    )
}
