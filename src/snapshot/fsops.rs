//! The filesystem primitives snapshots are made of: rename without replacing, clone or copy a
//! tree with every attribute, find mount points.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

use nix::fcntl::{AT_FDCWD, AtFlags, RenameFlags, renameat2};
use nix::sys::stat::{Mode, SFlag, UtimensatFlags, mknod, utimensat};
use nix::sys::time::TimeSpec;
use nix::unistd::{Gid, Uid, fchownat};

/// `rename(from, to)` that fails with `AlreadyExists` instead of replacing `to`.
pub(crate) fn rename_noreplace(from: &Path, to: &Path) -> io::Result<()> {
    renameat2(AT_FDCWD, from, AT_FDCWD, to, RenameFlags::RENAME_NOREPLACE)
        .map_err(|e| io::Error::from_raw_os_error(e as i32))
}

/// True when an error means "not on the same filesystem".
pub(crate) fn is_cross_device(err: &io::Error) -> bool {
    err.raw_os_error() == Some(libc::EXDEV)
}

/// True when an error means the filesystem is full.
pub(crate) fn is_no_space(err: &io::Error) -> bool {
    matches!(err.raw_os_error(), Some(libc::ENOSPC) | Some(libc::EDQUOT))
}

/// Makes `path` absolute against `cwd` and removes `.` and `..` lexically.
pub(crate) fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let mut out = PathBuf::from("/");
    for part in joined.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => out.push(name),
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
        }
    }
    out
}

/// The path of the entry itself with its parent directory resolved: the final component is
/// kept as is, so a symlink is named, never followed.
pub(crate) fn entry_path(cwd: &Path, path: &Path) -> io::Result<Option<PathBuf>> {
    let name = match path.components().next_back() {
        Some(Component::Normal(name)) => name.to_os_string(),
        _ => return Ok(None),
    };
    let absolute = absolute(cwd, path);
    let parent = absolute.parent().unwrap_or(Path::new("/"));
    Ok(Some(fs::canonicalize(parent)?.join(name)))
}

/// Creates a directory readable by its owner only; an existing directory is fine.
pub(crate) fn create_private_dir(path: &Path) -> io::Result<()> {
    match fs::DirBuilder::new().mode(0o700).create(path) {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && path.is_dir() => Ok(()),
        other => other,
    }
}

/// The device of `path`, or of its nearest existing ancestor.
pub(crate) fn device_of(path: &Path) -> io::Result<u64> {
    let mut probe = path;
    loop {
        match fs::metadata(probe) {
            Ok(meta) => return Ok(meta.dev()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => match probe.parent() {
                Some(parent) => probe = parent,
                None => return Err(e),
            },
            Err(e) => return Err(e),
        }
    }
}

/// Mount points from `/proc/self/mountinfo` (empty when it cannot be read).
pub(crate) fn mount_points() -> Vec<PathBuf> {
    let Ok(text) = fs::read("/proc/self/mountinfo") else {
        return Vec::new();
    };
    text.split(|&b| b == b'\n')
        .filter_map(|line| line.split(|&b| b == b' ').nth(4))
        .map(|field| PathBuf::from(OsString::from_vec(unescape_mountinfo(field))))
        .collect()
}

/// Undoes the octal escapes (`\040` for a space) of mountinfo fields.
fn unescape_mountinfo(field: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(field.len());
    let mut i = 0;
    while i < field.len() {
        if field[i] == b'\\' && i + 4 <= field.len() {
            let digits = &field[i + 1..i + 4];
            if digits.iter().all(|d| (b'0'..=b'7').contains(d)) {
                let value = digits
                    .iter()
                    .fold(0u32, |acc, d| acc * 8 + u32::from(d - b'0'));
                out.push(value as u8);
                i += 4;
                continue;
            }
        }
        out.push(field[i]);
        i += 1;
    }
    out
}

/// The first mount point strictly below `path`, or `path` itself when it is one.
pub(crate) fn mount_point_within(path: &Path, meta: &fs::Metadata) -> Option<PathBuf> {
    if let Some(parent) = path.parent()
        && fs::symlink_metadata(parent).is_ok_and(|p| p.dev() != meta.dev())
    {
        return Some(path.to_path_buf());
    }
    if !meta.is_dir() {
        return None;
    }
    let mut inside: Vec<PathBuf> = mount_points()
        .into_iter()
        .filter(|mount| mount.starts_with(path))
        .collect();
    inside.sort();
    inside.into_iter().next()
}

/// The top directory of the filesystem holding `path` (its mount point).
pub(crate) fn filesystem_top(path: &Path, dev: u64) -> PathBuf {
    let from_mountinfo = mount_points()
        .into_iter()
        .filter(|mount| path.starts_with(mount))
        .max_by_key(|mount| mount.as_os_str().len());
    if let Some(top) = from_mountinfo
        && fs::metadata(&top).is_ok_and(|m| m.dev() == dev)
    {
        return top;
    }
    // No usable mountinfo: climb while the device stays the same.
    let mut top = path.to_path_buf();
    while let Some(parent) = top.parent() {
        if fs::metadata(parent).map(|m| m.dev()).ok() != Some(dev) {
            break;
        }
        top = parent.to_path_buf();
    }
    top
}

/// Free bytes for unprivileged users on the filesystem holding `path`.
pub(crate) fn free_space(path: &Path) -> Option<u64> {
    nix::sys::statvfs::statvfs(path)
        .ok()
        .map(|s| s.blocks_available() * s.fragment_size())
}

/// Bytes in regular files of a tree (what a copy of it needs), without following symlinks.
pub(crate) fn tree_bytes(path: &Path) -> io::Result<u64> {
    let meta = fs::symlink_metadata(path)?;
    if !meta.is_dir() {
        return Ok(if meta.is_file() { meta.size() } else { 0 });
    }
    let mut total = 0;
    for child in fs::read_dir(path)? {
        total += tree_bytes(&child?.path())?;
    }
    Ok(total)
}

/// Disk usage of a tree in bytes (allocated blocks), for pruning by size.
pub(crate) fn disk_usage(path: &Path) -> u64 {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return 0;
    };
    let mut total = meta.blocks() * 512;
    if meta.is_dir()
        && let Ok(children) = fs::read_dir(path)
    {
        total += children
            .flatten()
            .map(|c| disk_usage(&c.path()))
            .sum::<u64>();
    }
    total
}

