//! What guarded execution puts aside before a command runs, program by program, and how
//! the argv changes as a result (an operand already moved into the store is not handed
//! to `rm`; rsync gets `--backup-dir`).

mod git;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::analyze::Arg;
use crate::analyze::opts;
use crate::context::Context;
use crate::model::{Effect, FileKind, Target};
use crate::resolve;
use crate::snapshot::{Disposal, RestoreAction, SnapshotError, Transaction};

/// How the command will be run after the snapshot.
#[derive(Debug, PartialEq, Eq)]
pub enum Plan {
    /// Run the program with this argv (possibly changed).
    Run(Vec<OsString>),
    /// Everything the command would remove is already in the store: nothing left to run.
    Done,
}

/// Work to do after the program ran (rsync's backups are recorded then).
#[derive(Debug, Default)]
pub struct After {
    pub rsync_backup_root: Option<PathBuf>,
    /// rsync's itemized log and the directory its names are relative to: what it created.
    pub rsync_log: Option<(PathBuf, PathBuf)>,
    /// git's kept changes, whose after-state is recorded once git ended.
    pub git: Option<git::Pending>,
}

/// After the program ran: records what rsync/rclone kept in their backup directory, and
/// what rsync created (so undo can remove it).
pub fn finish(after: &After, txn: &mut Transaction) -> Result<(), SnapshotError> {
    git::finish(&after.git, txn);
    if let Some(root) = &after.rsync_backup_root {
        txn.record_rsync_backup(root)?;
    }
    if let Some((log, base)) = &after.rsync_log {
        let text = std::fs::read(log).unwrap_or_default();
        for line in text.split(|b| *b == b'\n') {
            if let Some(name) = created_by_rsync(line) {
                txn.record_created(&base.join(name))?;
            }
        }
        let _ = std::fs::remove_file(log);
    }
    Ok(())
}

/// A `--log-file-format='%i %n'` line naming something rsync created: its itemized
/// changes are `+++++++++` (`>f+++++++++ dir/file`, `cd+++++++++ dir/`).
fn created_by_rsync(line: &[u8]) -> Option<&std::ffi::OsStr> {
    use std::os::unix::ffi::OsStrExt;
    // "2026/11/22 01:30:00 [123] >f+++++++++ name": the format starts after "] ".
    let start = line.windows(2).position(|w| w == b"] ")? + 2;
    let rest = &line[start..];
    let (item, name) = (rest.get(..11)?, rest.get(12..)?);
    let created = item.len() == 11 && &item[2..] == b"+++++++++" && matches!(item[0], b'>' | b'c');
    let name = name.strip_suffix(b"/").unwrap_or(name);
    (created && !name.is_empty() && name != b".").then(|| std::ffi::OsStr::from_bytes(name))
}

/// Puts aside what `argv` would destroy, and says how to run it afterwards.
pub fn prepare(
    ctx: &Context,
    real: &Path,
    argv: &[OsString],
    program: &str,
    targets: &[Target],
    txn: &mut Transaction,
    after: &mut After,
) -> Result<Plan, SnapshotError> {
    match program {
        "rm" | "unlink" => prepare_rm(ctx, argv, program, txn),
        "crontab" => {
            save_crontab(argv, txn)?;
            Ok(Plan::Run(argv.to_vec()))
        }
        "rsync" => prepare_rsync(ctx, real, argv, targets, txn, after),
        "rclone" => prepare_rclone(argv, targets, txn, after),
        "git" => git::prepare(ctx, real, argv, txn, &mut after.git),
        // What find deletes depends on its tests: the whole start trees are copied
        // (within [snapshots] max_size; beyond it the command needs --no-snapshot).
        "find" => {
            keep_copies(targets, txn, |t| t.effect.loses_data())?;
            Ok(Plan::Run(argv.to_vec()))
        }
        // An interpreter one-liner's rmtree / rm_rf / rmSync deletes whole trees: copied like find's.
        p if crate::analyze::inline::handles(p) => {
            keep_copies(targets, txn, |t| t.effect.loses_data())?;
            Ok(Plan::Run(argv.to_vec()))
        }
        // A cloud sync into a local directory that deletes what the source lacks: the
        // directory is copied (no backup-dir option as rsync and rclone have).
        "aws" | "gsutil" | "gcloud" | "s3cmd" => {
            keep_copies(targets, txn, |t| {
                t.effect == Effect::Delete || t.effect.loses_data() && !t.kind.is_dir()
            })?;
            Ok(Plan::Run(argv.to_vec()))
        }
        // mv's sources move, they are not lost; only a replaced destination is.
        "mv" => {
            keep_copies(targets, txn, |t| {
                t.effect == Effect::Overwrite && !t.kind.is_dir()
            })?;
            Ok(Plan::Run(argv.to_vec()))
        }
        _ => {
            keep_copies(targets, txn, |t| t.effect.loses_data() && !t.kind.is_dir())?;
            Ok(Plan::Run(argv.to_vec()))
        }
    }
}

