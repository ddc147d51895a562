//! The snapshot store through its public API, on temporary directories only.

mod common;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::io::Read;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::tree::relative_bytes;
use shellguard::snapshot::{
    Disposal, Kind, Method, RestoreAction, SnapshotError, State, Store, TransactionMeta,
};
use tempfile::TempDir;

const NO_LIMIT: u64 = u64::MAX;

fn meta_for(cwd: &Path) -> TransactionMeta {
    TransactionMeta {
        host: "testhost".into(),
        user: "tester".into(),
        sudo_user: None,
        cwd: cwd.to_path_buf(),
        argv: vec!["rm".into(), "-rf".into(), "build".into()],
    }
}

/// Everything undo must bring back, per node: type, mode, owner, size, times, target, contents.
#[derive(Debug, PartialEq, Eq)]
struct NodeState {
    kind: &'static str,
    mode: u32,
    uid: u32,
    gid: u32,
    mtime: (i64, i64),
    atime: (i64, i64),
    target: Option<PathBuf>,
    /// blake3 of the contents of a regular file.
    contents: Option<String>,
}

/// Asserts two tree states are equal, naming only the nodes that differ.
#[track_caller]
fn assert_same_tree(after: &BTreeMap<Vec<u8>, NodeState>, before: &BTreeMap<Vec<u8>, NodeState>) {
    let mut diffs = Vec::new();
    for (path, node) in before {
        match after.get(path) {
            None => diffs.push(format!("{}: missing", String::from_utf8_lossy(path))),
            Some(other) if other != node => diffs.push(format!(
                "{}: {node:?} became {other:?}",
                String::from_utf8_lossy(path)
            )),
            Some(_) => {}
        }
    }
    for path in after.keys().filter(|p| !before.contains_key(*p)) {
        diffs.push(format!("{}: unexpected", String::from_utf8_lossy(path)));
    }
    assert!(diffs.is_empty(), "trees differ:\n{}", diffs.join("\n"));
}

/// Walks `root` (itself included, as ".") without touching access times.
fn tree_state(root: &Path) -> BTreeMap<Vec<u8>, NodeState> {
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn walk(root: &Path, path: &Path, out: &mut BTreeMap<Vec<u8>, NodeState>) {
    let meta = fs::symlink_metadata(path).unwrap();
    let ft = meta.file_type();
    let rel = relative_bytes(root, path);
    let contents = ft.is_file().then(|| {
        let mut bytes = Vec::new();
        fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOATIME)
            .open(path)
            .unwrap()
            .read_to_end(&mut bytes)
            .unwrap();
        blake3::hash(&bytes).to_hex().to_string()
    });
    let kind = if ft.is_symlink() {
        "symlink"
    } else if ft.is_dir() {
        "dir"
    } else {
        "file"
    };
    out.insert(
        rel,
        NodeState {
            kind,
            mode: meta.mode(),
            uid: meta.uid(),
            gid: meta.gid(),
            // A directory's times change when undo recreates its children, except the top's.
            mtime: (meta.mtime(), meta.mtime_nsec()),
            // Reading a directory or a symlink updates its access time, as any `ls` would.
            atime: if ft.is_file() {
                (meta.atime(), meta.atime_nsec())
            } else {
                (0, 0)
            },
            target: ft.is_symlink().then(|| fs::read_link(path).unwrap()),
            contents,
        },
    );
    if ft.is_dir() {
        for child in fs::read_dir(path).unwrap() {
            walk(root, &child.unwrap().path(), out);
        }
    }
}

fn set_times(path: &Path, secs: i64) {
    let t = nix::sys::time::TimeSpec::new(secs, 123_456_789);
    nix::sys::stat::utimensat(
        nix::fcntl::AT_FDCWD,
        path,
        &t,
        &t,
        nix::sys::stat::UtimensatFlags::NoFollowSymlink,
    )
    .unwrap();
}

