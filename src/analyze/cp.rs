//! `cp` (GNU coreutils): what already exists at the destination is replaced.
//!
//! A file copied onto an existing file overwrites it (through a symlink, the file the
//! link points to, as `open` does, unless `--remove-destination`). A directory copied
//! recursively into an existing directory merges: same-named files inside are replaced,
//! so the destination is an `overwrite` target, recursive. New paths are not targets:
//! creating a file loses nothing.

use std::path::PathBuf;

use super::dest::{self, Placement, Shape};
use super::opts::{self, OptDef, flag, optional, valued};
use super::{Analysis, Arg, Invocation};
use crate::model::{Effect, FileKind, Target, Verdict};
use crate::rules::Rule;

const OPTIONS: &[OptDef] = &[
    flag("archive", Some('a'), Some("archive")),
    flag("attributes-only", None, Some("attributes-only")),
    flag("backup", Some('b'), None),
    optional("backup", "backup"),
    flag("copy-contents", None, Some("copy-contents")),
    flag("no-dereference-preserve-links", Some('d'), None),
    flag("debug", None, Some("debug")),
    flag("force", Some('f'), Some("force")),
    flag("interactive", Some('i'), Some("interactive")),
    flag("dereference-args", Some('H'), None),
    flag("link", Some('l'), Some("link")),
    flag("dereference", Some('L'), Some("dereference")),
    flag("no-clobber", Some('n'), Some("no-clobber")),
    flag("no-dereference", Some('P'), Some("no-dereference")),
    flag("preserve-default", Some('p'), None),
    optional("preserve", "preserve"),
    valued("no-preserve", None, Some("no-preserve")),
    flag("parents", None, Some("parents")),
    flag("recursive", Some('r'), Some("recursive")),
    flag("recursive", Some('R'), None),
    optional("reflink", "reflink"),
    flag("remove-destination", None, Some("remove-destination")),
    valued("sparse", None, Some("sparse")),
    flag(
        "strip-trailing-slashes",
        None,
        Some("strip-trailing-slashes"),
    ),
    flag("symbolic-link", Some('s'), Some("symbolic-link")),
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
    flag("one-file-system", Some('x'), Some("one-file-system")),
    flag("context", Some('Z'), None),
    optional("context", "context"),
    flag(
        "keep-directory-symlink",
        None,
        Some("keep-directory-symlink"),
    ),
    flag("help", None, Some("help")),
    flag("version", None, Some("version")),
];

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse(OPTIONS, inv.args);
    if parsed.has("help") || parsed.has("version") {
        return analysis;
    }
    let recursive = parsed.has("recursive") || parsed.has("archive");
    let keeps_existing = parsed.last_of(&["interactive", "no-clobber"]) == Some("no-clobber")
        || parsed
            .value("update")
            .is_some_and(|w| w == "none" || w == "none-fail");
    let removes_first = parsed.has("remove-destination");
    // Making links (-l, -s) onto an existing name fails unless the name is removed first.
    let links = parsed.has("link") || parsed.has("symbolic-link");
    if keeps_existing || (links && !removes_first && !parsed.has("force")) {
        return analysis;
    }
    let effect = if parsed.has("attributes-only") {
        Effect::Modify
    } else {
        Effect::Overwrite
    };
    let placements = if parsed.has("parents") {
        with_parents(inv, &parsed)
    } else {
        let shape = Shape {
            follow_dest_link: true,
            single_operand_into_cwd: false,
        };
        dest::place(inv, &parsed, &shape)
    };
    for placement in placements {
        let source = inv.resolve(placement.source);
        if source.kind.is_dir() && !recursive {
            continue; // cp: -r not specified; omitting directory
        }
        if !placement.dest_exact {
            let written = Arg::inexact(placement.dest_operand.clone());
            inv.unknown_operand(&written, effect, &mut analysis);
            analysis
                .targets
                .push(inv.target(&written, effect, recursive));
            continue;
        }
        let mut dest_path = placement.dest.clone();
        let mut dest_kind = placement.dest_kind;
        if dest_kind == FileKind::Symlink
            && !removes_first
            && !links
            && let Some((real, kind)) = inv.follow(&dest_path)
        {
            dest_path = real;
            dest_kind = kind;
        }
        if !dest_kind.exists() {
            continue;
        }
        let source_is_dir = source.kind.is_dir() || (source.kind == FileKind::Unknown && recursive);
        let merge = dest_kind.is_dir();
        if merge && !source_is_dir {
            continue; // cp: cannot overwrite directory with non-directory
        }
        analysis.targets.push(Target {
            path: dest_path.clone(),
            effect,
            exists: true,
            kind: dest_kind,
            recursive: merge,
            operand: placement.dest_operand.clone(),
            exact: placement.dest_exact,
        });
        if effect == Effect::Modify {
            continue;
        }
        let message = if merge {
            format!(
                "'{}' already exists: files in it with the same names as in '{}' are replaced",
                dest_path.display(),
                placement.source.text()
            )
        } else {
            format!(
                "'{}' already exists and is replaced by a copy of '{}'",
                dest_path.display(),
                placement.source.text()
            )
        };
        analysis.reason(Rule::Overwrite, Verdict::Allow, message);
        analysis.snapshot = true;
    }
    analysis
}

/// `cp --parents a/b/c DIR` creates `DIR/a/b/c`.
fn with_parents<'a>(inv: &Invocation, parsed: &opts::Parsed<'a>) -> Vec<Placement<'a>> {
    let (sources, dir): (Vec<&'a Arg>, Arg) = match parsed.value("target-directory") {
        Some(dir) => (parsed.operands.clone(), Arg::exact(dir.clone())),
        None => match parsed.operands.split_last() {
            Some((dir, sources)) if !sources.is_empty() => (sources.to_vec(), (*dir).clone()),
            _ => return Vec::new(),
        },
    };
    let base = inv.resolve_followed(&dir);
    sources
        .into_iter()
        .map(|source| {
            let relative = source.text().trim_start_matches('/').to_string();
            let joined = base.path.join(&relative);
            let dest: PathBuf = if joined.is_absolute() {
                crate::resolve::normalize(&joined)
            } else {
                joined
            };
            let dest_kind = if base.kind == FileKind::Unknown {
                FileKind::Unknown
            } else {
                inv.ctx.kind_of(&dest)
            };
            Placement {
                source,
                dest,
                dest_kind,
                dest_operand: format!("{}/{relative}", dir.text().trim_end_matches('/')),
                dest_exact: dir.exact && source.exact,
            }
        })
        .collect()
}
