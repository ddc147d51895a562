//! `rm` and `unlink` (GNU coreutils semantics).

use super::opts::{self, OptDef, flag, optional};
use super::{Analysis, Invocation};
use crate::model::{Effect, FileKind};

pub(crate) const OPTIONS: &[OptDef] = &[
    flag("force", Some('f'), Some("force")),
    flag("prompt-each", Some('i'), None),
    flag("prompt-once", Some('I'), None),
    optional("interactive", "interactive"),
    flag("one-file-system", None, Some("one-file-system")),
    flag("no-preserve-root", None, Some("no-preserve-root")),
    optional("preserve-root", "preserve-root"),
    flag("recursive", Some('r'), Some("recursive")),
    flag("recursive", Some('R'), None),
    flag("dir", Some('d'), Some("dir")),
    flag("verbose", Some('v'), Some("verbose")),
    flag("help", None, Some("help")),
    flag("version", None, Some("version")),
];

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse(if inv.name == "unlink" { &[] } else { OPTIONS }, inv.args);
    if parsed.has("help") || parsed.has("version") {
        return analysis;
    }
    let recursive = parsed.has("recursive");
    let dir_ok = parsed.has("dir");
    for arg in &parsed.operands {
        if !arg.exact {
            inv.unknown_operand(arg, Effect::Delete, &mut analysis);
            analysis
                .targets
                .push(inv.target(arg, Effect::Delete, recursive));
            continue;
        }
        // rm refuses '.' and '..' as final components ("refusing to remove '.' or '..'").
        let text = arg.text();
        let last = text.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        if (last == "." || last == "..") && !text.trim_end_matches('/').is_empty() {
            continue;
        }
        let target = if recursive {
            inv.content_target(arg, Effect::Delete, &mut analysis)
        } else {
            inv.target(arg, Effect::Delete, false)
        };
        // Without -r a directory is refused by rm itself (with -d only an empty one goes).
        if target.kind.is_dir() && !recursive && !dir_ok {
            continue;
        }
        if target.kind == FileKind::Missing {
            analysis.targets.push(target);
            continue;
        }
        analysis.snapshot = true;
        analysis.targets.push(target);
    }
    analysis
}
