//! Everything shellguard reads about the world it runs in — host, user, environment
//! variables, the filesystem — goes through one `Context`, so analyzers never call
//! `std::env` or `stat` themselves and tests can hand them a chosen world.

use std::cell::{OnceCell, RefCell};
use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use crate::model::FileKind;

#[derive(Debug, Clone)]
pub struct Context {
    pub host: String,
    /// Looked up on first use: the password database costs more than the rest of a
    /// harmless guarded call.
    user: OnceCell<String>,
    pub uid: u32,
    /// The user who ran `sudo`, when shellguard runs under it.
    pub sudo_user: Option<String>,
    /// True inside an SSH session (reboot-like commands then need the host name typed).
    pub ssh: bool,
    /// The environment variables shellguard runs with (for `$VAR` expansion).
    pub vars: HashMap<String, String>,
    /// Where the process runs (`review` starts from here unless `--cwd` says otherwise).
    pub cwd: Option<PathBuf>,
    /// Analysing commands for another machine (`ssh HOST '...'`): the local filesystem
    /// says nothing about its paths.
    pub remote: bool,
    mounts: OnceCell<Vec<PathBuf>>,
    homes: OnceCell<Vec<PathBuf>>,
    /// Directories found missing, and directories found to exist, while looking up
    /// missing paths: a script written for another machine names thousands of paths
    /// under a few absent directories, and each lookup was a system call.
    absent: RefCell<Vec<PathBuf>>,
    present: RefCell<HashSet<PathBuf>>,
}

impl Context {
    /// Reads the real process environment, once.
    pub fn from_process() -> Context {
        let vars: HashMap<String, String> = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        let uid = nix::unistd::getuid().as_raw();
        let host = vars
            .get("SHELLGUARD_HOSTNAME")
            .filter(|h| !h.is_empty())
            .cloned()
            .or_else(|| {
                nix::unistd::gethostname()
                    .ok()
                    .and_then(|h| h.into_string().ok())
            })
            .unwrap_or_else(|| "localhost".to_string());
        let sudo_user = vars.get("SUDO_USER").filter(|u| !u.is_empty()).cloned();
        let ssh = ["SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"]
            .iter()
            .any(|k| vars.contains_key(*k));
        let cwd = std::env::current_dir().ok();
        let mut ctx = Context::new(host, String::new(), uid, sudo_user, ssh, vars, cwd);
        ctx.user = OnceCell::new();
        ctx
    }

    pub fn new(
        host: String,
        user: String,
        uid: u32,
        sudo_user: Option<String>,
        ssh: bool,
        vars: HashMap<String, String>,
        cwd: Option<PathBuf>,
    ) -> Context {
        Context {
            host,
            user: OnceCell::from(user),
            uid,
            sudo_user,
            ssh,
            vars,
            cwd,
            remote: false,
            mounts: OnceCell::new(),
            homes: OnceCell::new(),
            absent: RefCell::default(),
            present: RefCell::default(),
        }
    }

    /// The effective user's name.
    pub fn user(&self) -> &str {
        self.user.get_or_init(|| {
            nix::unistd::User::from_uid(self.uid.into())
                .ok()
                .flatten()
                .map(|u| u.name)
                .or_else(|| self.vars.get("USER").cloned())
                .unwrap_or_else(|| self.uid.to_string())
        })
    }

    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    pub fn is_root(&self) -> bool {
        self.uid == 0
    }

