//! The manifest: what a transaction put aside, where it came from and how to put it back.
//!
//! A transaction directory holds `manifest.json` (rewritten atomically at begin, commit,
//! seal and undo), `summary.json` (the few fields `list` needs) and, while the transaction
//! is pending, `journal.jsonl`: one record appended (and flushed to disk) *before* each
//! move, so a crash at any point leaves a record of where everything went.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::Result;
use super::{SnapshotError, SnapshotId, Timestamp};

/// Version of the manifest format, bumped on incompatible changes.
pub const MANIFEST_VERSION: u32 = 1;

pub(crate) const MANIFEST_FILE: &str = "manifest.json";
pub(crate) const SUMMARY_FILE: &str = "summary.json";
pub(crate) const JOURNAL_FILE: &str = "journal.jsonl";

/// Who ran which command where: recorded with every transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionMeta {
    /// Host name (as shellguard shows it).
    pub host: String,
    /// Effective user name.
    pub user: String,
    /// The user behind `sudo`, when there is one.
    pub sudo_user: Option<String>,
    /// Working directory of the command; relative paths are resolved against it.
    #[serde(with = "bytes_path")]
    pub cwd: PathBuf,
    /// The command as run, byte for byte.
    #[serde(with = "bytes_argv")]
    pub argv: Vec<OsString>,
}

/// Where a transaction is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// Begun and not committed: in progress, or its shellguard died.
    Pending,
    /// The command ran; everything it destroyed is here.
    Committed,
    /// Undone in part: some entries met a conflict and are still here.
    PartlyRestored,
    /// Everything was put back.
    Restored,
    /// The command did not run after all and what was moved went back.
    Aborted,
}

/// How an entry got into the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Renamed into the store (rm).
    Moved,
    /// Renamed into the store because a command (mv) was about to replace it.
    MovedAside,
    /// Copied; the original stays for the command to change or delete.
    Copied,
    /// Cloned with `FICLONE` (shares blocks until either side changes).
    Reflinked,
    /// Bytes handed over by the caller (e.g. `crontab -l`).
    Bytes,
    /// Put into the transaction by rsync's `--backup-dir`.
    RsyncBackup,
    /// Only the attributes (mode, owner, times) were recorded; the contents were not at risk.
    Attributes,
}

/// File type of an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A regular file.
    File,
    /// A directory (the whole tree below it goes with it).
    Dir,
    /// A symbolic link (the link itself, never its target).
    Symlink,
    /// A fifo, socket or device node.
    Special,
    /// Bytes that are not a file anywhere (a crontab).
    Bytes,
}

/// What undo does with an entry's bytes instead of putting a file back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum RestoreAction {
    /// Feed the bytes to `crontab [-u USER] -`.
    Crontab { user: Option<String> },
    /// Put back uncommitted changes (and HEAD) kept as a commit in the repository.
    GitChanges(Box<super::git::GitChanges>),
    /// Store dropped stash entries again.
    GitStashes(super::git::GitStashes),
    /// Recreate deleted branches.
    GitBranches(super::git::GitBranches),
}

/// Identity of what stands at a path, to tell "as the command left it" from "changed since".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    pub kind: Kind,
    pub ino: u64,
    pub size: u64,
    pub mtime: Timestamp,
}

impl Fingerprint {
    pub(crate) fn of(meta: &fs::Metadata) -> Fingerprint {
        Fingerprint {
            kind: kind_of(meta),
            ino: meta.ino(),
            size: meta.size(),
            mtime: mtime_of(meta),
        }
    }
}

/// What the command left at an entry's original path, observed at commit.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum After {
    /// Not observed (the transaction never committed).
    #[default]
    Unknown,
    /// Nothing was there.
    Absent,
    /// This was there (e.g. the file cp wrote over the original).
    Present(Fingerprint),
}

/// The digest of a directory entry's tree, computed lazily (see `verify`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreeSeal {
    /// File (in the transaction directory) listing every node with its checksum.
    pub listing: String,
    /// blake3 of that listing, so the listing itself cannot be damaged unnoticed.
    pub digest: String,
    /// Number of nodes below the top.
    pub nodes: u64,
    /// Bytes in regular files below the top.
    pub bytes: u64,
    /// When the seal was made.
    pub sealed_at: Timestamp,
}

