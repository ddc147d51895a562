//! `shellguard freeze --reason TEXT` / `shellguard unfreeze`: this host's kill switch.

use super::review::write_stdout;
use super::{ExitCode, printable};
use crate::cli::FreezeArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::freeze::{self, Freeze};
use crate::state::state_home;

pub fn freeze(args: FreezeArgs, ctx: &Context) -> Result<ExitCode> {
    let reason = args.reason.trim();
    if reason.is_empty() {
        return Err(Error::Usage(
            "freeze: say why with --reason TEXT; it is shown with every refusal".into(),
        ));
    }
    let home = state_home(ctx);
    let earlier = freeze::current(&home, &ctx.host)?;
    let f = Freeze::new(&ctx.host, reason, ctx.user(), ctx.sudo_user.as_deref());
    freeze::freeze(&home, &f)?;
    let mut out = String::new();
    if let Some(old) = earlier {
        out.push_str(&format!(
            "replaced the freeze by {} at {}: {}\n",
            printable(&old.by),
            printable(&old.at),
            printable(&old.reason)
        ));
    }
    out.push_str(&format!(
        "froze {}: destructive commands are refused until `shellguard unfreeze`\n\
         reason: {}\nby {} at {}\n",
        printable(&f.host),
        printable(&f.reason),
        printable(&f.by),
        f.at
    ));
    write_stdout(&out)?;
    Ok(ExitCode::Success)
}

pub fn unfreeze(ctx: &Context) -> Result<ExitCode> {
    let out = match freeze::unfreeze(&state_home(ctx), &ctx.host)? {
        Some(old) => format!(
            "unfroze {} (frozen by {} at {}: {})\n",
            printable(&ctx.host),
            printable(&old.by),
            printable(&old.at),
            printable(&old.reason)
        ),
        None => format!("{} is not frozen\n", printable(&ctx.host)),
    };
    write_stdout(&out)?;
    Ok(ExitCode::Success)
}
