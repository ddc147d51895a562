//! Interpreter one-liners: python -c, perl -e, ruby -e, node -e. Table tests on the
//! analyzer (literal paths become Delete targets, computed ones are unknown), review of
//! the examples through the real binary, and guarded execution with the real python3.

use std::path::Path;

mod common;

use common::analyzer::*;
use common::{TestEnv, assert_ok};
use shellguard::analyze::{Arg, Stdin};
use shellguard::model::{Effect, Verdict};

const NOTE: &[&str] = &["inline-code-delete"];

// ---------------------------------------------------------------- literal deletes

#[test]
fn python_deletes_become_targets() {
    let w = World::new();
    w.file("build/out.o", "x");
    w.file("notes.txt", "x");
    w.dir("empty");
    let a = case(
        &w.root,
        &["python3", "-c", "import shutil; shutil.rmtree('build')"],
        NOTE,
        Verdict::Allow,
    );
    assert_target(&a, &w.path("build"), Effect::Delete, true, true);
    assert!(a.snapshot);
    assert!(
        messages(&a).contains("shutil.rmtree('build') deletes"),
        "{}",
        messages(&a)
    );

    let a = case(
        &w.root,
        &[
            "python",
            "-c",
            "import os; os.remove('notes.txt'); os.rmdir('empty')",
        ],
        NOTE,
        Verdict::Allow,
    );
    assert_target(&a, &w.path("notes.txt"), Effect::Delete, false, true);
    assert_target(&a, &w.path("empty"), Effect::Delete, false, true);

    let a = case(
        &w.root,
        &[
            "python3",
            "-c",
            "from pathlib import Path; Path('notes.txt').unlink(missing_ok=True)",
        ],
        NOTE,
        Verdict::Allow,
    );
    assert_target(&a, &w.path("notes.txt"), Effect::Delete, false, true);

    // Literals joined by os.path.join and expanded by expanduser are still literal.
    let a = case(
        &w.root,
        &[
            "python3",
            "-c",
            "import os, shutil; shutil.rmtree(os.path.join('/srv', 'www'), ignore_errors=True)",
        ],
        NOTE,
        Verdict::Allow,
    );
    assert_target(&a, Path::new("/srv/www"), Effect::Delete, true, false);
}

#[test]
fn python_root_and_system_paths_are_targets_the_judge_refuses() {
    let a = case(
        root(),
        &["python3", "-c", "import shutil; shutil.rmtree('/')"],
        NOTE,
        Verdict::Allow,
    );
    assert_target(&a, root(), Effect::Delete, true, true);
    let a = run(
        root(),
        &["python3", "-c", "import shutil; shutil.rmtree(\"/usr\")"],
    );
    assert_target(&a, Path::new("/usr"), Effect::Delete, true, true);
}

#[test]
fn tilde_is_the_home_directory() {
    let w = World::new();
    let home = w.dir("home/alice");
    let ctx = context(Some(&home));
    let a = analyze_in(
        &ctx,
        Some(&w.root),
        &args(&["python3", "-c", "import shutil; shutil.rmtree('~')"]),
        Stdin::Terminal,
    );
    assert_target(&a, &home, Effect::Delete, true, true);
    assert_eq!(a.targets[0].operand, "~");
}

#[test]
fn perl_ruby_and_node_deletes_become_targets() {
    let w = World::new();
    w.file("a.tmp", "x");
    w.file("b.tmp", "x");
    w.file("build/x", "x");
    w.file("dist/y", "x");
    let cases: &[(&[&str], &str, bool)] = &[
        (
            &["perl", "-e", "unlink 'a.tmp', \"b.tmp\" or die"],
            "a.tmp",
            false,
        ),
        (&["perl", "-e", "unlink('a.tmp')"], "a.tmp", false),
        (
            &["perl", "-MFile::Path=rmtree", "-e", "rmtree('build')"],
            "build",
            true,
        ),
        (
            &[
                "perl",
                "-MFile::Path",
                "-e",
                "File::Path::remove_tree(q{build}, {safe => 1})",
            ],
            "build",
            true,
        ),
        (
            &["ruby", "-rfileutils", "-e", "FileUtils.rm_rf('build')"],
            "build",
            true,
        ),
        (
            &[
                "ruby",
                "-e",
                "require 'fileutils'; FileUtils.rm_r %w[build dist]",
            ],
            "dist",
            true,
        ),
        (&["ruby", "-e", "File.delete 'a.tmp'"], "a.tmp", false),
        (
            &[
                "node",
                "-e",
                "require('fs').rmSync('./build', {recursive: true, force: true})",
            ],
            "build",
            true,
        ),
        (
            &[
                "nodejs",
                "--eval",
                "const fs = require('fs'); fs.unlinkSync('a.tmp')",
            ],
            "a.tmp",
            false,
        ),
        (
            &[
                "node",
                "-e",
                "require('fs').promises.rm('dist', {recursive: true})",
            ],
            "dist",
            true,
        ),
        (
            &["node", "-e", "import('fs').then(f => f.rmSync('a.tmp'))"],
            "a.tmp",
            false,
        ),
    ];
    for (argv, path, recursive) in cases {
        let a = run(&w.root, argv);
        check(&a, argv, NOTE, Verdict::Allow);
        assert_target(&a, &w.path(path), Effect::Delete, *recursive, true);
    }
    // Without {recursive: true} Node's rmSync refuses a directory: nothing is at stake.
    let a = run(&w.root, &["node", "-e", "fs.rmSync('build')"]);
    no_target(&a, &w.path("build"));
}

