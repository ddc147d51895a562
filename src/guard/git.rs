//! git under guarded execution: what is kept before the `git-discard` family runs.
//! `analyze::git` says what each command loses; `snapshot::git` how undo puts it back.
//!
//! - reset --hard, checkout/restore of paths, checkout -f: the uncommitted changes as a
//!   stash-like commit (and the old HEAD), held by refs under `refs/shellguard/<id>/`;
//!   with a conflict in progress (no such commit can be made) copies of the changed files.
//! - clean: what `git clean -n` with the same options lists is moved into the store.
//! - stash drop/clear, branch -D: the commits, held by refs, with stash messages and
//!   branch settings.

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::Plan;
use crate::analyze::git::{self as analysis, Action, CleanOptions, GitCall};
use crate::analyze::{Arg, Invocation, Stdin};
use crate::context::Context;
use crate::snapshot::git::{GitBranches, GitChanges, GitRepo, GitStashes, SavedRef, branch_config};
use crate::snapshot::{Disposal, RestoreAction, SnapshotError, Transaction};

/// Kept changes whose after-state is recorded once git ended.
#[derive(Debug)]
pub struct Pending {
    stored: PathBuf,
    changes: GitChanges,
}

/// Keeps what the git command in `argv` would throw away; git then runs as typed.
pub fn prepare(
    ctx: &Context,
    real: &Path,
    argv: &[OsString],
    txn: &mut Transaction,
    pending: &mut Option<Pending>,
) -> Result<Plan, SnapshotError> {
    let unchanged = Plan::Run(argv.to_vec());
    let args: Vec<Arg> = argv[1..].iter().map(|a| Arg::exact(a.clone())).collect();
    let inv = Invocation {
        name: "git",
        args: &args,
        cwd: ctx.cwd.as_deref(),
        ctx,
        stdin: Stdin::Unknown,
        shell: crate::analyze::ShellVars::default(),
    };
    let call = analysis::split(&inv, &args);
    let Some(action) = analysis::action(&inv, &call) else {
        return Ok(unchanged);
    };
    if !action.snapshots() {
        return Ok(unchanged);
    }
    // Outside a repository git refuses on its own, with its own message.
    let Some(repo) = find_repo(ctx, real, &call) else {
        return Ok(unchanged);
    };
    let id = txn.id().to_string();
    // A step that fails stops the command; refs kept by the steps before it go too.
    let cleanup = repo.clone();
    let kept = match action {
        Action::ResetHard { rev } => keep_changes(repo, &id, rev.is_some(), txn, pending),
        Action::ForceSwitch { to, .. } => keep_changes(repo, &id, to.is_some(), txn, pending),
        Action::DiscardPaths { .. } => keep_changes(repo, &id, false, txn, pending),
        Action::Clean(options) => clean(ctx, real, &call, &options, txn),
        Action::StashDrop { stash } => keep_stashes(repo, &id, Some(stash), txn),
        Action::StashClear => keep_stashes(repo, &id, None, txn),
        Action::BranchDelete { names, remote } => keep_branches(repo, &id, &names, remote, txn),
        Action::Push(_) | Action::Rewrite { .. } => Ok(()),
    };
    if kept.is_err() {
        cleanup.forget(&format!("refs/shellguard/{id}/"));
    }
    kept.map(|()| unchanged)
}

/// After git ran: records the state it left, which undo checks before putting anything back.
pub fn finish(pending: &Option<Pending>, txn: &mut Transaction) {
    if let Some(p) = pending
        && let Ok((after, _)) = p.changes.repo.state()
    {
        let mut changes = p.changes.clone();
        changes.after = Some(after);
        txn.set_restore(&p.stored, RestoreAction::GitChanges(Box::new(changes)));
    }
}

fn failed(repo: &Path) -> impl FnOnce(io::Error) -> SnapshotError {
    SnapshotError::io("save the git state of", repo)
}

