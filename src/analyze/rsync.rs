//! `rsync` (3.x). Options are parsed the way popt does: bundled short flags and
//! `-e ssh`/`-essh`/`--rsh=ssh`, but long options are never abbreviated (`--dry` is
//! refused by rsync, so it is not `--dry-run` here either).
//!
//! The last operand is the destination, the others are sources; with a single operand
//! rsync only lists. Where a source lands, checked against rsync 3.x:
//!
//! - `src/`, `src/.`, `.` and `..` copy the *contents* of the directory: the target is
//!   the destination itself (`rsync -aP /srv/lxc/root/ .` from `/` targets `/`);
//! - `src` (no slash) lands at `dest/src` when the destination is (or becomes) a
//!   directory, which it does for a directory source or several sources; a single file
//!   copied onto a path that is not a directory lands at that path;
//! - `-R` recreates the source path below the destination (after `/./` if present).
//!
//! An existing symlink to a directory as destination is followed, with or without a
//! trailing slash; `link/` also raises `symlink-trailing-slash`.
//!
//! Remote operands (`host:path`, `user@host:path`, `host::module`, `rsync://...`) become
//! targets with effect `remote` and the text as written. `--delete*` makes the
//! destination targets `delete` and raises `rsync-delete`; `--remove-source-files` makes
//! the sources `delete` targets. `--dry-run` and `--list-only` touch nothing.

use std::path::{Path, PathBuf};

use super::opts::{self, OptDef, flag, valued};
use super::{Analysis, Arg, Invocation};
use crate::model::{Effect, FileKind, Target, Verdict};
use crate::resolve;
use crate::rules::Rule;

