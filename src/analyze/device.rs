//! Programs that write to block devices: `mkfs`, `mkfs.*`, `mke2fs`, `mkswap`, `wipefs`,
//! `shred`, `fdisk`, `sfdisk`, `cfdisk`, `gdisk`, `sgdisk`, `parted`, `blkdiscard` (and
//! the device check shared with `dd`).
//!
//! A block device target (also reached through a symlink such as `/dev/disk/by-id/...`,
//! or a `/dev/...` path that does not exist now) is `overwrite` with `device-write`,
//! naming where its data is mounted and whether it holds `/`. Batch writers (mkfs,
//! wipefs -a, sfdisk, sgdisk, parted -s ... mklabel, blkdiscard, shred) are `block`; the
//! interactive editors (`fdisk DEV`, `cfdisk`, `gdisk DEV`, `parted DEV` with no commands)
//! write only when told to, so they are `confirm`. Listing (`fdisk -l`, `parted DEV
//! print`, `wipefs DEV`, `sfdisk -l`) and dry runs (`mke2fs -n`, `mkfs.xfs -N`,
//! `wipefs -n`) touch nothing. A regular file (a disk image) is an `overwrite` target
//! with a snapshot.

use std::path::{Path, PathBuf};

use super::opts::{self, OptDef, flag, optional, valued};
use super::{Analysis, Arg, Invocation};
use crate::model::{Effect, FileKind, Target, Verdict};
use crate::rules::Rule;

/// The programs this file analyses.
pub fn handles(name: &str) -> bool {
    name.starts_with("mkfs")
        || matches!(
            name,
            "mke2fs"
                | "mkswap"
                | "wipefs"
                | "shred"
                | "fdisk"
                | "sfdisk"
                | "cfdisk"
                | "gdisk"
                | "sgdisk"
                | "parted"
                | "blkdiscard"
        )
}

pub fn analyze(inv: &Invocation) -> Analysis {
    match inv.name {
        "wipefs" => wipefs(inv),
        "shred" => shred(inv),
        "fdisk" => fdisk(inv),
        "sfdisk" => sfdisk(inv),
        "cfdisk" => cfdisk(inv),
        "gdisk" => gdisk(inv),
        "sgdisk" => sgdisk(inv),
        "parted" => parted(inv),
        "blkdiscard" => blkdiscard(inv),
        _ => mkfs(inv),
    }
}

/// Where an operand leads when it names a device: symlinks followed (udev's
/// `/dev/disk/by-*` names are symlinks).
fn device_path(inv: &Invocation, arg: &Arg) -> (PathBuf, FileKind) {
    let resolved = inv.resolve_followed(arg);
    (resolved.path, resolved.kind)
}

/// True for a block device, or a `/dev/...` path that is not there now (it may be
/// hot-plugged, and nothing else lives under /dev).
pub(crate) fn is_device(path: &Path, kind: FileKind) -> bool {
    kind == FileKind::BlockDevice || (kind == FileKind::Missing && path.starts_with("/dev"))
}