/// The repository as git itself finds it from the command's options and directory.
fn find_repo(ctx: &Context, real: &Path, call: &GitCall) -> Option<GitRepo> {
    let ask = |what: &str| -> Option<String> {
        let mut cmd = Command::new(real);
        cmd.args(call.globals.iter().map(|a| a.os()))
            .args(["rev-parse", what])
            .env("LC_ALL", "C")
            .stdin(Stdio::null())
            .stderr(Stdio::null());
        if let Some(cwd) = &ctx.cwd {
            cmd.current_dir(cwd);
        }
        let out = cmd.output().ok().filter(|o| o.status.success())?;
        use std::os::unix::ffi::OsStrExt;
        let text = out
            .stdout
            .strip_suffix(b"\n")
            .unwrap_or(&out.stdout)
            .to_vec();
        (!text.is_empty()).then(|| {
            std::ffi::OsStr::from_bytes(&text)
                .to_string_lossy()
                .into_owned()
        })
    };
    let git_dir = ask("--absolute-git-dir")?;
    Some(GitRepo {
        program: real.to_path_buf(),
        git_dir: PathBuf::from(git_dir),
        work_tree: ask("--show-toplevel").map(PathBuf::from),
    })
}

/// The uncommitted changes as a stash-like commit (nothing in the worktree or the stash
/// list changes), and HEAD, each held by a ref.
fn keep_changes(
    repo: GitRepo,
    id: &str,
    moves_head: bool,
    txn: &mut Transaction,
    pending: &mut Option<Pending>,
) -> Result<(), SnapshotError> {
    let Some(top) = repo.work_tree.clone() else {
        return Ok(()); // a bare repository has no worktree to lose
    };
    let (before, stash) = match repo.state() {
        Ok(found) => found,
        Err(why) => return keep_changed_files(&repo, &top, why, txn),
    };
    if stash.is_none() && !moves_head {
        return Ok(()); // nothing uncommitted, and HEAD stays where it is
    }
    let mut refs = Vec::new();
    let mut text = format!("git changes in {}\n", repo.shown());
    if let Some(commit) = &stash {
        let reference = format!("refs/shellguard/{id}/changes");
        repo.keep(&reference, commit).map_err(failed(&top))?;
        text.push_str(&format!("{reference} {commit} (index and worktree)\n"));
        refs.push(reference);
    }
    let reference = format!("refs/shellguard/{id}/head");
    repo.keep(&reference, &before.head).map_err(failed(&top))?;
    text.push_str(&format!("{reference} {} (HEAD)\n", before.head));
    refs.push(reference);
    let changes = GitChanges {
        repo,
        before,
        stash,
        refs,
        after: None,
    };
    let label = format!("git: uncommitted changes in {}", top.display());
    txn.save_bytes(
        &label,
        text.as_bytes(),
        RestoreAction::GitChanges(Box::new(changes.clone())),
    )?;
    let stored = txn
        .manifest()
        .entries
        .last()
        .expect("just saved")
        .stored
        .clone();
    *pending = Some(Pending { stored, changes });
    Ok(())
}

/// With a conflict in progress (or before the first commit) git cannot make the commit:
/// copies of the tracked files that differ are kept instead (the index is not).
fn keep_changed_files(
    repo: &GitRepo,
    top: &Path,
    why: io::Error,
    txn: &mut Transaction,
) -> Result<(), SnapshotError> {
    let status = repo
        .run(["status", "--porcelain=v1", "-z", "--untracked-files=no"])
        .map_err(|_| failed(top)(why))?;
    let mut records = status.split(|b| *b == 0).filter(|r| !r.is_empty());
    while let Some(record) = records.next() {
        let (Some(xy), Some(path)) = (record.get(..2), record.get(3..)) else {
            continue;
        };
        if matches!(xy[0], b'R' | b'C') {
            records.next(); // the rename's source
        }
        use std::os::unix::ffi::OsStrExt;
        let full = top.join(std::ffi::OsStr::from_bytes(path));
        if std::fs::symlink_metadata(&full).is_ok_and(|m| m.is_file()) {
            txn.keep_copy(&full)?;
        }
    }
    Ok(())
}

