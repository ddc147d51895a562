//! Git state that guarded execution keeps before git throws it away, and how undo puts
//! it back.
//!
//! The work itself stays in the repository: uncommitted changes as a stash-like commit
//! (`git stash create`, which touches neither the worktree nor the stash list), dropped
//! stash entries and deleted branch tips as they are, each held by a ref under
//! `refs/shellguard/<snapshot id>/` so that `git gc` keeps it. The manifest records which
//! ref holds what; undo puts it back with git's own plumbing and never over work done since.

use std::ffi::OsStr;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};

use super::manifest::{Manifest, RestoreAction, bytes_path, bytes_path_opt};

/// The repository and the git program that acts on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitRepo {
    /// The git the command ran (plain `git` from `PATH` when it is gone at undo time).
    #[serde(with = "bytes_path")]
    pub program: PathBuf,
    #[serde(with = "bytes_path")]
    pub git_dir: PathBuf,
    /// None for a bare repository.
    #[serde(default, with = "bytes_path_opt")]
    pub work_tree: Option<PathBuf>,
}

/// Where HEAD points and what the index and the worktree hold (tracked files only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitState {
    /// `refs/heads/NAME`, or None when HEAD is detached.
    pub branch: Option<String>,
    pub head: String,
    pub head_tree: String,
    pub index_tree: String,
    pub worktree_tree: String,
}

impl GitState {
    /// No uncommitted change to a tracked file.
    pub fn is_clean(&self) -> bool {
        self.index_tree == self.head_tree && self.worktree_tree == self.head_tree
    }
}

/// Uncommitted changes (and HEAD) before `reset --hard`, `checkout -- PATHS`, ...
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitChanges {
    pub repo: GitRepo,
    pub before: GitState,
    /// The stash-like commit holding the uncommitted changes (None: there were none).
    #[serde(default)]
    pub stash: Option<String>,
    /// Refs holding the stash-like commit and the old HEAD.
    pub refs: Vec<String>,
    /// The state the command left, recorded once it ended; None if shellguard never saw
    /// it end (undo then requires a clean worktree at the old HEAD).
    #[serde(default)]
    pub after: Option<GitState>,
}

/// One kept commit: a stash entry (with its message) or a branch tip (with its config).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedRef {
    /// The stash message, or the full ref name (`refs/heads/topic`).
    pub name: String,
    pub commit: String,
    /// `refs/shellguard/<id>/...` holding it.
    pub reference: String,
    /// `branch.<name>.*` settings (upstream) that `branch -D` removes with the branch.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub config: Vec<(String, String)>,
}

/// Dropped stash entries, newest first (as `git stash list` shows them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitStashes {
    pub repo: GitRepo,
    pub entries: Vec<SavedRef>,
}

/// Deleted branches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitBranches {
    pub repo: GitRepo,
    pub branches: Vec<SavedRef>,
}

