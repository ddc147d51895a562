//! The kill switch: while `state_home/freeze/<host>.json` exists, every destructive command on
//! that host is refused (rule `frozen`). One file per host, so a state directory shared between
//! machines freezes only the one it was meant for.
//!
//! The run path checks it on every call, so [`current`] costs one `open` when not frozen.
//! A freeze file that exists but cannot be read counts as frozen: a kill switch must fail closed.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Directory of the freeze files inside the state directory.
pub const FREEZE_DIR: &str = "freeze";

/// A host's freeze: why, by whom, since when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Freeze {
    pub host: String,
    pub reason: String,
    /// The user, with the user behind sudo when there is one: `root (sudo: alice)`.
    pub by: String,
    /// RFC 3339 in UTC.
    pub at: String,
}

impl Freeze {
    /// A freeze of `host` made now by `user` (and `sudo_user`).
    pub fn new(host: &str, reason: &str, user: &str, sudo_user: Option<&str>) -> Freeze {
        let by = match sudo_user {
            Some(sudo) if sudo != user => format!("{user} (sudo: {sudo})"),
            _ => user.to_string(),
        };
        Freeze {
            host: host.to_string(),
            reason: reason.to_string(),
            by,
            at: crate::audit::now_rfc3339(),
        }
    }
}

/// The freeze file of `host`. Host names come from the environment (`SHELLGUARD_HOSTNAME`), so
/// anything beyond `[A-Za-z0-9._-]`, and a leading dot, is %-encoded: no name escapes the directory.
pub fn freeze_path(home: &Path, host: &str) -> PathBuf {
    let mut name = String::with_capacity(host.len() + 5);
    for (i, byte) in host.bytes().enumerate() {
        let plain =
            byte.is_ascii_alphanumeric() || b"-_".contains(&byte) || (byte == b'.' && i > 0);
        if plain {
            name.push(byte as char);
        } else {
            name.push_str(&format!("%{byte:02X}"));
        }
    }
    if name.is_empty() {
        name.push('%');
    }
    name.push_str(".json");
    home.join(FREEZE_DIR).join(name)
}

/// The freeze of `host`, if it is frozen.
pub fn current(home: &Path, host: &str) -> Result<Option<Freeze>, Error> {
    let path = freeze_path(home, host);
    match fs::read(&path) {
        Ok(bytes) => Ok(Some(parse(&path, host, &bytes))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Ok(Some(damaged(&path, host, &e.to_string()))),
    }
}

/// Freezes `f.host`, replacing any earlier freeze of it (atomically: temp file, then rename).
pub fn freeze(home: &Path, f: &Freeze) -> Result<(), Error> {
    let path = freeze_path(home, &f.host);
    let dir = home.join(FREEZE_DIR);
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Write { path, source }
    };
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)
        .map_err(write_err(&dir))?;
    let mut json = serde_json::to_vec_pretty(f)?;
    json.push(b'\n');
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(format!(".tmp-{}", std::process::id()));
    let tmp = dir.join(tmp_name);
    let write = || -> io::Result<()> {
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o644)
            .open(&tmp)?;
        file.write_all(&json)?;
        file.sync_all()?;
        fs::rename(&tmp, &path)?;
        fs::File::open(&dir)?.sync_all()
    };
    write().map_err(|e| {
        let _ = fs::remove_file(&tmp);
        write_err(&path)(e)
    })
}

/// Lifts the freeze of `host`; returns the freeze that was there, if any.
pub fn unfreeze(home: &Path, host: &str) -> Result<Option<Freeze>, Error> {
    let path = freeze_path(home, host);
    let was = current(home, host)?;
    match fs::remove_file(&path) {
        Ok(()) => Ok(was),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Write { path, source }),
    }
}

fn parse(path: &Path, host: &str, bytes: &[u8]) -> Freeze {
    serde_json::from_slice(bytes).unwrap_or_else(|e| damaged(path, host, &e.to_string()))
}

/// What an unreadable freeze file stands for: still a freeze, saying what is wrong with it.
fn damaged(path: &Path, host: &str, why: &str) -> Freeze {
    Freeze {
        host: host.to_string(),
        reason: format!(
            "the freeze file {} cannot be read ({why}); `shellguard unfreeze` removes it",
            path.display()
        ),
        by: "unknown".to_string(),
        at: "unknown".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freeze_round_trip_is_per_host() {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path();
        assert_eq!(current(home, "db1").unwrap(), None);
        let f = Freeze::new("db1", "migration in progress", "root", Some("alice"));
        assert_eq!(f.by, "root (sudo: alice)");
        freeze(home, &f).unwrap();
        assert_eq!(current(home, "db1").unwrap(), Some(f.clone()));
        assert_eq!(current(home, "db2").unwrap(), None);
        assert_eq!(unfreeze(home, "db1").unwrap(), Some(f));
        assert_eq!(current(home, "db1").unwrap(), None);
        assert_eq!(unfreeze(home, "db1").unwrap(), None);
    }

    #[test]
    fn host_names_cannot_escape_the_freeze_directory() {
        let home = Path::new("/state");
        assert_eq!(
            freeze_path(home, "db1.example.com"),
            Path::new("/state/freeze/db1.example.com.json")
        );
        assert_eq!(
            freeze_path(home, "../etc/x"),
            Path::new("/state/freeze/%2E.%2Fetc%2Fx.json")
        );
        assert_eq!(freeze_path(home, ""), Path::new("/state/freeze/%.json"));
    }

    #[test]
    fn a_damaged_freeze_file_still_freezes() {
        let tmp = tempfile::tempdir().unwrap();
        let path = freeze_path(tmp.path(), "db1");
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, "{not json").unwrap();
        let f = current(tmp.path(), "db1").unwrap().expect("still frozen");
        assert!(f.reason.contains("cannot be read"), "{}", f.reason);
        assert!(unfreeze(tmp.path(), "db1").unwrap().is_some());
        assert_eq!(current(tmp.path(), "db1").unwrap(), None);
    }
}
