//! `docker` and `podman` (and `docker-compose`/`podman-compose`): what deletes volumes or
//! every unused image is `container-data-delete`, because a volume is often a
//! database's only copy of its data:
//!
//! - `system prune -a|--all` (every image no container uses) and `system prune --volumes`;
//! - `volume rm|remove NAME...`, `volume prune` (`-a` says more);
//! - `compose down -v|--volumes` (the project's volumes);
//! - `rm -v` / `container rm -v`: the container's anonymous volumes go with it, and an
//!   image that declares `VOLUME` (postgres, mysql, ...) keeps its data in one when no
//!   named volume or bind mount was given;
//! - `podman system reset` (everything podman stores).
//!
//! `allow` (documented choice): plain `system prune` (stopped containers, dangling
//! images, unused networks, build cache: nothing that a rebuild or pull does not bring
//! back), `image prune`, `rm` without `-v`, `compose down` without `-v`, and the
//! read-only commands. A remote daemon (`-H ssh://host`, `$DOCKER_HOST`, `--context`,
//! podman's `--connection`/`--url`) becomes `Analysis::acts_on`, so a production host
//! there makes it production. Not covered: `docker compose rm -v`, `docker
//! container prune` (stopped containers' writable layers).

use super::opts::{self, OptDef, flag, valued};
use super::{Analysis, Arg, Invocation};
use crate::model::Verdict;
use crate::rules::Rule;

/// Options of docker and podman themselves, before the command.
const GLOBAL: &[OptDef] = &[
    valued("config", None, Some("config")),
    valued("context", Some('c'), Some("context")),
    valued("context", None, Some("connection")),
    valued("host", Some('H'), Some("host")),
    valued("host", None, Some("url")),
    valued("x", Some('l'), Some("log-level")),
    valued("x", None, Some("tlscacert")),
    valued("x", None, Some("tlscert")),
    valued("x", None, Some("tlskey")),
    valued("x", None, Some("identity")),
    valued("x", None, Some("root")),
    valued("x", None, Some("runroot")),
    valued("x", None, Some("storage-driver")),
    valued("x", None, Some("storage-opt")),
    valued("x", None, Some("cgroup-manager")),
    valued("x", None, Some("runtime")),
    valued("x", None, Some("tmpdir")),
    valued("x", None, Some("volumepath")),
    valued("x", None, Some("events-backend")),
    valued("x", None, Some("module")),
    flag("x", Some('D'), Some("debug")),
    flag("x", None, Some("tls")),
    flag("x", None, Some("tlsverify")),
    flag("x", Some('r'), Some("remote")),
    flag("x", None, Some("syslog")),
    flag("help", Some('h'), Some("help")),
    flag("help", Some('v'), Some("version")),
];

/// Options of the subcommands this analyzer reads (prune, rm, compose down).
const COMMAND: &[OptDef] = &[
    flag("all", Some('a'), Some("all")),
    flag("volumes", None, Some("volumes")),
    flag("volumes", Some('v'), None),
    flag("x", Some('f'), Some("force")),
    flag("x", Some('l'), Some("link")),
    flag("x", Some('i'), Some("ignore")),
    flag("x", None, Some("depend")),
    flag("x", None, Some("remove-orphans")),
    flag("help", None, Some("help")),
    flag("dry-run", None, Some("dry-run")),
    valued("x", None, Some("filter")),
    valued("x", Some('t'), Some("time")),
    valued("x", None, Some("timeout")),
    valued("x", None, Some("rmi")),
    valued("x", None, Some("cidfile")),
];