/// A build tree with everything undo must get right.
fn make_tree(root: &Path) {
    fs::create_dir_all(root.join("src/deep/deeper")).unwrap();
    fs::create_dir(root.join("empty")).unwrap();
    fs::write(root.join("src/main.rs"), "fn main() {}\n").unwrap();
    fs::write(root.join("src/deep/deeper/data.bin"), vec![7u8; 70_000]).unwrap();
    fs::write(root.join("secret"), "token").unwrap();
    fs::set_permissions(root.join("secret"), fs::Permissions::from_mode(0o600)).unwrap();
    fs::write(root.join("run.sh"), "#!/bin/sh\n").unwrap();
    fs::set_permissions(root.join("run.sh"), fs::Permissions::from_mode(0o755)).unwrap();
    let odd = root.join(OsString::from_vec(b"caf\xe9-\xff.txt".to_vec()));
    fs::write(&odd, "latin-1 name").unwrap();
    symlink("src/main.rs", root.join("link")).unwrap();
    symlink("/nonexistent/target", root.join("dangling")).unwrap();
    fs::set_permissions(root.join("empty"), fs::Permissions::from_mode(0o750)).unwrap();
    for path in [
        root.join("src/main.rs"),
        root.join("secret"),
        odd,
        root.join("link"),
        root.join("src/deep/deeper/data.bin"),
        root.join("src/deep/deeper"),
        root.join("empty"),
        root.join("src/deep"),
        root.join("src"),
        root.to_path_buf(),
    ] {
        set_times(&path, 1_500_000_000);
    }
}

struct Fixture {
    _tmp: TempDir,
    home: PathBuf,
    work: PathBuf,
    store: Store,
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let work = tmp.path().join("work");
    fs::create_dir(&work).unwrap();
    let store = Store::open(&home).unwrap();
    Fixture {
        _tmp: tmp,
        home,
        work,
        store,
    }
}

