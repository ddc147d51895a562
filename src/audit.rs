//! The audit trail: one JSON line per guarded command in `state_home/log.jsonl`.
//!
//! Lines are only ever appended, each with a single `write(2)` on an `O_APPEND` descriptor,
//! so concurrent shellguards never interleave within a line. Readers skip a line they cannot
//! parse (a torn write after a crash, a hand edit) instead of losing the whole trail.

use std::fs::{self, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::snapshot::Timestamp;

/// File name of the audit log inside the state directory.
pub const LOG_FILE: &str = "log.jsonl";

/// One reason behind a verdict, as `review --format json` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditReason {
    pub rule: String,
    pub severity: String,
    pub message: String,
}

/// One guarded command: who ran what where, what shellguard decided, and what came of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// RFC 3339 in UTC, e.g. `2026-11-21T23:04:05Z`.
    pub time: String,
    pub host: String,
    pub environment: Option<String>,
    pub user: String,
    pub sudo_user: Option<String>,
    pub cwd: Option<String>,
    /// The command as run (lossy where it is not UTF-8).
    pub argv: Vec<String>,
    pub program: String,
    /// `allow`, `confirm` or `block`.
    pub verdict: String,
    pub reasons: Vec<AuditReason>,
    /// `ran`, `refused`, `not-confirmed`, `confirmed`, `snapshot-failed` or `dry-run`.
    pub outcome: String,
    /// The snapshot id that holds what the command destroyed.
    pub snapshot: Option<String>,
    /// The program's exit status, when it ran.
    pub exit: Option<i32>,
}

/// The audit log as read back: the entries, and the lines that could not be parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditLog {
    pub entries: Vec<AuditEntry>,
    /// Each entry's line as written, so fields this version does not know survive `log --json`.
    pub lines: Vec<String>,
    /// 1-based line numbers of the lines skipped.
    pub skipped: Vec<usize>,
}

/// Where the audit log of a state directory is.
pub fn log_path(home: &Path) -> PathBuf {
    home.join(LOG_FILE)
}

/// Appends one entry. The state directory is created (mode 0700) if needed.
pub fn append(home: &Path, entry: &AuditEntry) -> Result<(), Error> {
    let path = log_path(home);
    let write_err = |source: io::Error| Error::Write {
        path: path.clone(),
        source,
    };
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(home)
        .map_err(|source| Error::Write {
            path: home.to_path_buf(),
            source,
        })?;
    let mut line = serde_json::to_vec(entry)?;
    line.push(b'\n');
    let mut file = OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(&path)
        .map_err(write_err)?;
    // One write(2) for the whole line: on a regular file opened O_APPEND the kernel appends it
    // as a unit. write_all only loops on a short write (disk full), which reading tolerates.
    file.write_all(&line).map_err(write_err)
}

/// Every entry that can be read, oldest first; unparseable lines are skipped.
pub fn read(home: &Path) -> Result<Vec<AuditEntry>, Error> {
    read_log(home).map(|log| log.entries)
}

/// Like [`read`], also telling which lines were skipped. A missing log is an empty one.
pub fn read_log(home: &Path) -> Result<AuditLog, Error> {
    let path = log_path(home);
    let read_err = |source: io::Error| Error::Read {
        path: path.clone(),
        source,
    };
    let file = match fs::File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(AuditLog::default()),
        Err(e) => return Err(read_err(e)),
    };
    let mut log = AuditLog::default();
    for (index, line) in BufReader::new(file).split(b'\n').enumerate() {
        let line = line.map_err(read_err)?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<AuditEntry>(&line) {
            Ok(entry) => {
                log.entries.push(entry);
                log.lines
                    .push(String::from_utf8_lossy(&line).trim().to_string());
            }
            Err(_) => log.skipped.push(index + 1),
        }
    }
    Ok(log)
}

/// The current time as the log records it, e.g. `2026-11-21T23:04:05Z`.
pub fn now_rfc3339() -> String {
    Timestamp::now().to_rfc3339()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(argv: &[&str]) -> AuditEntry {
        AuditEntry {
            time: now_rfc3339(),
            host: "testbox".into(),
            environment: None,
            user: "alice".into(),
            sudo_user: None,
            cwd: Some("/srv".into()),
            argv: argv.iter().map(|a| a.to_string()).collect(),
            program: argv[0].into(),
            verdict: "confirm".into(),
            reasons: vec![AuditReason {
                rule: "rsync-delete".into(),
                severity: "confirm".into(),
                message: "deletes at the destination".into(),
            }],
            outcome: "ran".into(),
            snapshot: None,
            exit: Some(0),
        }
    }

    #[test]
    fn appended_entries_read_back_in_order() {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("state");
        append(&home, &entry(&["rm", "-rf", "build"])).unwrap();
        append(&home, &entry(&["rsync", "-a", "--delete", "a/", "b/"])).unwrap();
        let entries = read(&home).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].argv[0], "rsync");
    }

    #[test]
    fn a_torn_line_is_skipped_and_counted() {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path();
        append(home, &entry(&["rm", "a"])).unwrap();
        let mut file = OpenOptions::new()
            .append(true)
            .open(log_path(home))
            .unwrap();
        file.write_all(b"{\"time\": \"2026-\n").unwrap();
        append(home, &entry(&["rm", "b"])).unwrap();
        let log = read_log(home).unwrap();
        assert_eq!(log.entries.len(), 2);
        assert_eq!(log.skipped, vec![2]);
    }

    #[test]
    fn a_missing_log_is_empty() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(
            read_log(&tmp.path().join("none")).unwrap(),
            AuditLog::default()
        );
    }
}
