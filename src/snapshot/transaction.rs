//! One guarded command's transaction: put aside, keep copies, commit or abort.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::fs::{self, File, OpenOptions};
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use nix::fcntl::{Flock, FlockArg};

use super::error::Result;
use super::fsops;
use super::manifest::{
    self, After, Entry, Fingerprint, Journal, Kind, Manifest, Method, OutsideStore, Record,
    RestoreAction, State, TransactionMeta,
};
use super::{Created, SnapshotError, SnapshotId, Store, TOPDIR_STORE_PREFIX, Timestamp};

/// Regular files up to this size are hashed when put aside; bigger ones and trees are sealed
/// later (`Store::seal`), so that deleting never costs a read of the data.
pub const EAGER_HASH_LIMIT: u64 = 1 << 20;

/// What became of a path handed to [`Transaction::put_aside`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disposal {
    /// Moved into the store: the path no longer exists where it was.
    Moved,
    /// Copied into the store: the original is still in place for the command to delete.
    Copied,
}

/// A transaction in progress; its manifest stays "pending" until [`Transaction::commit`].
/// Dropping it without commit or abort leaves it pending, as a crash would.
pub struct Transaction {
    store: Store,
    dir: PathBuf,
    manifest: Manifest,
    journal: Journal,
    _lock: Flock<File>,
    max_copy_size: u64,
    next_entry: u32,
    home_dev: u64,
    /// Per device: this transaction's directory on that filesystem, or why there is none.
    same_fs: HashMap<u64, std::result::Result<PathBuf, String>>,
    /// rsync backup directories handed out: (destination root, store dir, prefix).
    backups: Vec<(PathBuf, PathBuf, PathBuf)>,
}

impl Transaction {
    pub(super) fn begin(
        store: Store,
        meta: TransactionMeta,
        max_copy_size: u64,
    ) -> Result<Transaction> {
        for dir in [
            store.root.parent().unwrap_or(Path::new("/")),
            store.root.as_path(),
        ] {
            fs::DirBuilder::new()
                .recursive(true)
                .create(dir)
                .and_then(|()| fsops::create_private_dir(dir))
                .map_err(SnapshotError::io("create", dir))?;
        }
        let time = Timestamp::now();
        let (id, dir) = loop {
            let mut hasher = RandomState::new().build_hasher();
            hasher.write_u32(time.nanos);
            let id = SnapshotId::new(time, hasher.finish() as u16);
            let dir = store.transaction_dir(&id);
            match fs::DirBuilder::new().mode_private().create(&dir) {
                Ok(()) => break (id, dir),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(SnapshotError::io("create", &dir)(e)),
            }
        };
        let lock = store.lock_transaction(&id, FlockArg::LockExclusive)?;
        let manifest = Manifest::new(id, time, meta);
        manifest::save(&dir, &manifest)?;
        let journal = Journal::create(&dir)?;
        let home_dev = fsops::device_of(&dir).map_err(SnapshotError::io("stat", &dir))?;
        Ok(Transaction {
            store,
            dir,
            manifest,
            journal,
            _lock: lock,
            max_copy_size,
            next_entry: 1,
            home_dev,
            same_fs: HashMap::new(),
            backups: Vec::new(),
        })
    }

    /// The transaction's id.
    pub fn id(&self) -> &SnapshotId {
        &self.manifest.id
    }

    /// The transaction's directory in the home store.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The manifest as it stands.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// For `rm`: moves `path` (the entry itself, never a symlink's target) into a store on its
    /// filesystem with one rename. Where no such store can be had, copies it into the home
    /// store within the size budget and leaves the original for the command to delete.
    pub fn put_aside(&mut self, path: &Path) -> Result<Disposal> {
        self.set_aside(path, Method::Moved)
    }

    /// For `mv` onto an existing destination: like [`Transaction::put_aside`], recorded as
    /// replaced rather than deleted.
    pub fn keep_moved_aside(&mut self, path: &Path) -> Result<Disposal> {
        self.set_aside(path, Method::MovedAside)
    }