/// A tmpfs mounted for one test, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0755"),
                "tmpfs",
            ])
            .arg(at)
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            Some(Tmpfs(at.to_path_buf()))
        } else {
            eprintln!("skipping: cannot mount a tmpfs (not root?)");
            None
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn rm_rf_build_then_undo_restores_identical_tree() {
    let f = fixture();
    let build = f.work.join("build");
    make_tree(&build);
    let before = tree_state(&build);

    let mut tx = f.store.begin(meta_for(&f.work), NO_LIMIT).unwrap();
    assert_eq!(tx.put_aside(Path::new("build")).unwrap(), Disposal::Moved);
    assert!(!build.exists());
    let id = tx.commit().unwrap();

    let manifest = f.store.manifest(&id).unwrap();
    assert_eq!(manifest.state, State::Committed);
    assert_eq!(manifest.entries.len(), 1);
    let entry = &manifest.entries[0];
    assert_eq!(entry.original, build);
    assert_eq!(entry.kind, Kind::Dir);
    assert_eq!(entry.method, Method::Moved);
    assert_eq!(entry.stored, Path::new("e0001"), "flat opaque names");
    assert_eq!(entry.mtime.secs, 1_500_000_000);
    assert_eq!(f.store.latest().unwrap(), Some(id.clone()));

    let report = f.store.undo(&id, None).unwrap();
    assert!(report.is_complete(), "{report:?}");
    assert_same_tree(&tree_state(&build), &before);
    assert_eq!(f.store.manifest(&id).unwrap().state, State::Restored);
    assert_eq!(
        f.store.latest().unwrap(),
        None,
        "a restored snapshot is not offered again"
    );
    assert!(matches!(
        f.store.undo(&id, None),
        Err(SnapshotError::AlreadyRestored(_))
    ));
}

#[test]
fn single_files_symlinks_and_non_utf8_names_come_back() {
    let f = fixture();
    make_tree(&f.work.join("t"));
    let before = tree_state(&f.work);
    let odd = f
        .work
        .join("t")
        .join(OsString::from_vec(b"caf\xe9-\xff.txt".to_vec()));
    let mut tx = f.store.begin(meta_for(&f.work), NO_LIMIT).unwrap();
    for path in [odd.clone(), f.work.join("t/link"), f.work.join("t/secret")] {
        tx.put_aside(&path).unwrap();
        assert!(fs::symlink_metadata(&path).is_err());
    }
    let id = tx.commit().unwrap();
    let manifest = f.store.manifest(&id).unwrap();
    assert_eq!(manifest.entries[0].original, odd);
    assert!(
        manifest.entries[0].checksum.is_some(),
        "small files are hashed at once"
    );
    assert_eq!(manifest.entries[1].kind, Kind::Symlink);
    assert_eq!(
        manifest.entries[1].symlink_target.as_deref(),
        Some(Path::new("src/main.rs"))
    );
    assert!(f.store.undo(&id, None).unwrap().is_complete());
    let mut after = tree_state(&f.work);
    // Only the parent directory's times moved (entries left it and came back).
    after.get_mut(b"t".as_slice()).unwrap().mtime = before[b"t".as_slice()].mtime;
    after.get_mut(b"".as_slice()).unwrap().mtime = before[b"".as_slice()].mtime;
    assert_same_tree(&after, &before);
}

#[test]
fn manifest_is_on_disk_while_the_command_runs() {
    let f = fixture();
    fs::write(f.work.join("victim"), "data").unwrap();
    let mut tx = f.store.begin(meta_for(&f.work), NO_LIMIT).unwrap();
    assert!(tx.dir().join("manifest.json").is_file());
    tx.put_aside(&f.work.join("victim")).unwrap();
    let summaries = f.store.list().unwrap();
    assert_eq!(summaries.len(), 1);
    assert_eq!(summaries[0].state, State::Pending);
    // A reader sees the entry though the final manifest is not written yet (journal replay).
    let pending = f.store.manifest(tx.id()).unwrap();
    assert_eq!(pending.entries.len(), 1);
    assert_eq!(
        pending.meta.argv,
        vec![OsString::from("rm"), "-rf".into(), "build".into()]
    );
    assert!(matches!(
        f.store.undo(tx.id(), None),
        Err(SnapshotError::Busy(_))
    ));
    // Dropped without commit, as a crash would: the record stays and undo still works.
    let id = tx.id().clone();
    drop(tx);
    assert_eq!(f.store.manifest(&id).unwrap().state, State::Pending);
    assert!(f.store.undo(&id, None).unwrap().is_complete());
    assert_eq!(fs::read(f.work.join("victim")).unwrap(), b"data");
}

#[test]
fn undo_never_overwrites_what_was_recreated() {
    let f = fixture();
    for name in ["a", "b"] {
        fs::write(f.work.join(name), format!("old {name}")).unwrap();
    }
    let mut tx = f.store.begin(meta_for(&f.work), NO_LIMIT).unwrap();
    tx.put_aside(&f.work.join("a")).unwrap();
    tx.put_aside(&f.work.join("b")).unwrap();
    let id = tx.commit().unwrap();
    fs::write(f.work.join("a"), "new a").unwrap();

    let report = f.store.undo(&id, None).unwrap();
    assert_eq!(report.conflicts.len(), 1);
    assert_eq!(report.conflicts[0].original, f.work.join("a"));
    assert_eq!(fs::read(f.work.join("a")).unwrap(), b"new a", "left alone");
    assert_eq!(
        fs::read(f.work.join("b")).unwrap(),
        b"old b",
        "the other entry still restored"
    );
    assert_eq!(f.store.manifest(&id).unwrap().state, State::PartlyRestored);
    assert_eq!(f.store.latest().unwrap(), Some(id.clone()));

    fs::remove_file(f.work.join("a")).unwrap();
    let again = f.store.undo(&id, None).unwrap();
    assert!(again.is_complete());
    assert_eq!(fs::read(f.work.join("a")).unwrap(), b"old a");
}

#[test]
fn undo_to_restores_under_the_original_path_structure() {
    let f = fixture();
    make_tree(&f.work.join("build"));
    let before = tree_state(&f.work.join("build"));
    let mut tx = f.store.begin(meta_for(&f.work), NO_LIMIT).unwrap();
    tx.put_aside(&f.work.join("build")).unwrap();
    let id = tx.commit().unwrap();
    fs::create_dir(f.work.join("build")).unwrap(); // something new at the place: not touched

    let side = f.home.parent().unwrap().join("side");
    let report = f.store.undo(&id, Some(&side)).unwrap();
    assert!(report.is_complete(), "{report:?}");
    let restored = side.join(f.work.join("build").strip_prefix("/").unwrap());
    assert_eq!(report.restored[0].1, restored);
    assert_same_tree(&tree_state(&restored), &before);
    assert_eq!(fs::read_dir(f.work.join("build")).unwrap().count(), 0);
}

#[test]
fn abort_puts_everything_back() {
    let f = fixture();
    make_tree(&f.work.join("build"));
    let before = tree_state(&f.work.join("build"));
    let mut tx = f.store.begin(meta_for(&f.work), NO_LIMIT).unwrap();
    tx.put_aside(&f.work.join("build")).unwrap();
    let dir = tx.dir().to_path_buf();
    tx.abort().unwrap();
    assert_same_tree(&tree_state(&f.work.join("build")), &before);
    assert!(!dir.exists());
}

#[test]
fn cp_over_a_file_then_undo_brings_back_the_old_contents() {
    let f = fixture();
    let target = f.work.join("config");
    fs::write(&target, "old").unwrap();
    let mut tx = f.store.begin(meta_for(&f.work), NO_LIMIT).unwrap();
    tx.keep_copy(&target).unwrap();
    fs::write(&target, "new, written in place").unwrap(); // what cp does
    let id = tx.commit().unwrap();
    let report = f.store.undo(&id, None).unwrap();
    assert!(report.is_complete(), "{report:?}");
    assert_eq!(fs::read(&target).unwrap(), b"old");
    // What the command wrote is not thrown away either.
    assert_eq!(report.displaced.len(), 1);
    assert_eq!(
        fs::read(&report.displaced[0].kept_at).unwrap(),
        b"new, written in place"
    );
}

#[test]
fn undo_restores_crontab_through_crontab_program() {
    let f = fixture();
    let stub = f.work.join("crontab");
    let record = f.work.join("crontab.log");
    fs::write(
        &stub,
        format!(
            "#!/bin/sh\necho \"$@\" > '{0}.args'\ncat > '{0}'\n",
            record.display()
        ),
    )
    .unwrap();
    fs::set_permissions(&stub, fs::Permissions::from_mode(0o755)).unwrap();
    let store = f.store.clone().with_crontab_program(&stub);
    let mut tx = store.begin(meta_for(&f.work), NO_LIMIT).unwrap();
    let table = b"0 3 * * * /usr/local/bin/backup\n";
    tx.save_bytes(
        "crontab of alice",
        table,
        RestoreAction::Crontab {
            user: Some("alice".into()),
        },
    )
    .unwrap();
    let id = tx.commit().unwrap();
    let report = store.undo(&id, None).unwrap();
    assert!(report.is_complete(), "{report:?}");
    assert_eq!(fs::read(&record).unwrap(), table);
    assert_eq!(
        fs::read_to_string(record.with_extension("log.args"))
            .unwrap()
            .trim(),
        "-u alice -"
    );
}

#[test]
fn rsync_delete_then_undo_gives_back_dst_exactly() {
    if Command::new("rsync").arg("--version").output().is_err() {
        eprintln!("skipping: no rsync");
        return;
    }
    let f = fixture();
    let (src, dst) = (f.work.join("src"), f.work.join("dst"));
    make_tree(&dst);
    fs::create_dir(&src).unwrap();
    fs::write(src.join("secret"), "replaced").unwrap();
    fs::write(src.join("brand-new"), "created by rsync").unwrap();
    let before = tree_state(&dst);
    let names_before: Vec<_> = before.keys().cloned().collect();

    let mut tx = f.store.begin(meta_for(&f.work), NO_LIMIT).unwrap();
    // rsync backs up files, not directories: their attributes are recorded beforehand (the
    // caller learns which from a `-n -i` pre-pass; here simply all of them).
    for (name, node) in &before {
        if node.kind == "dir" {
            tx.record_attributes(&dst.join(std::ffi::OsStr::from_bytes(name)))
                .unwrap();
        }
    }
    let backup = tx.backup_dir(&dst).unwrap();
    let status = Command::new("rsync")
        .arg("-a")
        .arg("--delete")
        .arg("--backup")
        .arg(format!("--backup-dir={}", backup.display()))
        .arg(format!("{}/", src.display()))
        .arg(format!("{}/", dst.display()))
        .status()
        .unwrap();
    assert!(status.success());
    tx.record_rsync_backup(&dst).unwrap();
    for name in tree_state(&dst).into_keys() {
        if !names_before.contains(&name) {
            tx.record_created(&dst.join(std::ffi::OsStr::from_bytes(&name)))
                .unwrap();
        }
    }
    let id = tx.commit().unwrap();
    let report = f.store.undo(&id, None).unwrap();
    assert!(report.is_complete(), "{report:?}");
    assert_eq!(report.removed_created, vec![dst.join("brand-new")]);
    let after = tree_state(&dst);
    assert_same_tree(&after, &before);
}

#[test]
fn verify_names_a_damaged_and_a_missing_entry() {
    let f = fixture();
    make_tree(&f.work.join("build"));
    fs::write(f.work.join("notes"), "keep me").unwrap();
    fs::write(f.work.join("gone"), "soon lost").unwrap();
    let mut tx = f.store.begin(meta_for(&f.work), NO_LIMIT).unwrap();
    for name in ["build", "notes", "gone"] {
        tx.put_aside(&f.work.join(name)).unwrap();
    }
    let id = tx.commit().unwrap();

    let first = f.store.verify(Some(&id)).unwrap();
    assert!(first.is_ok(), "{first:?}");
    assert_eq!(first.sealed.len(), 1, "the tree is sealed on first verify");
    assert!(f.store.verify(None).unwrap().is_ok());

    let dir = f.store.transaction_dir(&id);
    fs::write(dir.join("e0001/src/main.rs"), "fn main() { evil() }\n").unwrap();
    fs::write(dir.join("e0002"), "kEEp me").unwrap();
    fs::remove_file(dir.join("e0003")).unwrap();
    let report = f.store.verify(Some(&id)).unwrap();
    assert!(!report.is_ok());
    let named: Vec<String> = report
        .problems
        .iter()
        .map(|p| format!("{}: {}", p.original.display(), p.what))
        .collect();
    assert_eq!(named.len(), 3, "{named:?}");
    assert!(
        named[0].ends_with("build: src/main.rs: contents changed"),
        "{named:?}"
    );
    assert!(
        named[1].ends_with("notes: contents changed (checksum differs)"),
        "{named:?}"
    );
    assert!(
        named[2].ends_with("gone: missing from the store"),
        "{named:?}"
    );
}

#[test]
fn prune_drops_old_transactions_but_never_a_pending_one() {
    let f = fixture();
    for name in ["old1", "old2", "busy"] {
        fs::write(f.work.join(name), name).unwrap();
    }
    let mut ids = Vec::new();
    for name in ["old1", "old2"] {
        let mut tx = f.store.begin(meta_for(&f.work), NO_LIMIT).unwrap();
        tx.put_aside(&f.work.join(name)).unwrap();
        ids.push(tx.commit().unwrap());
    }
    let mut pending = f.store.begin(meta_for(&f.work), NO_LIMIT).unwrap();
    pending.put_aside(&f.work.join("busy")).unwrap();

    let none = f
        .store
        .prune(Some(Duration::from_secs(3600)), None)
        .unwrap();
    assert!(none.removed.is_empty());
    std::thread::sleep(Duration::from_millis(1100));
    let report = f.store.prune(Some(Duration::ZERO), None).unwrap();
    let removed: Vec<_> = report.removed.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(removed, ids);
    assert_eq!(report.kept_pending, vec![pending.id().clone()]);
    let left = f.store.list().unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].state, State::Pending);
    assert!(!f.store.transaction_dir(&ids[0]).exists());
    pending.commit().unwrap();
}

