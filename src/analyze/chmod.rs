//! `chmod`, `chown` and `chgrp` (GNU coreutils).
//!
//! Every file operand is a `modify` target, recursive with `-R`. A recursive change
//! outside an ordinary directory below the working directory raises
//! `recursive-permissions`: `chmod -R 755 ./dist` in a project is routine, `chmod -R 777
//! /var/www` or `chown -R user ~` rewrites a tree whose old modes nobody wrote down.
//!
//! Symlinks: chmod always follows a symlink named on the command line (also with `-R`,
//! checked against GNU chmod 9.1); chown and chgrp follow it unless `-h`, and with `-R`
//! only under `-H` or `-L`. `link/` is reached through the link by all three, which
//! raises `symlink-trailing-slash` for `-R`.

use std::path::Path;

use super::opts::{self, OptDef, flag, valued};
use super::{Analysis, Arg, Invocation};
use crate::model::{Effect, FileKind, Verdict};
use crate::rules::Rule;

const OPTIONS: &[OptDef] = &[
    flag("changes", Some('c'), Some("changes")),
    flag("silent", Some('f'), Some("silent")),
    flag("silent", None, Some("quiet")),
    flag("verbose", Some('v'), Some("verbose")),
    flag("dereference", None, Some("dereference")),
    flag("no-dereference", Some('h'), Some("no-dereference")),
    valued("from", None, Some("from")),
    flag("no-preserve-root", None, Some("no-preserve-root")),
    flag("preserve-root", None, Some("preserve-root")),
    valued("reference", None, Some("reference")),
    flag("recursive", Some('R'), Some("recursive")),
    flag("follow-args", Some('H'), None),
    flag("follow-all", Some('L'), None),
    flag("follow-none", Some('P'), None),
    flag("help", None, Some("help")),
    flag("version", None, Some("version")),
];

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    // GNU chmod takes '-w', '-rwx', '-x,g+w' as modes, not options ('-R' stays an option).
    let (dash_modes, args): (Vec<Arg>, Vec<Arg>) = if inv.name == "chmod" {
        split_dash_modes(inv.args)
    } else {
        (Vec::new(), inv.args.to_vec())
    };
    let parsed = opts::parse(OPTIONS, &args);
    if parsed.has("help") || parsed.has("version") {
        return analysis;
    }
    let files: &[&Arg] = if parsed.has("reference") || !dash_modes.is_empty() {
        &parsed.operands
    } else {
        parsed.operands.get(1..).unwrap_or(&[])
    };
    let recursive = parsed.has("recursive");
    let follow_order = parsed.last_of(&["follow-args", "follow-all", "follow-none"]);
    let follows = if parsed.has("no-dereference") {
        false
    } else if inv.name == "chmod" {
        follow_order != Some("follow-none")
    } else if recursive {
        matches!(follow_order, Some("follow-args" | "follow-all"))
    } else {
        true
    };
    let preserve_root =
        parsed.last_of(&["preserve-root", "no-preserve-root"]) == Some("preserve-root");
    for arg in files {
        let mut target = if recursive {
            inv.content_target(arg, Effect::Modify, &mut analysis)
        } else {
            inv.target(arg, Effect::Modify, false)
        };
        if follows
            && target.kind == FileKind::Symlink
            && let Some((path, kind)) = inv.follow(&target.path)
        {
            target.path = path;
            target.kind = kind;
            target.exists = kind.exists();
        }
        target.recursive = recursive && (target.kind.is_dir() || !target.kind.exists());
        if recursive && preserve_root && target.path == Path::new("/") {
            continue; // --preserve-root: chmod refuses to operate recursively on '/'
        }
        if !arg.exact {
            inv.unknown_operand(arg, Effect::Modify, &mut analysis);
        }
        if target.recursive && !ordinary_below_cwd(inv, &target.path) {
            analysis
                .reason(
                    Rule::RecursivePermissions,
                    Verdict::Confirm,
                    format!(
                        "{} -R changes every file below '{}', which is not a project directory \
                         below the working directory",
                        inv.name,
                        target.path.display()
                    ),
                )
                .instead(format!(
                    "change only what needs it (find '{}' -type f -name ... -exec {} ... {{}} +), \
                     or save the current state first (getfacl -R / stat)",
                    target.path.display(),
                    inv.name
                ));
        }
        analysis.targets.push(target);
    }
    analysis
}

/// Splits chmod's argv into dash-modes (`-w`, `-rwx`) and everything else, as GNU
/// chmod's getopt table does; `--` ends the options.
fn split_dash_modes(args: &[Arg]) -> (Vec<Arg>, Vec<Arg>) {
    let mut modes = Vec::new();
    let mut rest = Vec::new();
    let mut options_over = false;
    for arg in args {
        let text = arg.text();
        if text == "--" {
            options_over = true;
        }
        let is_mode = !options_over
            && arg.exact
            && text.len() > 1
            && text.starts_with('-')
            && !text.starts_with("--")
            && text[1..].starts_with(|c: char| "rwxXstugoa,+=01234567".contains(c));
        if is_mode {
            modes.push(arg.clone());
        } else {
            rest.push(arg.clone());
        }
    }
    (modes, rest)
}

/// Top-level directories whose subtrees belong to the system at every depth.
const SYSTEM_ROOTS: &[&str] = &[
    "bin", "boot", "dev", "etc", "lib", "lib32", "lib64", "libx32", "proc", "run", "sbin", "sys",
    "usr",
];

/// True when `path` lies strictly below the working directory and that directory is an
/// ordinary place to work (not `/`, a top-level directory, or inside the system's own
/// trees such as `/usr` or `/etc`; below `/var` only from the third level on).
fn ordinary_below_cwd(inv: &Invocation, path: &Path) -> bool {
    let Some(cwd) = inv.cwd else {
        return false;
    };
    if !path.is_absolute() || path == cwd || !path.starts_with(cwd) {
        return false;
    }
    if inv.ctx.home_dirs().iter().any(|h| h == path) {
        return false;
    }
    let parts: Vec<String> = cwd
        .components()
        .skip(1)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    match parts.first().map(String::as_str) {
        None => false,
        Some(first) if SYSTEM_ROOTS.contains(&first) => false,
        Some("var") => parts.len() >= 3,
        Some(_) => parts.len() >= 2,
    }
}
