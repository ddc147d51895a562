//! Running the real program: found on `PATH` past shellguard itself (and its shims),
//! argv passed byte for byte, exit status and signals passed through.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicI32, Ordering};

use nix::sys::signal::{self, SigHandler, Signal};
use nix::unistd::Pid;

/// The program `name` would run if shellguard were not in the way: the first executable
/// of that name on `path` that is not this binary (a shim is a symlink to it).
pub fn find_real(name: &OsStr, path: Option<&OsStr>) -> Option<PathBuf> {
    let me = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::canonicalize(p).ok());
    let is_me = |p: &Path| {
        me.as_deref()
            .is_some_and(|me| std::fs::canonicalize(p).ok().as_deref() == Some(me))
    };
    if name.as_bytes().contains(&b'/') {
        let p = PathBuf::from(name);
        return (!is_me(&p)).then_some(p);
    }
    std::env::split_paths(path?)
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate) && !is_me(candidate))
}

fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Replaces this process with the program (the fast path: nothing left to do after it).
pub fn exec(program: &Path, argv: &[OsString]) -> std::io::Error {
    let mut cmd = Command::new(program);
    if let Some((arg0, rest)) = argv.split_first() {
        cmd.arg0(arg0).args(rest);
    }
    cmd.exec()
}

static CHILD: AtomicI32 = AtomicI32::new(0);

extern "C" fn forward(sig: libc::c_int) {
    let child = CHILD.load(Ordering::SeqCst);
    if child > 0 {
        // SAFETY: kill is async-signal-safe.
        unsafe {
            libc::kill(child, sig);
        }
    }
}

/// How the program ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    Exited(i32),
    Signaled(i32),
}

impl Ended {
    /// The status a shell would report (`128 + signal` for a signal).
    pub fn code(self) -> i32 {
        match self {
            Ended::Exited(c) => c,
            Ended::Signaled(s) => 128 + s,
        }
    }

    /// Ends this process the way the program ended, so callers see the same status.
    pub fn propagate(self) -> ! {
        if let Ended::Signaled(s) = self
            && let Ok(sig) = Signal::try_from(s)
        {
            // SAFETY: restoring the default disposition before re-raising.
            unsafe {
                let _ = signal::signal(sig, SigHandler::SigDfl);
            }
            let _ = signal::raise(sig);
        }
        std::process::exit(self.code())
    }
}

/// Runs the program as a child and waits, so that shellguard can finish its records.
/// Terminal signals (Ctrl-C) reach the child directly; signals sent to shellguard alone
/// (kill, hangup) are passed on to it.
pub fn run(program: &Path, argv: &[OsString]) -> std::io::Result<Ended> {
    let mut cmd = Command::new(program);
    if let Some((arg0, rest)) = argv.split_first() {
        cmd.arg0(arg0).args(rest);
    }
    let mut child = cmd.spawn()?;
    CHILD.store(child.id() as i32, Ordering::SeqCst);
    let forwarded = [
        Signal::SIGTERM,
        Signal::SIGHUP,
        Signal::SIGUSR1,
        Signal::SIGUSR2,
    ];
    let ignored = [Signal::SIGINT, Signal::SIGQUIT];
    // SAFETY: the handler only reads an atomic and calls kill.
    unsafe {
        for sig in forwarded {
            let _ = signal::signal(sig, SigHandler::Handler(forward));
        }
        for sig in ignored {
            let _ = signal::signal(sig, SigHandler::SigIgn);
        }
    }
    let status = child.wait();
    CHILD.store(0, Ordering::SeqCst);
    // SAFETY: back to the defaults once the child is gone.
    unsafe {
        for sig in forwarded.iter().chain(&ignored) {
            let _ = signal::signal(*sig, SigHandler::SigDfl);
        }
    }
    let status = status?;
    Ok(match (status.code(), status.signal()) {
        (Some(code), _) => Ended::Exited(code),
        (None, Some(sig)) => Ended::Signaled(sig),
        _ => Ended::Exited(1),
    })
}

/// Stops a child that must not go on (used only by tests of forwarding).
pub fn terminate(pid: i32) {
    let _ = signal::kill(Pid::from_raw(pid), Signal::SIGTERM);
}