/// compose's `-f FILE` collides with `rm -f`/`prune -f` (force): compose reads its own.
const COMPOSE: &[OptDef] = &[
    valued("file", Some('f'), Some("file")),
    valued("project", Some('p'), Some("project-name")),
    valued("x", None, Some("project-directory")),
    valued("x", None, Some("profile")),
    valued("x", None, Some("env-file")),
    valued("x", None, Some("ansi")),
    valued("x", None, Some("parallel")),
    valued("x", None, Some("progress")),
    valued("x", Some('H'), Some("host")),
    valued("x", Some('c'), Some("context")),
    flag("x", None, Some("compatibility")),
    flag("x", None, Some("all-resources")),
    flag("x", None, Some("verbose")),
    flag("dry-run", None, Some("dry-run")),
    flag("volumes", Some('v'), Some("volumes")),
    flag("x", None, Some("remove-orphans")),
    valued("x", None, Some("rmi")),
    valued("x", Some('t'), Some("timeout")),
    flag("help", Some('h'), Some("help")),
];

/// The host of a daemon address (`ssh://admin@db1:22`, `tcp://db1:2376`); None for a
/// local socket.
fn daemon_host(address: &str) -> Option<String> {
    let (scheme, rest) = address.split_once("://")?;
    if scheme == "unix" || scheme == "npipe" {
        return None;
    }
    let rest = rest.split('/').next().unwrap_or(rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    let host = match rest.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => rest,
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    (!host.is_empty()).then(|| host.to_string())
}

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let podman = inv.name.starts_with("podman");
    let tool = if podman { "podman" } else { "docker" };
    let found = if inv.name.ends_with("-compose") {
        // docker-compose / podman-compose: no daemon options of their own to read here.
        compose_down(tool, inv.name, inv.args).map(|f| (f, opts::Parsed::default()))
    } else {
        let global = opts::parse_until_operand(GLOBAL, inv.args);
        if global.has("help") {
            return analysis;
        }
        let Some(first) = global.operands.first() else {
            return analysis;
        };
        let start = inv
            .args
            .iter()
            .position(|a| std::ptr::eq(a, *first))
            .unwrap_or(0);
        command(tool, podman, &inv.args[start..]).map(|f| (f, global))
    };
    let Some(((message, instead), global)) = found else {
        return analysis;
    };
    let daemon = global
        .value("host")
        .map(|h| h.to_string_lossy().into_owned())
        .or_else(|| {
            let var = if podman {
                "CONTAINER_HOST"
            } else {
                "DOCKER_HOST"
            };
            inv.var(var).map(str::to_string)
        })
        .and_then(|h| daemon_host(&h))
        .or_else(|| {
            let var = if podman {
                "CONTAINER_CONNECTION"
            } else {
                "DOCKER_CONTEXT"
            };
            global
                .value("context")
                .map(|c| c.to_string_lossy().into_owned())
                .or_else(|| inv.var(var).map(str::to_string))
                .filter(|c| !c.is_empty() && c != "default")
        });
    let place = daemon
        .as_deref()
        .map(|d| format!(" (on the daemon at {d})"))
        .unwrap_or_default();
    analysis
        .reason(
            Rule::ContainerDataDelete,
            Verdict::Confirm,
            format!("{message}{place}"),
        )
        .instead(instead);
    analysis.acts_on = daemon;
    analysis
}