/// One thing the command destroyed (or replaced) and the store kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Absolute path it had (for `Bytes` entries: a label such as `crontab of alice`).
    #[serde(with = "bytes_path")]
    pub original: PathBuf,
    /// Name inside the store directory (`e0001`, or `rsync-1/rel/path`).
    #[serde(with = "bytes_path")]
    pub stored: PathBuf,
    /// Store directory holding it when not the home transaction directory.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "bytes_path_opt"
    )]
    pub store: Option<PathBuf>,
    pub method: Method,
    pub kind: Kind,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    /// Size of the top node (for directories: what `stat` says, not the tree).
    pub size: u64,
    pub mtime: Timestamp,
    pub atime: Timestamp,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "bytes_path_opt"
    )]
    pub symlink_target: Option<PathBuf>,
    /// blake3 of a regular file's contents, when computed (see `verify`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// Lazily computed digest of a directory tree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tree: Option<TreeSeal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore: Option<RestoreAction>,
    #[serde(default)]
    pub after: After,
    /// Where undo put it back, once it has.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "bytes_path_opt"
    )]
    pub restored_to: Option<PathBuf>,
}

/// A path the command created, with what it was right after the command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    #[serde(with = "bytes_path")]
    pub path: PathBuf,
    pub fingerprint: Fingerprint,
}

/// Everything known about one transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    pub id: SnapshotId,
    pub state: State,
    pub time: Timestamp,
    /// `time` for people.
    pub time_utc: String,
    #[serde(flatten)]
    pub meta: TransactionMeta,
    /// `argv` for people (lossy where it is not UTF-8).
    pub command: String,
    pub entries: Vec<Entry>,
    pub created: Vec<Created>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restored_at: Option<Timestamp>,
    /// Transaction directories on other filesystems (`<fs top>/.shellguard-<uid>/<id>`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outside_stores: Vec<OutsideStore>,
    /// What undo found at original places, as the command had left it, and moved into the store.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub displaced: Vec<Displaced>,
}

/// A transaction directory on another filesystem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutsideStore {
    #[serde(with = "bytes_path")]
    pub dir: PathBuf,
}

/// Something undo moved out of the way (it was what the command had left there).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Displaced {
    /// Where it stood.
    #[serde(with = "bytes_path")]
    pub place: PathBuf,
    /// Where it is kept now.
    #[serde(with = "bytes_path")]
    pub kept_at: PathBuf,
}

/// The part of a manifest `list` shows, kept in its own small file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub id: SnapshotId,
    pub state: State,
    pub time: Timestamp,
    pub host: String,
    pub user: String,
    pub sudo_user: Option<String>,
    pub cwd: String,
    pub command: String,
    /// Number of entries kept.
    pub entries: usize,
    /// Bytes known without walking trees: regular files plus sealed trees.
    pub known_bytes: u64,
    /// Number of paths the command created.
    pub created: usize,
}

impl Manifest {
    pub(crate) fn new(id: SnapshotId, time: Timestamp, meta: TransactionMeta) -> Manifest {
        Manifest {
            version: MANIFEST_VERSION,
            id,
            state: State::Pending,
            time,
            time_utc: time.to_rfc3339(),
            command: display_argv(&meta.argv),
            meta,
            entries: Vec::new(),
            created: Vec::new(),
            restored_at: None,
            displaced: Vec::new(),
            outside_stores: Vec::new(),
        }
    }

    /// The summary `list` shows.
    pub fn summary(&self) -> Summary {
        Summary {
            id: self.id.clone(),
            state: self.state,
            time: self.time,
            host: self.meta.host.clone(),
            user: self.meta.user.clone(),
            sudo_user: self.meta.sudo_user.clone(),
            cwd: self.meta.cwd.to_string_lossy().into_owned(),
            command: self.command.clone(),
            entries: self.entries.len(),
            known_bytes: self.entries.iter().map(Entry::known_bytes).sum(),
            created: self.created.len(),
        }
    }

    /// Applies a journal record; entries already present (journal merged before a crash) are skipped.
    fn apply(&mut self, record: Record) {
        match record {
            Record::Add(entry) => {
                if !self
                    .entries
                    .iter()
                    .any(|e| e.stored == entry.stored && e.store == entry.store)
                {
                    self.entries.push(*entry);
                }
            }
            Record::Drop { stored } => self.entries.retain(|e| e.stored != stored),
            Record::Store(store) => {
                if !self.outside_stores.contains(&store) {
                    self.outside_stores.push(store);
                }
            }
            Record::Created(created) => {
                if !self.created.iter().any(|c| c.path == created.path) {
                    self.created.push(created);
                }
            }
        }
    }
}