#[test]
fn prune_by_size_drops_the_oldest_first() {
    let f = fixture();
    let mut ids = Vec::new();
    for name in ["first", "second"] {
        fs::write(f.work.join(name), vec![1u8; 200_000]).unwrap();
        let mut tx = f.store.begin(meta_for(&f.work), NO_LIMIT).unwrap();
        tx.put_aside(&f.work.join(name)).unwrap();
        ids.push(tx.commit().unwrap());
    }
    let report = f.store.prune(None, Some(300_000)).unwrap();
    assert_eq!(report.removed.len(), 1);
    assert_eq!(report.removed[0].0, ids[0]);
    assert_eq!(f.store.list().unwrap()[0].id, ids[1]);
}

#[test]
fn the_snapshot_store_itself_is_never_put_aside() {
    let f = fixture();
    let mut tx = f.store.begin(meta_for(&f.work), NO_LIMIT).unwrap();
    let err = tx.put_aside(f.home.parent().unwrap()).unwrap_err();
    assert!(matches!(err, SnapshotError::ContainsStore { .. }), "{err}");
    let err = tx.put_aside(&f.work.join("missing")).unwrap_err();
    assert!(matches!(err, SnapshotError::Missing(_)), "{err}");
}

#[test]
fn other_filesystem_goes_to_its_topdir_store_and_comes_back() {
    let f = fixture();
    let Some(mount) = Tmpfs::mount(&f.work.join("otherfs"), "16M") else {
        return;
    };
    let build = mount.0.join("project/build");
    make_tree(&build);
    let before = tree_state(&build);
    let mut tx = f.store.begin(meta_for(&f.work), NO_LIMIT).unwrap();
    assert_eq!(tx.put_aside(&build).unwrap(), Disposal::Moved);
    let id = tx.commit().unwrap();
    let topdir = mount
        .0
        .join(format!(".shellguard-{}", nix::unistd::geteuid()));
    let meta = fs::symlink_metadata(&topdir).unwrap();
    assert!(meta.is_dir());
    assert_eq!(meta.mode() & 0o777, 0o700);
    let entry = &f.store.manifest(&id).unwrap().entries[0];
    assert_eq!(
        entry.store.as_deref(),
        Some(topdir.join(id.as_str()).as_path())
    );
    assert!(topdir.join(id.as_str()).join("e0001/src/main.rs").is_file());

    assert!(f.store.undo(&id, None).unwrap().is_complete());
    assert_same_tree(&tree_state(&build), &before);
    f.store.prune(None, Some(0)).unwrap();
    assert!(
        !topdir.join(id.as_str()).exists(),
        "prune cleans the topdir part too"
    );
}

