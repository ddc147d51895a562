//! The MongoDB shells: `mongosh` and the legacy `mongo`.
//!
//! JavaScript from `--eval` (each of them), from script files (`-f`/`--file`, or operands
//! ending in `.js`, read when small and local) and from a known standard input (a heredoc)
//! is tokenized (strings and comments are data) and these calls are
//! `database-destructive`: `db.dropDatabase()` (also on `db.getSiblingDB('x')`),
//! `db.coll.drop()` / `db.getCollection('x').drop()` / `db['x'].drop()`,
//! `deleteMany({})`, `remove({})` and `updateMany({}, ...)` with an empty filter, and
//! `db.runCommand({dropDatabase: 1})` / `({drop: 'coll'})`. Unreadable script files and an
//! input review cannot see are `unknown-code`; an interactive shell is fine.
//!
//! The server is `--host` (also `rs0/h1:27017,h2`) or the host of the connection string
//! operand (`mongodb://`, `mongodb+srv://`, `host/db`) — `Analysis.acts_on`; no host or
//! localhost means this machine. The database is the one in the address (default `test`),
//! or `getSiblingDB`'s.
//!
//! Not covered: filters that match everything without being empty (`{_id: {$exists:
//! true}}`), collection or database names computed by the code, `use db` inside scripts,
//! and drivers or ODMs in application code.

use super::lexer::{self, Call, Lang, Seg, Tok, Token};
use super::opts::{self, OptDef, flag, valued};
use super::sql::{Server, read_small, split_host_port};
use super::{Analysis, Arg, Invocation, Stdin};
use crate::model::Verdict;
use crate::rules::Rule;

const OPTIONS: &[OptDef] = &[
    valued("host", None, Some("host")),
    valued("port", None, Some("port")),
    valued("eval", None, Some("eval")),
    valued("file", Some('f'), Some("file")),
    valued("x", Some('u'), Some("username")),
    valued("x", None, Some("authenticationDatabase")),
    valued("x", None, Some("authenticationMechanism")),
    valued("x", None, Some("awsIamSessionToken")),
    valued("x", None, Some("gssapiServiceName")),
    valued("x", None, Some("sspiHostnameCanonicalization")),
    valued("x", None, Some("sspiRealmOverride")),
    valued("x", None, Some("tlsCAFile")),
    valued("x", None, Some("tlsCertificateKeyFile")),
    valued("x", None, Some("tlsCertificateKeyFilePassword")),
    valued("x", None, Some("tlsCRLFile")),
    valued("x", None, Some("tlsCertificateSelector")),
    valued("x", None, Some("tlsDisabledProtocols")),
    valued("x", None, Some("apiVersion")),
    valued("x", None, Some("cryptSharedLibPath")),
    valued("x", None, Some("keyVaultNamespace")),
    valued("x", None, Some("kmsURL")),
    valued("x", None, Some("awsAccessKeyId")),
    valued("x", None, Some("awsSecretAccessKey")),
    valued("x", None, Some("awsSessionToken")),
    valued("x", None, Some("oidcFlows")),
    valued("x", None, Some("oidcRedirectUri")),
    flag("nodb", None, Some("nodb")),
    flag("x", None, Some("norc")),
    flag("x", None, Some("quiet")),
    flag("x", None, Some("shell")),
    flag("x", None, Some("verbose")),
    flag("x", None, Some("json")),
    flag("x", None, Some("tls")),
    flag("x", None, Some("tlsAllowInvalidHostnames")),
    flag("x", None, Some("tlsAllowInvalidCertificates")),
    flag("x", None, Some("tlsFIPSMode")),
    flag("x", None, Some("tlsUseSystemCA")),
    flag("x", None, Some("retryWrites")),
    flag("x", None, Some("apiStrict")),
    flag("x", None, Some("apiDeprecationErrors")),
    flag("exit", Some('h'), Some("help")),
    flag("exit", None, Some("version")),
    flag("exit", None, Some("build-info")),
];

