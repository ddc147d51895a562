//! `verify` and `seal`: are the stored entries complete and unchanged?
//!
//! Why checksums of trees are taken lazily: an entry put aside by rename *is* the original
//! inode, so at that moment there is nothing that could differ from the original, and hashing
//! a 100,000-file tree would cost more than the `rm -rf` it replaces (a stat walk of such a
//! tree alone costs 0.2-0.5 s, the rename under a millisecond). What checksums protect
//! against is later damage in the store: the first `seal` (run by `verify`, or by the CLI
//! once the command has finished) writes a listing of every node below a directory entry with
//! its metadata and blake3, and stores the blake3 of that listing in the manifest; every
//! later `verify` compares against it. Small regular files are hashed when put aside.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::os::unix::ffi::OsStringExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use nix::fcntl::FlockArg;
use serde::{Deserialize, Serialize};

use super::error::Result;
use super::fsops;
use super::manifest::{self, Entry, Kind, Method, State, TreeSeal};
use super::{SnapshotError, SnapshotId, Store, Timestamp};

/// At most this many differences are named per directory entry; the rest are counted.
const MAX_NAMED_PER_TREE: usize = 20;

/// One missing or damaged entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub id: SnapshotId,
    /// Where the entry came from.
    pub original: PathBuf,
    /// Where it is (or should be) in the store.
    pub stored_at: PathBuf,
    /// What is wrong, e.g. `missing`, `contents changed`, `sub/file: missing`.
    pub what: String,
}

/// What `verify` found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// Transactions checked.
    pub checked: Vec<SnapshotId>,
    /// Entries checked.
    pub entries: usize,
    /// Every missing or damaged entry.
    pub problems: Vec<Problem>,
    /// Entries that had no checksum yet and were sealed now (nothing to compare against).
    pub sealed: Vec<(SnapshotId, PathBuf)>,
    /// Transactions skipped because another shellguard is working on them.
    pub busy: Vec<SnapshotId>,
}

impl VerifyReport {
    /// True when nothing is missing or damaged.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// One node of a sealed tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Node {
    /// Path below the entry, as bytes.
    path: Vec<u8>,
    kind: Kind,
    mode: u32,
    uid: u32,
    gid: u32,
    size: u64,
    mtime: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    target: Option<Vec<u8>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    blake3: Option<String>,
}

impl Store {
    /// Computes the checksums that putting aside skipped (big files, directory trees).
    /// Returns how many entries were sealed.
    pub fn seal(&self, id: &SnapshotId) -> Result<usize> {
        let mut report = VerifyReport::default();
        self.verify_one(id, &mut report, true)?;
        Ok(report.sealed.len())
    }

    /// Re-hashes the entries of `id` (or of every transaction that still holds entries) and
    /// names each missing or damaged one. Entries never hashed are sealed now.
    pub fn verify(&self, id: Option<&SnapshotId>) -> Result<VerifyReport> {
        let mut report = VerifyReport::default();
        match id {
            Some(id) => self.verify_one(id, &mut report, false)?,
            None => {
                for summary in self.list()? {
                    if matches!(summary.state, State::Restored | State::Aborted) {
                        continue;
                    }
                    match self.verify_one(&summary.id, &mut report, false) {
                        Err(SnapshotError::Busy(id)) => report.busy.push(id),
                        other => other?,
                    }
                }
            }
        }
        Ok(report)
    }