#[test]
fn computed_paths_are_unknown_targets() {
    let w = World::new();
    for argv in [
        &["perl", "-e", "unlink glob(\"*.tmp\")"][..],
        &["perl", "-ne", "chomp; unlink"],
        &["perl", "-e", "unlink \"$ENV{HOME}/x\""],
        &["python3", "-c", "import os, sys; os.remove(sys.argv[1])"],
        &[
            "python3",
            "-c",
            "import shutil; shutil.rmtree(f'/srv/{name}')",
        ],
        &[
            "python3",
            "-c",
            "import pathlib; [p.unlink() for p in pathlib.Path('.').glob('*.pyc')]",
        ],
        &["ruby", "-e", "FileUtils.rm_rf(Dir.glob('tmp/*'))"],
        &[
            "node",
            "-e",
            "fs.rmSync(process.argv[1], {recursive: true})",
        ],
        &["node", "-e", "fs.rmSync(`${dir}/x`)"],
    ] {
        case(&w.root, argv, &["unknown-target"], Verdict::Confirm);
    }
}

#[test]
fn data_that_only_mentions_deleting_is_allowed() {
    let w = World::new();
    for argv in [
        &["python3", "-c", "print(\"rm -rf /\")"][..],
        &["python3", "-c", "# shutil.rmtree('/')\nprint(1)"],
        &[
            "python3",
            "-c",
            "s = 'os.remove(\"/etc/passwd\")'; print(s)",
        ],
        &["python3", "-c", "items = [1, 2]; items.remove(1)"],
        &["ruby", "-e", "puts 1"],
        &["ruby", "-e", "puts 'FileUtils.rm_rf(\"/\")'"],
        &["perl", "-ne", "print if /unlink/"],
        &["perl", "-pi", "-e", "s/rmtree\\('\\/'\\)//"],
        &["node", "-e", "console.log('fs.rmSync(\"/\")')"],
        &["node", "-e", "/* fs.rmSync('/') */ 1"],
        &["node", "-e", "/x/.exec('rm -rf /')"],
        &["python3", "script.py", "-c", "shutil.rmtree('/')"],
        &["python3", "-m", "http.server"],
        &["python3"],
        &["node", "app.js", "-e", "fs.rmSync('/')"],
    ] {
        case(&w.root, argv, &[], Verdict::Allow);
    }
}

#[test]
fn shell_commands_inside_are_reviewed_like_shell_text() {
    let w = World::new();
    w.file("build/x", "x");
    for argv in [
        &["python3", "-c", "import os; os.system('rm -rf build')"][..],
        &[
            "python3",
            "-c",
            "import subprocess; subprocess.run(['rm', '-rf', 'build'], check=True)",
        ],
        &["perl", "-e", "system('rm', '-rf', 'build')"],
        &["perl", "-e", "`rm -rf build`"],
        &["ruby", "-e", "system('rm -rf build')"],
        &["ruby", "-e", "%x(rm -rf build)"],
        &[
            "node",
            "-e",
            "require('child_process').execSync('rm -rf build')",
        ],
        &[
            "node",
            "-e",
            "require('child_process').spawnSync('rm', ['-rf', 'build'])",
        ],
    ] {
        let a = run(&w.root, argv);
        check(&a, argv, NOTE, Verdict::Allow);
        assert_target(&a, &w.path("build"), Effect::Delete, true, true);
    }
    // Reasons of the inner command come along (a symlink with a trailing slash).
    w.dir("real");
    w.link("link", &w.path("real"));
    let a = run(
        &w.root,
        &["python3", "-c", "import os; os.system('rm -rf link/')"],
    );
    assert!(
        a.reasons
            .iter()
            .any(|r| r.rule.id() == "symlink-trailing-slash"),
        "{a:#?}"
    );
    // Built at run time: the shell text cannot be seen.
    case(
        &w.root,
        &[
            "python3",
            "-c",
            "import os, sys; os.system('rm -rf ' + sys.argv[1])",
        ],
        &["unknown-code"],
        Verdict::Confirm,
    );
    case(
        &w.root,
        &["python3", "-c", "import os; os.system('ls -l')"],
        &[],
        Verdict::Allow,
    );
}

