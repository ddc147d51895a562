//! Database clients: psql, dropdb, mysql, mysqladmin, redis-cli, mongosh. Table tests on
//! the analyzers (argv + stdin + environment → rules and the server acted on), then the
//! real binary: production hosts block, other hosts confirm, and guarded execution of a
//! stub client refuses without a terminal and runs the exact argv once confirmed.
//!
//! No database server runs here: `review` executes nothing, and `run` meets a stub.

use std::path::Path;

mod common;

use common::analyzer::*;
use common::{TestEnv, assert_ok};
use shellguard::analyze::{Analysis, Arg, Stdin};
use shellguard::model::Verdict;

const DESTRUCTIVE: &[&str] = &["database-destructive"];
const UNKNOWN: &[&str] = &["unknown-code"];

fn with_stdin(argv: &[&str], stdin: Stdin) -> Analysis {
    run_with_stdin(Path::new("/tmp"), argv, stdin)
}

fn with_vars(argv: &[&str], vars: &[(&str, &str)]) -> Analysis {
    analyze_with(&context_with(vars), Path::new("/tmp"), argv)
}

// ---------------------------------------------------------------- psql: statements

#[test]
fn psql_statements_that_destroy_data_need_confirmation() {
    for sql in [
        "DROP TABLE users",
        "drop table if exists users cascade",
        "DROP DATABASE app",
        "DROP SCHEMA billing CASCADE",
        "TRUNCATE orders",
        "truncate table only orders restart identity",
        "DELETE FROM orders",
        "delete from orders returning *",
        "UPDATE users SET admin = true",
        "UPDATE users SET admin = true WHERE 1=1",
        "DELETE FROM orders WHERE true",
        "ALTER TABLE users DROP COLUMN email",
        "alter table users drop email",
        "ALTER TABLE logs DROP PARTITION p2020",
        "DROP OWNED BY app_user",
        "DROP TYPE mood CASCADE",
        "dRoP tAbLe users",
        "select 1; DROP TABLE users; select 2",
        "-- clean up\nDROP TABLE users",
        "/* old */ DROP TABLE users",
        "WITH gone AS (DELETE FROM orders RETURNING id) SELECT count(*) FROM gone",
        "EXPLAIN ANALYZE DELETE FROM orders",
        "EXPLAIN (ANALYZE, BUFFERS) UPDATE users SET a = 1",
        "BEGIN; DELETE FROM orders; COMMIT;",
    ] {
        let a = run(Path::new("/tmp"), &["psql", "-c", sql, "app"]);
        check(&a, &["psql", "-c", sql], DESTRUCTIVE, Verdict::Confirm);
        assert!(!a.snapshot, "a database is never snapshotted: {sql}");
    }
}

#[test]
fn psql_ordinary_work_is_allowed() {
    for sql in [
        "select * from users",
        "INSERT INTO notes VALUES ('DROP TABLE users; DELETE FROM orders')",
        "insert into notes values ($$ DROP TABLE users; $$)",
        "select 'it''s DROP TABLE x'",
        "DELETE FROM orders WHERE id = 42",
        "UPDATE users SET admin = false WHERE id IN (SELECT id FROM banned)",
        "DELETE FROM sessions WHERE CURRENT OF c",
        "DROP INDEX users_email_idx",
        "DROP VIEW IF EXISTS active_users",
        "DROP MATERIALIZED VIEW report",
        "DROP FUNCTION f(int)",
        "DROP TYPE mood",
        "ALTER TABLE users DROP CONSTRAINT users_fk",
        "ALTER TABLE users ALTER COLUMN email DROP NOT NULL",
        "ALTER TABLE users ALTER COLUMN n DROP DEFAULT",
        "EXPLAIN DELETE FROM orders",
        "CREATE TABLE t (id int)",
        "CREATE FUNCTION purge() RETURNS void AS $body$ DELETE FROM t; $body$ LANGUAGE sql",
        "\\dt",
        "\\x\n select 1",
        "-- DROP TABLE users\nselect 1",
        "/* DROP TABLE /* nested */ users */ select 1",
    ] {
        let argv = ["psql", "-c", sql, "app"];
        let a = run(Path::new("/tmp"), &argv);
        check(&a, &argv, &[], Verdict::Allow);
    }
    for argv in [
        &["psql", "-l"][..],
        &["psql", "--help"],
        &["psql", "-V"],
        &["psql", "app"],
        &["psql", "-h", "db1.prod.example.com", "app"],
    ] {
        case(Path::new("/tmp"), argv, &[], Verdict::Allow);
    }
}

