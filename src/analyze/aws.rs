//! `aws` (AWS CLI): the S3 commands that delete objects and the EC2 call that deletes
//! instances.
//!
//! Covered: `aws s3 rm --recursive` and `aws s3 rb --force` (every object under the URL,
//! `sync-delete`), `aws s3 sync --delete` (the destination loses what the source lacks,
//! `sync-delete`; a local destination is a recursive delete target, so `aws s3 sync s3://b
//! . --delete` from `/` is `root-target`), `aws ec2 terminate-instances` (`instance-delete`).
//! `--dryrun` (s3) and `--dry-run` (ec2) are `allow`. Global options (`--profile`,
//! `--region`, `--endpoint-url`, ...) may stand anywhere, as the CLI allows.
//!
//! A single-object `aws s3 rm s3://b/key` is `allow` with a remote target: it deletes the
//! one object it names, as `rm file` does, and asking for every such call would teach
//! people to say yes without reading. Downloads over an existing local file keep a copy
//! of it (guarded execution). Not covered: the `s3api` and other services' delete calls
//! (`s3api delete-bucket`, `rds delete-db-instance`, ...), `--cli-input-json` contents.

use super::cloud::{self, DeletingSync, side_target};
use super::opts;
use super::{Analysis, Arg, Invocation};
use crate::model::{Effect, FileKind, Verdict};
use crate::rules::Rule;

/// How many values an option takes (argparse's `nargs`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Nargs {
    Zero,
    One,
    /// `--instance-ids i-1 i-2`: every following word up to the next option.
    Many,
    /// `--request-payer [requester]`: the next word only when it is this choice.
    Optional(&'static str),
}

/// Options of any command that take a value; everything else not listed is a flag.
const VALUED: &[&str] = &[
    // global
    "profile",
    "region",
    "endpoint-url",
    "output",
    "query",
    "color",
    "ca-bundle",
    "cli-read-timeout",
    "cli-connect-timeout",
    "cli-binary-format",
    "cli-input-json",
    "cli-input-yaml",
    "generate-cli-skeleton",
    "max-items",
    "starting-token",
    "page-size",
    // s3 transfer commands
    "exclude",
    "include",
    "acl",
    "grants",
    "sse",
    "sse-kms-key-id",
    "sse-c",
    "sse-c-key",
    "sse-c-copy-source",
    "sse-c-copy-source-key",
    "storage-class",
    "website-redirect",
    "content-type",
    "cache-control",
    "content-disposition",
    "content-encoding",
    "content-language",
    "expires",
    "source-region",
    "metadata",
    "metadata-directive",
    "expected-size",
    "checksum-mode",
    "checksum-algorithm",
    "copy-props",
    "tags",
];

fn nargs(name: &str) -> Nargs {
    match name {
        "instance-ids" => Nargs::Many,
        "request-payer" => Nargs::Optional("requester"),
        name if VALUED.contains(&name) => Nargs::One,
        _ => Nargs::Zero,
    }
}

/// An argv split the way argparse does: `--name[=value]` options and positional words.
struct Scan<'a> {
    options: Vec<(String, Vec<String>)>,
    operands: Vec<&'a Arg>,
}

impl Scan<'_> {
    fn has(&self, name: &str) -> bool {
        self.options.iter().any(|(n, _)| n == name)
    }

    fn value(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.first())
            .map(String::as_str)
    }

    fn values(&self, name: &str) -> impl Iterator<Item = &str> {
        self.options
            .iter()
            .filter(move |(n, _)| n == name)
            .flat_map(|(_, v)| v.iter().map(String::as_str))
    }

    /// EC2's `--dry-run`, unless a later `--no-dry-run` turns it off.
    fn dry_run(&self) -> bool {
        self.options
            .iter()
            .rev()
            .find(|(n, _)| n == "dry-run" || n == "no-dry-run")
            .is_some_and(|(n, _)| n == "dry-run")
    }
}

