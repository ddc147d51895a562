//! Commands that run other commands: `sudo`, `env`, `nice`, `timeout`, shells with `-c`,
//! `eval`, `ssh HOST '...'`, `xargs`, `chroot`, namespaces, tracers, `tmux`/`screen`, `at`,
//! `parallel`, ... Each is looked through to what really runs.

use crate::analyze::Arg;
use crate::analyze::opts::{self, OptDef, flag, optional, optional_short, valued};

/// What a wrapper leads to.
#[derive(Debug)]
pub enum Step {
    /// Runs this argv (in another directory for `env -C`, `sudo -D`, `chroot NEWROOT`; an
    /// inexact directory leaves the working directory unknown).
    Run {
        argv: Vec<Arg>,
        chdir: Option<Arg>,
        /// Variables set for it (`sudo PGHOST=db1 psql`, `env FOO=1 cmd`).
        env: Vec<(String, Arg)>,
    },
    /// A shell runs this text (`bash -c TEXT`, `su -c TEXT`, `watch 'cmd'`).
    Script(String),
    /// `eval ARGS`: the text runs in the current shell.
    Eval(String),
    /// A shell with no script reads commands from its standard input.
    ShellStdin,
    /// A shell runs a script file.
    ShellFile(Arg),
    /// `ssh HOST [COMMAND]`
    Remote {
        host: String,
        command: Option<String>,
    },
    /// `xargs CMD ARGS`: CMD runs with arguments read from standard input.
    Xargs(Vec<Arg>),
    /// Several commands (`tmux new -d a \; neww b`).
    Many(Vec<Step>),
    /// The wrapper runs nothing here (`sudo -l`, `command -v rm`, `env` alone).
    Nothing,
}

const SUDO: &[OptDef] = &[
    flag("x", Some('A'), Some("askpass")),
    flag("x", Some('b'), Some("background")),
    flag("x", Some('E'), None),
    optional("x", "preserve-env"),
    flag("edit", Some('e'), Some("edit")),
    flag("x", Some('H'), Some("set-home")),
    flag("shell", Some('i'), Some("login")),
    flag("shell", Some('s'), Some("shell")),
    flag("nothing", Some('K'), Some("remove-timestamp")),
    flag("nothing", Some('k'), Some("reset-timestamp")),
    flag("nothing", Some('l'), Some("list")),
    flag("x", Some('n'), Some("non-interactive")),
    flag("x", Some('P'), Some("preserve-groups")),
    flag("x", Some('S'), Some("stdin")),
    flag("nothing", Some('v'), Some("validate")),
    flag("nothing", Some('V'), Some("version")),
    valued("x", Some('C'), Some("close-from")),
    valued("chdir", Some('D'), Some("chdir")),
    valued("x", Some('g'), Some("group")),
    valued("x", Some('h'), Some("host")),
    valued("x", Some('p'), Some("prompt")),
    valued("x", Some('R'), Some("chroot")),
    valued("x", Some('r'), Some("role")),
    valued("x", Some('T'), Some("command-timeout")),
    valued("x", Some('t'), Some("type")),
    valued("x", Some('U'), Some("other-user")),
    valued("x", Some('u'), Some("user")),
];

const DOAS: &[OptDef] = &[
    flag("x", Some('n'), None),
    flag("shell", Some('s'), None),
    valued("x", Some('u'), None),
    valued("x", Some('C'), None),
];

const ENV: &[OptDef] = &[
    flag("x", Some('i'), Some("ignore-environment")),
    flag("x", Some('0'), Some("null")),
    valued("x", Some('u'), Some("unset")),
    valued("chdir", Some('C'), Some("chdir")),
    valued("split", Some('S'), Some("split-string")),
    flag("x", Some('v'), Some("debug")),
];

