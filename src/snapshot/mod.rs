//! The snapshot store: what a guarded command is about to destroy is put aside here first,
//! so that `undo` can put it back exactly.
//!
//! Layout under the state directory `home`:
//!
//! ```text
//! home/snapshots/.lock                  taken by prune
//! home/snapshots/<id>/manifest.json     the transaction (see `manifest`)
//! home/snapshots/<id>/summary.json      what `list` reads
//! home/snapshots/<id>/journal.jsonl     write-ahead records while pending
//! home/snapshots/<id>/lock              flock held by whoever works on the transaction
//! home/snapshots/<id>/e0001             entries, flat opaque names
//! home/snapshots/<id>/e0001.tree.json   lazily made listing of a directory entry
//! <fs top>/.shellguard-<uid>/<id>/e0002 entries from another filesystem (moved, not copied)
//! ```
//!
//! Entries are moved with one `renameat2(RENAME_NOREPLACE)` into a store on their own
//! filesystem, so putting aside a tree costs the same whatever its size. Checksums of trees
//! are therefore not taken at delete time but by [`Store::seal`] (which `verify` runs on
//! first use); see `verify.rs` for why that is enough.

mod error;
mod fsops;
pub mod git;
mod id;
mod manifest;
mod restore;
mod transaction;
mod units;
mod verify;

use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use nix::fcntl::{Flock, FlockArg};

pub use error::SnapshotError;
pub use id::{SnapshotId, Timestamp};
pub use manifest::{
    After, Created, Displaced, Entry, Fingerprint, Kind, Manifest, Method, OutsideStore,
    RestoreAction, State, Summary, TransactionMeta, TreeSeal, display_argv,
};
pub use restore::{Conflict, UndoReport};
pub use transaction::{Disposal, Transaction};
pub use units::{format_size, parse_duration, parse_size};
pub use verify::{Problem, VerifyReport};

use error::Result;

/// Name of the per-filesystem store directory at a filesystem's top, before the uid.
pub const TOPDIR_STORE_PREFIX: &str = ".shellguard-";

/// The snapshot store of one state directory.
#[derive(Clone, Debug)]
pub struct Store {
    root: PathBuf,
    uid: u32,
    crontab: PathBuf,
}

impl Store {
    /// Opens the store under `home` (`SHELLGUARD_HOME`); directories are created on first use.
    pub fn open(home: &Path) -> Result<Store> {
        Ok(Store {
            root: home.join("snapshots"),
            uid: nix::unistd::geteuid().as_raw(),
            crontab: PathBuf::from("crontab"),
        })
    }

    /// Uses `program` instead of `crontab` from `PATH` to restore crontabs.
    pub fn with_crontab_program(mut self, program: impl Into<PathBuf>) -> Store {
        self.crontab = program.into();
        self
    }

    /// The directory holding the transactions (`home/snapshots`).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The directory of one transaction in the home store.
    pub fn transaction_dir(&self, id: &SnapshotId) -> PathBuf {
        self.root.join(id.as_str())
    }

    /// Starts a transaction for one command; its manifest is on disk before this returns.
    /// `max_copy_size` bounds copies made when a path cannot be moved on its own filesystem.
    pub fn begin(&self, meta: TransactionMeta, max_copy_size: u64) -> Result<Transaction> {
        Transaction::begin(self.clone(), meta, max_copy_size)
    }

    /// Every transaction, oldest first, from their summaries only (no tree is walked).
    pub fn list(&self) -> Result<Vec<Summary>> {
        let mut summaries = Vec::new();
        for id in self.ids()? {
            summaries.push(manifest::load_summary(&self.transaction_dir(&id), &id)?);
        }
        summaries.sort_by(|a, b| (a.time, &a.id).cmp(&(b.time, &b.id)));
        Ok(summaries)
    }

    /// The full manifest of a transaction.
    pub fn manifest(&self, id: &SnapshotId) -> Result<Manifest> {
        manifest::load(&self.transaction_dir(id), id)
    }

    /// The newest transaction that still has something to restore.
    pub fn latest(&self) -> Result<Option<SnapshotId>> {
        Ok(self
            .list()?
            .into_iter()
            .rev()
            .find(|s| {
                matches!(s.state, State::Committed | State::PartlyRestored)
                    && s.entries + s.created > 0
            })
            .map(|s| s.id))
    }

    /// Drops transactions older than `older_than`, then the oldest ones until the rest fit in
    /// `max_size` bytes. Pending transactions are never dropped.
    pub fn prune(
        &self,
        older_than: Option<Duration>,
        max_size: Option<u64>,
    ) -> Result<PruneReport> {
        self.prune_keeping(older_than, max_size, Duration::ZERO)
    }