const OPTIONS: &[OptDef] = &[
    flag("verbose", Some('v'), Some("verbose")),
    valued("info", None, Some("info")),
    valued("debug", None, Some("debug")),
    valued("stderr", None, Some("stderr")),
    flag("quiet", Some('q'), Some("quiet")),
    flag("no-motd", None, Some("no-motd")),
    flag("checksum", Some('c'), Some("checksum")),
    flag("archive", Some('a'), Some("archive")),
    flag("recursive", Some('r'), Some("recursive")),
    flag("no-recursive", None, Some("no-recursive")),
    flag("no-recursive", None, Some("no-r")),
    flag("inc-recursive", None, Some("inc-recursive")),
    flag("inc-recursive", None, Some("i-r")),
    flag("no-inc-recursive", None, Some("no-inc-recursive")),
    flag("no-inc-recursive", None, Some("no-i-r")),
    flag("relative", Some('R'), Some("relative")),
    flag("no-relative", None, Some("no-relative")),
    flag("no-relative", None, Some("no-R")),
    flag("no-implied-dirs", None, Some("no-implied-dirs")),
    flag("backup", Some('b'), Some("backup")),
    valued("backup-dir", None, Some("backup-dir")),
    valued("suffix", None, Some("suffix")),
    flag("update", Some('u'), Some("update")),
    flag("inplace", None, Some("inplace")),
    flag("append", None, Some("append")),
    flag("append-verify", None, Some("append-verify")),
    flag("dirs", Some('d'), Some("dirs")),
    flag("old-dirs", None, Some("old-dirs")),
    flag("old-dirs", None, Some("old-d")),
    flag("mkpath", None, Some("mkpath")),
    flag("links", Some('l'), Some("links")),
    flag("copy-links", Some('L'), Some("copy-links")),
    flag("copy-unsafe-links", None, Some("copy-unsafe-links")),
    flag("safe-links", None, Some("safe-links")),
    flag("insecure-links", None, Some("insecure-links")),
    valued("confine-root", None, Some("confine-root")),
    flag("munge-links", None, Some("munge-links")),
    flag("copy-dirlinks", Some('k'), Some("copy-dirlinks")),
    flag("keep-dirlinks", Some('K'), Some("keep-dirlinks")),
    flag("hard-links", Some('H'), Some("hard-links")),
    flag("perms", Some('p'), Some("perms")),
    flag("executability", Some('E'), Some("executability")),
    valued("chmod", None, Some("chmod")),
    flag("acls", Some('A'), Some("acls")),
    flag("xattrs", Some('X'), Some("xattrs")),
    flag("owner", Some('o'), Some("owner")),
    flag("group", Some('g'), Some("group")),
    flag("devices", None, Some("devices")),
    flag("copy-devices", None, Some("copy-devices")),
    flag("write-devices", None, Some("write-devices")),
    flag("specials", None, Some("specials")),
    flag("drop-d", None, Some("drop-D")),
    flag("devices-specials", Some('D'), None),
    flag("times", Some('t'), Some("times")),
    flag("atimes", Some('U'), Some("atimes")),
    flag("open-noatime", None, Some("open-noatime")),
    flag("crtimes", Some('N'), Some("crtimes")),
    flag("omit-dir-times", Some('O'), Some("omit-dir-times")),
    flag("omit-link-times", Some('J'), Some("omit-link-times")),
    flag("super", None, Some("super")),
    flag("fake-super", None, Some("fake-super")),
    flag("sparse", Some('S'), Some("sparse")),
    flag("preallocate", None, Some("preallocate")),
    flag("dry-run", Some('n'), Some("dry-run")),
    flag("whole-file", Some('W'), Some("whole-file")),
    flag("no-whole-file", None, Some("no-whole-file")),
    flag("no-whole-file", None, Some("no-W")),
    valued("checksum-choice", None, Some("checksum-choice")),
    valued("checksum-choice", None, Some("cc")),
    flag("one-file-system", Some('x'), Some("one-file-system")),
    valued("block-size", Some('B'), Some("block-size")),
    valued("rsh", Some('e'), Some("rsh")),
    valued("rsync-path", None, Some("rsync-path")),
    flag("existing", None, Some("existing")),
    flag("existing", None, Some("ignore-non-existing")),
    flag("ignore-existing", None, Some("ignore-existing")),
    flag("remove-source-files", None, Some("remove-source-files")),
    flag("delete", None, Some("del")),
    flag("delete", None, Some("delete")),
    flag("delete", None, Some("delete-before")),
    flag("delete", None, Some("delete-during")),
    flag("delete", None, Some("delete-delay")),
    flag("delete", None, Some("delete-after")),
    flag("delete-excluded", None, Some("delete-excluded")),
    flag("delete-missing-args", None, Some("delete-missing-args")),
    flag("ignore-missing-args", None, Some("ignore-missing-args")),
    flag("ignore-errors", None, Some("ignore-errors")),
    flag("force", None, Some("force")),
    valued("max-delete", None, Some("max-delete")),
    valued("max-size", None, Some("max-size")),
    valued("min-size", None, Some("min-size")),
    valued("max-alloc", None, Some("max-alloc")),
    flag("partial", None, Some("partial")),
    valued("partial-dir", None, Some("partial-dir")),
    flag("delay-updates", None, Some("delay-updates")),
    flag("prune-empty-dirs", Some('m'), Some("prune-empty-dirs")),
    flag("numeric-ids", None, Some("numeric-ids")),
    valued("usermap", None, Some("usermap")),
    valued("groupmap", None, Some("groupmap")),
    valued("chown", None, Some("chown")),
    valued("timeout", None, Some("timeout")),
    valued("contimeout", None, Some("contimeout")),
    flag("ignore-times", Some('I'), Some("ignore-times")),
    flag("size-only", None, Some("size-only")),
    valued("modify-window", Some('@'), Some("modify-window")),
    valued("temp-dir", Some('T'), Some("temp-dir")),
    flag("fuzzy", Some('y'), Some("fuzzy")),
    valued("compare-dest", None, Some("compare-dest")),
    valued("copy-dest", None, Some("copy-dest")),
    valued("link-dest", None, Some("link-dest")),
    flag("compress", Some('z'), Some("compress")),
    valued("compress-choice", None, Some("compress-choice")),
    valued("compress-choice", None, Some("zc")),
    valued("compress-level", None, Some("compress-level")),
    valued("compress-level", None, Some("zl")),
    valued("compress-threads", None, Some("compress-threads")),
    valued("compress-threads", None, Some("zt")),
    valued("skip-compress", None, Some("skip-compress")),
    flag("cvs-exclude", Some('C'), Some("cvs-exclude")),
    valued("filter", Some('f'), Some("filter")),
    flag("filter-file", Some('F'), None),
    valued("exclude", None, Some("exclude")),
    valued("exclude-from", None, Some("exclude-from")),
    valued("include", None, Some("include")),
    valued("include-from", None, Some("include-from")),
    valued("files-from", None, Some("files-from")),
    flag("from0", Some('0'), Some("from0")),
    flag("old-args", None, Some("old-args")),
    flag("secluded-args", Some('s'), Some("secluded-args")),
    flag("secluded-args", None, Some("protect-args")),
    flag("trust-sender", None, Some("trust-sender")),
    valued("copy-as", None, Some("copy-as")),
    valued("address", None, Some("address")),
    valued("port", None, Some("port")),
    valued("sockopts", None, Some("sockopts")),
    flag("blocking-io", None, Some("blocking-io")),
    valued("outbuf", None, Some("outbuf")),
    flag("stats", None, Some("stats")),
    flag("8-bit-output", Some('8'), Some("8-bit-output")),
    flag("human-readable", Some('h'), Some("human-readable")),
    flag("progress", None, Some("progress")),
    flag("partial-progress", Some('P'), None),
    flag("itemize-changes", Some('i'), Some("itemize-changes")),
    valued("remote-option", Some('M'), Some("remote-option")),
    valued("out-format", None, Some("out-format")),
    valued("log-file", None, Some("log-file")),
    valued("log-file-format", None, Some("log-file-format")),
    valued("password-file", None, Some("password-file")),
    valued("early-input", None, Some("early-input")),
    flag("list-only", None, Some("list-only")),
    valued("bwlimit", None, Some("bwlimit")),
    valued("stop-after", None, Some("stop-after")),
    valued("stop-at", None, Some("stop-at")),
    flag("fsync", None, Some("fsync")),
    valued("write-batch", None, Some("write-batch")),
    valued("only-write-batch", None, Some("only-write-batch")),
    valued("read-batch", None, Some("read-batch")),
    valued("protocol", None, Some("protocol")),
    valued("iconv", None, Some("iconv")),
    valued("checksum-seed", None, Some("checksum-seed")),
    flag("ipv4", Some('4'), Some("ipv4")),
    flag("ipv6", Some('6'), Some("ipv6")),
    flag("version", Some('V'), Some("version")),
    flag("help", None, Some("help")),
    flag("daemon", None, Some("daemon")),
    flag("server", None, Some("server")),
];