#[test]
fn psql_message_names_statement_server_and_database() {
    let a = run(
        Path::new("/tmp"),
        &[
            "psql",
            "-h",
            "db1.prod.example.com",
            "-p",
            "5432",
            "-c",
            "DROP TABLE users",
            "app",
        ],
    );
    let text = messages(&a);
    assert!(
        text.contains("DROP TABLE users on db1.prod.example.com:5432/app"),
        "{text}"
    );
    assert!(text.contains("every row"), "{text}");
    assert!(a.reasons[0].instead.as_deref().unwrap().contains("pg_dump"));
    assert_eq!(a.acts_on.as_deref(), Some("db1.prod.example.com"));
}

// ---------------------------------------------------------------- psql: the server

/// argv, environment variables, the host the command acts on.
type ServerCase<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], Option<&'a str>);

#[test]
fn psql_server_comes_from_options_connection_strings_and_pghost() {
    let sql = "TRUNCATE t";
    let cases: &[ServerCase] = &[
        (
            &["psql", "-h", "db1.prod.example.com", "-c", sql],
            &[],
            Some("db1.prod.example.com"),
        ),
        (
            &["psql", "--host=db2.example.com", "-c", sql],
            &[],
            Some("db2.example.com"),
        ),
        (
            &["psql", "-c", sql],
            &[("PGHOST", "db3.prod.example.com")],
            Some("db3.prod.example.com"),
        ),
        (
            &["psql", "-h", "db4.example.com", "-c", sql],
            &[("PGHOST", "db3.prod.example.com")],
            Some("db4.example.com"),
        ),
        (
            &[
                "psql",
                "postgresql://app@db5.example.com:6543/shop",
                "-c",
                sql,
            ],
            &[],
            Some("db5.example.com"),
        ),
        (
            &["psql", "-d", "host=db6.example.com dbname=shop", "-c", sql],
            &[],
            Some("db6.example.com"),
        ),
        (&["psql", "-h", "localhost", "-c", sql], &[], None),
        (&["psql", "-h", "/var/run/postgresql", "-c", sql], &[], None),
        (&["psql", "-c", sql], &[], None),
    ];
    for (argv, vars, host) in cases {
        let a = with_vars(argv, vars);
        check(&a, argv, DESTRUCTIVE, Verdict::Confirm);
        assert_eq!(a.acts_on.as_deref(), *host, "{argv:?} {vars:?}");
    }
    let a = run(
        Path::new("/tmp"),
        &["psql", "postgresql://db5.example.com:6543/shop", "-c", sql],
    );
    assert!(
        messages(&a).contains("on db5.example.com:6543/shop"),
        "{}",
        messages(&a)
    );
}

#[test]
fn psql_backslash_connect_changes_the_database_in_messages() {
    let a = with_stdin(
        &["psql", "app"],
        Stdin::Data(Some("\\c archive\nDROP TABLE old_orders;\n".into())),
    );
    check(&a, &["psql"], DESTRUCTIVE, Verdict::Confirm);
    assert!(
        messages(&a).contains("database archive"),
        "{}",
        messages(&a)
    );
}

// ---------------------------------------------------------------- psql: files and stdin

#[test]
fn psql_reads_its_files_and_follows_includes() {
    let w = World::new();
    w.file("migrate.sql", "CREATE TABLE t (id int);\n\\i cleanup.sql\n");
    w.file("cleanup.sql", "DELETE FROM sessions;\n");
    w.file("sub/one.sql", "\\ir two.sql\n");
    w.file("sub/two.sql", "DROP TABLE legacy;\n");
    w.file("harmless.sql", "select 1;\n-- DROP TABLE users;\n");
    case(
        &w.root,
        &["psql", "-f", "harmless.sql"],
        &[],
        Verdict::Allow,
    );
    let a = case(
        &w.root,
        &["psql", "-f", "migrate.sql"],
        DESTRUCTIVE,
        Verdict::Confirm,
    );
    assert!(messages(&a).contains("DELETE FROM sessions"));
    let a = case(
        &w.root,
        &["psql", "--file=sub/one.sql"],
        DESTRUCTIVE,
        Verdict::Confirm,
    );
    assert!(messages(&a).contains("DROP TABLE legacy"));
    // A file that cannot be read hides its statements.
    case(
        &w.root,
        &["psql", "-f", "missing.sql"],
        UNKNOWN,
        Verdict::Confirm,
    );
}