/// What `git clean` would delete, as `git clean -n` with the same options lists it, is
/// moved into the store (interactive cleaning gets copies: the user still picks).
fn clean(
    ctx: &Context,
    real: &Path,
    call: &GitCall,
    options: &CleanOptions,
    txn: &mut Transaction,
) -> Result<(), SnapshotError> {
    let Some(dir) = &call.dir else {
        return Ok(());
    };
    let mut cmd = Command::new(real);
    cmd.args(call.globals.iter().map(|a| a.os())).args([
        "-c",
        "core.quotePath=false",
        "clean",
        "--dry-run",
    ]);
    if options.dirs {
        cmd.arg("-d");
    }
    if options.ignored_too {
        cmd.arg("-x");
    }
    if options.only_ignored {
        cmd.arg("-X");
    }
    if options.nested_repos {
        cmd.args(["-f", "-f"]);
    }
    for pattern in &options.excludes {
        cmd.arg("-e").arg(pattern);
    }
    cmd.arg("--").args(options.paths.iter().map(|p| p.os()));
    cmd.env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    if let Some(cwd) = &ctx.cwd {
        cmd.current_dir(cwd);
    }
    let output = cmd
        .output()
        .map_err(SnapshotError::io("run git clean --dry-run in", dir))?;
    if !output.status.success() {
        return Ok(()); // git clean itself will refuse, with its message
    }
    use std::io::Write;
    use std::os::unix::ffi::OsStrExt;
    let mut stdout = io::stdout().lock();
    for line in output.stdout.split(|b| *b == b'\n') {
        let Some(shown) = line.strip_prefix(b"Would remove ") else {
            continue;
        };
        let name = unquote(shown);
        let name = name.strip_suffix(b"/").unwrap_or(&name);
        let path = dir.join(std::ffi::OsStr::from_bytes(name));
        if options.interactive {
            txn.keep_copy(&path)?;
        } else if txn.put_aside(&path)? == Disposal::Moved && !options.quiet {
            // git will not see it any more: say what it would have said.
            let _ = stdout.write_all(b"Removing ");
            let _ = stdout.write_all(shown);
            let _ = stdout.write_all(b"\n");
        }
    }
    Ok(())
}

/// A path as git prints it: C-quoted ("a\"b", "\303\251") when it has special bytes.
pub fn unquote(shown: &[u8]) -> Vec<u8> {
    let Some(inner) = shown
        .strip_prefix(b"\"")
        .and_then(|s| s.strip_suffix(b"\""))
    else {
        return shown.to_vec();
    };
    let mut out = Vec::with_capacity(inner.len());
    let mut bytes = inner.iter().copied().peekable();
    while let Some(b) = bytes.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        match bytes.next() {
            Some(b'a') => out.push(7),
            Some(b'b') => out.push(8),
            Some(b't') => out.push(b'\t'),
            Some(b'n') => out.push(b'\n'),
            Some(b'v') => out.push(11),
            Some(b'f') => out.push(12),
            Some(b'r') => out.push(b'\r'),
            Some(d @ b'0'..=b'7') => {
                let mut value = u32::from(d - b'0');
                for _ in 0..2 {
                    match bytes.peek() {
                        Some(&o @ b'0'..=b'7') => {
                            value = value * 8 + u32::from(o - b'0');
                            bytes.next();
                        }
                        _ => break,
                    }
                }
                out.push(value as u8);
            }
            Some(other) => out.push(other),
            None => out.push(b'\\'),
        }
    }
    out
}