    /// Like [`Store::prune`], but fitting into `max_size` never drops a transaction younger
    /// than `floor` (the policy's `[snapshots] keep`): recent history outranks the size limit.
    pub fn prune_keeping(
        &self,
        older_than: Option<Duration>,
        max_size: Option<u64>,
        floor: Duration,
    ) -> Result<PruneReport> {
        let mut report = PruneReport::default();
        if !self.root.exists() {
            return Ok(report);
        }
        let _guard = self.lock_path(&self.root.join(".lock"), FlockArg::LockExclusive)?;
        let now = Timestamp::now();
        let mut kept: Vec<Summary> = Vec::new();
        for summary in self.list()? {
            let expired = older_than.is_some_and(|age| {
                now.secs.saturating_sub(summary.time.secs) > age.as_secs() as i64
            });
            if summary.state == State::Pending {
                report.kept_pending.push(summary.id);
            } else if expired {
                self.remove_transaction(&summary.id, &mut report)?;
            } else {
                kept.push(summary);
            }
        }
        if let Some(limit) = max_size {
            let old_enough =
                |s: &Summary| now.secs.saturating_sub(s.time.secs) >= floor.as_secs() as i64;
            let mut sizes: Vec<(SnapshotId, u64, bool)> = kept
                .iter()
                .map(|s| (s.id.clone(), self.usage(&s.id), old_enough(s)))
                .collect();
            let pending: u64 = report.kept_pending.iter().map(|id| self.usage(id)).sum();
            let mut total = pending + sizes.iter().map(|(_, size, _)| size).sum::<u64>();
            sizes.reverse(); // pop() yields the oldest
            while total > limit {
                let Some((id, size, true)) = sizes.pop() else {
                    break;
                };
                self.remove_transaction(&id, &mut report)?;
                total -= size;
            }
        }
        Ok(report)
    }

    /// Bytes a transaction occupies on disk, its other-filesystem parts included.
    pub fn usage(&self, id: &SnapshotId) -> u64 {
        let dir = self.transaction_dir(id);
        let others: u64 = self
            .manifest(id)
            .map(|m| outside_dirs(&m).iter().map(|d| fsops::disk_usage(d)).sum())
            .unwrap_or(0);
        fsops::disk_usage(&dir) + others
    }

    fn remove_transaction(&self, id: &SnapshotId, report: &mut PruneReport) -> Result<()> {
        let dir = self.transaction_dir(id);
        let Ok(lock) = self.lock_transaction(id, FlockArg::LockExclusiveNonblock) else {
            report.kept_pending.push(id.clone());
            return Ok(());
        };
        let size = self.usage(id);
        if let Ok(manifest) = self.manifest(id) {
            git::forget(&manifest);
            for outside in outside_dirs(&manifest) {
                fsops::remove_tree(&outside).map_err(SnapshotError::io("remove", &outside))?;
            }
        }
        fsops::remove_tree(&dir).map_err(SnapshotError::io("remove", &dir))?;
        drop(lock);
        report.freed += size;
        report.removed.push((id.clone(), size));
        Ok(())
    }

    fn ids(&self) -> Result<Vec<SnapshotId>> {
        let children = match fs::read_dir(&self.root) {
            Ok(children) => children,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(SnapshotError::io("read", &self.root)(e)),
        };
        let mut ids = Vec::new();
        for child in children {
            let child = child.map_err(SnapshotError::io("read", &self.root))?;
            if let Some(id) = child.file_name().to_str().and_then(|n| n.parse().ok()) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    /// Takes the lock of a transaction; `Busy` when another shellguard holds it.
    pub(crate) fn lock_transaction(&self, id: &SnapshotId, how: FlockArg) -> Result<Flock<File>> {
        let dir = self.transaction_dir(id);
        if !dir.is_dir() {
            return Err(SnapshotError::NotFound(id.clone()));
        }
        self.lock_path(&dir.join("lock"), how).map_err(|e| match e {
            SnapshotError::Io { source, .. } if source.kind() == io::ErrorKind::WouldBlock => {
                SnapshotError::Busy(id.clone())
            }
            other => other,
        })
    }

    fn lock_path(&self, path: &Path, how: FlockArg) -> Result<Flock<File>> {
        let file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(path)
            .map_err(SnapshotError::io("open", path))?;
        Flock::lock(file, how).map_err(|(_, errno)| {
            SnapshotError::io("lock", path)(io::Error::from_raw_os_error(errno as i32))
        })
    }
}

/// Transaction directories on other filesystems that hold entries of `manifest`.
fn outside_dirs(manifest: &Manifest) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = manifest
        .entries
        .iter()
        .filter_map(|e| e.store.clone())
        .chain(manifest.outside_stores.iter().map(|s| s.dir.clone()))
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs
}

/// What `prune` dropped.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PruneReport {
    /// Transactions removed, with the bytes each freed.
    pub removed: Vec<(SnapshotId, u64)>,
    /// Total bytes freed.
    pub freed: u64,
    /// Transactions kept because they are still pending or in use.
    pub kept_pending: Vec<SnapshotId>,
}