#[test]
fn psql_standard_input_is_read_when_known_and_flagged_when_not() {
    let heredoc = Stdin::Data(Some("BEGIN;\nDELETE FROM orders;\nCOMMIT;\n".into()));
    let a = with_stdin(&["psql", "app"], heredoc);
    check(&a, &["psql", "app"], DESTRUCTIVE, Verdict::Confirm);
    let a = with_stdin(&["psql", "app"], Stdin::Data(Some("select 1;".into())));
    check(&a, &["psql", "app"], &[], Verdict::Allow);
    let a = with_stdin(&["psql", "app"], Stdin::Data(None));
    check(&a, &["psql", "app"], UNKNOWN, Verdict::Confirm);
    let a = with_stdin(&["psql", "-f", "-", "app"], Stdin::Unknown);
    check(&a, &["psql", "-f", "-"], UNKNOWN, Verdict::Confirm);
    // With -c, psql does not read its input at all.
    let a = with_stdin(&["psql", "-c", "select 1"], Stdin::Data(None));
    check(&a, &["psql", "-c"], &[], Verdict::Allow);
}

#[test]
fn psql_sql_hidden_in_a_variable_cannot_be_seen() {
    let argv = vec![Arg::exact("psql"), Arg::exact("-c"), Arg::inexact("${SQL}")];
    let a = run_args(&argv);
    check(&a, &["psql", "-c", "$SQL"], UNKNOWN, Verdict::Confirm);
    // A variable inside visible SQL: the statement is read as written.
    let argv = vec![
        Arg::exact("psql"),
        Arg::exact("-c"),
        Arg::inexact("DELETE FROM ${TABLE}"),
    ];
    let a = run_args(&argv);
    check(
        &a,
        &["psql", "-c", "DELETE FROM $TABLE"],
        DESTRUCTIVE,
        Verdict::Confirm,
    );
}

#[test]
fn dropdb_always_needs_confirmation() {
    let a = case(
        Path::new("/tmp"),
        &[
            "dropdb",
            "-h",
            "db1.prod.example.com",
            "--if-exists",
            "shop",
        ],
        DESTRUCTIVE,
        Verdict::Confirm,
    );
    assert_eq!(a.acts_on.as_deref(), Some("db1.prod.example.com"));
    assert!(messages(&a).contains("database shop on db1.prod.example.com"));
    case(
        Path::new("/tmp"),
        &["dropdb", "--help"],
        &[],
        Verdict::Allow,
    );
}

// ---------------------------------------------------------------- mysql

#[test]
fn mysql_destructive_statements_and_the_server() {
    let a = case(
        Path::new("/tmp"),
        &[
            "mysql",
            "-h",
            "db1.prod.example.com",
            "-uroot",
            "-psecret",
            "shop",
            "-e",
            "DELETE FROM orders",
        ],
        DESTRUCTIVE,
        Verdict::Confirm,
    );
    assert_eq!(a.acts_on.as_deref(), Some("db1.prod.example.com"));
    let text = messages(&a);
    assert!(
        text.contains("DELETE FROM orders on db1.prod.example.com/shop"),
        "{text}"
    );
    assert!(
        !text.contains("secret"),
        "the password is never shown: {text}"
    );
    for sql in [
        "DROP DATABASE shop",
        "drop schema shop",
        "TRUNCATE TABLE orders",
        "UPDATE users SET admin = 1",
        "/*!40000 DROP TABLE `orders` */",
        "ALTER TABLE logs TRUNCATE PARTITION p1",
        "CREATE OR REPLACE TABLE orders (id int)",
        "# note\nDROP TABLE t",
    ] {
        case(
            Path::new("/tmp"),
            &["mysql", "-e", sql],
            DESTRUCTIVE,
            Verdict::Confirm,
        );
    }
    for sql in [
        "select * from orders",
        "INSERT INTO t VALUES ('it\\'s DROP TABLE x')",
        "DELETE t FROM t JOIN expired e ON t.id = e.id",
        "DROP TEMPORARY TABLE scratch",
        "DROP INDEX i ON t",
        "ALTER TABLE t DROP INDEX i, DROP FOREIGN KEY fk",
        "# DROP TABLE t\nselect 1",
    ] {
        case(
            Path::new("/tmp"),
            &["mysql", "-e", sql],
            &[],
            Verdict::Allow,
        );
    }
    let a = with_vars(
        &["mysql", "-e", "TRUNCATE t"],
        &[("MYSQL_HOST", "db2.prod.example.com")],
    );
    assert_eq!(a.acts_on.as_deref(), Some("db2.prod.example.com"));
    let a = run(
        Path::new("/tmp"),
        &["mysql", "-S", "/run/mysqld.sock", "-e", "TRUNCATE t"],
    );
    assert_eq!(a.acts_on, None);
}