#[test]
fn a_mount_point_inside_the_tree_is_refused() {
    let f = fixture();
    let tree = f.work.join("tree");
    fs::create_dir_all(tree.join("keep")).unwrap();
    let Some(mount) = Tmpfs::mount(&tree.join("mnt"), "1M") else {
        return;
    };
    fs::write(mount.0.join("on-the-mount"), "precious").unwrap();
    let mut tx = f.store.begin(meta_for(&f.work), NO_LIMIT).unwrap();
    let err = tx.put_aside(&tree).unwrap_err();
    match &err {
        SnapshotError::MountPointInside { mount: m, .. } => assert_eq!(*m, mount.0),
        other => panic!("{other}"),
    }
    assert!(err.to_string().contains("mnt"));
    assert!(tree.join("keep").is_dir());
    let err = tx.put_aside(&mount.0).unwrap_err();
    assert!(
        matches!(err, SnapshotError::MountPointInside { .. }),
        "{err}"
    );
    assert_eq!(fs::read(mount.0.join("on-the-mount")).unwrap(), b"precious");
    tx.abort().unwrap();
}

/// Makes the topdir store unusable the way an attacker or an accident would.
fn poison_topdir(top: &Path) -> PathBuf {
    let topdir = top.join(format!(".shellguard-{}", nix::unistd::geteuid()));
    symlink("/tmp", &topdir).unwrap();
    topdir
}

