//! The library's errors; `main` turns each into a message and an exit code in one place.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A policy file that cannot be used; the position points at the offending text.
    #[error("{}:{line}:{column}: {message}", file.display())]
    Policy {
        file: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },

    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },

    /// The command line itself is wrong (exit 2).
    #[error("{0}")]
    Usage(String),

    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error(transparent)]
    Snapshot(#[from] crate::snapshot::SnapshotError),

    /// A policy setting that cannot be used where it is needed (e.g. `[snapshots] keep`).
    #[error("the policy's {setting}: {source}; `shellguard policy show` names the layers")]
    BadSetting {
        setting: &'static str,
        source: crate::snapshot::SnapshotError,
    },

    /// `undo` without an id, and no snapshot holds anything to restore.
    #[error(
        "nothing to undo: no snapshot holds anything left to restore (`shellguard snapshots list` shows them all){hint}"
    )]
    NothingToUndo { hint: String },

    #[error("{0}")]
    Io(#[from] std::io::Error),

    #[error("{0}")]
    Json(#[from] serde_json::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