#[test]
fn mysql_safe_updates_lets_the_server_refuse_unfiltered_changes() {
    case(
        Path::new("/tmp"),
        &["mysql", "--safe-updates", "-e", "DELETE FROM orders"],
        &[],
        Verdict::Allow,
    );
    case(
        Path::new("/tmp"),
        &["mysql", "-U", "-e", "DROP TABLE orders"],
        DESTRUCTIVE,
        Verdict::Confirm,
    );
}

#[test]
fn mysql_scripts_on_stdin_with_delimiters_use_and_source() {
    let w = World::new();
    w.file("purge.sql", "DELETE FROM audit;\n");
    let script = "use shop;\nDELIMITER //\nCREATE PROCEDURE p() BEGIN DELETE FROM t; END//\nDELIMITER ;\nsource purge.sql\n";
    let a = run_with_stdin(&w.root, &["mysql"], Stdin::Data(Some(script.into())));
    check(&a, &["mysql"], DESTRUCTIVE, Verdict::Confirm);
    let text = messages(&a);
    assert!(
        text.contains("DELETE FROM audit") && text.contains("database shop"),
        "{text}"
    );
    assert!(
        !text.contains("DELETE FROM t"),
        "a procedure body is not run: {text}"
    );
    let a = with_stdin(&["mysql", "shop"], Stdin::Data(None));
    check(&a, &["mysql", "shop"], UNKNOWN, Verdict::Confirm);
    let a = with_stdin(&["mysql", "shop"], Stdin::Terminal);
    check(&a, &["mysql", "shop"], &[], Verdict::Allow);
}

#[test]
fn mysqladmin_drop_needs_confirmation() {
    let a = case(
        Path::new("/tmp"),
        &[
            "mysqladmin",
            "-h",
            "db1.prod.example.com",
            "-f",
            "drop",
            "shop",
        ],
        DESTRUCTIVE,
        Verdict::Confirm,
    );
    assert!(messages(&a).contains("database shop"));
    assert_eq!(a.acts_on.as_deref(), Some("db1.prod.example.com"));
    case(
        Path::new("/tmp"),
        &["mysqladmin", "status"],
        &[],
        Verdict::Allow,
    );
    case(
        Path::new("/tmp"),
        &["mysqladmin", "create", "shop"],
        &[],
        Verdict::Allow,
    );
}

// ---------------------------------------------------------------- redis-cli

#[test]
fn redis_flushes_in_any_case_need_confirmation() {
    for argv in [
        &["redis-cli", "FLUSHALL"][..],
        &["redis-cli", "flushall", "async"],
        &["redis-cli", "-n", "3", "FlushDB"],
        &["redis-cli", "-h", "cache1", "-p", "6380", "flushdb"],
        &[
            "redis-cli",
            "--cluster",
            "call",
            "10.0.0.1:7000",
            "FLUSHALL",
        ],
    ] {
        case(Path::new("/tmp"), argv, DESTRUCTIVE, Verdict::Confirm);
    }
    let a = run(Path::new("/tmp"), &["redis-cli", "-n", "3", "flushdb"]);
    assert!(messages(&a).contains("database 3"), "{}", messages(&a));
    let a = run(
        Path::new("/tmp"),
        &[
            "redis-cli",
            "-u",
            "redis://:pw@cache.prod.example.com:6379/2",
            "FLUSHDB",
        ],
    );
    assert_eq!(a.acts_on.as_deref(), Some("cache.prod.example.com"));
    let a = run(
        Path::new("/tmp"),
        &["redis-cli", "-h", "127.0.0.1", "FLUSHALL"],
    );
    assert_eq!(a.acts_on, None);
    for argv in [
        &["redis-cli", "GET", "flushall"][..],
        &["redis-cli", "--scan", "--pattern", "session:*"],
        &["redis-cli", "-h", "cache1", "INFO", "keyspace"],
        &["redis-cli", "--help"],
        &["redis-cli"],
    ] {
        case(Path::new("/tmp"), argv, &[], Verdict::Allow);
    }
}