    fn verify_one(
        &self,
        id: &SnapshotId,
        report: &mut VerifyReport,
        seal_only: bool,
    ) -> Result<()> {
        let _lock = self.lock_transaction(id, FlockArg::LockExclusiveNonblock)?;
        let dir = self.transaction_dir(id);
        let mut manifest = manifest::load(&dir, id)?;
        report.checked.push(id.clone());
        let mut changed = false;
        let mut sealed = Vec::new();
        for entry in &mut manifest.entries {
            if entry.restored_to.is_some() || entry.method == Method::Attributes {
                continue;
            }
            report.entries += 1;
            let stored_at = entry.store.as_ref().unwrap_or(&dir).join(&entry.stored);
            let original = entry.original.clone();
            let mut problem = |what: String| {
                report.problems.push(Problem {
                    id: id.clone(),
                    original: original.clone(),
                    stored_at: stored_at.clone(),
                    what,
                })
            };
            let meta = match fs::symlink_metadata(&stored_at) {
                Ok(meta) => meta,
                Err(_) => {
                    problem("missing from the store".into());
                    continue;
                }
            };
            let mut problems = top_differences(entry, &meta);
            let needs_seal = match entry.kind {
                Kind::File | Kind::Bytes => entry.checksum.is_none(),
                Kind::Dir => entry.tree.is_none(),
                Kind::Symlink | Kind::Special => false,
            };
            if needs_seal && problems.is_empty() {
                seal_entry(entry, &stored_at, &dir)?;
                sealed.push(entry.original.clone());
                changed = true;
            } else if !seal_only && problems.is_empty() {
                problems = content_differences(entry, &stored_at, &dir);
            }
            for what in problems {
                problem(what);
            }
        }
        report
            .sealed
            .extend(sealed.into_iter().map(|p| (id.clone(), p)));
        if changed {
            manifest::save(&dir, &manifest)?;
        }
        Ok(())
    }
}

/// Differences between the stored top node and what the manifest recorded.
fn top_differences(entry: &Entry, meta: &fs::Metadata) -> Vec<String> {
    let mut out = Vec::new();
    let kind = manifest::kind_of(meta);
    let expected = if entry.kind == Kind::Bytes {
        Kind::File
    } else {
        entry.kind
    };
    if kind != expected {
        out.push(format!("is a {kind:?}, was a {:?}", entry.kind).to_lowercase());
        return out;
    }
    if entry.kind == Kind::Bytes {
        return out;
    }
    if meta.mode() & 0o7777 != entry.mode & 0o7777 {
        out.push(format!(
            "mode changed from {:04o} to {:04o}",
            entry.mode & 0o7777,
            meta.mode() & 0o7777
        ));
    }
    if (meta.uid(), meta.gid()) != (entry.uid, entry.gid) && nix::unistd::geteuid().is_root() {
        out.push(format!(
            "owner changed from {}:{} to {}:{}",
            entry.uid,
            entry.gid,
            meta.uid(),
            meta.gid()
        ));
    }
    if entry.kind == Kind::File && meta.size() != entry.size {
        out.push(format!(
            "size changed from {} to {} bytes",
            entry.size,
            meta.size()
        ));
    }
    out
}

/// Differences in contents: file checksum, symlink target, or the sealed tree.
fn content_differences(entry: &Entry, stored_at: &Path, dir: &Path) -> Vec<String> {
    match entry.kind {
        Kind::File | Kind::Bytes => match (fsops::hash_file(stored_at), &entry.checksum) {
            (Ok(now), Some(then)) if now != *then => {
                vec!["contents changed (checksum differs)".into()]
            }
            (Err(e), _) => vec![format!("unreadable: {e}")],
            _ => Vec::new(),
        },
        Kind::Symlink => {
            let now = fs::read_link(stored_at).ok();
            if now != entry.symlink_target {
                vec!["symlink target changed".into()]
            } else {
                Vec::new()
            }
        }
        Kind::Dir => match &entry.tree {
            Some(seal) => tree_differences(seal, stored_at, dir),
            None => Vec::new(),
        },
        Kind::Special => Vec::new(),
    }
}

fn seal_entry(entry: &mut Entry, stored_at: &Path, dir: &Path) -> Result<()> {
    if entry.kind != Kind::Dir {
        entry.checksum =
            Some(fsops::hash_file(stored_at).map_err(SnapshotError::io("read", stored_at))?);
        return Ok(());
    }
    let mut nodes = Vec::new();
    walk(stored_at, &mut Vec::new(), &mut nodes).map_err(SnapshotError::io("read", stored_at))?;
    let listing_name = format!(
        "{}.tree.json",
        entry.stored.to_string_lossy().replace('/', "_")
    );
    let listing = serde_json::to_vec(&nodes).expect("listings always serialize");
    manifest::write_atomic(&dir.join(&listing_name), &listing)?;
    entry.tree = Some(TreeSeal {
        listing: listing_name,
        digest: fsops::hash_bytes(&listing),
        nodes: nodes.len() as u64,
        bytes: nodes
            .iter()
            .filter(|n| n.kind == Kind::File)
            .map(|n| n.size)
            .sum(),
        sealed_at: Timestamp::now(),
    });
    Ok(())
}