/// The `device-write` reason and target for a device operand; `doing` says what the
/// program does to it ("mkfs.ext4 makes a new filesystem on").
pub(crate) fn device_write(
    inv: &Invocation,
    arg: &Arg,
    path: PathBuf,
    kind: FileKind,
    doing: &str,
    severity: Verdict,
    analysis: &mut Analysis,
) {
    let shown = if arg.text() == path.to_string_lossy() {
        format!("'{}'", path.display())
    } else {
        format!("'{}' ('{}')", arg.text(), path.display())
    };
    let state = if kind == FileKind::Missing {
        " (not present now; under /dev it can only be a device)".to_string()
    } else {
        let mounts = inv.ctx.device_mounts(&path);
        if mounts.iter().any(|m| m == Path::new("/")) {
            format!(
                ", which holds / — the running system{}",
                others(&mounts, Path::new("/"))
            )
        } else if !mounts.is_empty() {
            format!(
                ", mounted at {}",
                mounts
                    .iter()
                    .map(|m| m.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            String::new()
        }
    };
    analysis
        .reason(
            Rule::DeviceWrite,
            severity,
            format!("{doing} the block device {shown}{state}: whatever it holds is destroyed"),
        )
        .instead(
            "check the device with lsblk -f and blkid first (by-id names are safer than \
             /dev/sdX, which can change between boots)",
        );
    analysis.targets.push(Target {
        exists: kind.exists(),
        path,
        effect: Effect::Overwrite,
        kind,
        recursive: false,
        operand: arg.text().into_owned(),
        exact: arg.exact,
    });
}

fn others(mounts: &[PathBuf], except: &Path) -> String {
    let rest: Vec<String> = mounts
        .iter()
        .filter(|m| m.as_path() != except)
        .map(|m| m.display().to_string())
        .collect();
    if rest.is_empty() {
        String::new()
    } else {
        format!(" (and {})", rest.join(", "))
    }
}

/// A device-or-image operand of a program that writes it: a device gets `device-write`,
/// an existing regular file (a disk image) is overwritten with a snapshot.
fn write_operand(
    inv: &Invocation,
    arg: &Arg,
    doing: &str,
    severity: Verdict,
    analysis: &mut Analysis,
) {
    if !arg.exact {
        inv.unknown_operand(arg, Effect::Overwrite, analysis);
        analysis
            .targets
            .push(inv.target(arg, Effect::Overwrite, false));
        return;
    }
    let (path, kind) = device_path(inv, arg);
    if is_device(&path, kind) {
        device_write(inv, arg, path, kind, doing, severity, analysis);
    } else if kind == FileKind::File {
        analysis.reason(
            Rule::Overwrite,
            Verdict::Allow,
            format!("{doing} the file '{}' (a disk image)", path.display()),
        );
        analysis.snapshot = true;
        analysis.targets.push(Target {
            exists: true,
            path,
            effect: Effect::Overwrite,
            kind,
            recursive: false,
            operand: arg.text().into_owned(),
            exact: true,
        });
    } else if kind == FileKind::Unknown {
        analysis
            .targets
            .push(inv.target(arg, Effect::Overwrite, false));
    }
}

/// The operands that name devices: those that are devices (or /dev paths), else the
/// `fallback` operand — robust against a value-taking option this table does not know.
fn device_operands<'a>(
    inv: &Invocation,
    operands: &[&'a Arg],
    fallback: Option<&'a Arg>,
) -> Vec<&'a Arg> {
    let devices: Vec<&Arg> = operands
        .iter()
        .copied()
        .filter(|a| {
            let (path, kind) = device_path(inv, a);
            a.exact && is_device(&path, kind) || a.text().starts_with("/dev/")
        })
        .collect();
    if devices.is_empty() {
        fallback.into_iter().collect()
    } else {
        devices
    }
}

// ---------------------------------------------------------------- mkfs family

const MKFS_EXT: &[OptDef] = &[
    valued("block-size", Some('b'), None),
    valued("cluster-size", Some('C'), None),
    flag("check", Some('c'), None),
    valued("root-dir", Some('d'), None),
    flag("direct-io", Some('D'), None),
    valued("errors", Some('e'), None),
    valued("extended", Some('E'), None),
    flag("force", Some('F'), None),
    valued("group-blocks", Some('g'), None),
    valued("flex-group", Some('G'), None),
    valued("bytes-per-inode", Some('i'), None),
    valued("inode-size", Some('I'), None),
    flag("journal", Some('j'), None),
    valued("journal-options", Some('J'), None),
    flag("no-discard", Some('K'), None),
    valued("bad-blocks", Some('l'), None),
    valued("label", Some('L'), None),
    valued("reserved", Some('m'), None),
    valued("last-mounted", Some('M'), None),
    flag("dry-run", Some('n'), None),
    valued("inodes", Some('N'), None),
    valued("features", Some('O'), None),
    valued("creator-os", Some('o'), None),
    flag("quiet", Some('q'), None),
    valued("revision", Some('r'), None),
    flag("super-only", Some('S'), None),
    valued("type", Some('t'), None),
    valued("usage-type", Some('T'), None),
    valued("uuid", Some('U'), None),
    flag("verbose", Some('v'), None),
    flag("version", Some('V'), None),
    valued("undo", Some('z'), None),
];

const MKFS_XFS: &[OptDef] = &[
    valued("block", Some('b'), None),
    valued("metadata", Some('m'), None),
    valued("data", Some('d'), None),
    flag("force", Some('f'), None),
    valued("inode", Some('i'), None),
    valued("log", Some('l'), None),
    valued("label", Some('L'), None),
    valued("naming", Some('n'), None),
    flag("dry-run", Some('N'), None),
    valued("protofile", Some('p'), None),
    flag("quiet", Some('q'), None),
    valued("realtime", Some('r'), None),
    valued("sector", Some('s'), None),
    flag("no-discard", Some('K'), None),
    flag("version", Some('V'), None),
];

/// A superset for the other mkfs.* programs (btrfs, vfat, f2fs, ...) and mkswap: the
/// device is then found by shape, see [`device_operands`].
const MKFS_OTHER: &[OptDef] = &[
    valued("type", Some('t'), Some("type")),
    valued("label", Some('L'), Some("label")),
    valued("label", None, Some("name")),
    valued("uuid", Some('U'), Some("uuid")),
    valued("nodesize", Some('n'), Some("nodesize")),
    valued("sectorsize", Some('s'), Some("sectorsize")),
    valued("data", Some('d'), Some("data")),
    valued("metadata", Some('m'), Some("metadata")),
    valued("features", Some('O'), Some("features")),
    valued("rootdir", Some('r'), Some("rootdir")),
    valued("fat-size", Some('F'), None),
    valued("pagesize", Some('p'), Some("pagesize")),
    valued("endianness", Some('e'), Some("endianness")),
    flag("force", Some('f'), Some("force")),
    flag("check", Some('c'), Some("check")),
    flag("quiet", Some('q'), Some("quiet")),
    flag("verbose", Some('v'), Some("verbose")),
    flag("version", Some('V'), Some("version")),
    flag("help", Some('h'), Some("help")),
];

fn mkfs(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let generic = inv.name == "mkfs";
    let first_pass = opts::parse(MKFS_OTHER, inv.args);
    let fs_type = if generic {
        first_pass
            .value("type")
            .map(|t| t.to_string_lossy().into_owned())
            .unwrap_or_else(|| "ext2".to_string())
    } else {
        inv.name
            .strip_prefix("mkfs.")
            .unwrap_or(inv.name)
            .to_string()
    };
    let ext = fs_type.starts_with("ext") || inv.name == "mke2fs";
    let base = if ext {
        MKFS_EXT
    } else if fs_type == "xfs" {
        MKFS_XFS
    } else {
        MKFS_OTHER
    };
    // `mkfs [-V] -t TYPE ...` reads its own -t and -V and passes the rest on.
    let mut defs: Vec<OptDef> = Vec::new();
    if generic {
        defs.push(valued("mkfs-type", Some('t'), Some("type")));
        defs.push(flag("mkfs-verbose", Some('V'), Some("verbose")));
    }
    defs.extend_from_slice(base);
    let parsed = opts::parse(&defs, inv.args);
    let operands = parsed.operands.clone();
    if parsed.has("help") || (parsed.has("version") && operands.is_empty()) {
        return analysis;
    }
    let dry = (ext && parsed.has("dry-run")) || (fs_type == "xfs" && parsed.has("dry-run"));
    if dry {
        return analysis;
    }
    let doing = if inv.name == "mkswap" {
        "mkswap makes swap space on".to_string()
    } else {
        format!("{} makes a new {fs_type} filesystem on", inv.name)
    };
    for arg in device_operands(inv, &operands, operands.first().copied()) {
        write_operand(inv, arg, &doing, Verdict::Block, &mut analysis);
    }
    analysis
}

// ---------------------------------------------------------------- wipefs

const WIPEFS: &[OptDef] = &[
    flag("all", Some('a'), Some("all")),
    flag("backup", Some('b'), Some("backup")),
    flag("force", Some('f'), Some("force")),
    flag("noheadings", Some('i'), Some("noheadings")),
    flag("json", Some('J'), Some("json")),
    optional("lock", "lock"),
    flag("no-act", Some('n'), Some("no-act")),
    valued("offset", Some('o'), Some("offset")),
    valued("output", Some('O'), Some("output")),
    flag("parsable", Some('p'), Some("parsable")),
    flag("quiet", Some('q'), Some("quiet")),
    valued("types", Some('t'), Some("types")),
    flag("help", Some('h'), Some("help")),
    flag("version", Some('V'), Some("version")),
];

fn wipefs(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse(WIPEFS, inv.args);
    let erases = parsed.has("all") || parsed.has("offset");
    if !erases || parsed.has("no-act") || parsed.has("help") || parsed.has("version") {
        return analysis; // without -a/-o wipefs only lists the signatures
    }
    let doing = if parsed.has("backup") {
        "wipefs erases the signatures (a backup goes to ~/wipefs-*.bak) of"
    } else {
        "wipefs erases the filesystem and partition-table signatures of"
    };
    for arg in &parsed.operands {
        write_operand(inv, arg, doing, Verdict::Block, &mut analysis);
    }
    analysis
}

// ---------------------------------------------------------------- shred

const SHRED: &[OptDef] = &[
    flag("force", Some('f'), Some("force")),
    valued("iterations", Some('n'), Some("iterations")),
    valued("random-source", None, Some("random-source")),
    valued("size", Some('s'), Some("size")),
    flag("remove", Some('u'), None),
    optional("remove", "remove"),
    flag("verbose", Some('v'), Some("verbose")),
    flag("exact", Some('x'), Some("exact")),
    flag("zero", Some('z'), Some("zero")),
    flag("help", None, Some("help")),
    flag("version", None, Some("version")),
];

/// shred destroys a file's content beyond recovery, which is its purpose; on a file that
/// still deserves a look (`confirm`), and shellguard keeps a snapshot unless told not to,
/// because a mistyped name is otherwise gone for good.
fn shred(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse(SHRED, inv.args);
    if parsed.has("help") || parsed.has("version") {
        return analysis;
    }
    let removes = parsed.has("remove");
    for arg in &parsed.operands {
        if arg.text() == "-" {
            continue; // standard output
        }
        if !arg.exact {
            inv.unknown_operand(arg, Effect::Overwrite, &mut analysis);
            analysis
                .targets
                .push(inv.target(arg, Effect::Overwrite, false));
            continue;
        }
        let (path, kind) = device_path(inv, arg);
        if is_device(&path, kind) {
            device_write(
                inv,
                arg,
                path,
                kind,
                "shred overwrites",
                Verdict::Block,
                &mut analysis,
            );
            continue;
        }
        if kind != FileKind::File {
            continue; // shred refuses directories; a missing file is an error
        }
        let effect = if removes {
            Effect::Delete
        } else {
            Effect::Overwrite
        };
        let then = if removes { " and then removes it" } else { "" };
        analysis
            .reason(
                Rule::Overwrite,
                Verdict::Confirm,
                format!(
                    "shred overwrites '{}' beyond recovery{then}; shellguard keeps a snapshot \
                     (use --no-snapshot when the point is that no copy remains)",
                    path.display()
                ),
            )
            .instead("rm is enough unless the content must not be recoverable from the disk");
        analysis.snapshot = true;
        analysis.targets.push(Target {
            exists: true,
            path,
            effect,
            kind,
            recursive: false,
            operand: arg.text().into_owned(),
            exact: true,
        });
    }
    analysis
}

// ---------------------------------------------------------------- partition editors

const FDISK: &[OptDef] = &[
    valued("sector-size", Some('b'), Some("sector-size")),
    flag("protect-boot", Some('B'), Some("protect-boot")),
    flag("compatibility", Some('c'), None),
    optional("compatibility", "compatibility"),
    flag("color", Some('L'), None),
    optional("color", "color"),
    flag("list", Some('l'), Some("list")),
    flag("list", Some('x'), Some("list-details")),
    optional("lock", "lock"),
    flag("noauto-pt", Some('n'), Some("noauto-pt")),
    valued("output", Some('o'), Some("output")),
    flag("list", Some('s'), Some("getsz")),
    valued("type", Some('t'), Some("type")),
    flag("units", Some('u'), None),
    optional("units", "units"),
    valued("wipe", Some('w'), Some("wipe")),
    valued("wipe-partitions", Some('W'), Some("wipe-partitions")),
    valued("cylinders", Some('C'), Some("cylinders")),
    valued("heads", Some('H'), Some("heads")),
    valued("sectors", Some('S'), Some("sectors")),
    flag("help", Some('h'), Some("help")),
    flag("version", Some('V'), Some("version")),
];

fn fdisk(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse(FDISK, inv.args);
    if ["list", "help", "version"].iter().any(|k| parsed.has(k)) {
        return analysis;
    }
    for arg in parsed.operands.iter().take(1) {
        write_operand(
            inv,
            arg,
            "fdisk edits the partition table (written when you type w) of",
            Verdict::Confirm,
            &mut analysis,
        );
    }
    analysis
}

const CFDISK: &[OptDef] = &[
    flag("color", Some('L'), None),
    optional("color", "color"),
    optional("lock", "lock"),
    flag("read-only", Some('r'), Some("read-only")),
    flag("zero", Some('z'), Some("zero")),
    flag("help", Some('h'), Some("help")),
    flag("version", Some('V'), Some("version")),
];

fn cfdisk(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse(CFDISK, inv.args);
    if ["read-only", "help", "version"]
        .iter()
        .any(|k| parsed.has(k))
    {
        return analysis;
    }
    let default = Arg::exact("/dev/sda");
    let device = parsed.operands.first().copied().unwrap_or(&default);
    write_operand(
        inv,
        device,
        "cfdisk edits the partition table (written when you choose Write) of",
        Verdict::Confirm,
        &mut analysis,
    );
    analysis
}

const GDISK: &[OptDef] = &[
    flag("list", Some('l'), None),
    flag("help", Some('h'), Some("help")),
];

fn gdisk(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse(GDISK, inv.args);
    if parsed.has("list") || parsed.has("help") {
        return analysis;
    }
    for arg in parsed.operands.iter().take(1) {
        write_operand(
            inv,
            arg,
            "gdisk edits the GPT (written when you type w) of",
            Verdict::Confirm,
            &mut analysis,
        );
    }
    analysis
}

const SFDISK: &[OptDef] = &[
    flag("activate", Some('A'), Some("activate")),
    flag("delete", None, Some("delete")),
    flag("dump", Some('d'), Some("dump")),
    flag("json", Some('J'), Some("json")),
    flag("show-geometry", Some('g'), Some("show-geometry")),
    flag("list", Some('l'), Some("list")),
    flag("list-free", Some('F'), Some("list-free")),
    flag("reorder", Some('r'), Some("reorder")),
    flag("show-size", Some('s'), Some("show-size")),
    flag("verify", Some('V'), Some("verify")),
    flag("relocate", None, Some("relocate")),
    flag("append", Some('a'), Some("append")),
    flag("backup", Some('b'), Some("backup")),
    valued("backup-file", Some('O'), Some("backup-file")),
    valued("backup-pt-sectors", None, Some("backup-pt-sectors")),
    flag("bootable", None, Some("bootable")),
    flag("color", None, None),
    optional("color", "color"),
    flag("force", Some('f'), Some("force")),
    valued("label", Some('X'), Some("label")),
    valued("label-nested", Some('Y'), Some("label-nested")),
    optional("lock", "lock"),
    flag("move-data", None, Some("move-data")),
    valued("partno", Some('N'), Some("partno")),
    flag("no-act", Some('n'), Some("no-act")),
    flag("no-reread", None, Some("no-reread")),
    flag("no-tell-kernel", None, Some("no-tell-kernel")),
    valued("output", Some('o'), Some("output")),
    flag("quiet", Some('q'), Some("quiet")),
    valued("sector-size", None, Some("sector-size")),
    valued("wipe", Some('w'), Some("wipe")),
    valued("wipe-partitions", Some('W'), Some("wipe-partitions")),
    flag("part-label", None, Some("part-label")),
    flag("part-type", None, Some("part-type")),
    flag("part-uuid", None, Some("part-uuid")),
    flag("part-attrs", None, Some("part-attrs")),
    flag("disk-id", None, Some("disk-id")),
    flag("help", Some('h'), Some("help")),
    flag("version", Some('v'), Some("version")),
    valued("unit", Some('u'), Some("unit")),
];

fn sfdisk(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse(SFDISK, inv.args);
    let reads = [
        "dump",
        "json",
        "show-geometry",
        "list",
        "list-free",
        "show-size",
        "verify",
        "help",
        "version",
        "no-act",
    ];
    if reads.iter().any(|k| parsed.has(k)) {
        return analysis;
    }
    // --part-type DEV N prints, --part-type DEV N TYPE sets: a value after the number.
    let getters = [
        "part-label",
        "part-type",
        "part-uuid",
        "part-attrs",
        "disk-id",
    ];
    if getters.iter().any(|k| parsed.has(k))
        && parsed.operands.len() <= if parsed.has("disk-id") { 1 } else { 2 }
    {
        return analysis;
    }
    if parsed.has("activate") && parsed.operands.len() == 1 {
        return analysis; // prints the bootable partitions
    }
    if let Some(arg) = parsed.operands.first() {
        write_operand(
            inv,
            arg,
            "sfdisk writes a new partition table to",
            Verdict::Block,
            &mut analysis,
        );
    }
    analysis
}

/// Short options of sgdisk that take a value (`-n 1:0:0`, `-t 1:8300`, ...).
const SGDISK_VALUED: &str = "aAbcdhijklmMnNrRtTuU";
const SGDISK_READS: &[&str] = &[
    "-p",
    "--print",
    "-i",
    "--info",
    "-v",
    "--verify",
    "-O",
    "--print-mbr",
    "-L",
    "--list-types",
    "-E",
    "--end-of-largest",
    "-f",
    "--first-in-largest",
    "-F",
    "--first-aligned-in-largest",
    "-D",
    "--display-alignment",
    "-b",
    "--backup",
    "-?",
    "--help",
    "-V",
    "--version",
    "--usage",
];

/// sgdisk (popt): every option that is not a report writes the GPT unless `-P`/`--pretend`.
fn sgdisk(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let mut writes = false;
    let mut operands = Vec::new();
    let mut i = 0;
    while let Some(arg) = inv.args.get(i) {
        i += 1;
        let text = arg.text();
        if !arg.exact || !text.starts_with('-') || text == "-" {
            operands.push(arg);
            continue;
        }
        let name = text.split('=').next().unwrap_or(&text);
        if name == "-P" || name == "--pretend" {
            return analysis;
        }
        if !SGDISK_READS.contains(&name) {
            writes = true;
        }
        let short_valued =
            name.len() == 2 && !name.starts_with("--") && SGDISK_VALUED.contains(&name[1..]);
        let long_valued = name.starts_with("--") && !text.contains('=') && long_takes_value(name);
        if (short_valued || long_valued) && !text.contains('=') {
            i += 1;
        }
    }
    if !writes {
        return analysis;
    }
    let last = operands.last().copied();
    for arg in device_operands(inv, &operands, last) {
        write_operand(
            inv,
            arg,
            "sgdisk rewrites the partition table of",
            Verdict::Block,
            &mut analysis,
        );
    }
    analysis
}

fn long_takes_value(name: &str) -> bool {
    matches!(
        name,
        "--set-alignment"
            | "--attributes"
            | "--backup"
            | "--change-name"
            | "--delete"
            | "--gpttombr"
            | "--adjust-main-table"
            | "--move-backup-table"
            | "--hybrid"
            | "--info"
            | "--partition-guid"
            | "--disk-guid"
            | "--move-main-table"
            | "--load-backup"
            | "--new"
            | "--transpose"
            | "--replicate"
            | "--typecode"
            | "--transform-bsd"
            | "--largest-new"
            | "--change-mbr"
    )
}

const PARTED: &[OptDef] = &[
    valued("align", Some('a'), Some("align")),
    flag("fix", Some('f'), Some("fix")),
    flag("help", Some('h'), Some("help")),
    flag("json", Some('j'), Some("json")),
    flag("list", Some('l'), Some("list")),
    flag("machine", Some('m'), Some("machine")),
    flag("script", Some('s'), Some("script")),
    flag("version", Some('v'), Some("version")),
];

/// parted commands that only report (or set the unit for reporting).
const PARTED_READS: &[&str] = &[
    "print",
    "p",
    "help",
    "version",
    "quit",
    "unit",
    "align-check",
];
const PARTED_WRITES: &[&str] = &[
    "mklabel",
    "mktable",
    "mkpart",
    "mkpartfs",
    "rm",
    "resize",
    "resizepart",
    "rescue",
    "name",
    "set",
    "toggle",
    "disk_set",
    "disk_toggle",
    "type",
    "move",
    "cp",
    "mkfs",
];

fn parted(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse_until_operand(PARTED, inv.args);
    if ["list", "help", "version"].iter().any(|k| parsed.has(k)) {
        return analysis;
    }
    let Some((device, commands)) = parsed.operands.split_first() else {
        return analysis; // parted with no device picks the first one interactively
    };
    let words: Vec<String> = commands.iter().map(|c| c.text().into_owned()).collect();
    let writes = words.iter().any(|w| PARTED_WRITES.contains(&w.as_str()));
    let only_reads = !words.is_empty()
        && !writes
        && words
            .first()
            .is_some_and(|w| PARTED_READS.contains(&w.as_str()));
    if only_reads {
        return analysis;
    }
    let (doing, severity) = if words.is_empty() {
        (
            "parted opens an interactive session (each command writes at once) on",
            Verdict::Confirm,
        )
    } else {
        ("parted rewrites the partition table of", Verdict::Block)
    };
    write_operand(inv, device, doing, severity, &mut analysis);
    analysis
}

const BLKDISCARD: &[OptDef] = &[
    valued("offset", Some('o'), Some("offset")),
    valued("length", Some('l'), Some("length")),
    valued("step", Some('p'), Some("step")),
    flag("force", Some('f'), Some("force")),
    flag("secure", Some('s'), Some("secure")),
    flag("verbose", Some('v'), Some("verbose")),
    flag("zeroout", Some('z'), Some("zeroout")),
    flag("quiet", Some('q'), Some("quiet")),
    flag("help", Some('h'), Some("help")),
    flag("version", Some('V'), Some("version")),
];

fn blkdiscard(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse(BLKDISCARD, inv.args);
    if parsed.has("help") || parsed.has("version") {
        return analysis;
    }
    for arg in &parsed.operands {
        write_operand(
            inv,
            arg,
            "blkdiscard discards every block of",
            Verdict::Block,
            &mut analysis,
        );
    }
    analysis
}