#[test]
fn redis_commands_on_stdin() {
    let a = with_stdin(
        &["redis-cli"],
        Stdin::Data(Some("SET a 1\nflushall\n".into())),
    );
    check(&a, &["redis-cli"], DESTRUCTIVE, Verdict::Confirm);
    let a = with_stdin(&["redis-cli"], Stdin::Data(Some("SET a 1\nGET a\n".into())));
    check(&a, &["redis-cli"], &[], Verdict::Allow);
    let a = with_stdin(&["redis-cli"], Stdin::Data(None));
    check(&a, &["redis-cli"], UNKNOWN, Verdict::Confirm);
    // Mass insertion reads a data protocol, not commands to worry about.
    let a = with_stdin(&["redis-cli", "--pipe"], Stdin::Data(None));
    check(&a, &["redis-cli", "--pipe"], &[], Verdict::Allow);
}

// ---------------------------------------------------------------- mongosh

#[test]
fn mongosh_drops_and_empty_filters_need_confirmation() {
    for code in [
        "db.dropDatabase()",
        "db.getSiblingDB('shop').dropDatabase()",
        "db.orders.drop()",
        "db.getCollection('orders').drop()",
        "db['orders'].drop()",
        "db.orders.deleteMany({})",
        "db.orders.remove({})",
        "db.orders.updateMany({}, {$set: {a: 1}})",
        "db.runCommand({dropDatabase: 1})",
        "db.runCommand({drop: 'orders'})",
        "print(1); db.orders.drop(); print(2)",
    ] {
        case(
            Path::new("/tmp"),
            &["mongosh", "--eval", code],
            DESTRUCTIVE,
            Verdict::Confirm,
        );
    }
    for code in [
        "db.orders.find({})",
        "db.orders.deleteMany({status: 'expired'})",
        "db.orders.remove({_id: 1})",
        "print('db.dropDatabase()')",
        "// db.orders.drop()\nprintjson(db.stats())",
        "db.orders.dropIndexes()",
    ] {
        case(
            Path::new("/tmp"),
            &["mongosh", "--eval", code],
            &[],
            Verdict::Allow,
        );
    }
}

#[test]
fn mongosh_server_database_scripts_and_stdin() {
    let a = run(
        Path::new("/tmp"),
        &[
            "mongosh",
            "mongodb://u:pw@m1.prod.example.com:27017/shop",
            "--eval",
            "db.orders.drop()",
        ],
    );
    assert_eq!(a.acts_on.as_deref(), Some("m1.prod.example.com"));
    let text = messages(&a);
    assert!(
        text.contains("orders of shop") && !text.contains("pw"),
        "{text}"
    );
    let a = run(
        Path::new("/tmp"),
        &[
            "mongo",
            "--host",
            "rs0/m2.example.com:27017,m3.example.com",
            "--eval",
            "db.dropDatabase()",
        ],
    );
    assert_eq!(a.acts_on.as_deref(), Some("m2.example.com"));
    let w = World::new();
    w.file("cleanup.js", "db.sessions.deleteMany({});\n");
    case(
        &w.root,
        &["mongosh", "shop", "cleanup.js"],
        DESTRUCTIVE,
        Verdict::Confirm,
    );
    case(
        &w.root,
        &["mongosh", "shop", "-f", "missing.js"],
        UNKNOWN,
        Verdict::Confirm,
    );
    let a = with_stdin(
        &["mongosh", "shop"],
        Stdin::Data(Some("db.logs.drop()\n".into())),
    );
    check(&a, &["mongosh"], DESTRUCTIVE, Verdict::Confirm);
    let a = with_stdin(&["mongosh", "shop"], Stdin::Terminal);
    check(&a, &["mongosh"], &[], Verdict::Allow);
}

// ---------------------------------------------------------------- the binary

const PRODUCTION_DB: &str = "[[environment]]\nname = \"production\"\nhosts = [\"*.prod.example.com\"]\ncolor = \"red\"\nconfirm = \"hostname\"\n";

#[test]
fn drop_table_on_a_production_database_host_is_blocked() {
    let env = TestEnv::new().with_policy(PRODUCTION_DB);
    let r = env.review("psql -h db1.prod.example.com -c 'DROP TABLE users'");
    r.expect("block", &["database-destructive", "production"]);
    assert!(
        r.messages()
            .contains("DROP TABLE users on db1.prod.example.com")
    );
    // The local host is not production: only the server decides.
    assert_eq!(r.json["context"]["environment"], serde_json::Value::Null);
}

