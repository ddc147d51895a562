//! `rmdir`: removes only empty directories, so nothing is lost but the directory entry;
//! it still matters when the directory is a system path or a mount point.

use super::opts::{self, OptDef, flag};
use super::{Analysis, Invocation};
use crate::model::Effect;

const OPTIONS: &[OptDef] = &[
    flag(
        "ignore-fail-on-non-empty",
        None,
        Some("ignore-fail-on-non-empty"),
    ),
    flag("parents", Some('p'), Some("parents")),
    flag("verbose", Some('v'), Some("verbose")),
];

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse(OPTIONS, inv.args);
    for arg in &parsed.operands {
        let target = inv.target(arg, Effect::Delete, false);
        if target.kind.is_dir() {
            analysis.snapshot = true;
        }
        analysis.targets.push(target);
    }
    analysis
}