#[test]
fn code_hidden_in_a_variable_is_unknown_code() {
    let argv = vec![
        Arg::exact("python3"),
        Arg::exact("-c"),
        Arg::inexact("${CODE}"),
    ];
    let a = run_args(&argv);
    check(
        &a,
        &["python3", "-c", "$CODE"],
        &["unknown-code"],
        Verdict::Confirm,
    );
}

#[test]
fn code_on_standard_input_is_read_when_known() {
    let w = World::new();
    w.file("build/x", "x");
    let a = run_with_stdin(
        &w.root,
        &["python3", "-"],
        Stdin::Data(Some("import shutil\nshutil.rmtree('build')\n".into())),
    );
    check(&a, &["python3", "-"], NOTE, Verdict::Allow);
    assert_target(&a, &w.path("build"), Effect::Delete, true, true);
    let a = run_with_stdin(&w.root, &["node"], Stdin::Data(None));
    check(&a, &["node"], &[], Verdict::Allow);
}

// ---------------------------------------------------------------- the binary

#[test]
fn review_verdicts_of_the_one_liner_examples() {
    let env = TestEnv::new();
    env.mkdir("build");
    env.write("build/app.js", "x");
    env.review("python3 -c \"import shutil; shutil.rmtree('/')\"")
        .expect("block", &["root-target", "inline-code-delete"]);
    env.review("python3 -c 'import shutil; shutil.rmtree(\"/usr\")'")
        .expect("block", &["system-path"]);
    let r =
        env.review("node -e \"require('fs').rmSync('./build', {recursive: true, force: true})\"");
    r.expect("allow", &["inline-code-delete"]);
    assert_eq!(r.targets(), vec![env.path("build").display().to_string()]);
    assert_eq!(r.command(0)["snapshot"], true);
    env.review("perl -e 'unlink glob(\"*.tmp\")'")
        .expect("confirm", &["unknown-target"]);
    env.review("python3 -c 'print(\"rm -rf /\")'")
        .expect("allow", &[]);
    env.review("ruby -e 'puts 1'").expect("allow", &[]);
    env.review("python3 -c 'import os; os.system(\"rm -rf /etc\")'")
        .expect("block", &["system-path"]);
    // A relative path from / is the classic wrong-directory accident.
    env.review_in(Path::new("/"), "ruby -e 'FileUtils.rm_rf(\"usr\")'")
        .expect("block", &["system-path"]);
}

#[test]
fn guarded_python_rmtree_of_a_protected_dir_is_refused() {
    let env = TestEnv::new();
    let protected = env.mkdir("precious");
    env.write("precious/data", "keep me");
    let policy = format!(
        "[[protect]]\npaths = [\"{}\"]\nverdict = \"block\"\nreason = \"test data\"\n",
        protected.display()
    );
    let env = env.with_policy(&policy);
    let code = format!("import shutil; shutil.rmtree('{}')", protected.display());
    let out = env
        .shellguard()
        .args(["run", "--", "python3", "-c", &code])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(20), "{stderr}");
    assert!(stderr.contains("protected-path"), "{stderr}");
    assert!(
        protected.join("data").is_file(),
        "the directory must still exist"
    );
}

#[test]
fn guarded_python_rmtree_in_a_project_runs_and_undo_brings_it_back() {
    let env = TestEnv::new();
    env.write("build/obj/a.o", "object");
    let out = env
        .shellguard()
        .args([
            "run",
            "--",
            "python3",
            "-c",
            "import shutil; shutil.rmtree('build')",
        ])
        .output()
        .unwrap();
    assert_ok(&out);
    assert!(!env.path("build").exists(), "python3 ran");
    let undo = env.shellguard().arg("undo").output().unwrap();
    assert_ok(&undo);
    assert_eq!(
        std::fs::read_to_string(env.path("build/obj/a.o")).unwrap(),
        "object"
    );
}