fn tree_differences(seal: &TreeSeal, stored_at: &Path, dir: &Path) -> Vec<String> {
    let listing = match fs::read(dir.join(&seal.listing)) {
        Ok(bytes) if fsops::hash_bytes(&bytes) == seal.digest => bytes,
        Ok(_) => return vec![format!("its listing {} is damaged", seal.listing)],
        Err(e) => return vec![format!("its listing {} is unreadable: {e}", seal.listing)],
    };
    let Ok(expected) = serde_json::from_slice::<Vec<Node>>(&listing) else {
        return vec![format!("its listing {} is damaged", seal.listing)];
    };
    let mut found = Vec::new();
    if let Err(e) = walk(stored_at, &mut Vec::new(), &mut found) {
        return vec![format!("unreadable: {e}")];
    }
    let mut now: BTreeMap<Vec<u8>, Node> = found.into_iter().map(|n| (n.path.clone(), n)).collect();
    let mut out = Vec::new();
    for node in expected {
        let name = PathBuf::from(OsString::from_vec(node.path.clone()));
        match now.remove(&node.path) {
            None => out.push(format!("{}: missing", name.display())),
            Some(current) if current.blake3 != node.blake3 || current.target != node.target => {
                out.push(format!("{}: contents changed", name.display()))
            }
            Some(current)
                if current.kind != node.kind
                    || current.mode != node.mode
                    || current.size != node.size =>
            {
                out.push(format!("{}: type, mode or size changed", name.display()))
            }
            Some(_) => {}
        }
    }
    for extra in now.keys() {
        out.push(format!(
            "{}: not in the snapshot",
            PathBuf::from(OsString::from_vec(extra.clone())).display()
        ));
    }
    if out.len() > MAX_NAMED_PER_TREE {
        let more = out.len() - MAX_NAMED_PER_TREE;
        out.truncate(MAX_NAMED_PER_TREE);
        out.push(format!("and {more} more differences"));
    }
    out
}

/// Lists every node below `root` (not `root` itself), sorted by path, hashing regular files.
fn walk(root: &Path, rel: &mut Vec<u8>, out: &mut Vec<Node>) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let here = if rel.is_empty() {
        root.to_path_buf()
    } else {
        root.join(std::ffi::OsStr::from_bytes(rel))
    };
    let mut children: Vec<_> = fs::read_dir(&here)?.collect::<std::io::Result<_>>()?;
    children.sort_by_key(|c| c.file_name());
    for child in children {
        let saved = rel.len();
        if !rel.is_empty() {
            rel.push(b'/');
        }
        rel.extend_from_slice(child.file_name().as_bytes());
        let path = child.path();
        let meta = fs::symlink_metadata(&path)?;
        let kind = manifest::kind_of(&meta);
        out.push(Node {
            path: rel.clone(),
            kind,
            mode: meta.mode(),
            uid: meta.uid(),
            gid: meta.gid(),
            size: if kind == Kind::Dir { 0 } else { meta.size() },
            mtime: manifest::mtime_of(&meta),
            target: (kind == Kind::Symlink)
                .then(|| {
                    fs::read_link(&path)
                        .ok()
                        .map(|t| t.into_os_string().into_vec())
                })
                .flatten(),
            blake3: (kind == Kind::File)
                .then(|| fsops::hash_file(&path))
                .transpose()?,
        });
        if kind == Kind::Dir {
            walk(root, rel, out)?;
        }
        rel.truncate(saved);
    }
    Ok(())
}
