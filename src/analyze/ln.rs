//! `ln` (GNU coreutils): creating a link never replaces anything unless `-f`, `-i` (and
//! the answer yes) or `--backup` says so; then the existing name is an `overwrite` target.

use super::dest::{self, Shape};
use super::opts::{self, OptDef, flag, optional, valued};
use super::{Analysis, Invocation};
use crate::model::{Effect, Target, Verdict};
use crate::rules::Rule;

const OPTIONS: &[OptDef] = &[
    flag("backup", Some('b'), None),
    optional("backup", "backup"),
    flag("directory", Some('d'), Some("directory")),
    flag("directory", Some('F'), None),
    flag("force", Some('f'), Some("force")),
    flag("interactive", Some('i'), Some("interactive")),
    flag("logical", Some('L'), Some("logical")),
    flag("no-dereference", Some('n'), Some("no-dereference")),
    flag("physical", Some('P'), Some("physical")),
    flag("relative", Some('r'), Some("relative")),
    flag("symbolic", Some('s'), Some("symbolic")),
    valued("suffix", Some('S'), Some("suffix")),
    valued("target-directory", Some('t'), Some("target-directory")),
    flag(
        "no-target-directory",
        Some('T'),
        Some("no-target-directory"),
    ),
    flag("verbose", Some('v'), Some("verbose")),
    flag("help", None, Some("help")),
    flag("version", None, Some("version")),
];

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse(OPTIONS, inv.args);
    if parsed.has("help") || parsed.has("version") {
        return analysis;
    }
    let replaces = parsed.has("force") || parsed.has("interactive") || parsed.has("backup");
    if !replaces {
        return analysis; // ln: failed to create ...: File exists
    }
    let shape = Shape {
        follow_dest_link: !parsed.has("no-dereference"),
        single_operand_into_cwd: true,
    };
    for placement in dest::place(inv, &parsed, &shape) {
        if !placement.dest_exact {
            let written = super::Arg::inexact(placement.dest_operand.clone());
            inv.unknown_operand(&written, Effect::Overwrite, &mut analysis);
            analysis
                .targets
                .push(inv.target(&written, Effect::Overwrite, false));
            continue;
        }
        // ln refuses to replace a directory ("cannot overwrite directory").
        if !placement.dest_kind.exists() || placement.dest_kind.is_dir() {
            continue;
        }
        analysis.targets.push(Target {
            path: placement.dest.clone(),
            effect: Effect::Overwrite,
            exists: true,
            kind: placement.dest_kind,
            recursive: false,
            operand: placement.dest_operand.clone(),
            exact: true,
        });
        analysis.reason(
            Rule::Overwrite,
            Verdict::Allow,
            format!(
                "'{}' already exists and is replaced by a link to '{}'",
                placement.dest.display(),
                placement.source.text()
            ),
        );
        analysis.snapshot = true;
    }
    analysis
}