/// Removes a tree even where directories lack write permission for their owner.
pub(crate) fn remove_tree(path: &Path) -> io::Result<()> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    if !meta.is_dir() {
        return fs::remove_file(path);
    }
    if meta.mode() & 0o700 != 0o700 {
        fs::set_permissions(path, fs::Permissions::from_mode(meta.mode() | 0o700))?;
    }
    for child in fs::read_dir(path)? {
        remove_tree(&child?.path())?;
    }
    fs::remove_dir(path)
}

/// What a tree copy did.
#[derive(Debug, Default)]
pub(crate) struct CopyStats {
    pub bytes: u64,
    pub files: u64,
    pub cloned: u64,
}

/// Copies `from` to the new path `to` with contents, modes, owners, times, symlinks, special
/// files and hard links inside the tree. Regular files are cloned (`FICLONE`) when the
/// filesystem can. On failure the partial copy is removed and `to` does not exist.
pub(crate) fn copy_tree(from: &Path, to: &Path) -> io::Result<CopyStats> {
    let mut copier = Copier {
        stats: CopyStats::default(),
        links: HashMap::new(),
    };
    match copier.copy(from, to) {
        Ok(()) => Ok(copier.stats),
        Err(e) => {
            let _ = remove_tree(to);
            Err(e)
        }
    }
}

struct Copier {
    stats: CopyStats,
    /// (dev, ino) of multiply linked files already copied, and where to.
    links: HashMap<(u64, u64), PathBuf>,
}

impl Copier {
    fn copy(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        let meta = fs::symlink_metadata(from)?;
        let ft = meta.file_type();
        if ft.is_dir() {
            fs::DirBuilder::new().mode(0o700).create(to)?;
            for child in fs::read_dir(from)? {
                let child = child?;
                self.copy(&child.path(), &to.join(child.file_name()))?;
            }
        } else if ft.is_symlink() {
            std::os::unix::fs::symlink(fs::read_link(from)?, to)?;
        } else if meta.nlink() > 1
            && let Some(first) = self.links.get(&(meta.dev(), meta.ino()))
        {
            return fs::hard_link(first, to);
        } else if ft.is_file() {
            self.copy_file(from, to, &meta)?;
            if meta.nlink() > 1 {
                self.links
                    .insert((meta.dev(), meta.ino()), to.to_path_buf());
            }
        } else {
            let kind = if ft.is_fifo() {
                SFlag::S_IFIFO
            } else if ft.is_socket() {
                SFlag::S_IFSOCK
            } else if ft.is_block_device() {
                SFlag::S_IFBLK
            } else {
                SFlag::S_IFCHR
            };
            mknod(to, kind, Mode::from_bits_truncate(0o600), meta.rdev())
                .map_err(|e| io::Error::from_raw_os_error(e as i32))?;
        }
        apply_attributes(to, &meta)
    }

