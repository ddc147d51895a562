//! `undo`: put a transaction's entries back where they were, never over something new.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use nix::fcntl::{AT_FDCWD, AtFlags, FlockArg};
use nix::sys::stat::{UtimensatFlags, utimensat};
use nix::sys::time::TimeSpec;
use nix::unistd::{Gid, Uid, fchownat};

use super::error::Result;
use super::fsops;
use super::manifest::{
    self, After, Displaced, Entry, Fingerprint, Kind, Method, RestoreAction, State,
};
use super::{SnapshotError, SnapshotId, Store, Timestamp};

/// An entry left in the store because its place is taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// Where the entry came from.
    pub original: PathBuf,
    /// The occupied place it would have gone to.
    pub place: PathBuf,
    /// Where the entry still is.
    pub kept_at: PathBuf,
}

/// What `undo` did, entry by entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UndoReport {
    pub id: Option<SnapshotId>,
    /// (original path, where it was put back).
    pub restored: Vec<(PathBuf, PathBuf)>,
    /// Entries not restored because something now stands at their place.
    pub conflicts: Vec<Conflict>,
    /// Entries whose stored data is gone from the store.
    pub missing: Vec<PathBuf>,
    /// Entries that could not be restored, with the reason.
    pub failed: Vec<(PathBuf, String)>,
    /// What the command had left at a place, moved into the store to make room.
    pub displaced: Vec<Displaced>,
    /// Paths the command created, removed because they were unchanged.
    pub removed_created: Vec<PathBuf>,
    /// Paths the command created and left in place, with the reason.
    pub kept_created: Vec<(PathBuf, String)>,
    /// Crontabs reinstalled (the user, `None` for the caller's own).
    pub crontabs: Vec<Option<String>>,
    /// What undo did in git repositories, one line each.
    pub git: Vec<String>,
}

impl UndoReport {
    /// True when every entry was restored.
    pub fn is_complete(&self) -> bool {
        self.conflicts.is_empty() && self.missing.is_empty() && self.failed.is_empty()
    }
}