#[test]
fn a_symlinked_topdir_store_is_refused_and_a_copy_kept_instead() {
    let f = fixture();
    let Some(mount) = Tmpfs::mount(&f.work.join("otherfs"), "16M") else {
        return;
    };
    poison_topdir(&mount.0);
    let build = mount.0.join("build");
    make_tree(&build);
    let before = tree_state(&build);
    let mut tx = f.store.begin(meta_for(&f.work), NO_LIMIT).unwrap();
    assert_eq!(tx.put_aside(&build).unwrap(), Disposal::Copied);
    assert_eq!(
        tree_state(&build),
        before,
        "the original is left for the command"
    );
    fs::remove_dir_all(&build).unwrap(); // what rm then does
    let id = tx.commit().unwrap();
    let entry = &f.store.manifest(&id).unwrap().entries[0];
    assert_eq!(entry.method, Method::Copied);
    assert_eq!(entry.store, None);
    assert!(f.store.undo(&id, None).unwrap().is_complete());
    assert_same_tree(&tree_state(&build), &before);
}

#[test]
fn no_space_for_the_copy_refuses_and_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(home) = Tmpfs::mount(&tmp.path().join("home"), "1M") else {
        return;
    };
    let Some(data) = Tmpfs::mount(&tmp.path().join("data"), "16M") else {
        return;
    };
    poison_topdir(&data.0);
    let big = data.0.join("big");
    fs::create_dir(&big).unwrap();
    fs::write(big.join("blob"), vec![9u8; 3 << 20]).unwrap();
    let store = Store::open(&home.0).unwrap();

    let mut tx = store.begin(meta_for(tmp.path()), NO_LIMIT).unwrap();
    let err = tx.put_aside(&big).unwrap_err();
    assert!(
        matches!(err, SnapshotError::NoSpace { size, .. } if size == 3 << 20),
        "{err}"
    );
    assert!(err.to_string().contains("--no-snapshot"), "{err}");
    assert_eq!(fs::read(big.join("blob")).unwrap().len(), 3 << 20);
    assert!(!tx.dir().join("e0001").exists(), "no partial copy left");

    let err = tx.put_aside(&big).map(|_| ()).unwrap_err();
    assert!(matches!(err, SnapshotError::NoSpace { .. }));
    drop(tx);

    let mut small_budget = store.begin(meta_for(tmp.path()), 1 << 20).unwrap();
    let err = small_budget.put_aside(&big).unwrap_err();
    assert!(
        matches!(err, SnapshotError::TooLargeToCopy { size, limit, .. } if size == 3 << 20 && limit == 1 << 20),
        "{err}"
    );
    assert!(err.to_string().contains("3.0 MiB"), "{err}");
    small_budget.abort().unwrap();
}