impl GitRepo {
    /// `git --git-dir=G [--work-tree=T] ARGS`, in the worktree, messages untranslated.
    pub fn command<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let program = if self.program.is_file() {
            self.program.as_path()
        } else {
            Path::new("git")
        };
        let mut cmd = Command::new(program);
        let mut git_dir = std::ffi::OsString::from("--git-dir=");
        git_dir.push(&self.git_dir);
        cmd.arg(git_dir);
        if let Some(top) = &self.work_tree {
            let mut work_tree = std::ffi::OsString::from("--work-tree=");
            work_tree.push(top);
            cmd.arg(work_tree).current_dir(top);
        } else {
            cmd.current_dir(&self.git_dir);
        }
        cmd.args(args)
            .env("LC_ALL", "C")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .stdin(Stdio::null());
        cmd
    }

    /// Runs git and returns its standard output; a failure carries git's message.
    pub fn run<I, S>(&self, args: I) -> io::Result<Vec<u8>>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        output_of(self.command(args))
    }

    /// Like [`GitRepo::run`], as trimmed text.
    pub fn text<I, S>(&self, args: I) -> io::Result<String>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.run(args)
            .map(|out| String::from_utf8_lossy(&out).trim().to_string())
    }

    /// HEAD, index and worktree now, plus the stash-like commit that holds the
    /// uncommitted changes (None when there are none). Fails with unmerged paths (a
    /// conflict) and before the first commit, as `git stash create` does.
    pub fn state(&self) -> io::Result<(GitState, Option<String>)> {
        let branch = self
            .text(["symbolic-ref", "-q", "HEAD"])
            .ok()
            .filter(|b| !b.is_empty());
        let stash = self.text(["stash", "create"])?;
        let stash = (!stash.is_empty()).then_some(stash);
        let mut revs = vec!["HEAD^{commit}".to_string(), "HEAD^{tree}".to_string()];
        if let Some(w) = &stash {
            revs.push(format!("{w}^2^{{tree}}"));
            revs.push(format!("{w}^{{tree}}"));
        }
        let out = self.text(std::iter::once("rev-parse".to_string()).chain(revs))?;
        let ids: Vec<&str> = out.lines().collect();
        let (head, head_tree) = match ids.as_slice() {
            [head, tree, ..] => (head.to_string(), tree.to_string()),
            _ => {
                return Err(io::Error::other(format!(
                    "unexpected `git rev-parse` output: {out}"
                )));
            }
        };
        let (index_tree, worktree_tree) = match ids.as_slice() {
            [_, _, index, worktree] => (index.to_string(), worktree.to_string()),
            _ => (head_tree.clone(), head_tree.clone()),
        };
        Ok((
            GitState {
                branch,
                head,
                head_tree,
                index_tree,
                worktree_tree,
            },
            stash,
        ))
    }

    /// Points `reference` at `commit`, so that the commit outlives reflog expiry and gc.
    pub fn keep(&self, reference: &str, commit: &str) -> io::Result<()> {
        self.run(["update-ref", "-m", "shellguard snapshot", reference, commit])
            .map(drop)
    }

    /// Deletes every ref under `prefix` (the refs of a snapshot that was not taken).
    pub fn forget(&self, prefix: &str) {
        if let Ok(listed) = self.text(["for-each-ref", "--format=%(refname)", prefix]) {
            for reference in listed.lines() {
                let _ = self.run(["update-ref", "-d", reference]);
            }
        }
    }

    /// Where the repository is, for people.
    pub fn shown(&self) -> String {
        self.work_tree
            .as_ref()
            .unwrap_or(&self.git_dir)
            .display()
            .to_string()
    }
}

fn output_of(mut cmd: Command) -> io::Result<Vec<u8>> {
    let output = cmd.stderr(Stdio::piped()).output().map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot run {}: {e}", cmd.get_program().to_string_lossy()),
        )
    })?;
    if output.status.success() {
        return Ok(output.stdout);
    }
    let args: Vec<String> = cmd
        .get_args()
        .filter(|a| {
            !a.to_string_lossy().starts_with("--git-dir=")
                && !a.to_string_lossy().starts_with("--work-tree=")
        })
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    Err(io::Error::other(format!(
        "`git {}` failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr).trim()
    )))
}

/// Puts a git entry back; returns a line for each thing it did.
pub(super) fn restore(action: &RestoreAction, id: &str) -> io::Result<Vec<String>> {
    match action {
        RestoreAction::GitChanges(changes) => restore_changes(changes, id),
        RestoreAction::GitStashes(stashes) => restore_stashes(stashes),
        RestoreAction::GitBranches(branches) => restore_branches(branches, id),
        RestoreAction::Crontab { .. } => Ok(Vec::new()),
    }
}

