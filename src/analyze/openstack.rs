//! `openstack server delete SERVER...` deletes the servers: `instance-delete`, naming them
//! and asking whether an image exists; the advice is `openstack server image create`.
//! Global options (`--os-cloud`, every `--os-*` option, `--log-file`) may come before the
//! command. Everything else openstack does is `allow` here. Not covered: `volume delete`,
//! `stack delete`, `project purge`.

use super::cloud;
use super::{Analysis, Invocation};

/// cliff/argparse options that take a value; every `--os-*` option does too, except
/// the ones in `OS_FLAGS`.
const VALUED: &[&str] = &["log-file", "delay", "wait-timeout"];
const OS_FLAGS: &[&str] = &["os-beta-command"];

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let mut words = Vec::new();
    let mut cloud_name = None;
    let mut i = 0;
    while i < inv.args.len() {
        let arg = &inv.args[i];
        i += 1;
        let text = arg.text();
        let Some(long) = text.strip_prefix("--").filter(|_| arg.exact) else {
            if !(arg.exact && text.starts_with('-') && text.len() > 1) {
                words.push(text.into_owned());
            }
            continue;
        };
        let (name, value) = match long.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => {
                let valued =
                    VALUED.contains(&long) || long.starts_with("os-") && !OS_FLAGS.contains(&long);
                let value = valued
                    .then(|| inv.args.get(i).map(|a| a.text().into_owned()))
                    .flatten();
                if valued {
                    i += 1;
                }
                (long.to_string(), value)
            }
        };
        if name == "os-cloud" {
            cloud_name = value;
        }
    }
    let cloud_name = cloud_name.or_else(|| inv.var("OS_CLOUD").map(str::to_string));
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    if let ["server", "delete", names @ ..] = words.as_slice() {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let first = names.first().map_or("SERVER", String::as_str);
        let place = cloud_name.map(|c| format!("cloud {c}"));
        cloud::instance_delete(
            &mut analysis,
            "openstack server delete",
            "server",
            &names,
            place.as_deref(),
            format!(
                "make an image first: `openstack server image create --name {first}-before-delete --wait {first}`; \
                 `openstack server stop` or `shelve` keeps it"
            ),
        );
    }
    analysis
}