/// Stash entries about to be dropped (`which`: the one `drop` names; None: all of them).
fn keep_stashes(
    repo: GitRepo,
    id: &str,
    which: Option<Option<&Arg>>,
    txn: &mut Transaction,
) -> Result<(), SnapshotError> {
    let shown = PathBuf::from(repo.shown());
    let listed = repo
        .text(["stash", "list", "--format=%H %gs"])
        .unwrap_or_default();
    let listed: Vec<(String, String)> = listed
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(h, m)| (h.to_string(), m.to_string()))
        .collect();
    let selected: Vec<(String, String)> = match which {
        None => listed,
        Some(arg) => {
            let spec = match arg.map(|a| a.text().into_owned()) {
                None => "stash@{0}".to_string(),
                Some(n) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
                    format!("stash@{{{n}}}")
                }
                Some(other) => other,
            };
            // A name git cannot resolve: `stash drop` fails by itself.
            let Ok(commit) =
                repo.text(["rev-parse", "-q", "--verify", &format!("{spec}^{{commit}}")])
            else {
                return Ok(());
            };
            let message = listed.iter().find(|(h, _)| *h == commit).map_or_else(
                || format!("{spec} (kept by shellguard)"),
                |(_, m)| m.clone(),
            );
            vec![(commit, message)]
        }
    };
    if selected.is_empty() {
        return Ok(());
    }
    let mut entries = Vec::new();
    let mut text = format!("git stash entries of {}\n", repo.shown());
    for (i, (commit, message)) in selected.into_iter().enumerate() {
        let reference = format!("refs/shellguard/{id}/stash-{i}");
        repo.keep(&reference, &commit).map_err(failed(&shown))?;
        text.push_str(&format!("{reference} {commit} {message}\n"));
        entries.push(SavedRef {
            name: message,
            commit,
            reference,
            config: Vec::new(),
        });
    }
    let label = format!("git: stash entries of {}", repo.shown());
    txn.save_bytes(
        &label,
        text.as_bytes(),
        RestoreAction::GitStashes(GitStashes { repo, entries }),
    )
}

/// Branch tips (and their settings) about to be deleted.
fn keep_branches(
    repo: GitRepo,
    id: &str,
    names: &[&Arg],
    remote: bool,
    txn: &mut Transaction,
) -> Result<(), SnapshotError> {
    let shown = PathBuf::from(repo.shown());
    let mut branches = Vec::new();
    let mut text = format!("git branches of {}\n", repo.shown());
    for (i, name) in names.iter().enumerate() {
        let name = name.text();
        let full = if remote {
            format!("refs/remotes/{name}")
        } else {
            format!("refs/heads/{name}")
        };
        // A branch that does not exist: `branch -D` says so itself.
        let Ok(commit) = repo.text(["rev-parse", "-q", "--verify", &format!("{full}^{{commit}}")])
        else {
            continue;
        };
        let reference = format!("refs/shellguard/{id}/branch-{i}");
        repo.keep(&reference, &commit).map_err(failed(&shown))?;
        text.push_str(&format!("{reference} {commit} {full}\n"));
        let config = if remote {
            Vec::new()
        } else {
            branch_config(&repo, &name)
        };
        branches.push(SavedRef {
            name: full,
            commit,
            reference,
            config,
        });
    }
    if branches.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = branches
        .iter()
        .map(|b| {
            b.name
                .trim_start_matches("refs/heads/")
                .trim_start_matches("refs/remotes/")
        })
        .collect();
    let label = format!("git: branch {} of {}", names.join(", "), repo.shown());
    txn.save_bytes(
        &label,
        text.as_bytes(),
        RestoreAction::GitBranches(GitBranches { repo, branches }),
    )
}

#[cfg(test)]
mod tests {
    use super::unquote;

    #[test]
    fn unquotes_what_git_quotes() {
        assert_eq!(unquote(b"plain name"), b"plain name");
        assert_eq!(unquote(br#""n\nl""#), b"n\nl");
        assert_eq!(unquote(br#""a\"b\\c""#), b"a\"b\\c");
        assert_eq!(unquote(br#""caf\303\251""#), "café".as_bytes());
        assert_eq!(unquote(br#""tab\there""#), b"tab\there");
    }
}