    /// For in-place writers (`cp` onto an existing file, `truncate`, `dd of=`): keeps a clone
    /// or copy of `path` (symlinks followed, as the writer would); the original stays.
    pub fn keep_copy(&mut self, path: &Path) -> Result<()> {
        let absolute = fsops::absolute(&self.manifest.meta.cwd, path);
        let original =
            fs::canonicalize(&absolute).map_err(|e| missing_or(e, "resolve", &absolute))?;
        let meta = fs::symlink_metadata(&original).map_err(|e| missing_or(e, "stat", &original))?;
        if let Some(mount) = fsops::mount_point_within(&original, &meta)
            && mount != original
        {
            return Err(SnapshotError::MountPointInside {
                path: original,
                mount,
            });
        }
        let size = fsops::tree_bytes(&original).map_err(SnapshotError::io("read", &original))?;
        let stored = self.next_name();
        let (dir, store) = match self.same_fs_dir(&original, meta.dev()) {
            Ok(found) => found,
            Err(_) => (self.dir.clone(), None),
        };
        if size > self.max_copy_size {
            return Err(SnapshotError::TooLargeToCopy {
                path: original,
                why: "a copy is needed to keep what is written over".into(),
                size,
                limit: self.max_copy_size,
            });
        }
        let stats = copy_checked(&original, &dir.join(&stored), size)?;
        let method = if stats.files > 0 && stats.cloned == stats.files {
            Method::Reflinked
        } else {
            Method::Copied
        };
        let mut entry = entry_for(&original, &original, &meta, stored.clone(), store, method);
        entry.checksum = eager_checksum(&meta, &dir.join(&stored));
        self.record(entry)
    }

