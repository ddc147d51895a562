//! `rclone`: the direction of a sync decides what is deleted. `rclone sync SRC DST` makes
//! DST identical to SRC, deleting from DST whatever SRC lacks; swapping the operands wipes
//! the good copy (incident 5). Remote paths (`remote:bucket/path`) are not looked at;
//! local ones are resolved and judged like any other target.

use super::opts::{self, OptDef, flag, valued};
use super::{Analysis, Arg, Invocation};
use crate::model::{Effect, FileKind, Target, Verdict};
use crate::rules::Rule;

/// rclone's global and sync flags that take a value (pflag: `--flag value` or `--flag=value`).
const OPTIONS: &[OptDef] = &[
    flag("dry-run", Some('n'), Some("dry-run")),
    flag("interactive", Some('i'), Some("interactive")),
    valued("backup-dir", None, Some("backup-dir")),
    valued("x", None, Some("suffix")),
    valued("x", None, Some("config")),
    valued("x", None, Some("transfers")),
    valued("x", None, Some("checkers")),
    valued("x", None, Some("bwlimit")),
    valued("x", None, Some("exclude")),
    valued("x", None, Some("include")),
    valued("x", None, Some("filter")),
    valued("x", None, Some("exclude-from")),
    valued("x", None, Some("include-from")),
    valued("x", None, Some("filter-from")),
    valued("x", None, Some("files-from")),
    valued("x", None, Some("log-file")),
    valued("x", None, Some("log-level")),
    valued("x", None, Some("max-age")),
    valued("x", None, Some("min-age")),
    valued("x", None, Some("max-size")),
    valued("x", None, Some("min-size")),
    valued("x", None, Some("max-delete")),
    valued("x", None, Some("stats")),
    valued("x", None, Some("compare-dest")),
    valued("x", None, Some("copy-dest")),
    valued("x", None, Some("track-renames-strategy")),
    valued("x", None, Some("workdir")),
    flag("x", Some('v'), Some("verbose")),
    flag("x", Some('P'), Some("progress")),
    flag("x", Some('q'), Some("quiet")),
];

/// `remote:path` (a configured remote), as opposed to a local path. A single letter
/// before the colon would be a Windows drive, not a remote.
pub fn is_remote(operand: &str) -> bool {
    match operand.split_once(':') {
        Some((name, _)) => !name.is_empty() && !name.contains('/') && name.len() > 1,
        None => false,
    }
}

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse_unabbreviated(OPTIONS, inv.args);
    let Some((command, operands)) = parsed.operands.split_first() else {
        return analysis;
    };
    if parsed.has("dry-run") {
        return analysis;
    }
    let target = |arg: &Arg, effect: Effect, analysis: &mut Analysis| {
        let t = if is_remote(&arg.text()) {
            Target {
                path: arg.text().into_owned().into(),
                effect: Effect::Remote,
                exists: true,
                kind: FileKind::Unknown,
                recursive: true,
                operand: arg.text().into_owned(),
                exact: arg.exact,
            }
        } else {
            inv.target(arg, effect, true)
        };
        if t.effect != Effect::Remote && t.exists && effect.loses_data() {
            analysis.snapshot = true;
        }
        analysis.targets.push(t);
    };
    let kept = parsed.value("backup-dir").map(|d| {
        format!(
            "; what it deletes or replaces is kept in {}",
            d.to_string_lossy()
        )
    });
    match (command.text().as_ref(), operands) {
        ("sync", [src, dst, ..]) => {
            target(dst, Effect::Delete, &mut analysis);
            analysis
                .reason(
                    Rule::SyncDelete,
                    Verdict::Confirm,
                    format!(
                        "rclone sync makes '{dst}' identical to '{src}' ({src} → {dst}): {dst} will lose every object \
                         that {src} lacks, and objects that differ are replaced{}",
                        kept.as_deref().unwrap_or(""),
                        src = src.text(),
                        dst = dst.text(),
                    ),
                )
                .instead(format!(
                    "check the direction with `rclone sync --dry-run {} {}`; keep what is deleted with --backup-dir; \
                     `rclone copy` never deletes",
                    src.text(),
                    dst.text()
                ));
        }
        ("bisync", [a, b, ..]) => {
            target(a, Effect::Delete, &mut analysis);
            target(b, Effect::Delete, &mut analysis);
            analysis.reason(
                Rule::SyncDelete,
                Verdict::Confirm,
                format!(
                    "rclone bisync deletes on both sides: what was deleted in '{}' since the last run is deleted in '{}', \
                     and the other way round",
                    a.text(),
                    b.text()
                ),
            );
        }
        ("copy" | "copyto", [_, dst, ..]) => target(dst, Effect::Overwrite, &mut analysis),
        ("move" | "moveto", [src, dst, ..]) => {
            target(src, Effect::Delete, &mut analysis);
            target(dst, Effect::Overwrite, &mut analysis);
        }
        ("purge" | "delete" | "deletefile" | "rmdirs", [path, ..]) => {
            target(path, Effect::Delete, &mut analysis);
            if is_remote(&path.text()) {
                analysis.reason(
                    Rule::SyncDelete,
                    Verdict::Confirm,
                    format!(
                        "rclone {} deletes objects in '{}', remote storage that shellguard cannot snapshot",
                        command.text(),
                        path.text()
                    ),
                );
            }
        }
        _ => {}
    }
    analysis
}
