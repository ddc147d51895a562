//! What a directory tree holds, for asserting that undo gave everything back.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// `path` below `root` as bytes (names need not be UTF-8): the key of a tree state.
pub fn relative_bytes(root: &Path, path: &Path) -> Vec<u8> {
    path.strip_prefix(root)
        .unwrap()
        .as_os_str()
        .as_bytes()
        .to_vec()
}

/// Type, mode, contents (with modification time) or link target of every path below
/// `root`: everything undo must give back.
pub fn tree_state(root: &Path) -> BTreeMap<Vec<u8>, String> {
    state_skipping(root, None)
}

/// [`tree_state`] of a git worktree: `.git` directories are left out.
pub fn worktree_state(root: &Path) -> BTreeMap<Vec<u8>, String> {
    state_skipping(root, Some(OsStr::new(".git")))
}

fn state_skipping(root: &Path, skip: Option<&OsStr>) -> BTreeMap<Vec<u8>, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if skip.is_some() && path.file_name() == skip {
                continue;
            }
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let mode = meta.mode() & 0o7777;
            let what = if meta.file_type().is_symlink() {
                format!("link -> {}", std::fs::read_link(&path).unwrap().display())
            } else if meta.is_dir() {
                stack.push(path.clone());
                format!("dir {mode:o}")
            } else {
                let bytes = std::fs::read(&path).unwrap();
                format!("file {mode:o} {} {bytes:?}", meta.mtime())
            };
            out.insert(relative_bytes(root, &path), what);
        }
    }
    out
}
