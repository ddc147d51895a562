//! `shellguard log [--json] [-n N]`: the audit trail of guarded commands.

use super::review::write_stdout;
use super::{ExitCode, printable, shown, table};
use crate::audit::{self, AuditEntry};
use crate::cli::LogArgs;
use crate::context::Context;
use crate::error::Result;
use crate::state::state_home;

pub fn run(args: LogArgs, ctx: &Context) -> Result<ExitCode> {
    let home = state_home(ctx);
    let log = audit::read_log(&home)?;
    if !log.skipped.is_empty() {
        let lines: Vec<String> = log.skipped.iter().map(usize::to_string).collect();
        eprintln!(
            "shellguard: warning: skipped {} damaged line(s) of {} (line {})",
            log.skipped.len(),
            shown(&audit::log_path(&home)),
            lines.join(", ")
        );
    }
    let first = args.last.map_or(0, |n| log.entries.len().saturating_sub(n));
    let entries = &log.entries[first..];
    if args.json {
        let mut out = String::new();
        for line in &log.lines[first..] {
            out.push_str(line);
            out.push('\n');
        }
        write_stdout(&out)?;
        return Ok(ExitCode::Success);
    }
    if log.entries.is_empty() {
        eprintln!(
            "shellguard: no guarded commands logged yet ({})",
            shown(&audit::log_path(&home))
        );
        return Ok(ExitCode::Success);
    }
    let mut rows = vec![
        [
            "TIME (UTC)",
            "HOST",
            "USER",
            "VERDICT",
            "OUTCOME",
            "EXIT",
            "SNAPSHOT",
            "CWD",
            "COMMAND",
        ]
        .map(String::from)
        .to_vec(),
    ];
    rows.extend(entries.iter().map(row));
    write_stdout(&table(&rows))?;
    Ok(ExitCode::Success)
}

fn row(e: &AuditEntry) -> Vec<String> {
    let user = match &e.sudo_user {
        Some(sudo) if *sudo != e.user => format!("{} ({sudo})", e.user),
        _ => e.user.clone(),
    };
    let host = match &e.environment {
        Some(env) => format!("{} [{env}]", e.host),
        None => e.host.clone(),
    };
    let reasons: Vec<&str> = e.reasons.iter().map(|r| r.rule.as_str()).collect();
    let verdict = if reasons.is_empty() {
        e.verdict.clone()
    } else {
        format!("{} ({})", e.verdict, reasons.join(","))
    };
    [
        e.time.clone(),
        host,
        user,
        verdict,
        e.outcome.clone(),
        e.exit.map_or("-".into(), |code| code.to_string()),
        e.snapshot.clone().unwrap_or_else(|| "-".into()),
        e.cwd.clone().unwrap_or_else(|| "-".into()),
        shell_words(&e.argv),
    ]
    .into_iter()
    .map(|cell| printable(&cell).into_owned())
    .collect()
}

/// The argv as one could paste it back into a shell.
fn shell_words(argv: &[String]) -> String {
    let os: Vec<std::ffi::OsString> = argv.iter().map(Into::into).collect();
    crate::snapshot::display_argv(&os)
}