/// One place rsync writes to (or deletes from), and why.
struct Landing {
    target: Target,
    source: String,
    /// The source is copied as its contents (`src/`), not as a named entry.
    contents: bool,
}

/// The destination operand of an rsync argv (without the program name), if it has one
/// and sources to copy into it.
pub fn destination(args: &[Arg]) -> Option<&Arg> {
    let parsed = opts::parse_unabbreviated(OPTIONS, args);
    match parsed.operands.split_last() {
        Some((dest, sources)) if !sources.is_empty() => Some(dest),
        _ => None,
    }
}

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse_unabbreviated(OPTIONS, inv.args);
    // `-h` alone is --help; anywhere else it is --human-readable.
    let help_alone = inv.args.len() == 1 && inv.args[0].text() == "-h";
    if help_alone
        || ["help", "version", "daemon", "server"]
            .iter()
            .any(|k| parsed.has(k))
    {
        return analysis;
    }
    if parsed.has("dry-run") || parsed.has("list-only") || parsed.has("only-write-batch") {
        return analysis;
    }
    let Some((dest, sources)) = parsed.operands.split_last() else {
        return analysis;
    };
    if sources.is_empty() {
        return analysis; // a single operand only lists it
    }
    let recursive = matches!(
        parsed.last_of(&["recursive", "archive", "no-recursive"]),
        Some("recursive" | "archive")
    );
    let dirs = recursive || parsed.has("dirs");
    let deletes =
        parsed.has("delete") || parsed.has("delete-excluded") || parsed.has("delete-missing-args");
    if deletes && !dirs {
        // "--delete does not work without --recursive (-r) or --dirs (-d)": rsync stops.
        return analysis;
    }
    let delete_disabled = parsed.value("max-delete").is_some_and(|n| n == "0");
    let deletes = deletes && !delete_disabled;
    let relative = parsed.last_of(&["relative", "no-relative"]) == Some("relative");
    let backup = parsed.has("backup") || parsed.has("backup-dir");

    let landings = destination_landings(
        inv,
        &parsed,
        dest,
        sources,
        recursive,
        dirs,
        relative,
        deletes,
        &mut analysis,
    );
    for landing in &landings {
        if landing.target.effect == Effect::Remote || !landing.target.exists {
            continue;
        }
        analysis.snapshot = true;
        let how = if landing.contents {
            format!(
                "copies the contents of '{}' (trailing slash) into '{}'",
                landing.source,
                landing.target.path.display()
            )
        } else {
            format!(
                "copies '{}' to '{}'",
                landing.source,
                landing.target.path.display()
            )
        };
        analysis.reason(
            Rule::Overwrite,
            Verdict::Allow,
            format!("{how}, replacing the files there that have the same names"),
        );
    }
    if deletes {
        delete_reason(&landings, &parsed, backup, &mut analysis);
    }
    if let Some(max) = parsed.value("max-delete").filter(|_| deletes) {
        analysis.reason(
            Rule::RsyncDelete,
            Verdict::Allow,
            format!(
                "--max-delete={} caps the number of deletions",
                max.to_string_lossy()
            ),
        );
    }
    for landing in landings {
        if !analysis.targets.contains(&landing.target) {
            analysis.targets.push(landing.target);
        }
    }
    if parsed.has("remove-source-files") {
        remove_sources(inv, sources, recursive, backup, &mut analysis);
    }
    analysis
}