impl Entry {
    /// Bytes this entry is known to hold without walking it.
    pub fn known_bytes(&self) -> u64 {
        match (&self.tree, self.kind) {
            (Some(seal), _) => seal.bytes,
            (None, Kind::File | Kind::Bytes) => self.size,
            _ => 0,
        }
    }
}

/// One line of the write-ahead journal.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Record {
    Add(Box<Entry>),
    Drop {
        #[serde(with = "bytes_path")]
        stored: PathBuf,
    },
    Created(Created),
    Store(OutsideStore),
}

/// Writes `bytes` to `path` atomically: temp file, fsync, rename, fsync of the directory.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(format!(".tmp-{}", std::process::id()));
    let tmp = dir.join(tmp_name);
    let write = || -> std::io::Result<()> {
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)?;
        File::open(dir)?.sync_all()
    };
    write().map_err(|e| {
        let _ = fs::remove_file(&tmp);
        SnapshotError::io("write", path)(e)
    })
}

/// Writes the manifest and its summary into the transaction directory `dir`.
pub(crate) fn save(dir: &Path, manifest: &Manifest) -> Result<()> {
    let json = serde_json::to_vec_pretty(manifest).expect("manifests always serialize");
    write_atomic(&dir.join(MANIFEST_FILE), &json)?;
    let summary = serde_json::to_vec(&manifest.summary()).expect("summaries always serialize");
    write_atomic(&dir.join(SUMMARY_FILE), &summary)
}

/// Reads a transaction's manifest, replaying its journal if it never committed.
pub(crate) fn load(dir: &Path, id: &SnapshotId) -> Result<Manifest> {
    let corrupt = |why: String| SnapshotError::Corrupt {
        id: id.clone(),
        dir: dir.to_path_buf(),
        why,
    };
    let path = dir.join(MANIFEST_FILE);
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(SnapshotError::NotFound(id.clone()));
        }
        Err(e) => return Err(SnapshotError::io("read", path)(e)),
    };
    let mut manifest: Manifest =
        serde_json::from_slice(&bytes).map_err(|e| corrupt(format!("{MANIFEST_FILE}: {e}")))?;
    let journal = dir.join(JOURNAL_FILE);
    if let Ok(file) = File::open(&journal) {
        for line in BufReader::new(file).split(b'\n') {
            let line = line.map_err(SnapshotError::io("read", &journal))?;
            // A torn last line is what a crash mid-append leaves; the move it announced never happened.
            if let Ok(record) = serde_json::from_slice::<Record>(&line) {
                manifest.apply(record);
            }
        }
    }
    Ok(manifest)
}