impl Store {
    /// Restores transaction `id` where it came from, or with `to: Some(dir)` under `dir`
    /// keeping each original absolute path's structure (`/srv/a/b` → `dir/srv/a/b`), so that
    /// entries with the same name never meet. Nothing that now exists is overwritten: such an
    /// entry is reported as a conflict and stays in the store, the others are restored.
    pub fn undo(&self, id: &SnapshotId, to: Option<&Path>) -> Result<UndoReport> {
        let _lock = self.lock_transaction(id, FlockArg::LockExclusiveNonblock)?;
        let dir = self.transaction_dir(id);
        let mut manifest = manifest::load(&dir, id)?;
        if matches!(manifest.state, State::Restored | State::Aborted) {
            return Err(SnapshotError::AlreadyRestored(id.clone()));
        }
        let mut report = UndoReport {
            id: Some(id.clone()),
            ..UndoReport::default()
        };
        if to.is_none() {
            remove_created(&manifest.created, &mut report);
        }
        let mut parents_to_fix = Vec::new();
        let mut attributes_later: Vec<(PathBuf, Entry)> = Vec::new();
        let mut displaced_count = manifest.displaced.len();
        for entry in manifest.entries.iter_mut().rev() {
            if entry.restored_to.is_some() {
                continue;
            }
            let place = match to {
                Some(base) => fsops::join_relative(base, &entry.original),
                None => entry.original.clone(),
            };
            let outcome = match (entry.method, &entry.restore) {
                (Method::Bytes, Some(RestoreAction::Crontab { user })) => {
                    self.restore_crontab(entry, user.as_deref(), to, &dir, &mut report)
                }
                (
                    Method::Bytes,
                    Some(
                        action @ (RestoreAction::GitChanges(_)
                        | RestoreAction::GitStashes(_)
                        | RestoreAction::GitBranches(_)),
                    ),
                ) => {
                    if to.is_some() {
                        Err(io::Error::other(
                            "git state goes back only into its repository: run undo without --to \
                             (the commits stay under refs/shellguard/ meanwhile)",
                        ))
                    } else {
                        super::git::restore(action, id.as_str()).map(|lines| {
                            report.git.extend(lines);
                            Some(entry.original.clone())
                        })
                    }
                }
                (Method::Bytes, None) => continue,
                (Method::Attributes, _) => {
                    if to.is_some() {
                        continue;
                    }
                    // A directory the command deleted (rsync --delete of an empty one) is
                    // recreated; attributes are set at the end, once nothing changes below.
                    let recreate = || -> io::Result<()> {
                        if entry.kind == Kind::Dir && fs::symlink_metadata(&place).is_err() {
                            create_parents(&place, None, &mut Vec::new())?;
                            fs::create_dir(&place)?;
                        }
                        Ok(())
                    };
                    recreate().map(|()| {
                        attributes_later.push((place.clone(), entry.clone()));
                        None
                    })
                }
                _ => {
                    let kept_at = entry.store.as_ref().unwrap_or(&dir).join(&entry.stored);
                    if fs::symlink_metadata(&kept_at).is_err() {
                        report.missing.push(entry.original.clone());
                        continue;
                    }
                    if let Ok(current) = fs::symlink_metadata(&place) {
                        let left_by_command = to.is_none()
                            && matches!(&entry.after, After::Present(fp) if *fp == Fingerprint::of(&current));
                        if !left_by_command {
                            report.conflicts.push(Conflict {
                                original: entry.original.clone(),
                                place,
                                kept_at,
                            });
                            continue;
                        }
                        displaced_count += 1;
                        let aside =
                            kept_at.with_file_name(format!("displaced-{displaced_count:04}"));
                        match move_or_copy(&place, &aside) {
                            Ok(()) => report.displaced.push(Displaced {
                                place: place.clone(),
                                kept_at: aside,
                            }),
                            Err(e) => {
                                report.failed.push((
                                    entry.original.clone(),
                                    format!("cannot move {} out of the way: {e}", place.display()),
                                ));
                                continue;
                            }
                        }
                    }
                    let template = (entry.method == Method::RsyncBackup).then(|| kept_at.clone());
                    if let Err(e) = create_parents(&place, template.as_deref(), &mut parents_to_fix)
                    {
                        report.failed.push((
                            entry.original.clone(),
                            format!("cannot create the parents of {}: {e}", place.display()),
                        ));
                        continue;
                    }
                    match move_or_copy(&kept_at, &place) {
                        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                            // Something appeared there meanwhile: still never overwritten.
                            report.conflicts.push(Conflict {
                                original: entry.original.clone(),
                                place,
                                kept_at,
                            });
                            continue;
                        }
                        result => result.map(|()| Some(place.clone())),
                    }
                }
            };
            match outcome {
                Ok(Some(restored)) => {
                    report
                        .restored
                        .push((entry.original.clone(), restored.clone()));
                    entry.restored_to = Some(restored);
                }
                Ok(None) => {}
                Err(e) => report.failed.push((entry.original.clone(), e.to_string())),
            }
        }
        // Directories recreated for rsync backups get their attributes once their contents are in.
        parents_to_fix.sort_by_key(|(path, _): &(PathBuf, fs::Metadata)| {
            std::cmp::Reverse(path.components().count())
        });
        for (path, meta) in parents_to_fix {
            let _ = fsops::apply_attributes(&path, &meta);
        }
        for (place, recorded) in attributes_later {
            let result = set_recorded_attributes(&place, &recorded);
            let entry = manifest
                .entries
                .iter_mut()
                .find(|e| e.method == Method::Attributes && e.original == recorded.original)
                .expect("the entry came from this manifest");
            match result {
                Ok(()) => {
                    report
                        .restored
                        .push((entry.original.clone(), place.clone()));
                    entry.restored_to = Some(place);
                }
                Err(e) => report.failed.push((entry.original.clone(), e.to_string())),
            }
        }
        manifest.displaced.extend(report.displaced.iter().cloned());
        manifest.state =
            if manifest.entries.iter().all(|e| {
                e.restored_to.is_some() || e.method == Method::Bytes && e.restore.is_none()
            }) {
                State::Restored
            } else {
                State::PartlyRestored
            };
        manifest.restored_at = Some(Timestamp::now());
        manifest::save(&dir, &manifest)?;
        Ok(report)
    }

    fn restore_crontab(
        &self,
        entry: &Entry,
        user: Option<&str>,
        to: Option<&Path>,
        dir: &Path,
        report: &mut UndoReport,
    ) -> io::Result<Option<PathBuf>> {
        let bytes = fs::read(dir.join(&entry.stored))?;
        if fsops::hash_bytes(&bytes) != entry.checksum.clone().unwrap_or_default() {
            return Err(io::Error::other(
                "the saved crontab is damaged (checksum differs)",
            ));
        }
        if let Some(base) = to {
            let file = base.join(format!("crontab-{}", user.unwrap_or("self")));
            fs::create_dir_all(base)?;
            let mut out = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&file)?;
            out.write_all(&bytes)?;
            return Ok(Some(file));
        }
        let mut command = Command::new(&self.crontab);
        if let Some(user) = user {
            command.arg("-u").arg(user);
        }
        let mut child = command
            .arg("-")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("cannot run {}: {e}", self.crontab.display()),
                )
            })?;
        child
            .stdin
            .take()
            .expect("stdin is piped")
            .write_all(&bytes)?;
        let output = child.wait_with_output()?;
        if !output.status.success() {
            return Err(io::Error::other(format!(
                "{} failed ({}): {}",
                self.crontab.display(),
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            )));
        }
        report.crontabs.push(user.map(str::to_string));
        Ok(Some(entry.original.clone()))
    }
}