/// `-p SECRET` / `--password SECRET` (the value may also be absent: then it prompts).
fn without_password(args: &[Arg]) -> Vec<Arg> {
    let mut out = Vec::new();
    let mut k = 0;
    while let Some(arg) = args.get(k) {
        k += 1;
        let text = arg.text();
        if arg.exact && (text == "-p" || text == "--password") {
            let next_is_value = args.get(k).is_some_and(|n| {
                let t = n.text();
                !t.starts_with('-') && !t.contains("://") && !t.ends_with(".js")
            });
            if next_is_value {
                k += 1;
            }
            continue;
        }
        if arg.exact && text.starts_with("--password=") {
            continue;
        }
        out.push(arg.clone());
    }
    out
}

/// Host, port and database from a mongosh address.
fn apply_address(address: &str, server: &mut Server) {
    let rest = address
        .strip_prefix("mongodb://")
        .or_else(|| address.strip_prefix("mongodb+srv://"));
    let uri = rest.is_some();
    let rest = rest.unwrap_or(address);
    let rest = rest.split_once('?').map_or(rest, |(a, _)| a);
    let (authority, db) = match rest.split_once('/') {
        Some((a, d)) => (a, Some(d)),
        // A bare word is a database name on the local server.
        None if !uri && !rest.contains(':') && !rest.contains('.') => ("", Some(rest)),
        None => (rest, None),
    };
    let hosts = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let first = hosts.split(',').next().unwrap_or("");
    if !first.is_empty() {
        let (host, port) = split_host_port(first);
        server.host = Some(host);
        if port.is_some() {
            server.port = port;
        }
    }
    if let Some(db) = db.filter(|d| !d.is_empty()) {
        server.db = Some(db.to_string());
    }
}

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let args = without_password(inv.args);
    let parsed = opts::parse(OPTIONS, &args);
    if parsed.has("exit") {
        return analysis;
    }
    let mut server = Server::default();
    let (scripts, addresses): (Vec<&Arg>, Vec<&Arg>) = parsed
        .operands
        .iter()
        .partition(|a| a.text().ends_with(".js"));
    if let Some(address) = addresses.first() {
        apply_address(&address.text(), &mut server);
    }
    if let Some(host) = parsed.value("host") {
        // `rs0/h1:27017,h2:27017` names a replica set and its members.
        let text = host.to_string_lossy();
        let members = text.split_once('/').map_or(text.as_ref(), |(_, m)| m);
        if text.contains("://") {
            apply_address(&text, &mut server);
        } else {
            let (h, port) = split_host_port(members.split(',').next().unwrap_or(""));
            server.host = Some(h);
            server.port = port.or(server.port.take());
        }
    }
    if let Some(port) = parsed.value("port") {
        server.port = Some(port.to_string_lossy().into_owned());
    }
    analysis.acts_on = server.remote_host();
    let program = inv.name;
    let mut seen_code = false;
    for text in parsed.values("eval") {
        seen_code = true;
        review_js(&text.to_string_lossy(), &server, program, &mut analysis);
    }
    let files = parsed
        .values("file")
        .map(|f| f.to_string_lossy().into_owned())
        .chain(scripts.iter().map(|a| a.text().into_owned()));
    for file in files {
        seen_code = true;
        match read_small(inv.cwd, &file) {
            Some((_, text)) => review_js(&text, &server, program, &mut analysis),
            None => {
                analysis.reason(
                    Rule::UnknownCode,
                    Verdict::Confirm,
                    format!(
                        "{program} runs the script '{file}' on {}, and review cannot read it here",
                        place(&server)
                    ),
                );
            }
        }
    }
    if !seen_code && !parsed.has("nodb") {
        match &inv.stdin {
            Stdin::Terminal => {}
            Stdin::Data(Some(text)) => review_js(text, &server, program, &mut analysis),
            Stdin::Data(None) | Stdin::Unknown => {
                analysis.reason(
                    Rule::UnknownCode,
                    Verdict::Confirm,
                    format!(
                        "{program} runs the code on its standard input on {}, which review cannot see",
                        place(&server)
                    ),
                );
            }
        }
    }
    analysis
}

