//! `gsutil` (Google Cloud Storage): `gsutil rm -r` and wildcard removals (every object under
//! or matching the URL) and `gsutil rsync -d` (the destination loses what the source
//! lacks) are `sync-delete`; `rsync -n` is `allow`. A local rsync destination is a
//! recursive delete target, judged like any path. Top-level options (`-m`, `-o
//! Section:key=value`, `-h header`, `-u project`, ...) come before the command; their `-d`
//! is debug output, not delete.
//!
//! `gsutil rm gs://b/one-object` is `allow` (it names what it deletes, as `rm file` does);
//! `rb` removes only empty buckets and is `allow`. Not covered: `rm -I` lists read from
//! standard input are confirmed without knowing them; `gsutil mv` sources.

use super::cloud::{self, DeletingSync};
use super::opts::{self, OptDef, flag, valued};
use super::{Analysis, Arg, Invocation};

/// Top-level options, before the command.
const TOP: &[OptDef] = &[
    flag("x", Some('m'), None),
    flag("x", Some('q'), None),
    flag("x", Some('d'), None),
    flag("x", Some('D'), None),
    flag("x", Some('v'), None),
    valued("x", Some('o'), None),
    valued("x", Some('h'), None),
    valued("x", Some('u'), None),
    valued("x", Some('i'), None),
];

const RM: &[OptDef] = &[
    flag("recursive", Some('r'), None),
    flag("recursive", Some('R'), None),
    flag("x", Some('f'), None),
    flag("all-versions", Some('a'), None),
    flag("stdin", Some('I'), None),
    flag("x", Some('e'), None),
];

const RSYNC: &[OptDef] = &[
    flag("delete", Some('d'), None),
    flag("dry-run", Some('n'), None),
    flag("recursive", Some('r'), None),
    flag("recursive", Some('R'), None),
    valued("x", Some('a'), None),
    valued("x", Some('x'), None),
    valued("x", Some('y'), None),
    valued("x", Some('j'), None),
    flag("x", Some('c'), None),
    flag("x", Some('C'), None),
    flag("x", Some('e'), None),
    flag("x", Some('i'), None),
    flag("x", Some('J'), None),
    flag("x", Some('p'), None),
    flag("x", Some('P'), None),
    flag("x", Some('u'), None),
    flag("x", Some('U'), None),
];

/// The arguments after `command` (one of `args`).
pub(super) fn after<'a>(args: &'a [Arg], command: &Arg) -> &'a [Arg] {
    match args.iter().position(|a| std::ptr::eq(a, command)) {
        Some(i) => &args[i + 1..],
        None => &[],
    }
}

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let top = opts::parse_until_operand(TOP, inv.args);
    let Some(command) = top.operands.first() else {
        return analysis;
    };
    let rest = after(inv.args, command);
    match command.text().as_ref() {
        "rm" | "del" | "delete" | "remove" => {
            let parsed = opts::parse(RM, rest);
            cloud::objects_rm(
                &mut analysis,
                &parsed.operands,
                parsed.has("recursive"),
                ("gsutil rm -r", "gsutil rm"),
                None,
            );
            if parsed.has("stdin") {
                cloud::objects_from_stdin(&mut analysis, "gsutil rm -I");
            }
        }
        "rsync" => {
            let parsed = opts::parse(RSYNC, rest);
            if parsed.has("dry-run") {
                return analysis;
            }
            if let [src, dst, ..] = parsed.operands.as_slice() {
                let flags = if parsed.has("recursive") {
                    "-d -r"
                } else {
                    "-d"
                };
                let (command, dry_run) = (
                    format!("gsutil rsync {flags}"),
                    format!("gsutil rsync {flags} -n"),
                );
                let delete = parsed.has("delete").then_some(DeletingSync {
                    command: &command,
                    dry_run: &dry_run,
                    copy: "without -d it only adds and replaces",
                });
                cloud::sync(inv, &mut analysis, src, dst, delete);
            }
        }
        _ => {}
    }
    analysis
}
