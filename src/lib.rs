//! shellguard: a safety net for the shell.
