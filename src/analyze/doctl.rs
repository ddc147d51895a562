//! `doctl compute droplet delete` (aliases: `droplet d|del|rm`, `d delete`) deletes
//! DigitalOcean droplets: `instance-delete`, naming them (or the `--tag-name` that selects
//! them) and asking whether a snapshot exists; the advice is `doctl compute
//! droplet-action snapshot`. `--force` only skips doctl's own prompt. Everything else
//! doctl does is `allow` here. Not covered: `volume delete`, `kubernetes cluster delete`,
//! `databases delete`.

use super::cloud;
use super::opts::{self, OptDef, flag, valued};
use super::{Analysis, Invocation};

const OPTIONS: &[OptDef] = &[
    valued("x", Some('t'), Some("access-token")),
    valued("x", Some('c'), Some("config")),
    valued("context", None, Some("context")),
    valued("x", Some('o'), Some("output")),
    valued("x", None, Some("format")),
    valued("x", Some('u'), Some("api-url")),
    valued("x", None, Some("http-retry-max")),
    valued("x", None, Some("http-retry-wait-max")),
    valued("x", None, Some("http-retry-wait-min")),
    valued("tag", None, Some("tag-name")),
    flag("x", None, Some("trace")),
    flag("x", Some('v'), Some("verbose")),
    flag("x", None, Some("interactive")),
    flag("x", None, Some("no-header")),
    flag("x", Some('f'), Some("force")),
    flag("help", Some('h'), Some("help")),
];

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse_unabbreviated(OPTIONS, inv.args);
    if parsed.has("help") {
        return analysis;
    }
    let words = opts::texts(&parsed.operands);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let [
        "compute",
        "droplet" | "droplets" | "d",
        "delete" | "d" | "del" | "rm",
        ids @ ..,
    ] = words.as_slice()
    else {
        return analysis;
    };
    let names: Vec<String> = ids.iter().map(|n| n.to_string()).collect();
    let tag = parsed
        .value("tag")
        .map(|t| t.to_string_lossy().into_owned());
    let first = names
        .first()
        .cloned()
        .unwrap_or_else(|| "DROPLET-ID".into());
    let place = tag.as_ref().map(|t| format!("every droplet tagged '{t}'"));
    cloud::instance_delete(
        &mut analysis,
        "doctl compute droplet delete",
        "droplet",
        &names,
        place.as_deref(),
        format!(
            "snapshot it first: `doctl compute droplet-action snapshot {first} --snapshot-name {first}-before-delete --wait`"
        ),
    );
    analysis
}