/// Not a test: `cargo test --release --test snapshot_store -- --ignored --nocapture bench`.
#[test]
#[ignore]
fn bench_put_aside_vs_rm_rf_100k_files() {
    let f = fixture();
    let make = |root: &Path| {
        for d in 0..100 {
            let dir = root.join(format!("d{d}"));
            fs::create_dir_all(&dir).unwrap();
            for i in 0..1000 {
                fs::write(dir.join(format!("f{i}")), b"x").unwrap();
            }
        }
    };
    let (plain, guarded) = (f.work.join("plain"), f.work.join("guarded"));
    make(&plain);
    make(&guarded);
    // Trees to delete are usually old: flush their creation, or the first fsync pays for it.
    Command::new("sync").status().unwrap();
    let start = std::time::Instant::now();
    assert!(
        Command::new("rm")
            .arg("-rf")
            .arg(&plain)
            .status()
            .unwrap()
            .success()
    );
    let rm = start.elapsed();
    let start = std::time::Instant::now();
    let mut tx = f.store.begin(meta_for(&f.work), NO_LIMIT).unwrap();
    tx.put_aside(&guarded).unwrap();
    let id = tx.commit().unwrap();
    let put_aside = start.elapsed();
    let start = std::time::Instant::now();
    f.store.undo(&id, None).unwrap();
    let undo = start.elapsed();
    eprintln!(
        "100,000 files: rm -rf {rm:?}; begin+put_aside+commit {put_aside:?} ({:.0}x faster); undo {undo:?}",
        rm.as_secs_f64() / put_aside.as_secs_f64()
    );
}