    /// Keeps bytes that are not a file (a crontab); undo performs `restore` with them.
    pub fn save_bytes(&mut self, label: &str, bytes: &[u8], restore: RestoreAction) -> Result<()> {
        let stored = self.next_name();
        let path = self.dir.join(&stored);
        let write = || -> io::Result<()> {
            let mut file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&path)?;
            file.write_all(bytes)?;
            file.sync_all()
        };
        write().map_err(|e| store_write_error(e, &path, bytes.len() as u64))?;
        let now = Timestamp::now();
        let entry = Entry {
            original: PathBuf::from(label),
            stored,
            store: None,
            method: Method::Bytes,
            kind: Kind::Bytes,
            mode: 0o600,
            uid: self.store.uid,
            gid: nix::unistd::getegid().as_raw(),
            size: bytes.len() as u64,
            mtime: now,
            atime: now,
            symlink_target: None,
            checksum: Some(fsops::hash_bytes(bytes)),
            tree: None,
            restore: Some(restore),
            after: After::Unknown,
            restored_to: None,
        };
        self.record(entry)
    }

    /// Replaces the restore action of the bytes entry stored as `stored`, for what is known
    /// only once the command ended (git's state after it). Only the manifest written by
    /// [`Transaction::commit`] holds it: after a crash, the journal's earlier action counts.
    pub fn set_restore(&mut self, stored: &Path, restore: RestoreAction) {
        if let Some(entry) = self
            .manifest
            .entries
            .iter_mut()
            .find(|e| e.stored == stored && e.method == Method::Bytes)
        {
            entry.restore = Some(restore);
        }
    }

    /// Records the mode, owner and times of `path` so undo can put them back (for commands
    /// that change only attributes: `chmod -R`, rsync attribute updates).
    pub fn record_attributes(&mut self, path: &Path) -> Result<()> {
        let original = self.resolve_entry(path)?;
        let meta = fs::symlink_metadata(&original).map_err(|e| missing_or(e, "stat", &original))?;
        let entry = entry_for(
            &original,
            &original,
            &meta,
            PathBuf::new(),
            None,
            Method::Attributes,
        );
        self.record(entry)
    }

    /// A directory, on the filesystem of `dest_root`, for rsync's `--backup-dir`; what rsync
    /// puts there is recorded by [`Transaction::record_rsync_backup`] with the same root.
    pub fn backup_dir(&mut self, dest_root: &Path) -> Result<PathBuf> {
        let dest_root = fsops::absolute(&self.manifest.meta.cwd, dest_root);
        let dest_root = fs::canonicalize(&dest_root).unwrap_or(dest_root);
        let dev = fsops::device_of(&dest_root).map_err(SnapshotError::io("stat", &dest_root))?;
        let dir = match self.same_fs_dir(&dest_root, dev) {
            Ok((dir, _)) => dir,
            Err(_) => self.dir.clone(),
        };
        let prefix = PathBuf::from(format!("rsync-{}", self.backups.len() + 1));
        let backup = dir.join(&prefix);
        fsops::create_private_dir(&backup).map_err(SnapshotError::io("create", &backup))?;
        self.backups.push((dest_root, dir, prefix));
        Ok(backup)
    }

    /// After rsync ran: records every file it put into the backup directory for `dest_root`
    /// as an entry whose original path is `dest_root/<relative path>`.
    pub fn record_rsync_backup(&mut self, dest_root: &Path) -> Result<()> {
        let dest_root = fsops::absolute(&self.manifest.meta.cwd, dest_root);
        let dest_root = fs::canonicalize(&dest_root).unwrap_or(dest_root);
        let Some((root, dir, prefix)) = self
            .backups
            .iter()
            .rev()
            .find(|(root, _, _)| *root == dest_root)
            .cloned()
        else {
            return Ok(());
        };
        let store = (dir != self.dir).then(|| dir.clone());
        let mut found = Vec::new();
        collect_files(&dir.join(&prefix), Path::new(""), &mut found)
            .map_err(SnapshotError::io("read", dir.join(&prefix)))?;
        for (rel, meta) in found {
            let entry = entry_for(
                &fsops::join_relative(&root, &rel),
                &dir.join(&prefix).join(&rel),
                &meta,
                prefix.join(&rel),
                store.clone(),
                Method::RsyncBackup,
            );
            self.record(entry)?;
        }
        Ok(())
    }

    /// Records a path the command created; undo removes it if it is still as it is now.
    pub fn record_created(&mut self, path: &Path) -> Result<()> {
        let Ok(path) = self.resolve_entry(path) else {
            return Ok(());
        };
        let Ok(meta) = fs::symlink_metadata(&path) else {
            return Ok(());
        };
        let created = Created {
            path,
            fingerprint: Fingerprint::of(&meta),
        };
        self.journal.append(&Record::Created(created.clone()))?;
        self.manifest.created.push(created);
        Ok(())
    }

    /// Notes what the command left at each original place and writes the final manifest.
    pub fn commit(mut self) -> Result<SnapshotId> {
        for entry in &mut self.manifest.entries {
            if matches!(entry.kind, Kind::Bytes) || entry.method == Method::Attributes {
                continue;
            }
            entry.after = match fs::symlink_metadata(&entry.original) {
                Ok(meta) => After::Present(Fingerprint::of(&meta)),
                Err(_) => After::Absent,
            };
        }
        self.manifest.state = State::Committed;
        manifest::save(&self.dir, &self.manifest)?;
        self.journal.remove();
        Ok(self.manifest.id.clone())
    }

    /// The command will not run after all: puts back what was moved and forgets the rest.
    /// Entries that cannot go back stay in the store, recorded, and the first failure is returned.
    pub fn abort(mut self) -> Result<()> {
        let mut first_failure = None;
        for entry in self.manifest.entries.iter_mut().rev() {
            if !matches!(entry.method, Method::Moved | Method::MovedAside) {
                entry.restored_to = Some(PathBuf::new());
                continue;
            }
            let stored = entry
                .store
                .as_ref()
                .unwrap_or(&self.dir)
                .join(&entry.stored);
            match fsops::rename_noreplace(&stored, &entry.original) {
                Ok(()) => entry.restored_to = Some(entry.original.clone()),
                Err(e) => {
                    first_failure.get_or_insert(SnapshotError::io("put back", &entry.original)(e));
                }
            }
        }
        match first_failure {
            None => {
                for outside in &self.manifest.outside_stores {
                    let _ = fsops::remove_tree(&outside.dir);
                }
                let _ = fsops::remove_tree(&self.dir);
                Ok(())
            }
            Some(error) => {
                self.manifest.state = State::PartlyRestored;
                manifest::save(&self.dir, &self.manifest)?;
                self.journal.remove();
                Err(error)
            }
        }
    }

    fn set_aside(&mut self, path: &Path, method: Method) -> Result<Disposal> {
        let original = self.resolve_entry(path)?;
        let meta = fs::symlink_metadata(&original).map_err(|e| missing_or(e, "stat", &original))?;
        if let Some(mount) = fsops::mount_point_within(&original, &meta) {
            return Err(SnapshotError::MountPointInside {
                path: original,
                mount,
            });
        }
        if self.dir.starts_with(&original) {
            return Err(SnapshotError::ContainsStore {
                path: original,
                store: self.store.root.clone(),
            });
        }
        let stored = self.next_name();
        let why = match self.same_fs_dir(&original, meta.dev()) {
            Ok((dir, _)) if dir.starts_with(&original) => {
                return Err(SnapshotError::ContainsStore {
                    path: original,
                    store: dir,
                });
            }
            Ok((dir, store)) => {
                let mut entry =
                    entry_for(&original, &original, &meta, stored.clone(), store, method);
                entry.checksum = eager_checksum(&meta, &original);
                // The record reaches the disk before the move, so a crash cannot lose track of it.
                self.journal.append(&Record::Add(Box::new(entry.clone())))?;
                match fsops::rename_noreplace(&original, &dir.join(&stored)) {
                    Ok(()) => {
                        self.manifest.entries.push(entry);
                        return Ok(Disposal::Moved);
                    }
                    Err(e) => {
                        self.journal.append(&Record::Drop {
                            stored: stored.clone(),
                        })?;
                        if !fsops::is_cross_device(&e) {
                            return Err(SnapshotError::io("move aside", &original)(e));
                        }
                        "it is on another mount of the filesystem".to_string()
                    }
                }
            }
            Err(why) => why,
        };
        let size = fsops::tree_bytes(&original).map_err(SnapshotError::io("read", &original))?;
        if size > self.max_copy_size {
            return Err(SnapshotError::TooLargeToCopy {
                path: original,
                why,
                size,
                limit: self.max_copy_size,
            });
        }
        let target = self.dir.join(&stored);
        let stats = copy_checked(&original, &target, size)?;
        let method = if stats.files > 0 && stats.cloned == stats.files {
            Method::Reflinked
        } else {
            Method::Copied
        };
        let mut entry = entry_for(&original, &original, &meta, stored, None, method);
        entry.checksum = eager_checksum(&meta, &target);
        self.record(entry)?;
        Ok(Disposal::Copied)
    }

    /// This transaction's directory on the filesystem of device `dev` (holding `path`):
    /// the home store, or `<fs top>/.shellguard-<uid>/<id>`; `Err` says why there is none.
    fn same_fs_dir(
        &mut self,
        path: &Path,
        dev: u64,
    ) -> std::result::Result<(PathBuf, Option<PathBuf>), String> {
        if dev == self.home_dev {
            return Ok((self.dir.clone(), None));
        }
        if !self.same_fs.contains_key(&dev) {
            let found = self.make_outside_dir(path, dev);
            if let Ok(dir) = &found {
                let record = OutsideStore { dir: dir.clone() };
                self.journal
                    .append(&Record::Store(record.clone()))
                    .map_err(|e| e.to_string())?;
                self.manifest.outside_stores.push(record);
            }
            self.same_fs.insert(dev, found);
        }
        match &self.same_fs[&dev] {
            Ok(dir) => Ok((dir.clone(), Some(dir.clone()))),
            Err(why) => Err(why.clone()),
        }
    }

    fn make_outside_dir(&self, path: &Path, dev: u64) -> std::result::Result<PathBuf, String> {
        let top = fsops::filesystem_top(path, dev);
        let base = top.join(format!("{TOPDIR_STORE_PREFIX}{}", self.store.uid));
        if let Err(e) = fs::DirBuilder::new().mode_private().create(&base)
            && e.kind() != io::ErrorKind::AlreadyExists
        {
            return Err(format!("cannot create {}: {e}", base.display()));
        }
        let meta = fs::symlink_metadata(&base).map_err(|e| format!("{}: {e}", base.display()))?;
        let refuse = |what: String| Err(format!("{} {what}, so it is not used", base.display()));
        if meta.file_type().is_symlink() {
            return refuse("is a symlink".into());
        }
        if !meta.is_dir() {
            return refuse("is not a directory".into());
        }
        if meta.uid() != self.store.uid {
            return refuse(format!("is owned by uid {}", meta.uid()));
        }
        if meta.mode() & 0o077 != 0 {
            return refuse(format!("has mode {:04o}, not 0700", meta.mode() & 0o7777));
        }
        let dir = base.join(self.manifest.id.as_str());
        fs::DirBuilder::new()
            .mode_private()
            .create(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        if fsops::device_of(&dir).ok() != Some(dev) {
            let _ = fs::remove_dir(&dir);
            return Err(format!(
                "{} is not on the filesystem of {}",
                base.display(),
                path.display()
            ));
        }
        Ok(dir)
    }

    fn resolve_entry(&self, path: &Path) -> Result<PathBuf> {
        match fsops::entry_path(&self.manifest.meta.cwd, path) {
            Ok(Some(resolved)) => Ok(resolved),
            Ok(None) => Err(SnapshotError::NotAnEntry(path.to_path_buf())),
            Err(e) => Err(missing_or(e, "resolve", path)),
        }
    }

    fn record(&mut self, entry: Entry) -> Result<()> {
        self.journal.append(&Record::Add(Box::new(entry.clone())))?;
        self.manifest.entries.push(entry);
        Ok(())
    }

    fn next_name(&mut self) -> PathBuf {
        let name = PathBuf::from(format!("e{:04}", self.next_entry));
        self.next_entry += 1;
        name
    }
}

