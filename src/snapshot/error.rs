//! What can go wrong with a snapshot, worded so the user knows what to do next.

use std::io;
use std::path::PathBuf;

use super::SnapshotId;
use super::units::format_size;

/// Every failure of the snapshot store.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// A filesystem operation failed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// The path to snapshot does not exist (there is nothing to destroy).
    #[error("{} does not exist; there is nothing to snapshot", .0.display())]
    Missing(PathBuf),
    /// The path names no entry that can be moved (`/`, `.`, `..`).
    #[error("{} cannot be put aside: it names no directory entry", .0.display())]
    NotAnEntry(PathBuf),
    /// A mount point is inside the tree (or is the tree itself).
    #[error(
        "{} contains the mount point {}; shellguard never deletes through a mount point: unmount it first, or name the paths beside it",
        path.display(),
        mount.display()
    )]
    MountPointInside { path: PathBuf, mount: PathBuf },
    /// The tree contains the snapshot store itself.
    #[error(
        "{} contains shellguard's snapshot store {}; set SHELLGUARD_HOME elsewhere or name the paths beside it",
        path.display(),
        store.display()
    )]
    ContainsStore { path: PathBuf, store: PathBuf },
    /// No same-filesystem store, and a copy would exceed the size budget.
    #[error(
        "no snapshot store on the filesystem of {} ({}), and a copy of {} is over the snapshot limit of {}; confirm to go on, or run with --no-snapshot to go on without one",
        path.display(),
        why,
        format_size(*size),
        format_size(*limit)
    )]
    TooLargeToCopy {
        path: PathBuf,
        why: String,
        size: u64,
        limit: u64,
    },
    /// The filesystem that would hold a copy is full.
    #[error(
        "no space on {} for a snapshot of {}; free some space, prune old snapshots (`shellguard snapshots prune`), or run with --no-snapshot to go on without one",
        fs.display(),
        format_size(*size)
    )]
    NoSpace { fs: PathBuf, size: u64 },
    /// A snapshot id does not exist in the store.
    #[error("there is no snapshot {0}; `shellguard snapshots list` shows the ones there are")]
    NotFound(SnapshotId),
    /// Another shellguard holds the transaction.
    #[error("snapshot {0} is in use by another shellguard; try again when it has finished")]
    Busy(SnapshotId),
    /// The transaction was already restored.
    #[error("snapshot {0} was already restored; `shellguard snapshots show {0}` tells where")]
    AlreadyRestored(SnapshotId),
    /// A manifest cannot be read back.
    #[error("the manifest of snapshot {id} is damaged ({why}); its entries are still in {}", dir.display())]
    Corrupt {
        id: SnapshotId,
        dir: PathBuf,
        why: String,
    },
    /// A snapshot id that does not have the expected form.
    #[error("'{0}' is not a snapshot id (they look like 20261121-230405-12345-3f9a)")]
    BadId(String),
    /// A duration such as `7d` that cannot be parsed.
    #[error("'{0}' is not a duration; write a number followed by s, m, h, d or w, e.g. 7d")]
    BadDuration(String),
    /// A size such as `10GiB` that cannot be parsed.
    #[error("'{0}' is not a size; write e.g. 500M, 10GiB or 1048576")]
    BadSize(String),
}

impl SnapshotError {
    /// Wraps an `io::Error` with the action and path it concerns.
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(io::Error) -> Self {
        let path = path.into();
        move |source| SnapshotError::Io {
            action,
            path,
            source,
        }
    }
}

/// Shorthand for results of this module.
pub type Result<T, E = SnapshotError> = std::result::Result<T, E>;
