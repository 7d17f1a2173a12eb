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

/// The settings of a command about to dial. A file that cannot be read at all is an error
/// rather than the defaults, which would change the endpoint; its notices come with
/// [`connect`].
pub fn settings_for_dialing() -> Result<Settings, String> {
    let file = crate::config::settings_path(&Env::from_process())?;
    Settings::load_checked(Some(&file)).map(|(settings, _)| settings)
}

/// Connects as the options say: the simulator only with `--sim`, never in place of missing
/// credentials. Notices go to stderr.
pub async fn connect(global: &GlobalArgs, sim: bool) -> Result<Connected, session::SessionError> {
    let choice = if sim {
        SimChoice::Always
    } else {
        SimChoice::Never
    };
    let overrides = session::Overrides {
        // A script must not call another endpoint because the settings could not be read.
        strict_settings: true,
        ..global.overrides(choice)
    };
    let mut connected = session::connect(&overrides, Env::from_process()).await?;
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
    told(connected.open()?)
}

/// [`open`] for one call, whose claim is its first write.
pub fn open_to_claim(connected: Connected) -> Result<session::Session, session::SessionError> {
    told(connected.open_to_claim()?)
}

/// `session`, its notices told on stderr.
fn told(mut session: session::Session) -> Result<session::Session, session::SessionError> {
    for notice in session.notices.drain(..) {
        eprintln!("warning: {notice}");
    }
    Ok(session)
}

/// The signed request as HTTP and as curl. The SecretKey only signs; it is in neither.
pub fn dry_run_text(prepared: &Prepared) -> String {
    let mut out = String::with_capacity(2048);
    write_dry_run(prepared, &mut out);
    out
}

/// [`dry_run_text`], appended to `out`.
pub fn write_dry_run(prepared: &Prepared, out: &mut String) {
    prepared.write_http(out);
    out.push_str("\n\n# the same request with curl:\n");
    prepared.write_curl(out);
    out.push('\n');
}

/// Writes `text` to stdout and flushes it. A reader that went away (`| head -1`) or a full
/// device is an error to handle, never a panic as with `print!`.
pub fn write_stdout(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// A line on stderr that cannot panic, for when stdout already failed and stderr may too.
pub fn tell(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}