    /// `$HOME`, or the password database's entry for the current user.
    pub fn home(&self) -> Option<PathBuf> {
        self.var("HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from)
            .or_else(|| self.home_of(self.user()))
    }

    /// `~user`
    pub fn home_of(&self, user: &str) -> Option<PathBuf> {
        nix::unistd::User::from_name(user)
            .ok()
            .flatten()
            .map(|u| u.dir)
    }

    /// Home directories of the accounts on this machine, plus `$HOME` (for `home-dir`).
    pub fn home_dirs(&self) -> &[PathBuf] {
        self.homes.get_or_init(|| {
            let mut homes: Vec<PathBuf> = std::fs::read_to_string("/etc/passwd")
                .unwrap_or_default()
                .lines()
                .filter_map(|line| {
                    let fields: Vec<&str> = line.split(':').collect();
                    let (uid, dir, shell) = (fields.get(2)?, fields.get(5)?, fields.get(6)?);
                    let uid: u32 = uid.parse().ok()?;
                    // System accounts have "homes" such as / or /usr/sbin: only people count.
                    let person = uid == 0 || (1000..65534).contains(&uid);
                    let login = !shell.ends_with("nologin") && !shell.ends_with("false");
                    (person && login && *dir != "/").then(|| PathBuf::from(dir))
                })
                .collect();
            homes.extend(self.home().filter(|h| h != Path::new("/")));
            homes.sort();
            homes.dedup();
            homes
        })
    }

    /// What `lstat` says the path is.
    pub fn kind_of(&self, path: &Path) -> FileKind {
        if self.remote {
            return FileKind::Unknown;
        }
        if self.under_absent_dir(path) {
            return FileKind::Missing;
        }
        match std::fs::symlink_metadata(path) {
            Err(e) => {
                if e.kind() == std::io::ErrorKind::NotFound {
                    self.note_absent_parents(path);
                }
                FileKind::Missing
            }
            Ok(meta) => {
                let ft = meta.file_type();
                if ft.is_symlink() {
                    FileKind::Symlink
                } else if ft.is_dir() {
                    if self.is_mount_point(path) {
                        FileKind::MountPoint
                    } else {
                        FileKind::Dir
                    }
                } else if ft.is_file() {
                    FileKind::File
                } else if ft.is_block_device() {
                    FileKind::BlockDevice
                } else if ft.is_char_device() {
                    FileKind::CharDevice
                } else {
                    FileKind::Other
                }
            }
        }
    }

    /// Forgets which directories were found missing or present (they may change between
    /// two reviews of a long-lived process).
    pub fn forget_paths(&self) {
        self.absent.borrow_mut().clear();
        self.present.borrow_mut().clear();
    }

    fn under_absent_dir(&self, path: &Path) -> bool {
        // Byte prefixes: hashing a path walks its components, which cost more than the
        // handful of absent directories a review meets.
        let path = path.as_os_str().as_bytes();
        self.absent.borrow().iter().any(|dir| {
            let dir = dir.as_os_str().as_bytes();
            path.len() > dir.len() && path.starts_with(dir) && path[dir.len()] == b'/'
        })
    }

    /// After `path` was not found: which of its parent directories are missing too.
    fn note_absent_parents(&self, path: &Path) {
        let mut highest = None;
        for dir in path.ancestors().skip(1) {
            if dir.as_os_str().is_empty() || self.present.borrow().contains(dir) {
                break;
            }
            if std::fs::symlink_metadata(dir).is_ok() {
                self.present.borrow_mut().insert(dir.to_path_buf());
                break;
            }
            highest = Some(dir);
        }
        // A few directories cover a script written for another machine; many distinct
        // ones would make every lookup a long scan.
        let mut absent = self.absent.borrow_mut();
        if let Some(dir) = highest
            && absent.len() < 64
        {
            absent.push(dir.to_path_buf());
        }
    }

    pub fn is_mount_point(&self, path: &Path) -> bool {
        self.mount_points().iter().any(|m| m == path)
    }

    /// Mount points from `/proc/self/mountinfo`, read on first use only.
    pub fn mount_points(&self) -> &[PathBuf] {
        self.mounts.get_or_init(|| {
            std::fs::read_to_string("/proc/self/mountinfo")
                .unwrap_or_default()
                .lines()
                .filter_map(|line| line.split(' ').nth(4).map(unescape_mountinfo))
                .collect()
        })
    }

    /// The device a block device's filesystem is mounted from, if any: `(mount point)`.
    pub fn mounted_at(&self, device: &Path) -> Vec<PathBuf> {
        let Ok(dev_meta) = std::fs::metadata(device) else {
            return Vec::new();
        };
        let rdev = dev_meta.rdev();
        std::fs::read_to_string("/proc/self/mountinfo")
            .unwrap_or_default()
            .lines()
            .filter_map(|line| {
                let fields: Vec<&str> = line.split(' ').collect();
                let (major, minor) = fields.get(2)?.split_once(':')?;
                let dev = nix::sys::stat::makedev(major.parse().ok()?, minor.parse().ok()?);
                let source = line.split(" - ").nth(1)?.split(' ').nth(1)?;
                (dev == rdev || Path::new(source) == device).then(|| unescape_mountinfo(fields[4]))
            })
            .collect()
    }

    /// Where a block device's data is mounted: the device itself, its partitions, and
    /// whatever is stacked on them (LVM, dm-crypt, md RAID), found through
    /// `/sys/dev/block`. Writing to `/dev/sda` destroys `/` when `/dev/sda2` holds it.
    pub fn device_mounts(&self, device: &Path) -> Vec<PathBuf> {
        if self.remote {
            return Vec::new();
        }
        let Ok(meta) = std::fs::metadata(device) else {
            return Vec::new();
        };
        if !meta.file_type().is_block_device() {
            return Vec::new();
        }
        let rdev = meta.rdev();
        let mut devs = vec![rdev];
        let mut queue = vec![PathBuf::from(format!(
            "/sys/dev/block/{}:{}",
            nix::sys::stat::major(rdev),
            nix::sys::stat::minor(rdev)
        ))];
        // Partitions are subdirectories with a `dev` file; holders are under `holders/`.
        while let Some(dir) = queue.pop() {
            if devs.len() > 256 {
                break;
            }
            let children = std::fs::read_dir(&dir)
                .into_iter()
                .flatten()
                .chain(std::fs::read_dir(dir.join("holders")).into_iter().flatten())
                .flatten();
            for child in children {
                let Ok(text) = std::fs::read_to_string(child.path().join("dev")) else {
                    continue;
                };
                let Some((major, minor)) = text.trim().split_once(':') else {
                    continue;
                };
                let (Ok(major), Ok(minor)) = (major.parse(), minor.parse()) else {
                    continue;
                };
                let dev = nix::sys::stat::makedev(major, minor);
                if !devs.contains(&dev) {
                    devs.push(dev);
                    queue.push(PathBuf::from(format!("/sys/dev/block/{major}:{minor}")));
                }
            }
        }
        let mut mounts: Vec<PathBuf> = std::fs::read_to_string("/proc/self/mountinfo")
            .unwrap_or_default()
            .lines()
            .filter_map(|line| {
                let fields: Vec<&str> = line.split(' ').collect();
                let (major, minor) = fields.get(2)?.split_once(':')?;
                let dev = nix::sys::stat::makedev(major.parse().ok()?, minor.parse().ok()?);
                devs.contains(&dev).then(|| unescape_mountinfo(fields[4]))
            })
            .chain(self.mounted_at(device))
            .collect();
        mounts.sort();
        mounts.dedup();
        mounts
    }

    pub fn os_var(&self, name: &str) -> Option<OsString> {
        self.var(name).map(OsString::from)
    }
}

/// mountinfo escapes space, tab, newline and backslash as octal.
fn unescape_mountinfo(field: &str) -> PathBuf {
    if !field.contains('\\') {
        return PathBuf::from(field);
    }
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\'
            && i + 3 < bytes.len()
            && bytes[i + 1..i + 4].iter().all(u8::is_ascii_digit)
        {
            let n = u8::from_str_radix(&field[i + 1..i + 4], 8).unwrap_or(b'?');
            out.push(n);
            i += 4;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(OsString::from_vec(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_under_a_missing_directory_are_missing_until_forgotten() {
        let tmp = tempfile::tempdir().unwrap();
        let ctx = Context::new("h".into(), "u".into(), 0, None, false, HashMap::new(), None);
        let root = tmp.path();
        std::fs::write(root.join("here"), "x").unwrap();
        assert_eq!(ctx.kind_of(&root.join("gone/deep/file")), FileKind::Missing);
        assert!(ctx.absent.borrow().contains(&root.join("gone")));
        assert_eq!(ctx.kind_of(&root.join("gone/other")), FileKind::Missing);
        assert_eq!(ctx.kind_of(&root.join("here")), FileKind::File);
        assert_eq!(ctx.kind_of(&root.join("missing-file")), FileKind::Missing);
        assert_eq!(
            ctx.kind_of(root),
            FileKind::Dir,
            "a present parent is not absent"
        );
        std::fs::create_dir(root.join("gone")).unwrap();
        std::fs::write(root.join("gone/other"), "x").unwrap();
        ctx.forget_paths();
        assert_eq!(ctx.kind_of(&root.join("gone/other")), FileKind::File);
    }
}