trait PrivateDir {
    fn mode_private(&mut self) -> &mut Self;
}

impl PrivateDir for fs::DirBuilder {
    fn mode_private(&mut self) -> &mut Self {
        use std::os::unix::fs::DirBuilderExt;
        self.mode(0o700)
    }
}

/// Copies into the store after checking there is room; on failure nothing is left behind.
fn copy_checked(original: &Path, target: &Path, size: u64) -> Result<fsops::CopyStats> {
    let parent = target.parent().unwrap_or(Path::new("/"));
    if let Some(free) = fsops::free_space(parent)
        && free < size
    {
        return Err(SnapshotError::NoSpace {
            fs: parent.to_path_buf(),
            size,
        });
    }
    fsops::copy_tree(original, target).map_err(|e| store_write_error(e, target, size))
}

fn store_write_error(e: io::Error, target: &Path, size: u64) -> SnapshotError {
    if fsops::is_no_space(&e) {
        SnapshotError::NoSpace {
            fs: target.parent().unwrap_or(Path::new("/")).to_path_buf(),
            size,
        }
    } else {
        SnapshotError::io("copy into", target)(e)
    }
}

fn missing_or(e: io::Error, action: &'static str, path: &Path) -> SnapshotError {
    if e.kind() == io::ErrorKind::NotFound {
        SnapshotError::Missing(path.to_path_buf())
    } else {
        SnapshotError::io(action, path)(e)
    }
}

