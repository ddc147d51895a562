//! `tee [-a] FILE...`: writes its input to each file, as `>` (or `>>` with `-a`) would;
//! `echo … | sudo tee /etc/hosts` is how a file one cannot redirect into is replaced.
//! Judged like a redirection: replacing a system file blocks, an existing file is kept
//! first by guarded execution, a block device is `device-write`.

use super::opts::{self, OptDef, flag, optional};
use super::{Analysis, Invocation, written_file};

const OPTIONS: &[OptDef] = &[
    flag("append", Some('a'), Some("append")),
    flag("x", Some('i'), Some("ignore-interrupts")),
    flag("x", Some('p'), None),
    optional("x", "output-error"),
];

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse(OPTIONS, inv.args);
    let append = parsed.has("append");
    let how = if append { "tee -a" } else { "tee" };
    for file in &parsed.operands {
        written_file(inv.ctx, inv.cwd, file, append, how, &mut analysis);
    }
    analysis
}