fn restore_changes(changes: &GitChanges, id: &str) -> io::Result<Vec<String>> {
    let repo = &changes.repo;
    let before = &changes.before;
    let Some(top) = &repo.work_tree else {
        return Err(io::Error::other("the repository has no worktree"));
    };
    let (now, _) = repo.state().map_err(|e| {
        io::Error::other(format!(
            "cannot read the state of {} (resolve or abort a conflict first): {e}",
            repo.shown()
        ))
    })?;
    if now == *before {
        return Ok(vec![format!(
            "{} already holds the changes shellguard kept; nothing to do",
            repo.shown()
        )]);
    }
    let changed_since = match &changes.after {
        Some(after) => now != *after,
        None => !now.is_clean() || now.head != before.head,
    };
    let kept = match &changes.stash {
        Some(commit) => format!(
            "the old changes are commit {commit} (kept as {}): `git stash apply --index {commit}` applies them by hand",
            changes.refs.first().map_or("", String::as_str)
        ),
        None => format!(
            "the old HEAD is {} (kept as {}): `git reset --keep {}` goes back to it",
            before.head,
            changes.refs.last().map_or("", String::as_str),
            before.head
        ),
    };
    if changed_since {
        return Err(io::Error::other(format!(
            "{} changed since the command (HEAD, staged or unstaged changes differ from what it left), \
             so nothing was put back over that work; {kept}, or make the worktree as the command left \
             it and run `shellguard undo {id}` again",
            repo.shown(),
        )));
    }
    // Files the old worktree has and the index now lacks would be written over if they
    // appeared since as untracked files: refuse rather than overwrite them.
    let added = repo.run([
        "diff-tree",
        "-r",
        "-z",
        "--name-only",
        "--diff-filter=A",
        &now.index_tree,
        &before.worktree_tree,
    ])?;
    let in_the_way: Vec<String> = added
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| top.join(std::ffi::OsStr::new(os_str(p))))
        .filter(|p| std::fs::symlink_metadata(p).is_ok())
        .map(|p| p.display().to_string())
        .collect();
    if !in_the_way.is_empty() {
        return Err(io::Error::other(format!(
            "untracked files now stand where the kept changes go ({}); move them away and run \
             `shellguard undo {id}` again",
            in_the_way.join(", ")
        )));
    }
    let mut done = Vec::new();
    match &before.branch {
        Some(branch) => {
            if now.branch.as_deref() != Some(branch.as_str()) {
                repo.run(["symbolic-ref", "-m", "shellguard undo", "HEAD", branch])?;
            }
            let tip = repo.text([
                "rev-parse",
                "-q",
                "--verify",
                &format!("{branch}^{{commit}}"),
            ]);
            if tip.as_deref().ok() != Some(before.head.as_str()) {
                repo.run(["update-ref", "-m", "shellguard undo", branch, &before.head])?;
            }
        }
        None => {
            repo.run([
                "update-ref",
                "--no-deref",
                "-m",
                "shellguard undo",
                "HEAD",
                &before.head,
            ])?;
        }
    }
    if now.head != before.head || now.branch != before.branch {
        let on = before
            .branch
            .as_deref()
            .map_or("detached".to_string(), |b| {
                b.trim_start_matches("refs/heads/").to_string()
            });
        done.push(format!(
            "HEAD of {} back at {} ({on})",
            repo.shown(),
            short(&before.head)
        ));
    }
    // Worktree first (a two-way merge from the index as it is now to the old worktree
    // tree, which also removes what the command added), then the old index over it.
    repo.run(["read-tree", "--reset", "-u", &before.worktree_tree])?;
    repo.run(["read-tree", &before.index_tree])?;
    let _ = repo.run(["update-index", "-q", "--refresh"]);
    let (restored, _) = repo.state()?;
    if restored != *before {
        return Err(io::Error::other(format!(
            "{} does not match the kept state after undo; {kept}",
            repo.shown(),
        )));
    }
    done.push(format!(
        "put back the staged and unstaged changes of {}",
        repo.shown()
    ));
    Ok(done)
}