#[allow(clippy::too_many_arguments)]
fn destination_landings(
    inv: &Invocation,
    parsed: &opts::Parsed,
    dest: &Arg,
    sources: &[&Arg],
    recursive: bool,
    dirs: bool,
    relative: bool,
    deletes: bool,
    analysis: &mut Analysis,
) -> Vec<Landing> {
    let dest_text = dest.text();
    if is_remote(&dest_text) {
        let effect = Effect::Remote;
        return vec![Landing {
            target: remote_target(dest, effect),
            source: sources
                .iter()
                .map(|s| s.text().into_owned())
                .collect::<Vec<_>>()
                .join("', '"),
            contents: sources
                .iter()
                .any(|s| copies_contents(path_part(&s.text()))),
        }];
    }
    let effect_of = |source_is_dir: bool| {
        if deletes && source_is_dir {
            Effect::Delete
        } else {
            Effect::Overwrite
        }
    };
    if !dest.exact {
        inv.unknown_operand(dest, Effect::Overwrite, analysis);
    }
    let resolved = inv.resolve(dest);
    let (dest_path, dest_kind) = if resolved.through_link.is_some() {
        // rsync writes into the link's directory; name it and say so.
        let target = inv.content_target(dest, Effect::Overwrite, analysis);
        // With or without the slash rsync writes into the link's directory, so dropping
        // the slash (content_target's usual advice) changes nothing: name the directory.
        if let Some(reason) = analysis.reasons.last_mut() {
            reason.instead(format!(
                "name the real directory '{}' as the destination if that is where the files \
                 belong",
                target.path.display()
            ));
        }
        (target.path, target.kind)
    } else if resolved.kind == FileKind::Symlink {
        inv.follow(&resolved.path)
            .unwrap_or((resolved.path.clone(), resolved.kind))
    } else {
        (resolved.path.clone(), resolved.kind)
    };
    let mut landings = Vec::new();
    for source in sources {
        let text = source.text();
        let remote = is_remote(&text);
        let kind = if remote {
            FileKind::Unknown
        } else {
            inv.resolve(source).kind
        };
        let contents = copies_contents(path_part(&text));
        // Unknown or missing (e.g. created earlier in a script): a directory when
        // recursing, unless it is copied onto an existing file.
        let onto_file = dest_kind.exists() && !dest_kind.is_dir();
        let source_is_dir =
            kind.is_dir() || contents || (!kind.exists() && recursive && !onto_file);
        if kind.exists() && kind.is_dir() && !dirs {
            continue; // "skipping directory"
        }
        let dest_is_dir = dest_kind.is_dir()
            || dest_text.ends_with('/')
            || sources.len() > 1
            || (source_is_dir && !contents)
            || parsed.has("files-from");
        let (path, lands_contents) = if relative {
            (dest_path.join(relative_part(path_part(&text))), false)
        } else if contents {
            (dest_path.clone(), true)
        } else if dest_is_dir {
            (dest_path.join(base_name(path_part(&text))), false)
        } else {
            (dest_path.clone(), false)
        };
        let path = if path.is_absolute() {
            resolve::normalize(&path)
        } else {
            path
        };
        let kind = if dest_kind == FileKind::Unknown {
            FileKind::Unknown
        } else if path == dest_path {
            dest_kind
        } else {
            inv.ctx.kind_of(&path)
        };
        landings.push(Landing {
            target: Target {
                exists: kind.exists(),
                path,
                effect: effect_of(source_is_dir),
                kind,
                recursive: recursive && source_is_dir,
                operand: dest_text.clone().into_owned(),
                exact: dest.exact && source.exact,
            },
            source: text.into_owned(),
            contents: lands_contents,
        });
    }
    landings
}