    fn copy_file(&mut self, from: &Path, to: &Path, meta: &fs::Metadata) -> io::Result<()> {
        let mut source = open_noatime(from)?;
        let mut target = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(to)?;
        // SAFETY: FICLONE takes the source descriptor as its argument and touches no memory.
        let cloned =
            unsafe { libc::ioctl(target.as_raw_fd(), libc::FICLONE, source.as_raw_fd()) } == 0;
        if cloned {
            self.stats.cloned += 1;
        } else {
            io::copy(&mut source, &mut target)?;
        }
        target.sync_data()?;
        self.stats.files += 1;
        self.stats.bytes += meta.size();
        Ok(())
    }
}

/// Gives `path` the owner, mode and times in `meta` (owner first: chown clears set-id bits).
pub(crate) fn apply_attributes(path: &Path, meta: &fs::Metadata) -> io::Result<()> {
    let nix_err = |e: nix::Error| io::Error::from_raw_os_error(e as i32);
    let owner_change = fchownat(
        AT_FDCWD,
        path,
        Some(Uid::from_raw(meta.uid())),
        Some(Gid::from_raw(meta.gid())),
        AtFlags::AT_SYMLINK_NOFOLLOW,
    );
    // An unprivileged user cannot give files away; the copy is theirs then, as with `cp -a`.
    if let Err(e) = owner_change
        && e != nix::Error::EPERM
    {
        return Err(nix_err(e));
    }
    if !meta.file_type().is_symlink() {
        fs::set_permissions(path, fs::Permissions::from_mode(meta.mode() & 0o7777))?;
    }
    let atime = TimeSpec::new(meta.atime(), meta.atime_nsec());
    let mtime = TimeSpec::new(meta.mtime(), meta.mtime_nsec());
    utimensat(
        AT_FDCWD,
        path,
        &atime,
        &mtime,
        UtimensatFlags::NoFollowSymlink,
    )
    .map_err(nix_err)
}

/// Opens for reading without updating the access time (which undo must restore exactly);
/// falls back to a plain open where `O_NOATIME` is not allowed (files of other users).
pub(crate) fn open_noatime(path: &Path) -> io::Result<File> {
    match OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOATIME)
        .open(path)
    {
        Err(e) if e.raw_os_error() == Some(libc::EPERM) => File::open(path),
        other => other,
    }
}

/// blake3 of a file's contents, as hex.
pub(crate) fn hash_file(path: &Path) -> io::Result<String> {
    let mut hasher = blake3::Hasher::new();
    hasher.update_reader(open_noatime(path)?)?;
    Ok(hasher.finalize().to_hex().to_string())
}

/// blake3 of bytes, as hex.
pub(crate) fn hash_bytes(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// `a/b` as bytes joined under a base, for entries recorded relative to a root.
pub(crate) fn join_relative(base: &Path, rel: &Path) -> PathBuf {
    let mut out = base.as_os_str().as_bytes().to_vec();
    for part in rel.components() {
        if let Component::Normal(name) = part {
            if out.last() != Some(&b'/') {
                out.push(b'/');
            }
            out.extend_from_slice(name.as_bytes());
        }
    }
    PathBuf::from(OsString::from_vec(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mountinfo_escapes_are_decoded() {
        assert_eq!(unescape_mountinfo(br"/mnt/my\040disk"), b"/mnt/my disk");
        assert_eq!(unescape_mountinfo(br"/a\134b"), b"/a\\b");
        assert_eq!(unescape_mountinfo(br"/trailing\04"), br"/trailing\04");
    }

    #[test]
    fn absolute_paths_are_normalized_lexically() {
        let cwd = Path::new("/home/alice/src");
        assert_eq!(
            absolute(cwd, Path::new("../x/./y")),
            Path::new("/home/alice/x/y")
        );
        assert_eq!(absolute(cwd, Path::new("/etc/../tmp")), Path::new("/tmp"));
    }

    #[test]
    fn rename_noreplace_refuses_to_replace() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        fs::write(&a, "a").unwrap();
        fs::write(&b, "b").unwrap();
        let err = rename_noreplace(&a, &b).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&b).unwrap(), b"b");
    }
}