/// rm: every operand rm would remove is moved into the store (one rename, whatever its
/// size); rm then runs on the rest, so its messages and status for those stay its own.
fn prepare_rm(
    ctx: &Context,
    argv: &[OsString],
    program: &str,
    txn: &mut Transaction,
) -> Result<Plan, SnapshotError> {
    let args: Vec<Arg> = argv[1..].iter().map(|a| Arg::exact(a.clone())).collect();
    let parsed = opts::parse(
        if program == "unlink" {
            &[]
        } else {
            crate::analyze::rm::OPTIONS
        },
        &args,
    );
    // -i, -I, or --interactive[=WHEN] with WHEN other than never.
    let interactive = parsed.has("prompt-each")
        || parsed.has("prompt-once")
        || parsed
            .options
            .iter()
            .rev()
            .find(|(k, _)| *k == "interactive")
            .is_some_and(|(_, when)| {
                when.as_ref().is_none_or(|w| {
                    !["never", "no", "none"].contains(&w.to_string_lossy().as_ref())
                })
            });
    let recursive = parsed.has("recursive");
    let mut removed = Vec::new();
    for operand in &parsed.operands {
        let text = operand.text();
        let last = text.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        if last == "." || last == ".." {
            continue;
        }
        let resolved = resolve::resolve(ctx, ctx.cwd.as_deref(), operand.os());
        let would_remove = match resolved.kind {
            FileKind::Missing | FileKind::Unknown | FileKind::MountPoint => false,
            k if k.is_dir() => recursive || parsed.has("dir") && dir_is_empty(&resolved.path),
            _ => true,
        };
        if !would_remove || resolved.through_link.is_some() {
            continue;
        }
        if interactive {
            // rm asks per file: it must see the tree, so keep a copy and let it decide.
            txn.keep_copy(&resolved.path)?;
        } else if txn.put_aside(&resolved.path)? == Disposal::Moved {
            let entry = txn.manifest().entries.last().expect("just put aside");
            let stored = entry
                .store
                .clone()
                .unwrap_or_else(|| txn.dir().to_path_buf())
                .join(&entry.stored);
            removed.push((std::ptr::from_ref::<Arg>(*operand), stored));
        }
    }
    if removed.is_empty() {
        return Ok(Plan::Run(argv.to_vec()));
    }
    let verbose = parsed.has("verbose");
    let mut remaining_operands = 0;
    let mut rest = vec![argv[0].clone()];
    for arg in &args {
        if let Some((_, stored)) = removed.iter().find(|(a, _)| std::ptr::eq(*a, arg)) {
            if verbose {
                print_removed(arg, stored);
            }
            continue;
        }
        if parsed.operands.iter().any(|o| std::ptr::eq(*o, arg)) {
            remaining_operands += 1;
        }
        rest.push(arg.value.clone());
    }
    if remaining_operands == 0 {
        return Ok(Plan::Done);
    }
    // Operands that look like options must stay after `--` once others are gone.
    if !rest.iter().any(|a| a == "--") && args.iter().any(|a| a.text() == "--") {
        rest.insert(1, OsString::from("--"));
    }
    Ok(Plan::Run(rest))
}