fn delete_reason(
    landings: &[Landing],
    parsed: &opts::Parsed,
    backup: bool,
    analysis: &mut Analysis,
) {
    let losses: Vec<String> = landings
        .iter()
        .filter(|l| l.target.effect == Effect::Delete || l.target.effect == Effect::Remote)
        .map(|l| {
            format!(
                "'{}' loses every file that '{}' does not have",
                l.target.path.display(),
                l.source
            )
        })
        .collect();
    if losses.is_empty() {
        return;
    }
    let mut message = format!("--delete: {}", losses.join("; "));
    if parsed.has("delete-excluded") {
        message.push_str(", and also every file the filters exclude");
    }
    if landings
        .iter()
        .any(|l| !l.contents && l.target.effect == Effect::Delete)
    {
        message.push_str(
            " (without a trailing slash on the source, deletion happens inside the copy named \
             after it, not in the destination itself)",
        );
    }
    let severity = if backup {
        message.push_str("; --backup keeps each deleted file as a backup");
        Verdict::Allow
    } else {
        Verdict::Confirm
    };
    analysis
        .reason(Rule::RsyncDelete, severity, message)
        .instead(
            "run the same command with --dry-run --itemize-changes first and read the \
             '*deleting' lines; add --backup-dir=DIR to keep what is deleted",
        );
}

fn remove_sources(
    inv: &Invocation,
    sources: &[&Arg],
    recursive: bool,
    backup: bool,
    analysis: &mut Analysis,
) {
    let mut names = Vec::new();
    for source in sources {
        let text = source.text();
        let target = if is_remote(&text) {
            remote_target(source, Effect::Remote)
        } else {
            if !source.exact {
                inv.unknown_operand(source, Effect::Delete, analysis);
            }
            let resolved = inv.resolve(source);
            let is_dir = resolved.kind.is_dir();
            inv.target_from(source, resolved, Effect::Delete, recursive && is_dir)
        };
        names.push(format!("'{}'", target.path.display()));
        analysis.targets.push(target);
    }
    let severity = if backup {
        Verdict::Allow
    } else {
        Verdict::Confirm
    };
    analysis
        .reason(
            Rule::RsyncDelete,
            severity,
            format!(
                "--remove-source-files: {} {} every file once it is transferred (directories \
                 stay); the copy at the destination is then the only one",
                names.join(", "),
                if names.len() == 1 { "loses" } else { "lose" }
            ),
        )
        .instead(
            "copy first, check the copy, then remove the sources yourself; or try it with \
             --dry-run --itemize-changes",
        );
}

fn remote_target(arg: &Arg, effect: Effect) -> Target {
    Target {
        path: PathBuf::from(arg.os()),
        effect,
        exists: false,
        kind: FileKind::Unknown,
        recursive: true,
        operand: arg.text().into_owned(),
        exact: arg.exact,
    }
}

/// rsync's rule: `rsync://` or a `:` before any `/` (`host:path`, `user@host:path`,
/// `host::module`).
pub fn is_remote(text: &str) -> bool {
    if text.starts_with("rsync://") {
        return true;
    }
    match text.find(':') {
        Some(colon) => !text[..colon].contains('/'),
        None => false,
    }
}

/// The path of a remote operand (`host:dir/` → `dir/`); a local operand unchanged.
fn path_part(text: &str) -> &str {
    if let Some(rest) = text.strip_prefix("rsync://") {
        return rest.split_once('/').map(|(_, p)| p).unwrap_or("");
    }
    if is_remote(text) {
        let colon = text.find(':').unwrap_or(0);
        return text[colon + 1..].trim_start_matches(':');
    }
    text
}

/// `dir/`, `dir/.`, `.`, `..` and an empty remote path copy a directory's contents.
fn copies_contents(path: &str) -> bool {
    path.is_empty()
        || path.ends_with('/')
        || path == "."
        || path == ".."
        || path.ends_with("/.")
        || path.ends_with("/..")
}

fn base_name(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    Path::new(trimmed)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| trimmed.to_string())
}

/// With `-R` the part after `/./` (or the whole path without its leading `/`) is
/// recreated below the destination.
fn relative_part(path: &str) -> PathBuf {
    let rel = match path.find("/./") {
        Some(i) => &path[i + 3..],
        None => path.trim_start_matches('/'),
    };
    PathBuf::from(rel.trim_start_matches("./"))
}
