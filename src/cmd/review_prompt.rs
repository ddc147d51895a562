//! `shellguard review` on a terminal with nothing piped in: paste a command or a whole
//! script, read the verdict, edit it (Up brings it back), paste again. `:run` runs the
//! last text reviewed with bash, every guarded program in it going through guarded
//! execution (shims first on PATH). History is kept in the state directory.

use std::path::Path;

use rustyline::config::Config;
use rustyline::error::ReadlineError;

use super::ExitCode;
use super::review::write_stdout;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::policy::Policy;
use crate::state::state_home;
use crate::{report, review};

const HELP: &str = "Paste or type a command line or a script, then Enter: shellguard reviews \
it without running it.\nUp brings the text back to edit. :run runs the last text reviewed \
(guarded), :help shows this, :q or Ctrl-D quits.\n";

pub fn run(
    ctx: &Context,
    policy: &Policy,
    cwd: &Path,
    forced_env: Option<&str>,
) -> Result<ExitCode> {
    let config = Config::builder().auto_add_history(true).build();
    let mut editor = rustyline::DefaultEditor::with_config(config).map_err(editor_error)?;
    let history = state_home(ctx).join("review_history");
    let _ = editor.load_history(&history);
    write_stdout(HELP)?;
    let mut last: Option<String> = None;
    loop {
        let text = match editor.readline("review> ") {
            Ok(text) => text,
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(editor_error(e)),
        };
        match text.trim() {
            "" => continue,
            ":q" | ":quit" | "exit" => break,
            ":help" | "?" => write_stdout(HELP)?,
            ":run" => match &last {
                Some(text) => run_guarded(ctx, policy, cwd, text)?,
                None => write_stdout("nothing reviewed yet\n")?,
            },
            _ => {
                let report = review::review(ctx, policy, &text, cwd, forced_env);
                write_stdout(&report::render(&report))?;
                last = Some(text);
            }
        }
    }
    if let Some(dir) = history.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = editor.save_history(&history);
    Ok(ExitCode::Success)
}

/// The text run by bash with the shims first on PATH, so each guarded program in it is
/// decided (and asks, and snapshots) exactly as when typed in a guarded shell.
fn run_guarded(ctx: &Context, policy: &Policy, cwd: &Path, text: &str) -> Result<()> {
    let shims = state_home(ctx).join("shims");
    super::shims::install(&shims, &std::env::current_exe()?, &policy.guarded_programs)?;
    let path = match ctx.os_var("PATH") {
        Some(path) => {
            let mut joined = shims.into_os_string();
            joined.push(":");
            joined.push(path);
            joined
        }
        None => shims.into_os_string(),
    };
    let status = std::process::Command::new("bash")
        .args(["-c", text])
        .current_dir(cwd)
        .env("PATH", path)
        .status()?;
    let code = status
        .code()
        .map_or_else(|| "killed by a signal".to_string(), |c| format!("exit {c}"));
    write_stdout(&format!("({code})\n"))
}

fn editor_error(e: ReadlineError) -> Error {
    Error::Io(std::io::Error::other(e))
}
