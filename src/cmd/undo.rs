//! `shellguard undo [ID] [--to DIR]`: put back what a guarded command destroyed.

use std::fmt::Write;
use std::path::PathBuf;

use super::review::write_stdout;
use super::{ExitCode, printable, shown};
use crate::cli::UndoArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::snapshot::{SnapshotId, State, Store, UndoReport};
use crate::state::state_home;

pub fn run(args: UndoArgs, ctx: &Context) -> Result<ExitCode> {
    let store = Store::open(&state_home(ctx))?;
    let id = match &args.id {
        Some(text) => text.parse::<SnapshotId>()?,
        None => match store.latest()? {
            Some(id) => id,
            None => return Err(nothing_to_undo(&store)?),
        },
    };
    let to = args.to.as_ref().map(|dir| match &ctx.cwd {
        Some(cwd) if dir.is_relative() => cwd.join(dir),
        _ => dir.clone(),
    });
    let manifest = store.manifest(&id)?;
    let report = store.undo(&id, to.as_deref())?;

    let mut out = String::new();
    let _ = writeln!(
        out,
        "undo {id}: {}  (ran in {} on {}, {})",
        printable(&manifest.command),
        shown(&manifest.meta.cwd),
        printable(&manifest.meta.host),
        manifest.time_utc
    );
    render(&report, &mut out);
    write_stdout(&out)?;

    if report.is_complete() {
        return Ok(ExitCode::Success);
    }
    eprint!("{}", problems(&id, &report, to.as_ref()));
    Ok(ExitCode::Error)
}

/// Undo without an id never picks a pending transaction (its command may still be running),
/// but one left by a crash is worth pointing at.
fn nothing_to_undo(store: &Store) -> Result<Error> {
    let pending: Vec<String> = store
        .list()?
        .into_iter()
        .filter(|s| s.state == State::Pending)
        // A pending summary predates the moves; the manifest replays the journal.
        .filter(|s| {
            store
                .manifest(&s.id)
                .is_ok_and(|m| !m.entries.is_empty() || !m.created.is_empty())
        })
        .map(|s| s.id.to_string())
        .collect();
    let hint = match pending.last() {
        Some(id) => format!(
            "; {} snapshot(s) are still pending, from a command that was interrupted or is still \
             running: `shellguard undo {id}` restores the newest",
            pending.len()
        ),
        None => String::new(),
    };
    Ok(Error::NothingToUndo { hint })
}

/// What was put back, and what the command's own leftovers became.
fn render(report: &UndoReport, out: &mut String) {
    for (original, place) in &report.restored {
        if original == place {
            let _ = writeln!(out, "restored {}", shown(original));
        } else {
            let _ = writeln!(out, "restored {} as {}", shown(original), shown(place));
        }
    }
    for line in &report.git {
        let _ = writeln!(out, "{}", printable(line));
    }
    for user in &report.crontabs {
        let _ = writeln!(
            out,
            "reinstalled the crontab of {}",
            user.as_deref()
                .map_or("the invoking user".into(), printable)
        );
    }
    for path in &report.removed_created {
        let _ = writeln!(out, "removed {} (the command created it)", shown(path));
    }
    for (path, why) in &report.kept_created {
        let _ = writeln!(
            out,
            "kept {} (the command created it, but it is {})",
            shown(path),
            printable(why)
        );
    }
    for displaced in &report.displaced {
        let _ = writeln!(
            out,
            "moved what the command left at {} to {}",
            shown(&displaced.place),
            shown(&displaced.kept_at)
        );
    }
}

/// Everything that kept the undo from being complete, with what to do about it.
fn problems(id: &SnapshotId, report: &UndoReport, to: Option<&PathBuf>) -> String {
    let mut err = String::new();
    for conflict in &report.conflicts {
        let _ = writeln!(
            err,
            "shellguard: not restored: {} exists now and was left as it is; the snapshot still holds the old one",
            shown(&conflict.place)
        );
    }
    for path in &report.missing {
        let _ = writeln!(
            err,
            "shellguard: not restored: {} is missing from the snapshot store",
            shown(path)
        );
    }
    for (path, why) in &report.failed {
        let _ = writeln!(
            err,
            "shellguard: not restored: {}: {}",
            shown(path),
            printable(why)
        );
    }
    let total =
        report.restored.len() + report.conflicts.len() + report.missing.len() + report.failed.len();
    let _ = writeln!(
        err,
        "shellguard: undo of {id} is partial: {} of {total} entries restored",
        report.restored.len()
    );
    if !report.conflicts.is_empty() {
        let _ = if to.is_some() {
            writeln!(
                err,
                "shellguard: choose another directory: `shellguard undo {id} --to OTHER_DIR`"
            )
        } else {
            writeln!(
                err,
                "shellguard: move what is there now out of the way and run `shellguard undo {id}` again, \
                 or restore beside it: `shellguard undo {id} --to DIR`"
            )
        };
    }
    err
}