fn restore_stashes(stashes: &GitStashes) -> io::Result<Vec<String>> {
    let repo = &stashes.repo;
    let listed = repo
        .text(["stash", "list", "--format=%H"])
        .unwrap_or_default();
    let mut done = Vec::new();
    // Oldest first, so that the newest ends on top as it was.
    for entry in stashes.entries.iter().rev() {
        if listed.lines().any(|l| l == entry.commit) {
            done.push(format!("stash entry '{}' is still listed", entry.name));
            continue;
        }
        repo.run(["stash", "store", "-m", &entry.name, &entry.commit])?;
        done.push(format!(
            "stored '{}' ({}) in the stash of {} again",
            entry.name,
            short(&entry.commit),
            repo.shown()
        ));
    }
    Ok(done)
}

fn restore_branches(branches: &GitBranches, id: &str) -> io::Result<Vec<String>> {
    let repo = &branches.repo;
    let mut done = Vec::new();
    let mut taken = Vec::new();
    for branch in &branches.branches {
        let short_name = branch
            .name
            .strip_prefix("refs/heads/")
            .or_else(|| branch.name.strip_prefix("refs/remotes/"))
            .unwrap_or(&branch.name);
        // The empty old value makes update-ref refuse when the ref exists again.
        if let Err(e) = repo.run([
            "update-ref",
            "-m",
            "shellguard undo",
            &branch.name,
            &branch.commit,
            "",
        ]) {
            taken.push(format!(
                "{short_name} ({e}; its old tip is {}, kept as {})",
                short(&branch.commit),
                branch.reference
            ));
            continue;
        }
        if branch_config(repo, short_name).is_empty() {
            for (key, value) in &branch.config {
                repo.run(["config", "--add", key, value])?;
            }
        }
        done.push(format!(
            "recreated branch {short_name} at {} in {}",
            short(&branch.commit),
            repo.shown()
        ));
    }
    if !taken.is_empty() {
        return Err(io::Error::other(format!(
            "not recreated because a branch of that name exists again: {}; rename it and run \
             `shellguard undo {id}` again{}",
            taken.join(", "),
            if done.is_empty() {
                String::new()
            } else {
                format!(" (done: {})", done.join("; "))
            }
        )));
    }
    Ok(done)
}

/// Drops the refs that kept a transaction's commits (when the snapshot is pruned);
/// failures are ignored: the repository may be gone.
pub(super) fn forget(manifest: &Manifest) {
    for entry in &manifest.entries {
        let (repo, refs): (&GitRepo, Vec<&str>) = match &entry.restore {
            Some(RestoreAction::GitChanges(c)) => {
                (&c.repo, c.refs.iter().map(String::as_str).collect())
            }
            Some(RestoreAction::GitStashes(s)) => (
                &s.repo,
                s.entries.iter().map(|e| e.reference.as_str()).collect(),
            ),
            Some(RestoreAction::GitBranches(b)) => (
                &b.repo,
                b.branches.iter().map(|e| e.reference.as_str()).collect(),
            ),
            _ => continue,
        };
        for reference in refs {
            let _ = repo.run(["update-ref", "-d", reference]);
        }
    }
}

fn short(id: &str) -> &str {
    id.get(..10).unwrap_or(id)
}

/// git's paths are bytes; on Unix an `OsStr` is too.
fn os_str(bytes: &[u8]) -> &std::ffi::OsStr {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::OsStr::from_bytes(bytes)
}

/// The `branch.<name>.*` settings of a branch (its upstream, merge and rebase choices).
pub fn branch_config(repo: &GitRepo, name: &str) -> Vec<(String, String)> {
    let prefix = format!("branch.{name}.");
    let Ok(out) = repo.run(["config", "-z", "--get-regexp", "^branch\\."]) else {
        return Vec::new(); // exit 1: no such setting
    };
    out.split(|b| *b == 0)
        .filter_map(|record| {
            let text = String::from_utf8_lossy(record);
            let (key, value) = text.split_once('\n')?;
            key.starts_with(&prefix)
                .then(|| (key.to_string(), value.to_string()))
        })
        .collect()
}