/// Removes what the command created if it is still exactly what the command left, deepest first.
fn remove_created(created: &[super::Created], report: &mut UndoReport) {
    let mut ordered: Vec<_> = created.iter().collect();
    ordered.sort_by_key(|c| std::cmp::Reverse(c.path.components().count()));
    for item in ordered {
        let Ok(current) = fs::symlink_metadata(&item.path) else {
            continue;
        };
        let result = if item.fingerprint.kind == Kind::Dir && current.is_dir() {
            fs::remove_dir(&item.path).map_err(|e| {
                if e.raw_os_error() == Some(libc::ENOTEMPTY) {
                    "not empty: it holds files the command did not create".to_string()
                } else {
                    e.to_string()
                }
            })
        } else if Fingerprint::of(&current) == item.fingerprint {
            fs::remove_file(&item.path).map_err(|e| e.to_string())
        } else {
            Err("changed since the command".to_string())
        };
        match result {
            Ok(()) => report.removed_created.push(item.path.clone()),
            Err(why) => report.kept_created.push((item.path.clone(), why)),
        }
    }
}

/// Renames `from` to the free path `to`, copying across filesystems.
fn move_or_copy(from: &Path, to: &Path) -> io::Result<()> {
    match fsops::rename_noreplace(from, to) {
        Err(e) if fsops::is_cross_device(&e) => {
            fsops::copy_tree(from, to)?;
            fsops::remove_tree(from)
        }
        other => other,
    }
}

/// Creates the missing parents of `place`. For rsync backups, `template` is the stored file,
/// whose parents in the backup directory carry the attributes of the deleted directories.
fn create_parents(
    place: &Path,
    template: Option<&Path>,
    fix: &mut Vec<(PathBuf, fs::Metadata)>,
) -> io::Result<()> {
    let Some(parent) = place.parent() else {
        return Ok(());
    };
    let mut missing = Vec::new();
    let mut probe = parent;
    let mut model = template.and_then(Path::parent);
    while fs::symlink_metadata(probe).is_err() {
        missing.push((
            probe.to_path_buf(),
            model.and_then(|m| fs::symlink_metadata(m).ok()),
        ));
        match probe.parent() {
            Some(up) => probe = up,
            None => break,
        }
        model = model.and_then(Path::parent);
    }
    for (dir, meta) in missing.into_iter().rev() {
        fs::create_dir(&dir)?;
        if let Some(meta) = meta.filter(|m| m.is_dir()) {
            fs::set_permissions(
                &dir,
                fs::Permissions::from_mode(0o700 | meta.permissions().mode()),
            )?;
            fix.push((dir, meta));
        }
    }
    Ok(())
}

/// Puts back the mode, owner and times recorded in `entry` on `place`.
fn set_recorded_attributes(place: &Path, entry: &Entry) -> io::Result<()> {
    let nix_err = |e: nix::Error| io::Error::from_raw_os_error(e as i32);
    fchownat(
        AT_FDCWD,
        place,
        Some(Uid::from_raw(entry.uid)),
        Some(Gid::from_raw(entry.gid)),
        AtFlags::AT_SYMLINK_NOFOLLOW,
    )
    .map_err(nix_err)?;
    if entry.kind != Kind::Symlink {
        fs::set_permissions(place, fs::Permissions::from_mode(entry.mode & 0o7777))?;
    }
    let atime = TimeSpec::new(entry.atime.secs, i64::from(entry.atime.nanos));
    let mtime = TimeSpec::new(entry.mtime.secs, i64::from(entry.mtime.nanos));
    utimensat(
        AT_FDCWD,
        place,
        &atime,
        &mtime,
        UtimensatFlags::NoFollowSymlink,
    )
    .map_err(nix_err)
}
