//! `gcloud`: the storage commands that delete objects and the compute call that deletes
//! instances.
//!
//! Covered: `gcloud storage rm -r|-R|--recursive` and wildcard URLs (every object under or
//! matching the URL, `sync-delete`), `gcloud storage rsync
//! --delete-unmatched-destination-objects` (the destination loses what the source lacks,
//! `sync-delete`; `--dry-run` is `allow`; a local destination is a recursive delete
//! target), `gcloud compute instances delete NAME... [--zone Z]` (`instance-delete`).
//! Flags may stand anywhere, as gcloud allows.
//!
//! A single-object `gcloud storage rm gs://b/key` is `allow`, like `gsutil rm`. Not covered:
//! the other groups' delete commands (`container clusters delete`, `sql instances
//! delete`, ...), and `--flags-file` contents.

use super::cloud::{self, DeletingSync};
use super::opts::{self, OptDef, flag, valued};
use super::{Analysis, Invocation};

const OPTIONS: &[OptDef] = &[
    // global flags
    valued("x", None, Some("account")),
    valued("x", None, Some("billing-project")),
    valued("x", None, Some("configuration")),
    valued("x", None, Some("flags-file")),
    valued("x", None, Some("flatten")),
    valued("x", None, Some("format")),
    valued("x", None, Some("project")),
    valued("x", None, Some("verbosity")),
    valued("x", None, Some("impersonate-service-account")),
    valued("x", None, Some("access-token-file")),
    valued("x", None, Some("trace-token")),
    flag("x", Some('q'), Some("quiet")),
    flag("x", None, Some("log-http")),
    flag("help", Some('h'), Some("help")),
    // storage rm / rsync
    flag("recursive", Some('r'), Some("recursive")),
    flag("recursive", Some('R'), None),
    flag("x", Some('a'), Some("all-versions")),
    flag("x", Some('c'), Some("continue-on-error")),
    flag("stdin", Some('I'), Some("read-paths-from-stdin")),
    flag("delete", None, Some("delete-unmatched-destination-objects")),
    flag("dry-run", None, Some("dry-run")),
    valued("x", Some('x'), Some("exclude")),
    valued("x", None, Some("additional-headers")),
    valued("x", None, Some("content-type")),
    valued("x", None, Some("storage-class")),
    valued("x", None, Some("encryption-key")),
    // compute instances delete
    valued("zone", None, Some("zone")),
    valued("x", None, Some("region")),
    valued("keep-disks", None, Some("keep-disks")),
    valued("delete-disks", None, Some("delete-disks")),
];

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse_unabbreviated(OPTIONS, inv.args);
    let words = opts::texts(&parsed.operands);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    if parsed.has("help") {
        return analysis;
    }
    match words.as_slice() {
        ["storage", "rm", ..] => {
            cloud::objects_rm(
                &mut analysis,
                &parsed.operands[2..],
                parsed.has("recursive"),
                ("gcloud storage rm --recursive", "gcloud storage rm"),
                None,
            );
            if parsed.has("stdin") {
                cloud::objects_from_stdin(&mut analysis, "gcloud storage rm -I");
            }
        }
        ["storage", "rsync", ..] if !parsed.has("dry-run") => {
            if let [src, dst, ..] = &parsed.operands[2..] {
                let delete = parsed.has("delete").then_some(DeletingSync {
                    command: "gcloud storage rsync --delete-unmatched-destination-objects",
                    dry_run: "gcloud storage rsync --delete-unmatched-destination-objects --dry-run",
                    copy: "without --delete-unmatched-destination-objects it only adds and replaces",
                });
                cloud::sync(inv, &mut analysis, src, dst, delete);
            }
        }
        ["compute", "instances", "delete", names @ ..] => {
            let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
            let zone = parsed
                .value("zone")
                .map(|z| z.to_string_lossy().into_owned());
            let zone_flag = zone
                .as_deref()
                .map(|z| format!(" --zone {z}"))
                .unwrap_or_default();
            let first = names.first().map_or("INSTANCE", String::as_str);
            let mut place = zone.map(|z| format!("zone {z}"));
            if parsed
                .value("keep-disks")
                .is_none_or(|k| k.to_string_lossy() != "all")
            {
                let disks = "its boot disk is deleted with it unless --keep-disks=boot or all";
                place = Some(match place {
                    Some(p) => format!("{p}; {disks}"),
                    None => disks.to_string(),
                });
            }
            cloud::instance_delete(
                &mut analysis,
                "gcloud compute instances delete",
                "instance",
                &names,
                place.as_deref(),
                format!(
                    "snapshot its disks first: `gcloud compute disks snapshot {first}{zone_flag} \
                     --snapshot-names {first}-before-delete` (the boot disk is named after the instance unless \
                     it was created otherwise); `gcloud compute instances stop` keeps it"
                ),
            );
        }
        _ => {}
    }
    analysis
}