fn scan(args: &[Arg]) -> Scan<'_> {
    let mut out = Scan {
        options: Vec::new(),
        operands: Vec::new(),
    };
    let mut i = 0;
    let mut only_operands = false;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        let text = arg.text();
        if only_operands || !arg.exact || !text.starts_with("--") {
            out.operands.push(arg);
            continue;
        }
        if text == "--" {
            only_operands = true;
            continue;
        }
        let (name, mut values) = match text[2..].split_once('=') {
            Some((n, v)) => (n.to_string(), vec![v.to_string()]),
            None => (text[2..].to_string(), Vec::new()),
        };
        if values.is_empty() {
            let next = |i: usize| args.get(i).map(|a| a.text().into_owned());
            match nargs(&name) {
                Nargs::Zero => {}
                Nargs::One => {
                    values.extend(next(i));
                    i += 1;
                }
                Nargs::Many => {
                    while let Some(word) = next(i).filter(|w| !w.starts_with("--")) {
                        values.push(word);
                        i += 1;
                    }
                }
                Nargs::Optional(choice) => {
                    if next(i).is_some_and(|w| w == choice) {
                        values.push(choice.to_string());
                        i += 1;
                    }
                }
            }
        }
        out.options.push((name, values));
    }
    out
}

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let scan = scan(inv.args);
    let words = opts::texts(&scan.operands);
    match words
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["s3", command, ..] => s3(inv, command, &scan, &mut analysis),
        ["ec2", "terminate-instances", ..] => terminate(&scan, &mut analysis),
        _ => {}
    }
    analysis
}

fn s3(inv: &Invocation, command: &str, scan: &Scan, analysis: &mut Analysis) {
    if scan.has("dryrun") {
        return;
    }
    let paths = &scan.operands[2..];
    match (command, paths) {
        ("rm", [url, ..]) => {
            let recursive = scan.has("recursive");
            analysis
                .targets
                .push(cloud::remote_target(&url.text(), url.exact, recursive));
            if recursive {
                cloud::objects_delete(
                    analysis,
                    "aws s3 rm --recursive",
                    url,
                    Some(&format!("aws s3 rm --recursive --dryrun {}", url.text())),
                );
            }
        }
        ("rb", [url, ..]) => {
            let force = scan.has("force");
            analysis
                .targets
                .push(cloud::remote_target(&url.text(), url.exact, force));
            if force {
                cloud::bucket_delete(analysis, "aws s3 rb --force", url);
            }
        }
        ("sync", [src, dst, ..]) => {
            let delete = scan.has("delete").then_some(DeletingSync {
                command: "aws s3 sync --delete",
                dry_run: "aws s3 sync --delete --dryrun",
                copy: "without --delete it only adds and replaces",
            });
            cloud::sync(inv, analysis, src, dst, delete);
        }
        // Only an existing local file is replaced in place; into a directory the object
        // lands under its own name.
        ("cp" | "mv", [_, dst, ..])
            if !scan.has("recursive")
                && !cloud::is_url(&dst.text())
                && inv.resolve(dst).kind == FileKind::File =>
        {
            side_target(inv, dst, Effect::Overwrite, false, analysis);
        }
        _ => {}
    }
}

fn terminate(scan: &Scan, analysis: &mut Analysis) {
    if scan.dry_run() {
        return;
    }
    // `--instance-ids i-1 i-2`; the shorthand `--instance-ids=i-1,i-2` too.
    let ids: Vec<String> = scan
        .values("instance-ids")
        .flat_map(|v| v.split(','))
        .filter(|id| !id.is_empty())
        .map(str::to_string)
        .collect();
    let first = ids.first().map_or("INSTANCE-ID", String::as_str);
    let place = scan.value("region").map(|r| format!("region {r}"));
    cloud::instance_delete(
        analysis,
        "aws ec2 terminate-instances",
        "instance",
        &ids,
        place.as_deref(),
        format!(
            "make an image first: `aws ec2 create-image --instance-id {first} --name {first}-before-terminate`; \
             `aws ec2 stop-instances` keeps its EBS volumes"
        ),
    );
    if scan.has("cli-input-json") || scan.has("cli-input-yaml") {
        analysis.reason(
            Rule::InstanceDelete,
            Verdict::Confirm,
            "the instance ids come from --cli-input-json/--cli-input-yaml, which review does not read",
        );
    }
}
