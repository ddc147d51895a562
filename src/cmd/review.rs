use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use super::ExitCode;
use crate::cli::{Format, ReviewArgs};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::policy::Policy;
use crate::{report, resolve, review};

pub fn run(args: ReviewArgs, mut ctx: Context) -> Result<ExitCode> {
    let text = read_input(&args)?;
    if let Some(host) = args.host {
        ctx.host = host;
    }
    let forced_env = args
        .env
        .or_else(|| ctx.var("SHELLGUARD_ENV").map(str::to_string));
    let here = ctx.cwd.clone().unwrap_or_else(|| PathBuf::from("/"));
    let cwd = match args.cwd {
        Some(dir) => resolve::normalize(&here.join(dir)),
        None => here,
    };
    let policy = Policy::load(&ctx)?;
    let report = review::review(&ctx, &policy, &text, &cwd, forced_env.as_deref());
    let out = match args.format {
        Format::Json => serde_json::to_string_pretty(&report)? + "\n",
        Format::Text => {
            let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal();
            colored::control::set_override(color);
            report::render(&report)
        }
    };
    write_stdout(&out)?;
    Ok(ExitCode::for_verdict(report.verdict))
}

fn read_input(args: &ReviewArgs) -> Result<String> {
    if let Some(command) = &args.command {
        return Ok(command.clone());
    }
    match &args.file {
        Some(path) if path != Path::new("-") => {
            std::fs::read_to_string(path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })
        }
        _ => {
            let stdin = std::io::stdin();
            if args.file.is_none() && stdin.is_terminal() {
                return Err(Error::Usage(
                    "nothing to review: give -c 'COMMAND', a FILE, or pipe the text in".to_string(),
                ));
            }
            let mut text = String::new();
            stdin
                .lock()
                .read_to_string(&mut text)
                .map_err(|source| Error::Read {
                    path: "-".into(),
                    source,
                })?;
            Ok(text)
        }
    }
}

/// A closed pipe (`| head`) is not an error worth a message.
pub(crate) fn write_stdout(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
