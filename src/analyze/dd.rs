//! `dd` (GNU coreutils): `of=FILE` is written; without `of=` dd writes to standard output.
//!
//! A block device as `of=` (also through a symlink such as `/dev/disk/by-id/...`) is
//! `device-write`, naming where its data is mounted. An existing regular file is
//! overwritten (in place with `conv=notrunc`): `overwrite` (allow) and a snapshot.
//! `of=/dev/null` and the other stream devices are harmless.

use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::Path;

use super::device::{device_write, is_device};
use super::{Analysis, Arg, Invocation};
use crate::model::{Effect, FileKind, Verdict};
use crate::rules::Rule;

/// Writing to these loses nothing.
const STREAMS: &[&str] = &[
    "/dev/null",
    "/dev/zero",
    "/dev/full",
    "/dev/stdout",
    "/dev/stderr",
    "/dev/tty",
];

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    if inv
        .args
        .iter()
        .any(|a| a.exact && (a.text() == "--help" || a.text() == "--version"))
    {
        return analysis;
    }
    let operand = |key: &str| -> Option<Arg> {
        let prefix = format!("{key}=");
        inv.args
            .iter()
            .rev()
            .find(|a| a.os().as_bytes().starts_with(prefix.as_bytes()))
            .map(|a| Arg {
                value: OsString::from_vec(a.os().as_bytes()[prefix.len()..].to_vec()),
                exact: a.exact,
            })
    };
    let Some(of) = operand("of") else {
        return analysis; // standard output
    };
    if !of.exact {
        inv.unknown_operand(&of, Effect::Overwrite, &mut analysis);
        analysis
            .targets
            .push(inv.target(&of, Effect::Overwrite, false));
        return analysis;
    }
    // A stream is judged by its name: /dev/stdout leads to wherever stdout goes today
    // (a log file when run by CI), which says nothing about the command.
    let is_stream = |p: &Path| {
        STREAMS.iter().any(|s| p == Path::new(s))
            || p.starts_with("/dev/fd")
            || p.starts_with("/proc/self/fd")
    };
    let named = inv.resolve(&of).path;
    let resolved = inv.resolve_followed(&of);
    let (path, kind) = (resolved.path, resolved.kind);
    if is_stream(&named) || is_stream(&path) {
        return analysis;
    }
    if is_device(&path, kind) {
        device_write(
            inv,
            &of,
            path,
            kind,
            "dd writes raw data over",
            Verdict::Block,
            &mut analysis,
        );
        return analysis;
    }
    let flags = |key: &str| {
        operand(key)
            .map(|v| v.text().split(',').map(str::to_string).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    let appends = flags("oflag").iter().any(|f| f == "append")
        && flags("conv").iter().any(|f| f == "notrunc");
    match kind {
        FileKind::File if appends => {
            analysis.targets.push(inv.target_from(
                &of,
                crate::resolve::Resolved {
                    path,
                    kind,
                    through_link: None,
                },
                Effect::Modify,
                false,
            ));
        }
        FileKind::File | FileKind::CharDevice | FileKind::Other => {
            let how = if flags("conv").iter().any(|f| f == "notrunc") {
                "overwritten in place (conv=notrunc)"
            } else {
                "truncated and overwritten"
            };
            if kind == FileKind::File {
                analysis.reason(
                    Rule::Overwrite,
                    Verdict::Allow,
                    format!("'{}' already exists and is {how} by dd", path.display()),
                );
                analysis.snapshot = true;
            }
            analysis.targets.push(inv.target_from(
                &of,
                crate::resolve::Resolved {
                    path,
                    kind,
                    through_link: None,
                },
                Effect::Overwrite,
                false,
            ));
        }
        FileKind::Unknown => {
            analysis
                .targets
                .push(inv.target(&of, Effect::Overwrite, false));
        }
        _ => {} // a new file loses nothing; a directory makes dd fail
    }
    analysis
}