/// `docker COMMAND ...` (words start at the command): the message and the advice.
fn command(tool: &str, podman: bool, words: &[Arg]) -> Option<(String, String)> {
    let first = words.first()?.text().into_owned();
    let second = words.get(1).map(|w| w.text().into_owned());
    let parse = |from: usize| opts::parse_unabbreviated(COMMAND, words.get(from..).unwrap_or(&[]));
    match (first.as_str(), second.as_deref()) {
        ("compose", _) => compose_down(tool, &format!("{tool} compose"), &words[1..]),
        ("system", Some("prune")) => {
            let p = parse(2);
            if p.has("help") || !(p.has("all") || p.has("volumes")) {
                return None;
            }
            let mut lost = Vec::new();
            if p.has("all") {
                lost.push("every image no container uses (not only dangling ones)");
            }
            if p.has("volumes") {
                lost.push("every volume no container uses, and a database's data may be in one");
            }
            Some((
                format!(
                    "{tool} system prune deletes stopped containers, {}",
                    lost.join("; and ")
                ),
                format!(
                    "`{tool} system df -v` shows what would go; without -a and --volumes only dangling images \
                     and build cache are removed"
                ),
            ))
        }
        ("system", Some("reset")) if podman => {
            let p = parse(2);
            (!p.has("help")).then(|| {
                (
                    "podman system reset deletes every container, image, volume, pod and network podman \
                     stores, and its storage configuration"
                        .to_string(),
                    "`podman volume export NAME -o NAME.tar` keeps a volume's data first".to_string(),
                )
            })
        }
        ("volume", Some("rm" | "remove")) => {
            let p = parse(2);
            if p.has("help") {
                return None;
            }
            let names = opts::texts(&p.operands);
            let which = if p.has("all") {
                "every volume".to_string()
            } else {
                format!("the volume{} {}", plural(names.len()), names.join(" "))
            };
            let first = names.first().map_or("NAME", String::as_str);
            Some((
                format!("{tool} volume rm deletes {which} and all the data in it"),
                format!(
                    "keep a copy first: `{tool} run --rm -v {first}:/data -v \"$PWD\":/backup alpine tar czf \
                     /backup/{first}.tgz -C /data .`"
                ),
            ))
        }
        ("volume", Some("prune")) => {
            let p = parse(2);
            if p.has("help") {
                return None;
            }
            let which = if p.has("all") || podman {
                "every volume no container uses, named ones included"
            } else {
                "every anonymous volume no container uses (named ones too with -a, or on Docker before 23)"
            };
            Some((
                format!("{tool} volume prune deletes {which}, and a database's data may be in one"),
                format!("`{tool} volume ls -f dangling=true` lists what would go"),
            ))
        }
        ("rm", _) | ("container", Some("rm" | "remove")) => {
            let from = if first == "rm" { 1 } else { 2 };
            let p = parse(from);
            if p.has("help") || !p.has("volumes") {
                return None;
            }
            let names = opts::texts(&p.operands);
            Some((
                format!(
                    "{tool} rm -v deletes the anonymous volumes of {} with the container{}: an image that declares \
                     VOLUME (postgres, mysql, ...) keeps its data in one when no named volume was mounted",
                    names.join(" "),
                    plural(names.len())
                ),
                format!("`{tool} rm` without -v keeps the volumes"),
            ))
        }
        _ => None,
    }
}

/// `compose [OPTIONS] down -v` (words start after `compose`).
fn compose_down(tool: &str, shown: &str, words: &[Arg]) -> Option<(String, String)> {
    let p = opts::parse_unabbreviated(COMPOSE, words);
    if p.has("help") || p.has("dry-run") || !p.has("volumes") {
        return None;
    }
    if p.operands.first().map(|w| w.text()) != Some("down".into()) {
        return None;
    }
    let project = p
        .value("project")
        .map(|n| format!("project '{}'", n.to_string_lossy()))
        .or_else(|| {
            p.value("file")
                .map(|f| format!("the project of '{}'", f.to_string_lossy()))
        })
        .unwrap_or_else(|| "the project in this directory".to_string());
    Some((
        format!(
            "{shown} down -v deletes the named volumes {project} declares and its anonymous ones, with all their \
             data, besides stopping and removing its containers"
        ),
        format!("`{shown} down` without -v keeps the volumes for the next `{tool} compose up`"),
    ))
}

fn plural(n: usize) -> &'static str {
    if n > 1 { "s" } else { "" }
}

#[cfg(test)]
mod tests {
    use super::daemon_host;

    #[test]
    fn daemon_addresses_name_their_host() {
        assert_eq!(
            daemon_host("ssh://admin@prod-db1:22").as_deref(),
            Some("prod-db1")
        );
        assert_eq!(
            daemon_host("tcp://10.0.0.5:2376").as_deref(),
            Some("10.0.0.5")
        );
        assert_eq!(daemon_host("unix:///var/run/docker.sock"), None);
    }
}