/// What `rm -v` would have printed for an operand now in the store: the tree walked as
/// rm's fts walks it (directory order, contents before their directory), under the
/// operand's name.
fn print_removed(operand: &Arg, stored: &Path) {
    use std::io::Write;
    let name = operand.text();
    let mut out = std::io::stdout().lock();
    for entry in walkdir::WalkDir::new(stored)
        .contents_first(true)
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = entry.path().strip_prefix(stored).unwrap_or(entry.path());
        let shown = if rel.as_os_str().is_empty() {
            name.to_string()
        } else {
            format!("{}/{}", name.trim_end_matches('/'), rel.display())
        };
        let what = if entry.file_type().is_dir() {
            "removed directory"
        } else {
            "removed"
        };
        let _ = writeln!(out, "{what} '{shown}'");
    }
}

fn dir_is_empty(path: &Path) -> bool {
    std::fs::read_dir(path).is_ok_and(|mut d| d.next().is_none())
}

/// In-place writers (cp onto a file, truncate, shred, dd of=FILE) and find: a copy of each
/// existing target `wanted` selects, taken before the program writes or deletes it.
fn keep_copies(
    targets: &[Target],
    txn: &mut Transaction,
    wanted: impl Fn(&Target) -> bool,
) -> Result<(), SnapshotError> {
    for target in targets {
        if target.exists && target.exact && target.kind != FileKind::Unknown && wanted(target) {
            txn.keep_copy(&target.path)?;
        }
    }
    Ok(())
}

/// The current table, before `crontab -r`, `-e` or a replacement.
fn save_crontab(argv: &[OsString], txn: &mut Transaction) -> Result<(), SnapshotError> {
    let args: Vec<Arg> = argv[1..].iter().map(|a| Arg::exact(a.clone())).collect();
    let parsed = opts::parse(&[opts::valued("user", Some('u'), None)], &args);
    let user = parsed
        .value("user")
        .map(|u| u.to_string_lossy().into_owned());
    let mut list = Command::new("crontab");
    if let Some(u) = &user {
        list.arg("-u").arg(u);
    }
    let output = list.arg("-l").output().map_err(|e| SnapshotError::Io {
        action: "run",
        path: PathBuf::from("crontab -l"),
        source: e,
    })?;
    // "no crontab for USER": an empty table is still a state undo can restore.
    let table = if output.status.success() {
        output.stdout
    } else {
        Vec::new()
    };
    txn.save_bytes("crontab", &table, RestoreAction::Crontab { user })
}