#[test]
fn drop_table_on_another_host_needs_confirmation() {
    let env = TestEnv::new().with_policy(PRODUCTION_DB);
    env.review("psql -h db1.dev.example.com -c 'DROP TABLE users'")
        .expect("confirm", &["database-destructive"]);
    env.review("psql -c 'select 1'").expect("allow", &[]);
    env.review("PGPASSWORD=x psql -h db1.prod.example.com -c 'select count(*) from users'")
        .expect("allow", &[]);
}

#[test]
fn heredoc_delete_without_where_needs_confirmation() {
    let env = TestEnv::new();
    let r = env.review("psql app <<'EOF'\nBEGIN;\nDELETE FROM orders;\nCOMMIT;\nEOF\n");
    r.expect("confirm", &["database-destructive"]);
    assert!(
        r.messages().contains("DELETE FROM orders"),
        "{}",
        r.messages()
    );
    env.review("psql app <<'EOF'\nDELETE FROM orders WHERE id = 1;\nEOF\n")
        .expect("allow", &[]);
}

#[test]
fn redis_flushall_on_production_is_blocked_by_review() {
    let env = TestEnv::new().with_policy(PRODUCTION_DB);
    env.review("redis-cli -h cache.prod.example.com FLUSHALL")
        .expect("block", &["database-destructive"]);
    env.review("redis-cli -h cache.prod.example.com GET k")
        .expect("allow", &[]);
}

#[test]
fn guarded_psql_drop_is_refused_without_a_terminal_and_runs_once_confirmed() {
    let env = TestEnv::new();
    let (path, record) = env.stub("psql");
    let sg = |extra: &[&str]| {
        env.shellguard()
            .env("PATH", &path)
            .arg("run")
            .args(extra)
            .args(["--", "psql", "-c", "DROP TABLE x"])
            .output()
            .unwrap()
    };
    let out = sg(&[]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(10), "{stderr}");
    assert!(stderr.contains("database-destructive"), "{stderr}");
    assert!(!record.exists(), "the stub must not have run");
    let out = sg(&["--confirm", &env.host.clone()]);
    assert_ok(&out);
    assert_eq!(
        std::fs::read_to_string(&record).unwrap(),
        "-c\nDROP TABLE x\n"
    );
}

#[test]
fn guarded_harmless_psql_runs_straight_away() {
    let env = TestEnv::new();
    let (path, record) = env.stub("psql");
    let out = env
        .shellguard()
        .env("PATH", &path)
        .args(["run", "--", "psql", "-c", "select 'DROP TABLE x'"])
        .output()
        .unwrap();
    assert_ok(&out);
    assert_eq!(
        std::fs::read_to_string(&record).unwrap(),
        "-c\nselect 'DROP TABLE x'\n"
    );
}

#[test]
fn the_server_can_be_chosen_by_variables_the_reviewed_text_sets() {
    let env = TestEnv::new().with_policy(PRODUCTION_DB);
    env.review("PGHOST=db1.prod.example.com psql -c 'DROP TABLE users'")
        .expect("block", &["database-destructive", "production"]);
    env.review("export PGHOST=db1.prod.example.com\npsql app -c 'TRUNCATE orders'")
        .expect("block", &["database-destructive", "production"]);
    env.review("MYSQL_HOST=db2.prod.example.com mysql -e 'DROP DATABASE shop'")
        .expect("block", &["database-destructive", "production"]);
    // A prefix assignment is for its command only.
    env.review("PGHOST=db1.prod.example.com true\npsql -c 'DROP TABLE users'")
        .expect("confirm", &["database-destructive"]);
    // A value that cannot be known does not fall back to the environment's.
    let r = env.review("PGHOST=$(pick-host) psql -c 'DROP TABLE users'");
    assert!(!r.has_rule("production"), "{}", r.messages());
}

#[test]
fn variables_set_through_sudo_or_env_choose_the_server_too() {
    let env = TestEnv::new().with_policy(PRODUCTION_DB);
    for text in [
        "sudo PGHOST=db1.prod.example.com psql -c 'DROP TABLE users'",
        "sudo -u postgres -E PGHOST=db1.prod.example.com psql -c 'DROP TABLE users'",
        "env -i PGHOST=db1.prod.example.com psql -c 'DROP TABLE users'",
    ] {
        env.review(text)
            .expect("block", &["database-destructive", "production"]);
    }
}