const NICE: &[OptDef] = &[valued("x", Some('n'), Some("adjustment"))];
const TIME: &[OptDef] = &[
    flag("x", Some('p'), Some("portability")),
    flag("x", Some('v'), Some("verbose")),
    flag("x", Some('a'), Some("append")),
    valued("x", Some('f'), Some("format")),
    valued("x", Some('o'), Some("output")),
];
const COMMAND: &[OptDef] = &[
    flag("x", Some('p'), None),
    flag("nothing", Some('v'), None),
    flag("nothing", Some('V'), None),
];
const EXEC: &[OptDef] = &[
    flag("x", Some('c'), None),
    flag("x", Some('l'), None),
    valued("x", Some('a'), None),
];
const TIMEOUT: &[OptDef] = &[
    flag("x", None, Some("preserve-status")),
    flag("x", None, Some("foreground")),
    flag("x", Some('v'), Some("verbose")),
    valued("x", Some('k'), Some("kill-after")),
    valued("x", Some('s'), Some("signal")),
];
const IONICE: &[OptDef] = &[
    valued("x", Some('c'), Some("class")),
    valued("x", Some('n'), Some("classdata")),
    flag("x", Some('t'), Some("ignore")),
];
const STDBUF: &[OptDef] = &[
    valued("x", Some('i'), Some("input")),
    valued("x", Some('o'), Some("output")),
    valued("x", Some('e'), Some("error")),
];
const SETSID: &[OptDef] = &[
    flag("x", Some('c'), Some("ctty")),
    flag("x", Some('f'), Some("fork")),
    flag("x", Some('w'), Some("wait")),
];
const FLOCK: &[OptDef] = &[
    flag("x", Some('s'), Some("shared")),
    flag("x", Some('x'), Some("exclusive")),
    flag("x", Some('u'), Some("unlock")),
    flag("x", Some('n'), Some("nonblock")),
    flag("x", Some('o'), Some("close")),
    valued("x", Some('w'), Some("timeout")),
    valued("x", Some('E'), Some("conflict-exit-code")),
    valued("command", Some('c'), Some("command")),
];
const WATCH: &[OptDef] = &[
    valued("x", Some('n'), Some("interval")),
    flag("x", Some('d'), None),
    optional("x", "differences"),
    flag("x", Some('t'), Some("no-title")),
    flag("x", Some('b'), Some("beep")),
    flag("x", Some('e'), Some("errexit")),
    flag("x", Some('g'), Some("chgexit")),
    flag("x", Some('c'), Some("color")),
    flag("exec", Some('x'), Some("exec")),
    flag("x", Some('p'), Some("precise")),
];
const SU: &[OptDef] = &[
    flag("x", Some('l'), Some("login")),
    flag("x", Some('m'), Some("preserve-environment")),
    flag("x", Some('p'), None),
    valued("command", Some('c'), Some("command")),
    valued("x", Some('s'), Some("shell")),
    valued("x", Some('g'), Some("group")),
    valued("x", Some('G'), Some("supp-group")),
];
const SHELL: &[OptDef] = &[
    flag("command", Some('c'), None),
    flag("stdin", Some('s'), None),
    flag("x", Some('i'), None),
    flag("x", Some('l'), Some("login")),
    flag("x", Some('e'), None),
    flag("x", Some('u'), None),
    flag("x", Some('x'), None),
    flag("x", Some('v'), None),
    flag("x", Some('f'), None),
    flag("x", Some('r'), Some("restricted")),
    flag("x", None, Some("norc")),
    flag("x", None, Some("noprofile")),
    flag("x", None, Some("posix")),
    flag("x", None, Some("noediting")),
    valued("x", Some('o'), None),
    valued("x", Some('O'), None),
    valued("x", None, Some("rcfile")),
    valued("x", None, Some("init-file")),
];
const SSH: &[OptDef] = &[
    valued("x", Some('B'), None),
    valued("x", Some('b'), None),
    valued("x", Some('c'), None),
    valued("x", Some('D'), None),
    valued("x", Some('E'), None),
    valued("x", Some('e'), None),
    valued("x", Some('F'), None),
    valued("x", Some('I'), None),
    valued("x", Some('i'), None),
    valued("x", Some('J'), None),
    valued("x", Some('L'), None),
    valued("x", Some('l'), None),
    valued("x", Some('m'), None),
    valued("x", Some('O'), None),
    valued("x", Some('o'), None),
    valued("x", Some('p'), None),
    valued("x", Some('Q'), None),
    valued("x", Some('R'), None),
    valued("x", Some('S'), None),
    valued("x", Some('W'), None),
    valued("x", Some('w'), None),
    flag("x", Some('4'), None),
    flag("x", Some('6'), None),
    flag("x", Some('A'), None),
    flag("x", Some('a'), None),
    flag("x", Some('C'), None),
    flag("x", Some('f'), None),
    flag("x", Some('G'), None),
    flag("x", Some('g'), None),
    flag("x", Some('K'), None),
    flag("x", Some('k'), None),
    flag("x", Some('M'), None),
    flag("x", Some('N'), None),
    flag("x", Some('n'), None),
    flag("x", Some('q'), None),
    flag("x", Some('s'), None),
    flag("x", Some('T'), None),
    flag("x", Some('t'), None),
    flag("x", Some('V'), None),
    flag("x", Some('v'), None),
    flag("x", Some('X'), None),
    flag("x", Some('x'), None),
    flag("x", Some('Y'), None),
    flag("x", Some('y'), None),
];
const XARGS: &[OptDef] = &[
    flag("x", Some('0'), Some("null")),
    flag("x", Some('r'), Some("no-run-if-empty")),
    flag("x", Some('t'), Some("verbose")),
    flag("x", Some('p'), Some("interactive")),
    flag("x", Some('x'), Some("exit")),
    valued("x", Some('a'), Some("arg-file")),
    valued("x", Some('d'), Some("delimiter")),
    valued("x", Some('E'), None),
    valued("x", Some('I'), None),
    valued("x", Some('L'), Some("max-lines")),
    valued("x", Some('n'), Some("max-args")),
    valued("x", Some('P'), Some("max-procs")),
    valued("x", Some('s'), Some("max-chars")),
    valued("x", None, Some("process-slot-var")),
    optional("x", "eof"),
    optional("x", "replace"),
];