fn eager_checksum(meta: &fs::Metadata, path: &Path) -> Option<String> {
    (meta.is_file() && meta.size() <= EAGER_HASH_LIMIT)
        .then(|| fsops::hash_file(path).ok())
        .flatten()
}

/// An entry for `original` from the metadata of the node now at `at`.
pub(super) fn entry_for(
    original: &Path,
    at: &Path,
    meta: &fs::Metadata,
    stored: PathBuf,
    store: Option<PathBuf>,
    method: Method,
) -> Entry {
    let kind = manifest::kind_of(meta);
    Entry {
        original: original.to_path_buf(),
        stored,
        store,
        method,
        kind,
        mode: meta.mode(),
        uid: meta.uid(),
        gid: meta.gid(),
        size: meta.size(),
        mtime: manifest::mtime_of(meta),
        atime: manifest::atime_of(meta),
        symlink_target: (kind == Kind::Symlink)
            .then(|| fs::read_link(at).ok())
            .flatten(),
        checksum: None,
        tree: None,
        restore: None,
        after: After::Unknown,
        restored_to: None,
    }
}

/// Every non-directory below `dir`, with its path relative to `dir`.
fn collect_files(dir: &Path, rel: &Path, out: &mut Vec<(PathBuf, fs::Metadata)>) -> io::Result<()> {
    for child in fs::read_dir(dir.join(rel))? {
        let child = child?;
        let child_rel = rel.join(child.file_name());
        let meta = fs::symlink_metadata(dir.join(&child_rel))?;
        if meta.is_dir() {
            collect_files(dir, &child_rel, out)?;
        } else {
            out.push((child_rel, meta));
        }
    }
    Ok(())
}