/// Reads only the summary of a transaction (what `list` needs).
pub(crate) fn load_summary(dir: &Path, id: &SnapshotId) -> Result<Summary> {
    // The summary is only a cache of the manifest: when it is missing (a crashed begin, an
    // older version) or damaged, the manifest answers, so one bad file does not hide the store.
    fs::read(dir.join(SUMMARY_FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .map_or_else(|| load(dir, id).map(|m| m.summary()), Ok)
}

/// The append-only journal of a pending transaction.
pub(crate) struct Journal {
    file: File,
    path: PathBuf,
}

impl Journal {
    pub(crate) fn create(dir: &Path) -> Result<Journal> {
        let path = dir.join(JOURNAL_FILE);
        let file = OpenOptions::new()
            .append(true)
            .create(true)
            .mode(0o600)
            .open(&path)
            .map_err(SnapshotError::io("create", &path))?;
        Ok(Journal { file, path })
    }

    /// Appends a record and flushes it to disk before returning.
    pub(crate) fn append(&mut self, record: &Record) -> Result<()> {
        let mut line = serde_json::to_vec(record).expect("records always serialize");
        line.push(b'\n');
        self.file
            .write_all(&line)
            .and_then(|()| self.file.sync_data())
            .map_err(SnapshotError::io("write", &self.path))
    }

    pub(crate) fn remove(self) {
        let _ = fs::remove_file(&self.path);
    }
}

pub(crate) fn kind_of(meta: &fs::Metadata) -> Kind {
    let ft = meta.file_type();
    if ft.is_symlink() {
        Kind::Symlink
    } else if ft.is_dir() {
        Kind::Dir
    } else if ft.is_file() {
        Kind::File
    } else {
        Kind::Special
    }
}

pub(crate) fn mtime_of(meta: &fs::Metadata) -> Timestamp {
    Timestamp {
        secs: meta.mtime(),
        nanos: meta.mtime_nsec() as u32,
    }
}

pub(crate) fn atime_of(meta: &fs::Metadata) -> Timestamp {
    Timestamp {
        secs: meta.atime(),
        nanos: meta.atime_nsec() as u32,
    }
}

/// Shell-like rendering of an argv for people; lossy where it is not UTF-8.
pub fn display_argv(argv: &[OsString]) -> String {
    argv.iter()
        .map(|arg| {
            let text = arg.to_string_lossy();
            let plain = !text.is_empty()
                && text
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%^".contains(c));
            if plain {
                text.into_owned()
            } else {
                format!("'{}'", text.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A path or argument in JSON: a plain string when it is UTF-8, otherwise
/// `{"hex": "...", "lossy": "..."}` so that no byte is lost.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum JsonBytes {
    Text(String),
    Raw { hex: String, lossy: String },
}

impl JsonBytes {
    fn from_os(os: &std::ffi::OsStr) -> JsonBytes {
        match os.to_str() {
            Some(text) => JsonBytes::Text(text.to_string()),
            None => JsonBytes::Raw {
                hex: os.as_bytes().iter().map(|b| format!("{b:02x}")).collect(),
                lossy: os.to_string_lossy().into_owned(),
            },
        }
    }

    fn into_os(self) -> Result<OsString, String> {
        match self {
            JsonBytes::Text(text) => Ok(OsString::from(text)),
            JsonBytes::Raw { hex, .. } => {
                if hex.len() % 2 != 0 {
                    return Err(format!("odd-length hex '{hex}'"));
                }
                (0..hex.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&hex[i..i + 2], 16))
                    .collect::<Result<Vec<u8>, _>>()
                    .map(OsString::from_vec)
                    .map_err(|e| format!("bad hex '{hex}': {e}"))
            }
        }
    }
}

pub(super) mod bytes_path {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
        JsonBytes::from_os(path.as_os_str()).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<PathBuf, D::Error> {
        JsonBytes::deserialize(d)?
            .into_os()
            .map(PathBuf::from)
            .map_err(serde::de::Error::custom)
    }
}

pub(super) mod bytes_path_opt {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(path: &Option<PathBuf>, s: S) -> Result<S::Ok, S::Error> {
        path.as_deref()
            .map(|p| JsonBytes::from_os(p.as_os_str()))
            .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<PathBuf>, D::Error> {
        Option::<JsonBytes>::deserialize(d)?
            .map(|b| b.into_os().map(PathBuf::from))
            .transpose()
            .map_err(serde::de::Error::custom)
    }
}

mod bytes_argv {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(argv: &[OsString], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(argv.iter().map(|a| JsonBytes::from_os(a)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<OsString>, D::Error> {
        Vec::<JsonBytes>::deserialize(d)?
            .into_iter()
            .map(JsonBytes::into_os)
            .collect::<Result<_, _>>()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> TransactionMeta {
        TransactionMeta {
            host: "db1".into(),
            user: "root".into(),
            sudo_user: Some("alice".into()),
            cwd: PathBuf::from(OsString::from_vec(b"/srv/caf\xe9".to_vec())),
            argv: vec![
                "rm".into(),
                "-rf".into(),
                OsString::from_vec(b"caf\xe9 menu".to_vec()),
            ],
        }
    }

    #[test]
    fn non_utf8_paths_and_argv_survive_json() {
        let id: SnapshotId = "20261121-230405-12345-3f9a".parse().unwrap();
        let manifest = Manifest::new(id, Timestamp::now(), meta());
        let json = serde_json::to_string(&manifest).unwrap();
        assert!(json.contains(r#""hex":"2f7372762f636166e9""#), "{json}");
        let back: Manifest = serde_json::from_str(&json).unwrap();
        assert_eq!(back, manifest);
        assert_eq!(back.command, "rm -rf 'caf\u{fffd} menu'");
    }

    #[test]
    fn torn_journal_line_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let id: SnapshotId = "20261121-230405-12345-3f9a".parse().unwrap();
        save(
            dir.path(),
            &Manifest::new(id.clone(), Timestamp::now(), meta()),
        )
        .unwrap();
        let mut journal = Journal::create(dir.path()).unwrap();
        journal
            .append(&Record::Drop {
                stored: "e0001".into(),
            })
            .unwrap();
        let mut file = OpenOptions::new()
            .append(true)
            .open(dir.path().join(JOURNAL_FILE))
            .unwrap();
        file.write_all(b"{\"add\":{\"orig").unwrap();
        let manifest = load(dir.path(), &id).unwrap();
        assert_eq!(manifest.state, State::Pending);
        assert!(manifest.entries.is_empty());
    }
}
