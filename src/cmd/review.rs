use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use super::ExitCode;
use crate::cli::{Format, ReviewArgs};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::policy::Policy;
use crate::{report, resolve, review};

pub fn run(args: ReviewArgs, mut ctx: Context) -> Result<ExitCode> {
    let interactive =
        args.command.is_none() && args.file.is_none() && std::io::stdin().is_terminal();
    let text = if interactive {
        String::new()
    } else {
        read_input(&args)?
    };
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
    if interactive {
        colored::control::set_override(
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal(),
        );
        return super::review_prompt::run(&ctx, &policy, &cwd, forced_env.as_deref());
    }
    // Freeing a long script's report costs more than printing it; the process ends next.
    let report = std::mem::ManuallyDrop::new(review::review(
        &ctx,
        &policy,
        &text,
        &cwd,
        forced_env.as_deref(),
    ));
    match args.format {
        // Streamed: a long script's report is megabytes that need not sit in memory twice.
        Format::Json => write_json(&report)?,
        Format::Text => {
            let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal();
            colored::control::set_override(color);
            write_stdout(&report::render(&report))?;
        }
    }
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

/// Indented for a person at a terminal; one line for programs (for a long script that
/// is 61% of the bytes).
fn write_json(report: &review::Report) -> Result<()> {
    let stdout = std::io::stdout();
    let pretty = stdout.is_terminal();
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let written = if pretty {
        serde_json::to_writer_pretty(&mut out, report)
    } else {
        serde_json::to_writer(&mut out, report)
    }
    .map_err(std::io::Error::from)
    .and_then(|()| out.write_all(b"\n"))
    .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
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