/// `chroot [--userspec U:G] [--groups G] [--skip-chdir] NEWROOT [CMD ARGS]` (coreutils).
const CHROOT: &[OptDef] = &[
    valued("x", None, Some("userspec")),
    valued("x", None, Some("groups")),
    flag("skip-chdir", None, Some("skip-chdir")),
    flag("nothing", None, Some("help")),
    flag("nothing", None, Some("version")),
];
/// `unshare [-muinpUCT[FILE]] [-fr] [-R DIR] [-w DIR] [CMD ARGS]` (util-linux).
const UNSHARE: &[OptDef] = &[
    optional_short("x", 'm', Some("mount")),
    optional_short("x", 'u', Some("uts")),
    optional_short("x", 'i', Some("ipc")),
    optional_short("x", 'n', Some("net")),
    optional_short("x", 'p', Some("pid")),
    optional_short("x", 'U', Some("user")),
    optional_short("x", 'C', Some("cgroup")),
    optional_short("x", 'T', Some("time")),
    flag("x", Some('f'), Some("fork")),
    flag("x", Some('r'), Some("map-root-user")),
    flag("x", Some('c'), Some("map-current-user")),
    flag("x", None, Some("map-auto")),
    flag("x", None, Some("keep-caps")),
    valued("x", None, Some("map-user")),
    valued("x", None, Some("map-group")),
    valued("x", None, Some("map-users")),
    valued("x", None, Some("map-groups")),
    optional("x", "kill-child"),
    optional("x", "mount-proc"),
    valued("x", None, Some("propagation")),
    valued("x", None, Some("setgroups")),
    valued("root", Some('R'), Some("root")),
    valued("wd", Some('w'), Some("wd")),
    valued("x", Some('S'), Some("setuid")),
    valued("x", Some('G'), Some("setgid")),
    valued("x", None, Some("monotonic")),
    valued("x", None, Some("boottime")),
    flag("nothing", Some('h'), Some("help")),
    flag("nothing", Some('V'), Some("version")),
];
/// `nsenter [-a] [-t PID] [-muinpCUT[FILE]] [-r[DIR]] [-w[DIR]] [-W DIR] [CMD ARGS]`.
const NSENTER: &[OptDef] = &[
    flag("x", Some('a'), Some("all")),
    valued("x", Some('t'), Some("target")),
    optional_short("x", 'm', Some("mount")),
    optional_short("x", 'u', Some("uts")),
    optional_short("x", 'i', Some("ipc")),
    optional_short("x", 'n', Some("net")),
    optional_short("x", 'p', Some("pid")),
    optional_short("x", 'C', Some("cgroup")),
    optional_short("x", 'U', Some("user")),
    optional_short("x", 'T', Some("time")),
    valued("x", Some('S'), Some("setuid")),
    valued("x", Some('G'), Some("setgid")),
    flag("x", None, Some("preserve-credentials")),
    optional_short("root", 'r', Some("root")),
    optional_short("wd", 'w', Some("wd")),
    valued("x", Some('W'), Some("wdns")),
    flag("x", Some('F'), Some("no-fork")),
    flag("x", Some('Z'), Some("follow-context")),
    flag("nothing", Some('h'), Some("help")),
    flag("nothing", Some('V'), Some("version")),
];
/// `systemd-run [OPTIONS] CMD ARGS`, timers (`--on-calendar`, `--on-active`) included; a
/// system service runs in `/` unless `--scope`, `-d` or `--working-directory`.
const SYSTEMD_RUN: &[OptDef] = &[
    flag("same-dir", None, Some("scope")),
    flag("same-dir", Some('d'), Some("same-dir")),
    flag("user", None, Some("user")),
    flag("nothing", Some('S'), Some("shell")),
    flag("nothing", Some('h'), Some("help")),
    flag("nothing", None, Some("version")),
    valued("chdir", None, Some("working-directory")),
    valued("host", Some('H'), Some("host")),
    valued("x", Some('M'), Some("machine")),
    valued("x", Some('u'), Some("unit")),
    valued("x", Some('p'), Some("property")),
    valued("x", None, Some("description")),
    valued("x", None, Some("slice")),
    valued("x", None, Some("service-type")),
    valued("x", None, Some("uid")),
    valued("x", None, Some("gid")),
    valued("x", None, Some("nice")),
    valued("x", Some('E'), Some("setenv")),
    valued("x", None, Some("path-property")),
    valued("x", None, Some("socket-property")),
    valued("x", None, Some("timer-property")),
    valued("x", None, Some("on-active")),
    valued("x", None, Some("on-boot")),
    valued("x", None, Some("on-startup")),
    valued("x", None, Some("on-unit-active")),
    valued("x", None, Some("on-unit-inactive")),
    valued("x", None, Some("on-calendar")),
    valued("x", None, Some("json")),
    optional("x", "expand-environment"),
    flag("x", None, Some("system")),
    flag("x", None, Some("no-ask-password")),
    flag("x", None, Some("slice-inherit")),
    flag("x", None, Some("no-block")),
    flag("x", None, Some("wait")),
    flag("x", None, Some("send-sighup")),
    flag("x", None, Some("on-clock-change")),
    flag("x", None, Some("on-timezone-change")),
    flag("x", Some('r'), Some("remain-after-exit")),
    flag("x", Some('t'), Some("pty")),
    flag("x", Some('P'), Some("pipe")),
    flag("x", Some('q'), Some("quiet")),
    flag("x", Some('G'), Some("collect")),
];
/// `runuser -u USER [--] CMD ARGS`, or su-like `runuser [-] USER -c TEXT` (util-linux).
const RUNUSER: &[OptDef] = &[
    valued("user", Some('u'), Some("user")),
    valued("command", Some('c'), Some("command")),
    valued("command", None, Some("session-command")),
    flag("x", Some('l'), Some("login")),
    flag("x", Some('f'), Some("fast")),
    flag("x", Some('m'), Some("preserve-environment")),
    flag("x", Some('p'), None),
    flag("x", Some('P'), Some("pty")),
    valued("x", Some('w'), Some("whitelist-environment")),
    valued("x", Some('s'), Some("shell")),
    valued("x", Some('g'), Some("group")),
    valued("x", Some('G'), Some("supp-group")),
];
/// `pkexec [--user U] [--keep-cwd] CMD ARGS`: runs in the target user's home (`/root`).
const PKEXEC: &[OptDef] = &[
    valued("user", None, Some("user")),
    flag("keep-cwd", None, Some("keep-cwd")),
    flag("x", None, Some("disable-internal-agent")),
    flag("nothing", None, Some("help")),
    flag("nothing", None, Some("version")),
];
/// `taskset [-a] [-c] MASK|LIST CMD ARGS`; `taskset -p ...` acts on a running process.
const TASKSET: &[OptDef] = &[
    flag("x", Some('a'), Some("all-tasks")),
    flag("x", Some('c'), Some("cpu-list")),
    flag("nothing", Some('p'), Some("pid")),
    flag("nothing", Some('h'), Some("help")),
    flag("nothing", Some('V'), Some("version")),
];
/// `chrt [-bdfior] [-R] [-T/-P/-D NS] [PRIORITY] CMD ARGS`; `-p`/`-m` run nothing.
const CHRT: &[OptDef] = &[
    flag("x", Some('b'), Some("batch")),
    flag("x", Some('d'), Some("deadline")),
    flag("x", Some('f'), Some("fifo")),
    flag("x", Some('i'), Some("idle")),
    flag("x", Some('o'), Some("other")),
    flag("x", Some('r'), Some("rr")),
    flag("x", Some('R'), Some("reset-on-fork")),
    flag("x", Some('a'), Some("all-tasks")),
    flag("x", Some('v'), Some("verbose")),
    valued("x", Some('T'), Some("sched-runtime")),
    valued("x", Some('P'), Some("sched-period")),
    valued("x", Some('D'), Some("sched-deadline")),
    flag("nothing", Some('p'), Some("pid")),
    flag("nothing", Some('m'), Some("max")),
    flag("nothing", Some('h'), Some("help")),
    flag("nothing", Some('V'), Some("version")),
];
/// `strace [-f -o FILE -e EXPR -s N ...] CMD ARGS`; `strace -p PID` traces a running one.
const STRACE: &[OptDef] = &[
    valued("x", Some('a'), Some("columns")),
    valued("x", Some('b'), Some("detach-on")),
    valued("x", Some('e'), None),
    valued("x", Some('E'), Some("env")),
    valued("x", Some('I'), Some("interruptible")),
    valued("x", Some('o'), Some("output")),
    valued("x", Some('O'), Some("summary-syscall-overhead")),
    valued("x", Some('p'), Some("attach")),
    valued("x", Some('P'), Some("trace-path")),
    valued("x", Some('s'), Some("string-limit")),
    valued("x", Some('S'), Some("summary-sort-by")),
    valued("x", Some('u'), Some("user")),
    valued("x", Some('U'), Some("summary-columns")),
    valued("x", Some('X'), Some("const-print-style")),
    optional("x", "daemonize"),
    flag("x", Some('D'), None),
    flag("nothing", Some('h'), Some("help")),
    flag("nothing", Some('V'), Some("version")),
];
/// `ltrace [-f -o FILE -e FILTER -l LIB ...] CMD ARGS`; `ltrace -p PID` runs nothing new.
const LTRACE: &[OptDef] = &[
    valued("x", Some('a'), Some("align")),
    valued("x", Some('A'), None),
    valued("x", Some('D'), Some("debug")),
    valued("x", Some('e'), None),
    valued("x", Some('F'), Some("config")),
    valued("x", Some('l'), Some("library")),
    valued("x", Some('n'), Some("indent")),
    valued("x", Some('o'), Some("output")),
    valued("x", Some('p'), None),
    valued("x", Some('s'), None),
    valued("x", Some('u'), None),
    valued("x", Some('w'), Some("where")),
    valued("x", Some('x'), None),
    flag("nothing", Some('h'), Some("help")),
    flag("nothing", Some('V'), Some("version")),
];
/// `fakeroot [-l LIB] [-f FAKED] [-i FILE] [-s FILE] [-b FD] [-u] [--] CMD ARGS`.
const FAKEROOT: &[OptDef] = &[
    valued("x", Some('l'), Some("lib")),
    valued("x", Some('f'), Some("faked")),
    valued("x", Some('i'), None),
    valued("x", Some('s'), None),
    valued("x", Some('b'), Some("fd-base")),
    flag("x", Some('u'), Some("unknown-is-real")),
    flag("nothing", Some('h'), Some("help")),
    flag("nothing", Some('v'), Some("version")),
];
/// `script [-aefq] [-c TEXT] [-I/-O/-B/-T FILE] [-t[FILE]] [FILE]`: `-c` text runs in a shell.
const SCRIPT: &[OptDef] = &[
    valued("command", Some('c'), Some("command")),
    valued("x", Some('I'), Some("log-in")),
    valued("x", Some('O'), Some("log-out")),
    valued("x", Some('B'), Some("log-io")),
    valued("x", Some('T'), Some("log-timing")),
    valued("x", Some('m'), Some("logging-format")),
    valued("x", Some('E'), Some("echo")),
    valued("x", Some('o'), Some("output-limit")),
    optional_short("x", 't', Some("timing")),
    flag("x", Some('a'), Some("append")),
    flag("x", Some('e'), Some("return")),
    flag("x", Some('f'), Some("flush")),
    flag("x", None, Some("force")),
    flag("x", Some('q'), Some("quiet")),
];
/// tmux's own options before its command (`-c TEXT` runs TEXT in the default shell).
const TMUX: &[OptDef] = &[
    valued("command", Some('c'), None),
    valued("x", Some('f'), None),
    valued("x", Some('L'), None),
    valued("x", Some('S'), None),
    valued("x", Some('T'), None),
    flag("x", Some('2'), None),
    flag("x", Some('C'), None),
    flag("x", Some('D'), None),
    flag("x", Some('l'), None),
    flag("x", Some('N'), None),
    flag("x", Some('u'), None),
    flag("x", Some('v'), None),
    flag("x", Some('V'), None),
];
/// The options of tmux's `new-session`, `new-window`, `split-window`, `respawn-*`.
const TMUX_NEW: &[OptDef] = &[
    valued("chdir", Some('c'), None),
    valued("x", Some('e'), None),
    valued("x", Some('F'), None),
    valued("x", Some('f'), None),
    valued("x", Some('n'), None),
    valued("x", Some('s'), None),
    valued("x", Some('t'), None),
    valued("x", Some('x'), None),
    valued("x", Some('y'), None),
    valued("x", Some('l'), None),
    valued("x", Some('p'), None),
];
/// `at [-mMv] [-q Q] [-f FILE] [-t TIME] [TIMESPEC]` and `batch`: the job is read from
/// stdin or FILE; `-l`, `-r`/`-d`, `-c` only list, remove or show jobs.
const AT: &[OptDef] = &[
    valued("file", Some('f'), None),
    valued("x", Some('q'), None),
    valued("x", Some('t'), None),
    valued("x", Some('u'), None),
    valued("x", Some('o'), None),
    flag("x", Some('m'), None),
    flag("x", Some('M'), None),
    flag("x", Some('v'), None),
    flag("x", Some('b'), None),
    flag("x", Some('k'), None),
    flag("nothing", Some('l'), None),
    flag("nothing", Some('r'), None),
    flag("nothing", Some('d'), None),
    flag("nothing", Some('c'), None),
    flag("nothing", Some('V'), None),
    flag("nothing", Some('h'), None),
];
/// GNU `parallel [OPTIONS] CMD ARGS ::: VALUES`: simple `:::` lists are substituted, the
/// rest (stdin, `::::`, `-a`, replacement strings) is treated like xargs.
const PARALLEL: &[OptDef] = &[
    valued("complex", Some('a'), Some("arg-file")),
    valued("complex", Some('C'), Some("colsep")),
    valued("complex", Some('d'), Some("delimiter")),
    valued("complex", Some('E'), None),
    valued("complex", Some('I'), None),
    valued("complex", Some('L'), Some("max-lines")),
    valued("complex", Some('n'), Some("max-args")),
    valued("complex", Some('N'), None),
    valued("complex", Some('s'), Some("max-chars")),
    valued("complex", Some('S'), Some("sshlogin")),
    valued("complex", None, Some("sshloginfile")),
    valued("complex", None, Some("slf")),
    valued("complex", None, Some("workdir")),
    valued("complex", None, Some("wd")),
    optional("complex", "replace"),
    optional("complex", "eof"),
    flag("complex", Some('i'), None),
    flag("complex", Some('m'), None),
    flag("complex", Some('X'), None),
    flag("complex", None, Some("pipe")),
    flag("complex", None, Some("pipepart")),
    flag("complex", None, Some("shebang")),
    flag("complex", Some('0'), Some("null")),
    valued("x", Some('j'), Some("jobs")),
    valued("x", Some('P'), None),
    valued("x", None, Some("joblog")),
    valued("x", None, Some("results")),
    valued("x", None, Some("res")),
    valued("x", None, Some("tmpdir")),
    valued("x", None, Some("timeout")),
    valued("x", None, Some("delay")),
    valued("x", None, Some("retries")),
    valued("x", None, Some("halt")),
    valued("x", None, Some("memfree")),
    valued("x", None, Some("load")),
    valued("x", None, Some("nice")),
    valued("x", None, Some("tagstring")),
    valued("x", None, Some("env")),
    valued("x", None, Some("basefile")),
    valued("x", None, Some("bf")),
    valued("x", None, Some("transferfile")),
    valued("x", None, Some("tf")),
    valued("x", None, Some("return")),
    valued("x", None, Some("termseq")),
    valued("x", None, Some("sshdelay")),
    valued("x", None, Some("limit")),
    flag("x", Some('k'), Some("keep-order")),
    flag("x", Some('u'), Some("ungroup")),
    flag("x", Some('v'), Some("verbose")),
    flag("x", Some('q'), Some("quote")),
    flag("x", Some('r'), Some("no-run-if-empty")),
    flag("x", None, Some("tag")),
    flag("x", None, Some("eta")),
    flag("x", None, Some("bar")),
    flag("x", None, Some("progress")),
    flag("x", None, Some("lb")),
    flag("x", None, Some("line-buffer")),
    flag("x", None, Some("group")),
    flag("x", None, Some("tty")),
    flag("x", None, Some("will-cite")),
    flag("x", None, Some("halt-on-error")),
    flag("nothing", None, Some("dry-run")),
    flag("nothing", None, Some("help")),
    flag("nothing", None, Some("version")),
    flag("nothing", None, Some("citation")),
];

