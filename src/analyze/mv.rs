//! `mv` (GNU coreutils): every source disappears from where it was, and an existing
//! destination file is replaced.
//!
//! Sources get effect `delete` (recursive for a directory): `mv /usr /usr.old` takes
//! `/usr` away from every program that needs it, so the judge must see it like a removal.
//! A destination that exists and is not a directory gets `overwrite`, unless `-n` or
//! `--update=none` keeps it.

use super::dest::{self, Shape};
use super::opts::{self, OptDef, flag, optional, valued};
use super::{Analysis, Invocation};
use crate::model::{Effect, FileKind, Target, Verdict};
use crate::rules::Rule;

const OPTIONS: &[OptDef] = &[
    flag("backup", Some('b'), None),
    optional("backup", "backup"),
    flag("debug", None, Some("debug")),
    flag("exchange", None, Some("exchange")),
    flag("force", Some('f'), Some("force")),
    flag("interactive", Some('i'), Some("interactive")),
    flag("no-clobber", Some('n'), Some("no-clobber")),
    flag("no-copy", None, Some("no-copy")),
    flag(
        "strip-trailing-slashes",
        None,
        Some("strip-trailing-slashes"),
    ),
    valued("suffix", Some('S'), Some("suffix")),
    valued("target-directory", Some('t'), Some("target-directory")),
    flag(
        "no-target-directory",
        Some('T'),
        Some("no-target-directory"),
    ),
    flag("update", Some('u'), None),
    optional("update", "update"),
    flag("verbose", Some('v'), Some("verbose")),
    flag("context", Some('Z'), None),
    optional("context", "context"),
    flag("help", None, Some("help")),
    flag("version", None, Some("version")),
];

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse(OPTIONS, inv.args);
    if parsed.has("help") || parsed.has("version") {
        return analysis;
    }
    let exchange = parsed.has("exchange");
    let keeps_existing = parsed.last_of(&["force", "interactive", "no-clobber"])
        == Some("no-clobber")
        || parsed
            .value("update")
            .is_some_and(|w| w == "none" || w == "none-fail");
    let backup = parsed.has("backup");
    let shape = Shape {
        follow_dest_link: true,
        single_operand_into_cwd: false,
    };
    for placement in dest::place(inv, &parsed, &shape) {
        let source = placement.source;
        let resolved = inv.resolve(source);
        // 'mv link/ x' fails with "Not a directory" unless trailing slashes are stripped.
        if resolved.through_link.is_some() && !parsed.has("strip-trailing-slashes") {
            continue;
        }
        if !source.exact {
            inv.unknown_operand(source, Effect::Delete, &mut analysis);
        }
        let source_effect = if exchange {
            Effect::Modify
        } else {
            Effect::Delete
        };
        let recursive = resolved.kind.is_dir() || resolved.kind == FileKind::Unknown;
        analysis
            .targets
            .push(inv.target_from(source, resolved, source_effect, recursive));

        if !placement.dest_exact && source.exact {
            let written = super::Arg::inexact(placement.dest_operand.clone());
            inv.unknown_operand(&written, Effect::Overwrite, &mut analysis);
            continue;
        }
        if keeps_existing || !placement.dest_kind.exists() || placement.dest_kind.is_dir() {
            // A directory destination is only replaced when empty (rename(2)); nothing is lost.
            continue;
        }
        let effect = if exchange {
            Effect::Modify
        } else {
            Effect::Overwrite
        };
        analysis.targets.push(Target {
            path: placement.dest.clone(),
            effect,
            exists: true,
            kind: placement.dest_kind,
            recursive: false,
            operand: placement.dest_operand.clone(),
            exact: placement.dest_exact,
        });
        if exchange {
            continue;
        }
        let kept = if backup {
            " (kept as a backup: --backup)"
        } else {
            ""
        };
        analysis.reason(
            Rule::Overwrite,
            Verdict::Allow,
            format!(
                "'{}' already exists and is replaced by '{}'{kept}",
                placement.dest.display(),
                source.text()
            ),
        );
        analysis.snapshot = true;
    }
    analysis
}
