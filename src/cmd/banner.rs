//! `shellguard banner`: where you are, for a login message (motd, /etc/profile.d): host,
//! environment in its colour, user, directory, how destructive commands are confirmed
//! here, and the freeze when there is one.

use std::io::IsTerminal;

use colored::Colorize;

use super::review::write_stdout;
use super::{ExitCode, printable, prompt};
use crate::context::Context;
use crate::error::Result;
use crate::policy::{ConfirmStyle, Policy};
use crate::state::state_home;
use crate::{freeze, report};

pub fn run(ctx: &Context) -> Result<ExitCode> {
    colored::control::set_override(prompt::wants_color(ctx) && std::io::stdout().is_terminal());
    write_stdout(&banner(ctx, &Policy::load(ctx)?)?)?;
    Ok(ExitCode::Success)
}

pub fn banner(ctx: &Context, policy: &Policy) -> Result<String> {
    let env = policy.environment_for(&ctx.host, ctx.var("SHELLGUARD_ENV"));
    let mark = "shellguard │".dimmed();
    let context = report::context_line(
        &ctx.host,
        env.as_ref().map(|e| (e.name.as_str(), e.color.as_str())),
        ctx.user(),
        ctx.sudo_user.as_deref(),
        ctx.cwd.as_deref(),
    );
    let mut out = format!("{mark} {context}\n");
    let confirm = match env.as_ref().map(|e| e.confirm) {
        Some(ConfirmStyle::Hostname) => format!(
            "destructive commands here need the host name typed out: {}",
            ctx.host.bold()
        ),
        Some(ConfirmStyle::YesNo) => "destructive commands here ask yes/no first".to_string(),
        _ => "risky commands ask first; `shellguard undo` restores what guarded commands destroyed"
            .to_string(),
    };
    out.push_str(&format!("{mark} {confirm}\n"));
    if let Some(f) = freeze::current(&state_home(ctx), &ctx.host)? {
        out.push_str(&format!(
            "{mark} {} by {} at {}: {}\n",
            "FROZEN".red().bold(),
            printable(&f.by),
            printable(&f.at),
            printable(&f.reason)
        ));
    }
    Ok(out)
}