fn place(server: &Server) -> String {
    let host = server
        .remote_host()
        .unwrap_or_else(|| "the local server".to_string());
    let port = server
        .port
        .as_deref()
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    format!("{host}{port}")
}

const WANTED: &[&str] = &[
    "dropDatabase",
    "drop",
    "deleteMany",
    "remove",
    "updateMany",
    "runCommand",
    "adminCommand",
];

fn review_js(code: &str, server: &Server, program: &str, analysis: &mut Analysis) {
    let tokens = lexer::tokenize(code, Lang::JavaScript);
    let db = server.db.as_deref().unwrap_or("test");
    for call in lexer::calls(
        &tokens,
        Lang::JavaScript,
        |n| WANTED.contains(&n),
        |_| false,
    ) {
        let Some(loss) = loss(&tokens, &call, db) else {
            continue;
        };
        analysis
            .reason(
                Rule::DatabaseDestructive,
                Verdict::Confirm,
                format!(
                    "{} on {}: {loss}; shellguard cannot snapshot a database, so there is no undo",
                    call.text(code),
                    place(server)
                ),
            )
            .instead(format!(
                "take a dump first (mongodump --db {db}), and check which server {program} is connected to"
            ));
    }
}

/// The database a receiver chain names: `db` or `db.getSiblingDB('x')`.
fn database<'s>(chain: &'s [Seg], default: &'s str) -> Option<(&'s str, usize)> {
    match chain {
        [Seg::Name(db), Seg::Call(f, Some(name)), ..] if db == "db" && f == "getSiblingDB" => {
            Some((name, 2))
        }
        [Seg::Name(db), ..] if db == "db" => Some((default, 1)),
        _ => None,
    }
}

fn loss(tokens: &[Token], call: &Call, default_db: &str) -> Option<String> {
    let (db, used) = database(&call.receiver, default_db)?;
    let collection = match &call.receiver[used..] {
        [] => None,
        [Seg::Name(c)] => Some(c.clone()),
        [Seg::Call(f, Some(c))] if f == "getCollection" => Some(c.clone()),
        [Seg::Index(Some(c))] => Some(c.clone()),
        _ => Some("a collection named by the code".to_string()),
    };
    let first_arg = call.args.first().map(|r| &tokens[r.clone()]);
    let empty_filter = matches!(first_arg, Some([open, close]) if open.is('{') && close.is('}'));
    match (call.name.as_str(), collection) {
        ("dropDatabase", None) => Some(format!(
            "deletes the database {db} and every collection in it"
        )),
        ("drop", Some(c)) => Some(format!(
            "deletes the collection {c} of {db} and every document in it"
        )),
        ("deleteMany" | "remove", Some(c)) if empty_filter => Some(format!(
            "the empty filter {{}} matches every document: it deletes all of {db}.{c}"
        )),
        ("updateMany", Some(c)) if empty_filter => Some(format!(
            "the empty filter {{}} matches every document: it changes all of {db}.{c}"
        )),
        ("runCommand" | "adminCommand", None) => {
            let body = first_arg?;
            let key = |name: &str| {
                body.windows(2).any(|w| {
                    (w[0].ident() == Some(name) || w[0].literal() == Some(name)) && w[1].is(':')
                })
            };
            if key("dropDatabase") {
                Some(format!(
                    "deletes the database {db} and every collection in it"
                ))
            } else if key("drop") {
                let coll = body.windows(3).find_map(|w| {
                    ((w[0].ident() == Some("drop") || w[0].literal() == Some("drop"))
                        && w[1].is(':'))
                    .then(|| match &w[2].tok {
                        Tok::Str(Some(s)) => s.clone(),
                        _ => "a collection named by the code".to_string(),
                    })
                })?;
                Some(format!(
                    "deletes the collection {coll} of {db} and every document in it"
                ))
            } else {
                None
            }
        }
        _ => None,
    }
}
