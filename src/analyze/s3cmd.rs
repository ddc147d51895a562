//! `s3cmd`: `del`/`rm -r|--recursive` (every object under the URL), `rb -r|-f` (the bucket
//! is emptied first) and `sync --delete-removed` (the destination loses what the source
//! lacks) are `sync-delete`; `-n`/`--dry-run` is `allow`. A local sync destination is a
//! recursive delete target, judged like any path. Options may stand anywhere and long
//! ones may be abbreviated (optparse).
//!
//! `s3cmd del s3://b/key` (one object) is `allow`, like `rm file`. Not covered:
//! `--max-delete` limits (the confirmation still asks), `mv` sources.

use super::cloud::{self, DeletingSync};
use super::opts::{self, OptDef, flag, valued};
use super::{Analysis, Invocation};

const OPTIONS: &[OptDef] = &[
    flag("recursive", Some('r'), Some("recursive")),
    flag("dry-run", Some('n'), Some("dry-run")),
    flag("delete", None, Some("delete-removed")),
    flag("no-delete", None, Some("no-delete-removed")),
    flag("x", None, Some("delete-after")),
    flag("x", None, Some("delete-after-fetch")),
    flag("force", Some('f'), Some("force")),
    flag("x", Some('v'), Some("verbose")),
    flag("x", Some('d'), Some("debug")),
    flag("x", Some('q'), Some("quiet")),
    flag("x", Some('p'), Some("preserve")),
    flag("x", Some('P'), Some("acl-public")),
    flag("x", Some('F'), Some("follow-symlinks")),
    flag("x", Some('H'), Some("human-readable-sizes")),
    flag("x", Some('s'), Some("ssl")),
    flag("x", Some('e'), Some("encrypt")),
    valued("x", Some('c'), Some("config")),
    valued("x", Some('m'), Some("mime-type")),
    valued("x", None, Some("access_key")),
    valued("x", None, Some("secret_key")),
    valued("x", None, Some("access_token")),
    valued("x", None, Some("exclude")),
    valued("x", None, Some("include")),
    valued("x", None, Some("exclude-from")),
    valued("x", None, Some("include-from")),
    valued("x", None, Some("rexclude")),
    valued("x", None, Some("rinclude")),
    valued("x", None, Some("rexclude-from")),
    valued("x", None, Some("rinclude-from")),
    valued("x", None, Some("files-from")),
    valued("x", None, Some("bucket-location")),
    valued("x", None, Some("region")),
    valued("x", None, Some("host")),
    valued("x", None, Some("host-bucket")),
    valued("x", None, Some("default-mime-type")),
    valued("x", None, Some("add-header")),
    valued("x", None, Some("remove-header")),
    valued("x", None, Some("storage-class")),
    valued("x", None, Some("cache-file")),
    valued("x", None, Some("encoding")),
    valued("x", None, Some("limit-rate")),
    valued("x", None, Some("max-delete")),
    valued("x", None, Some("multipart-chunk-size-mb")),
    valued("x", None, Some("server-side-encryption-kms-id")),
    valued("x", None, Some("acl-grant")),
    valued("x", None, Some("acl-revoke")),
    valued("x", None, Some("ca-certs")),
    valued("x", None, Some("proxy-host")),
    valued("x", None, Some("proxy-port")),
    valued("x", None, Some("socket-timeout")),
    valued("x", None, Some("content-disposition")),
    valued("x", None, Some("content-type")),
];

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse(OPTIONS, inv.args);
    let Some((command, rest)) = parsed.operands.split_first() else {
        return analysis;
    };
    if parsed.has("dry-run") {
        return analysis;
    }
    let recursive = parsed.has("recursive");
    match (command.text().as_ref(), rest) {
        ("del" | "rm", urls) => cloud::objects_rm(
            &mut analysis,
            urls,
            recursive,
            ("s3cmd del --recursive", "s3cmd del"),
            Some("--dry-run"),
        ),
        ("rb", urls) => {
            let empties = recursive || parsed.has("force");
            for url in urls {
                analysis
                    .targets
                    .push(cloud::remote_target(&url.text(), url.exact, empties));
                if empties {
                    cloud::bucket_delete(&mut analysis, "s3cmd rb --recursive/--force", url);
                }
            }
        }
        ("sync", [.., src, dst]) => {
            let delete = (parsed.last_of(&["delete", "no-delete"]) == Some("delete")).then_some(
                DeletingSync {
                    command: "s3cmd sync --delete-removed",
                    dry_run: "s3cmd sync --delete-removed --dry-run",
                    copy: "without --delete-removed it only adds and replaces",
                },
            );
            cloud::sync(inv, &mut analysis, src, dst, delete);
        }
        _ => {}
    }
    analysis
}