/// rsync to a local destination: rsync itself keeps what it overwrites or deletes, in a
/// backup directory inside the transaction. A user's own `--backup*` options are kept.
fn prepare_rsync(
    ctx: &Context,
    real: &Path,
    argv: &[OsString],
    targets: &[Target],
    txn: &mut Transaction,
    after: &mut After,
) -> Result<Plan, SnapshotError> {
    let has_own_backup = argv
        .iter()
        .any(|a| a.to_string_lossy().starts_with("--backup") || a == "-b");
    let args: Vec<Arg> = argv[1..].iter().map(|a| Arg::exact(a.clone())).collect();
    let dest = crate::analyze::rsync::destination(&args)
        .map(|d| resolve::resolve(ctx, ctx.cwd.as_deref(), d.os()))
        .filter(|d| d.kind != FileKind::Unknown && d.path.is_absolute());
    let (Some(dest), false) = (dest, has_own_backup) else {
        // Sources removed by --remove-source-files are kept by copy.
        keep_copies(targets, txn, |t| {
            t.effect == Effect::Delete && !t.kind.is_dir()
        })?;
        return Ok(Plan::Run(argv.to_vec()));
    };
    // rsync writes into an existing directory; a missing one it creates (nothing to keep).
    let root = if dest.kind.is_dir() {
        dest.path.clone()
    } else {
        dest.path
            .parent()
            .map_or(dest.path.clone(), Path::to_path_buf)
    };
    // rsync backs up files, not directories: the directories --delete removes, and the
    // modes and times -a changes on the ones it keeps, are recorded here.
    if dest.kind.is_dir() {
        for dir in directories_below(&dest.path) {
            txn.record_attributes(&dir)?;
        }
    }
    if dest.kind.is_dir() {
        for path in attribute_changes(real, argv, &dest.path) {
            txn.record_attributes(&path)?;
        }
    }
    let backup = txn.backup_dir(&root)?;
    let mut out = vec![argv[0].clone(), OsString::from("--backup")];
    let mut flag = OsString::from("--backup-dir=");
    flag.push(backup.as_os_str());
    out.push(flag);
    let has_own_log = argv
        .iter()
        .any(|a| a.to_string_lossy().starts_with("--log-file"));
    if dest.kind.is_dir() && !has_own_log {
        let log = txn.dir().join("rsync.log");
        let mut flag = OsString::from("--log-file=");
        flag.push(log.as_os_str());
        out.push(flag);
        out.push(OsString::from("--log-file-format=%i %n"));
        after.rsync_log = Some((log, dest.path.clone()));
    }
    out.extend(argv[1..].iter().cloned());
    after.rsync_backup_root = Some(root);
    Ok(Plan::Run(out))
}

/// Files whose contents rsync will keep but whose mode, owner or times it will change
/// (`-a` over an identical copy): --backup does not keep those, so a dry-run pass with
/// itemized changes names them first. Its names are relative to the destination.
fn attribute_changes(real: &Path, argv: &[OsString], dest: &Path) -> Vec<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    let output = std::process::Command::new(real)
        .args(["--dry-run", "--itemize-changes", "--out-format=%i %n"])
        .args(&argv[1..])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output();
    let Ok(output) = output else {
        return Vec::new();
    };
    output
        .stdout
        .split(|b| *b == b'\n')
        .filter_map(|line| {
            let (item, name) = (line.get(..11)?, line.get(12..)?);
            // ".f..tp....." : no transfer (.), a file or link, some attribute letter set.
            let attributes_only = item[0] == b'.' && item[2..].iter().any(u8::is_ascii_alphabetic);
            let name = name.strip_suffix(b"/").unwrap_or(name);
            (attributes_only && !name.is_empty() && name != b".")
                .then(|| dest.join(std::ffi::OsStr::from_bytes(name)))
        })
        .collect()
}

/// rclone into a local directory: rclone's own `--backup-dir` keeps what sync deletes and
/// what copy or move replace, laid out like the destination (as rsync's is).
fn prepare_rclone(
    argv: &[OsString],
    targets: &[Target],
    txn: &mut Transaction,
    after: &mut After,
) -> Result<Plan, SnapshotError> {
    let has_own_backup = argv
        .iter()
        .any(|a| a.to_string_lossy().starts_with("--backup-dir"));
    let dest = targets
        .iter()
        .rev()
        .find(|t| t.effect.loses_data() && t.exact && t.kind.is_dir() && t.exists);
    let (Some(dest), false) = (dest, has_own_backup) else {
        keep_copies(targets, txn, |t| t.effect.loses_data() && !t.kind.is_dir())?;
        return Ok(Plan::Run(argv.to_vec()));
    };
    for dir in directories_below(&dest.path) {
        txn.record_attributes(&dir)?;
    }
    let backup = txn.backup_dir(&dest.path)?;
    let mut out = argv.to_vec();
    let mut flag = OsString::from("--backup-dir=");
    flag.push(backup.as_os_str());
    out.push(flag);
    after.rsync_backup_root = Some(dest.path.clone());
    Ok(Plan::Run(out))
}

/// `root` and every directory below it, not following symlinks or crossing mounts.
fn directories_below(root: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root)
        .same_file_system(true)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir())
        .map(walkdir::DirEntry::into_path)
        .collect()
}
