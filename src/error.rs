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

    #[error("{0}")]
    Io(#[from] std::io::Error),

    #[error("{0}")]
    Json(#[from] serde_json::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