/// The options of tmux's `send-keys`.
const TMUX_SEND_KEYS: &[OptDef] = &[
    flag("literal", Some('l'), None),
    flag("x", Some('H'), None),
    flag("x", Some('R'), None),
    flag("x", Some('M'), None),
    flag("x", Some('X'), None),
    flag("x", Some('F'), None),
    valued("x", Some('N'), None),
    valued("x", Some('t'), None),
];

/// tmux commands that start a shell command in a new pane.
const TMUX_NEW_COMMANDS: &[&str] = &[
    "new-session",
    "new",
    "new-window",
    "neww",
    "split-window",
    "splitw",
    "respawn-pane",
    "respawnp",
    "respawn-window",
    "respawnw",
];
/// screen options whose value follows them (`-S name`, `-Sname`).
const SCREEN_VALUED: &str = "cehpsStT";
/// screen words that list, control or wipe sessions and start nothing.
const SCREEN_NOTHING: &[&str] = &[
    "-ls",
    "-list",
    "-wipe",
    "-Q",
    "-X",
    "-v",
    "-version",
    "--version",
    "-help",
    "--help",
];

const SHELLS: &[&str] = &["sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "yash"];

/// An option's value as a word (option values are taken as written).
fn exact_value(p: &opts::Parsed, key: &str) -> Option<Arg> {
    p.value(key).cloned().map(Arg::exact)
}

fn join(args: &[&Arg]) -> String {
    args.iter()
        .map(|a| a.text().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `word` as one shell word.
fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', "'\\''"))
}

/// What `tmux send-keys [-lHRMX] [-N n] [-t pane] KEY...` types into a pane's shell, as
/// text to review: key names that end a line become newlines, other named keys end the
/// text (`C-c` interrupts). None when nothing is typed.
fn typed_keys(args: &[&Arg]) -> Option<String> {
    let args: Vec<Arg> = args.iter().map(|a| (*a).clone()).collect();
    let p = opts::parse_until_operand(TMUX_SEND_KEYS, &args);
    let mut text = String::new();
    for key in &p.operands {
        let key = key.text();
        match key.as_ref() {
            _ if p.has("literal") => text.push_str(&key),
            "Enter" | "C-m" | "C-j" | "KPEnter" => text.push('\n'),
            "Space" => text.push(' '),
            "Tab" | "C-i" => text.push('\t'),
            named if named.len() > 1 && is_key_name(named) => break,
            other => text.push_str(other),
        }
    }
    (!text.trim().is_empty()).then_some(text)
}

/// tmux key names other than plain text (`C-c`, `M-x`, `Escape`, `F1`, `Up`, ...).
fn is_key_name(word: &str) -> bool {
    const NAMES: &[&str] = &[
        "Escape", "BSpace", "BTab", "DC", "End", "Home", "IC", "NPage", "PPage", "PgDn", "PgUp",
        "Up", "Down", "Left", "Right", "Any",
    ];
    NAMES.contains(&word)
        || ["C-", "M-", "S-", "^"]
            .iter()
            .any(|p| word.starts_with(p) && word.len() <= p.len() + 1)
        || word.starts_with('F') && word[1..].parse::<u8>().is_ok()
}

/// The text `screen -X stuff TEXT` types: `\n`, `\r` and `^M` end lines.
fn stuffed(text: &str) -> String {
    text.replace("\\n", "\n")
        .replace("\\r", "\n")
        .replace("^M", "\n")
        .replace("^J", "\n")
}

/// A shell command in tmux's form: one word runs in `sh -c`, several run directly.
fn tmux_command(p: &opts::Parsed) -> Step {
    let argv = match p.operands.as_slice() {
        [] => return Step::Nothing,
        [text] => vec![Arg::exact("sh"), Arg::exact("-c"), (*text).clone()],
        many => many.iter().map(|a| (*a).clone()).collect(),
    };
    Step::Run {
        argv,
        chdir: exact_value(p, "chdir"),
        env: Vec::new(),
    }
}

/// `parallel CMD ::: A B`: with one plain `:::` list, the shell lines it runs (`CMD 'A'`,
/// `CMD 'B'`, `{}` in CMD replaced; the values alone when CMD is empty); None when the
/// inputs or replacement strings are not that simple.
fn parallel_lines(command: &[&Arg], inputs: &[&Arg]) -> Option<String> {
    let (sep, values) = inputs.split_first()?;
    let simple = sep.text() == ":::"
        && !values.is_empty()
        && values.len() <= 16
        && values
            .iter()
            .all(|v| v.exact && !v.text().starts_with(":::"))
        && command
            .iter()
            .all(|a| a.exact && !a.text().replace("{}", "").contains('{'));
    if !simple {
        return None;
    }
    let command = join(command);
    let lines: Vec<String> = values
        .iter()
        .map(|v| {
            let v = v.text();
            if command.is_empty() {
                v.into_owned()
            } else if command.contains("{}") {
                command.replace("{}", &quote(&v))
            } else {
                format!("{command} {}", quote(&v))
            }
        })
        .collect();
    Some(lines.join("\n"))
}

/// `NAME=value` as an environment setting: the name and the value.
fn assignment(word: &str) -> Option<(&str, &str)> {
    let (name, value) = word.split_once('=')?;
    let valid = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    valid.then_some((name, value))
}

/// The step a wrapper program leads to, or None when `name` is not a wrapper.
pub fn unwrap(name: &str, rest: &[Arg]) -> Option<Step> {
    let run = |operands: &[&Arg], chdir: Option<Arg>| -> Step {
        if operands.is_empty() {
            Step::Nothing
        } else {
            Step::Run {
                argv: operands.iter().map(|a| (*a).clone()).collect(),
                chdir,
                env: Vec::new(),
            }
        }
    };
    // sudo, doas and env take `NAME=value` words before the command as its environment.
    let run_with_env = |operands: &[&Arg], chdir: Option<Arg>| -> Step {
        let assignments = operands
            .iter()
            .take_while(|a| assignment(&a.text()).is_some())
            .count();
        match run(&operands[assignments..], chdir) {
            Step::Run { argv, chdir, .. } => Step::Run {
                argv,
                chdir,
                env: operands[..assignments]
                    .iter()
                    .filter_map(|a| {
                        let text = a.text();
                        let (name, value) = assignment(&text)?;
                        let value = Arg {
                            value: value.into(),
                            exact: a.exact,
                        };
                        Some((name.to_string(), value))
                    })
                    .collect(),
            },
            other => other,
        }
    };
    let step = match name {
        "sudo" | "doas" => {
            let p = opts::parse_until_operand(if name == "sudo" { SUDO } else { DOAS }, rest);
            if p.has("nothing") || p.has("edit") {
                Step::Nothing
            } else if p.has("shell") && !p.operands.is_empty() {
                Step::Script(
                    p.operands
                        .iter()
                        .map(|a| a.text().into_owned())
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            } else {
                run_with_env(&p.operands, exact_value(&p, "chdir"))
            }
        }
        "env" => {
            let p = opts::parse_until_operand(ENV, rest);
            if let Some(split) = p.value("split") {
                let mut argv: Vec<Arg> = split
                    .to_string_lossy()
                    .split_whitespace()
                    .map(Arg::exact)
                    .collect();
                argv.extend(p.operands.iter().map(|a| (*a).clone()));
                return Some(Step::Run {
                    argv,
                    chdir: exact_value(&p, "chdir"),
                    env: Vec::new(),
                });
            }
            run_with_env(&p.operands, exact_value(&p, "chdir"))
        }
        "nice" => run(&opts::parse_until_operand(NICE, rest).operands, None),
        "nohup" | "builtin" => run(&rest.iter().collect::<Vec<_>>(), None),
        "time" => run(&opts::parse_until_operand(TIME, rest).operands, None),
        "command" => {
            let p = opts::parse_until_operand(COMMAND, rest);
            if p.has("nothing") {
                Step::Nothing
            } else {
                run(&p.operands, None)
            }
        }
        "exec" => run(&opts::parse_until_operand(EXEC, rest).operands, None),
        "timeout" => {
            let p = opts::parse_until_operand(TIMEOUT, rest);
            run(p.operands.get(1..).unwrap_or(&[]), None)
        }
        "ionice" => run(&opts::parse_until_operand(IONICE, rest).operands, None),
        "stdbuf" => run(&opts::parse_until_operand(STDBUF, rest).operands, None),
        "setsid" => run(&opts::parse_until_operand(SETSID, rest).operands, None),
        "flock" => {
            let p = opts::parse_until_operand(FLOCK, rest);
            match p.value("command") {
                Some(text) => Step::Script(text.to_string_lossy().into_owned()),
                None => run(p.operands.get(1..).unwrap_or(&[]), None),
            }
        }
        "watch" => {
            let p = opts::parse_until_operand(WATCH, rest);
            if p.has("exec") {
                run(&p.operands, None)
            } else {
                Step::Script(
                    p.operands
                        .iter()
                        .map(|a| a.text().into_owned())
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            }
        }
        "su" => {
            let p = opts::parse(SU, rest);
            match p.value("command") {
                Some(text) => Step::Script(text.to_string_lossy().into_owned()),
                None => Step::Nothing,
            }
        }
        "eval" => Step::Eval(
            rest.iter()
                .map(|a| a.text().into_owned())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        "ssh" => {
            let p = opts::parse_until_operand(SSH, rest);
            let (host, command) = p.operands.split_first()?;
            let host = host.text();
            let host = host.rsplit('@').next().unwrap_or(&host).to_string();
            let command = (!command.is_empty()).then(|| {
                command
                    .iter()
                    .map(|a| a.text().into_owned())
                    .collect::<Vec<_>>()
                    .join(" ")
            });
            Step::Remote { host, command }
        }
        "xargs" => {
            let p = opts::parse_until_operand(XARGS, rest);
            if p.operands.is_empty() {
                Step::Nothing
            } else {
                Step::Xargs(p.operands.iter().map(|a| (*a).clone()).collect())
            }
        }
        "chroot" => {
            let p = opts::parse_until_operand(CHROOT, rest);
            match p.operands.split_first() {
                // Relative paths resolve under NEWROOT; absolute ones are left as they are,
                // which over-flags (`chroot /mnt rm -rf /` reads as `/`) rather than under-flags.
                Some((root, command)) if !p.has("nothing") => {
                    run(command, (!p.has("skip-chdir")).then(|| (*root).clone()))
                }
                _ => Step::Nothing,
            }
        }
        "unshare" | "nsenter" => {
            let p =
                opts::parse_until_operand(if name == "unshare" { UNSHARE } else { NSENTER }, rest);
            if p.has("nothing") {
                Step::Nothing
            } else {
                run(
                    &p.operands,
                    exact_value(&p, "wd").or_else(|| exact_value(&p, "root")),
                )
            }
        }
        "systemd-run" => {
            let p = opts::parse_until_operand(SYSTEMD_RUN, rest);
            let chdir = exact_value(&p, "chdir")
                .or_else(|| (!p.has("same-dir") && !p.has("user")).then(|| Arg::exact("/")));
            match p.value("host") {
                _ if p.has("nothing") => Step::Nothing,
                // `-H [USER@]HOST`: the command runs there, as with ssh.
                Some(host) => Step::Remote {
                    host: host
                        .to_string_lossy()
                        .rsplit('@')
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                    command: Some(
                        p.operands
                            .iter()
                            .map(|a| quote(&a.text()))
                            .collect::<Vec<_>>()
                            .join(" "),
                    ),
                },
                None => run(&p.operands, chdir),
            }
        }
        "runuser" => {
            let p = opts::parse(RUNUSER, rest);
            if p.has("user") {
                run(&opts::parse_until_operand(RUNUSER, rest).operands, None)
            } else {
                match p.value("command") {
                    Some(text) => Step::Script(text.to_string_lossy().into_owned()),
                    None => Step::Nothing,
                }
            }
        }
        "pkexec" => {
            let p = opts::parse_until_operand(PKEXEC, rest);
            let home = (!p.has("keep-cwd") && !p.has("user")).then(|| Arg::exact("/root"));
            if p.has("nothing") {
                Step::Nothing
            } else {
                run(&p.operands, home)
            }
        }
        // `busybox APPLET ARGS` runs APPLET (`busybox sh -c TEXT`, `busybox rm -rf DIR`).
        "busybox" => match rest.first() {
            Some(applet) if !applet.text().starts_with('-') => {
                run(&rest.iter().collect::<Vec<_>>(), None)
            }
            _ => Step::Nothing,
        },
        "taskset" | "chrt" => {
            let p = opts::parse_until_operand(if name == "taskset" { TASKSET } else { CHRT }, rest);
            // taskset's mask always comes first; chrt's priority may be left out.
            let skip = match p.operands.first() {
                Some(first) if name == "taskset" || first.text().parse::<i64>().is_ok() => 1,
                _ => 0,
            };
            if p.has("nothing") {
                Step::Nothing
            } else {
                run(p.operands.get(skip..).unwrap_or(&[]), None)
            }
        }
        "strace" | "ltrace" | "fakeroot" => {
            let table = match name {
                "strace" => STRACE,
                "ltrace" => LTRACE,
                _ => FAKEROOT,
            };
            let p = opts::parse_until_operand(table, rest);
            if p.has("nothing") {
                Step::Nothing
            } else {
                run(&p.operands, None)
            }
        }
        // `catchsegv CMD ARGS`.
        "catchsegv" => run(&rest.iter().collect::<Vec<_>>(), None),
        // `firejail [--opt[=value]...] [--] CMD ARGS`: its options carry values after `=`.
        "firejail" => {
            let start = rest
                .iter()
                .position(|a| !a.exact || a.text() == "--" || !a.text().starts_with('-'))
                .unwrap_or(rest.len());
            let start =
                start + usize::from(rest.get(start).is_some_and(|a| a.exact && a.text() == "--"));
            run(&rest[start..].iter().collect::<Vec<_>>(), None)
        }
        "script" => {
            let p = opts::parse(SCRIPT, rest);
            match p.value("command") {
                Some(text) => Step::Script(text.to_string_lossy().into_owned()),
                None => Step::Nothing,
            }
        }
        // `sg [-] GROUP [-c] TEXT`: sg runs only the first word in `sh -c`; the remaining words
        // are taken into the text as well, which over-flags rather than under-flags.
        "sg" => {
            let words: Vec<&Arg> = rest
                .iter()
                .skip_while(|a| a.text() == "-")
                .skip(1)
                .collect();
            let words = match words.split_first() {
                Some((c, text)) if c.text() == "-c" && !text.is_empty() => text.to_vec(),
                _ => words,
            };
            if words.is_empty() {
                Step::Nothing
            } else {
                Step::Script(join(&words))
            }
        }
        // `tmux [-c TEXT] new|neww|splitw|respawnp|respawnw [-c DIR ...] CMD [ARGS] [\; ...]`.
        "tmux" => {
            let p = opts::parse_until_operand(TMUX, rest);
            if let Some(text) = p.value("command") {
                return Some(Step::Script(text.to_string_lossy().into_owned()));
            }
            let steps: Vec<Step> = p
                .operands
                .split(|a| a.exact && a.text() == ";")
                .filter_map(|command| {
                    let (sub, args) = command.split_first()?;
                    if matches!(sub.text().as_ref(), "send-keys" | "send") {
                        return typed_keys(args).map(Step::Script);
                    }
                    if !TMUX_NEW_COMMANDS.contains(&sub.text().as_ref()) {
                        return None;
                    }
                    let args: Vec<Arg> = args.iter().map(|a| (*a).clone()).collect();
                    let step = tmux_command(&opts::parse_until_operand(TMUX_NEW, &args));
                    (!matches!(step, Step::Nothing)).then_some(step)
                })
                .collect();
            Step::Many(steps)
        }
        // `screen [-d -m -S NAME ...] CMD ARGS`; reattaching (`-r`, `-x`, `-d` without
        // `-m`), listing and `-X` start nothing.
        "screen" => {
            let mut i = 0;
            let (mut attach, mut detached) = (false, false);
            while let Some(word) = rest.get(i).filter(|a| a.exact && a.text().starts_with('-')) {
                let word = word.text();
                i += 1;
                match word.as_ref() {
                    "--" => break,
                    // `screen -X stuff TEXT` types TEXT into the session's shell.
                    "-X" => {
                        return Some(match rest.get(i..).unwrap_or(&[]) {
                            [command, text, ..] if command.text() == "stuff" => {
                                Step::Script(stuffed(&text.text()))
                            }
                            _ => Step::Nothing,
                        });
                    }
                    w if SCREEN_NOTHING.contains(&w) => return Some(Step::Nothing),
                    "-Logfile" => i += 1,
                    "-fn" | "-fa" | "-ln" => {}
                    w => {
                        for (j, c) in w.char_indices().skip(1) {
                            if SCREEN_VALUED.contains(c) {
                                i += usize::from(j + 1 == w.len());
                                break;
                            }
                            attach |= "rRxdD".contains(c);
                            detached |= c == 'm';
                        }
                    }
                }
            }
            if attach && !detached {
                Step::Nothing
            } else {
                run(
                    &rest.get(i..).unwrap_or(&[]).iter().collect::<Vec<_>>(),
                    None,
                )
            }
        }
        "at" | "batch" => {
            let p = opts::parse(AT, rest);
            match p.value("file") {
                _ if p.has("nothing") => Step::Nothing,
                Some(file) => Step::ShellFile(Arg::exact(file.clone())),
                None => Step::ShellStdin,
            }
        }
        "parallel" => {
            let p = opts::parse_until_operand(PARALLEL, rest);
            let split = p
                .operands
                .iter()
                .position(|a| a.exact && a.text().starts_with(":::"))
                .unwrap_or(p.operands.len());
            let (command, inputs) = p.operands.split_at(split);
            if p.has("nothing") {
                Step::Nothing
            } else if let Some(lines) =
                parallel_lines(command, inputs).filter(|_| !p.has("complex"))
            {
                Step::Script(lines)
            } else {
                // The command words are one shell line (`parallel 'rm -rf'` runs `rm -rf ARG`);
                // replacement strings (`{}`, `{.}`) are dropped, and the `:::` values known
                // here are each an argument of some run.
                let mut argv: Vec<Arg> = if command.iter().all(|a| a.exact) {
                    join(command).split_whitespace().map(Arg::exact).collect()
                } else {
                    command.iter().map(|a| (*a).clone()).collect()
                };
                argv.retain(|a| !(a.text().starts_with('{') && a.text().ends_with('}')));
                // `:::` lists values; `::::` lists files of values.
                let mut values = false;
                for word in inputs {
                    let text = word.text();
                    if word.exact && text.starts_with(":::") {
                        values = !text.starts_with("::::");
                    } else if values {
                        argv.push((*word).clone());
                    }
                }
                Step::Xargs(argv)
            }
        }
        shell if SHELLS.contains(&shell) => {
            let p = opts::parse_until_operand(SHELL, rest);
            if p.has("command") {
                match p.operands.first() {
                    Some(text) if text.exact => Step::Script(text.text().into_owned()),
                    Some(_) => Step::ShellStdin,
                    None => Step::Nothing,
                }
            } else if p.has("stdin") {
                Step::ShellStdin
            } else {
                match p.operands.first() {
                    Some(file) => Step::ShellFile((*file).clone()),
                    None => Step::ShellStdin,
                }
            }
        }
        _ => return None,
    };
    Some(step)
}
