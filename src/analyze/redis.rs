//! `redis-cli`: `FLUSHALL` (every key of every database) and `FLUSHDB` (every key of the
//! selected database, `-n DB`) are `database-destructive`, whether given as arguments
//! (in any case: `flushall`, `FlushDB ASYNC`), through `--cluster call HOST:PORT FLUSHALL`,
//! or as lines on a known standard input (`echo FLUSHALL | redis-cli`). With no command
//! and an input review cannot see (`redis-cli < cmds.txt`, but not `--pipe` mass
//! insertion), it is `unknown-code`.
//!
//! The server is `-h HOST` or the host of `-u redis://...` (`Analysis.acts_on`); no host,
//! a socket (`-s`) or localhost means this machine.
//!
//! Not covered: `EVAL`/`--eval` Lua scripts that call FLUSHALL, `DEL`/`UNLINK` of many
//! keys (ordinary work), and `CONFIG SET`/`SHUTDOWN NOSAVE`.

use super::opts::{self, OptDef, flag, valued};
use super::sql::{Server, split_host_port};
use super::{Analysis, Arg, Invocation, Stdin};
use crate::model::Verdict;
use crate::rules::Rule;

const OPTIONS: &[OptDef] = &[
    valued("host", Some('h'), None),
    valued("port", Some('p'), None),
    valued("socket", Some('s'), None),
    valued("x", Some('a'), Some("pass")),
    valued("x", None, Some("user")),
    valued("uri", Some('u'), None),
    valued("x", Some('r'), None),
    valued("x", Some('i'), None),
    valued("db", Some('n'), None),
    valued("x", Some('d'), None),
    valued("x", Some('D'), None),
    valued("x", Some('t'), None),
    valued("x", None, Some("sni")),
    valued("x", None, Some("cacert")),
    valued("x", None, Some("cacertdir")),
    valued("x", None, Some("cert")),
    valued("x", None, Some("key")),
    valued("x", None, Some("tls-ciphers")),
    valued("x", None, Some("tls-ciphersuites")),
    valued("x", None, Some("pattern")),
    valued("x", None, Some("quoted-pattern")),
    valued("x", None, Some("count")),
    valued("x", None, Some("eval")),
    valued("x", None, Some("rdb")),
    valued("x", None, Some("functions-rdb")),
    valued("x", None, Some("pipe-timeout")),
    valued("x", None, Some("memkeys-samples")),
    valued("x", None, Some("intrinsic-latency")),
    valued("x", None, Some("lru-test")),
    valued("cluster", None, Some("cluster")),
    flag("pipe", None, Some("pipe")),
    flag("exit", None, Some("help")),
    flag("exit", Some('v'), Some("version")),
    flag("x", Some('x'), None),
    flag("x", Some('c'), None),
    flag("x", Some('e'), None),
    flag("x", Some('2'), None),
    flag("x", Some('3'), None),
    flag("x", None, Some("tls")),
    flag("x", None, Some("insecure")),
    flag("x", None, Some("askpass")),
    flag("x", None, Some("raw")),
    flag("x", None, Some("no-raw")),
    flag("x", None, Some("quoted-input")),
    flag("x", None, Some("csv")),
    flag("x", None, Some("json")),
    flag("x", None, Some("quoted-json")),
    flag("x", None, Some("show-pushes")),
    flag("x", None, Some("stat")),
    flag("x", None, Some("latency")),
    flag("x", None, Some("latency-history")),
    flag("x", None, Some("latency-dist")),
    flag("x", None, Some("replica")),
    flag("x", None, Some("bigkeys")),
    flag("x", None, Some("memkeys")),
    flag("x", None, Some("hotkeys")),
    flag("x", None, Some("scan")),
    flag("x", None, Some("ldb")),
    flag("x", None, Some("ldb-sync-mode")),
    flag("x", None, Some("verbose")),
    flag("x", None, Some("no-auth-warning")),
];

/// Host, port and database from `redis://[user:pass@]host[:port][/db]`.
fn apply_uri(uri: &str, server: &mut Server) {
    let Some(rest) = uri
        .strip_prefix("redis://")
        .or_else(|| uri.strip_prefix("rediss://"))
    else {
        return;
    };
    let (authority, db) = rest.split_once('/').unwrap_or((rest, ""));
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = split_host_port(hostport);
    server.host = Some(host);
    if port.is_some() {
        server.port = port;
    }
    if !db.is_empty() {
        server.db = Some(db.to_string());
    }
}

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    // redis-cli reads its options up to the first word that is not one: the command.
    let parsed = opts::parse_until_operand(OPTIONS, inv.args);
    if parsed.has("exit") {
        return analysis;
    }
    let opt = |key: &str| parsed.value(key).map(|v| v.to_string_lossy().into_owned());
    let mut server = Server {
        host: if parsed.has("socket") {
            None
        } else {
            opt("host")
        },
        port: opt("port"),
        db: None,
    };
    if let Some(uri) = opt("uri") {
        apply_uri(&uri, &mut server);
    }
    if let Some(db) = opt("db") {
        server.db = Some(db);
    }
    let mut command: Vec<&Arg> = parsed.operands.clone();
    if let Some(sub) = opt("cluster") {
        // --cluster call HOST:PORT COMMAND ARGS: the command runs on every node.
        if sub == "call" && !command.is_empty() {
            let (host, port) = split_host_port(&command[0].text());
            server.host = Some(host);
            server.port = port;
            command.remove(0);
        } else {
            command.clear();
        }
    }
    analysis.acts_on = server.remote_host();
    if let Some(first) = command.first() {
        flush(&first.text(), &server, &mut analysis);
        return analysis;
    }
    if parsed.has("pipe") {
        return analysis;
    }
    match &inv.stdin {
        Stdin::Terminal => {}
        Stdin::Data(Some(text)) => {
            for line in text.lines() {
                if let Some(word) = line.split_whitespace().next() {
                    flush(word, &server, &mut analysis);
                }
            }
        }
        Stdin::Data(None) | Stdin::Unknown => {
            analysis.reason(
                Rule::UnknownCode,
                Verdict::Confirm,
                format!(
                    "redis-cli runs the commands on its standard input on {}, which review cannot see: a FLUSHALL \
                     among them would empty the server",
                    place(&server)
                ),
            );
        }
    }
    analysis
}

fn place(server: &Server) -> String {
    let port = server
        .port
        .as_deref()
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    match server.remote_host() {
        Some(host) => format!("redis {host}{port}"),
        None => format!("the local redis server{port}"),
    }
}

fn flush(word: &str, server: &Server, analysis: &mut Analysis) {
    let what = if word.eq_ignore_ascii_case("flushall") {
        "deletes every key of every database".to_string()
    } else if word.eq_ignore_ascii_case("flushdb") {
        format!(
            "deletes every key of database {}",
            server.db.as_deref().unwrap_or("0")
        )
    } else {
        return;
    };
    analysis
        .reason(
            Rule::DatabaseDestructive,
            Verdict::Confirm,
            format!(
                "{} on {}: {what}; shellguard cannot snapshot it, so there is no undo",
                word.to_ascii_uppercase(),
                place(server)
            ),
        )
        .instead(format!(
            "check the server first (redis-cli -h HOST INFO keyspace) and keep a copy (redis-cli --rdb backup.rdb) \
             before emptying {}",
            place(server)
        ));
}
