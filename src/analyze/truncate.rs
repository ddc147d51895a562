//! `truncate` (GNU coreutils): setting a size below the current one cuts the file.
//!
//! Sizes that can only grow the file (`+N`, `>N`, `%N`) lose nothing: a `modify` target.
//! An absolute size, `-N`, `<N`, `/N` or `--reference` may shrink it: an `overwrite`
//! target with `overwrite` (allow) and a snapshot. Missing files are created (or, with
//! `-c`, skipped): nothing to lose.

use super::opts::{self, OptDef, flag, valued};
use super::{Analysis, Invocation};
use crate::model::{Effect, FileKind, Verdict};
use crate::rules::Rule;

const OPTIONS: &[OptDef] = &[
    flag("no-create", Some('c'), Some("no-create")),
    flag("io-blocks", Some('o'), Some("io-blocks")),
    valued("reference", Some('r'), Some("reference")),
    valued("size", Some('s'), Some("size")),
    flag("help", None, Some("help")),
    flag("version", None, Some("version")),
];

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse(OPTIONS, inv.args);
    if parsed.has("help") || parsed.has("version") {
        return analysis;
    }
    let size = parsed
        .value("size")
        .map(|s| s.to_string_lossy().into_owned());
    let grows_only = parsed.value("reference").is_none()
        && size
            .as_deref()
            .is_some_and(|s| s.starts_with(['+', '>', '%']));
    if size.is_none() && parsed.value("reference").is_none() {
        return analysis; // truncate refuses: "you must specify either --size or --reference"
    }
    for arg in &parsed.operands {
        if !arg.exact {
            let effect = if grows_only {
                Effect::Modify
            } else {
                Effect::Overwrite
            };
            inv.unknown_operand(arg, effect, &mut analysis);
            analysis.targets.push(inv.target(arg, effect, false));
            continue;
        }
        // truncate opens the file, so a symlink leads to the file it points to.
        let resolved = inv.resolve_followed(arg);
        if resolved.kind != FileKind::File {
            continue;
        }
        if grows_only {
            analysis
                .targets
                .push(inv.target_from(arg, resolved, Effect::Modify, false));
            continue;
        }
        let to = match (&size, parsed.value("reference")) {
            (Some(s), _) => format!("the size {s}"),
            (None, Some(r)) => format!("the size of '{}'", r.to_string_lossy()),
            (None, None) => unreachable!("checked above"),
        };
        analysis.reason(
            Rule::Overwrite,
            Verdict::Allow,
            format!(
                "'{}' is cut to {to}: whatever lies beyond is lost",
                resolved.path.display()
            ),
        );
        analysis.snapshot = true;
        analysis
            .targets
            .push(inv.target_from(arg, resolved, Effect::Overwrite, false));
    }
    analysis
}
