//! One file per subcommand; each turns parsed arguments into an exit code.

mod banner;
mod completions;
mod freeze;
mod hook;
mod init;
mod log;
mod policy;
mod prompt;
mod review;
mod review_prompt;
pub mod run;
pub(crate) mod shims;
mod snapshots;
mod undo;

use std::borrow::Cow;
use std::fmt::Write;

use crate::cli::{Cli, Command};
use crate::context::Context;
use crate::error::Result;

/// The exit codes of SPEC §3, named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Success = 0,
    Error = 1,
    Usage = 2,
    NeedsConfirmation = 10,
    Blocked = 20,
}

impl ExitCode {
    pub fn for_verdict(v: crate::model::Verdict) -> ExitCode {
        match v {
            crate::model::Verdict::Allow => ExitCode::Success,
            crate::model::Verdict::Confirm => ExitCode::NeedsConfirmation,
            crate::model::Verdict::Block => ExitCode::Blocked,
        }
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<run::Outcome> {
    let ctx = Context::from_process();
    let code = match cli.command {
        Command::Review(args) => review::run(args, ctx)?,
        Command::Policy(args) => policy::run(args, &ctx)?,
        Command::Undo(args) => undo::run(args, &ctx)?,
        Command::Snapshots(args) => snapshots::run(args, &ctx)?,
        Command::Log(args) => log::run(args, &ctx)?,
        Command::Freeze(args) => freeze::freeze(args, &ctx)?,
        Command::Unfreeze => freeze::unfreeze(&ctx)?,
        Command::Hook { agent } => hook::run(agent, &ctx)?,
        Command::Init(args) => init::run(args, &ctx)?,
        Command::Prompt(args) => prompt::run(args, &ctx)?,
        Command::Banner => banner::run(&ctx)?,
        Command::Shims(args) => shims::run(&args.dir, &ctx)?,
        Command::Completions(args) => completions::completions(args)?,
        Command::Man => completions::man()?,
        Command::Run(args) => {
            let request = run::Request {
                argv: args.argv,
                confirm_host: args.confirm,
                no_snapshot: args.no_snapshot,
                dry_run: args.dry_run,
            };
            return run::run(ctx, request);
        }
    };
    Ok(run::Outcome::Code(code))
}

/// The name the binary was invoked under, when it is not `shellguard` itself: a shim
/// (symlink named `rm`, `rsync`, ...) that makes it behave as `shellguard run -- NAME`.
pub fn multicall_name(argv0: &std::ffi::OsStr) -> Option<String> {
    let name = crate::analyze::program_name(argv0);
    (!name.starts_with("shellguard")).then(|| name.into_owned())
}

/// Text from the filesystem or a command line, safe to print on a terminal: control
/// characters (an escape sequence in a file name) are shown as `\xNN` instead of obeyed.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() {
                    format!("\\x{:02x}", u32::from(c))
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// A path for people: lossy where it is not UTF-8, control characters escaped.
pub(crate) fn shown(path: &std::path::Path) -> String {
    printable(&path.to_string_lossy()).into_owned()
}

/// Left-aligned columns separated by two spaces; the last one is not padded.
pub(crate) fn table(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let last = row.len().saturating_sub(1);
        for (c, cell) in row.iter().enumerate() {
            if c == last {
                out.push_str(cell);
            } else {
                let pad = widths[c] - cell.chars().count();
                let _ = write!(out, "{cell}{}  ", " ".repeat(pad));
            }
        }
        out.push('\n');
    }
    out
}
