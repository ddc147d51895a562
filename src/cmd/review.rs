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
        serde_json::to_writer_pretty(&mut out, report).map_err(std::io::Error::from)
    } else {
        compact_json(report).and_then(|bytes| out.write_all(&bytes))
    }
    .and_then(|()| out.write_all(b"\n"))
    .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// The report as one line of JSON, exactly as `serde_json::to_vec` writes it; a long
/// script's commands are serialized on every core (a sixth of the work was this).
fn compact_json(report: &review::Report) -> std::io::Result<Vec<u8>> {
    let cores = if report.commands.len() >= 2048 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        1
    };
    compact_json_on(report, cores)
}

fn compact_json_on(report: &review::Report, cores: usize) -> std::io::Result<Vec<u8>> {
    let commands = &report.commands;
    if cores < 2 || commands.is_empty() {
        return Ok(serde_json::to_vec(report)?);
    }
    let part = commands.len().div_ceil(cores);
    let parts: Vec<serde_json::Result<Vec<u8>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = commands
            .chunks(part)
            .map(|chunk| {
                scope.spawn(move || {
                    let mut bytes = Vec::with_capacity(chunk.len() * 256);
                    for (i, command) in chunk.iter().enumerate() {
                        if i > 0 {
                            bytes.push(b',');
                        }
                        serde_json::to_writer(&mut bytes, command)?;
                    }
                    Ok(bytes)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("serializing does not panic"))
            .collect()
    });
    let mut out = Vec::new();
    out.extend_from_slice(b"{\"verdict\":");
    serde_json::to_writer(&mut out, &report.verdict)?;
    out.extend_from_slice(b",\"context\":");
    serde_json::to_writer(&mut out, &report.context)?;
    out.extend_from_slice(b",\"commands\":[");
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&part?);
    }
    out.extend_from_slice(b"]}");
    Ok(out)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_json_of_a_long_report_is_what_serde_writes() {
        let ctx = Context::new(
            "h".into(),
            "u".into(),
            1000,
            None,
            false,
            Default::default(),
            None,
        );
        let policy = Policy::load(&ctx).expect("built-in policy");
        let text: String = (0..3000)
            .map(|i| format!("rm -rf ./b{i} /srv/x{i}\necho {i}\n"))
            .collect();
        let report = review::review(&ctx, &policy, &text, Path::new("/tmp"), None);
        assert!(report.commands.len() >= 6000);
        let serde = serde_json::to_string(&report).unwrap();
        for cores in [1, 2, 3, 8] {
            let ours = compact_json_on(&report, cores).unwrap();
            assert_eq!(String::from_utf8(ours).unwrap(), serde, "{cores} cores");
        }
    }
}
