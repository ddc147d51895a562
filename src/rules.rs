//! The stable rule ids of SPEC §5, each with the explanation `policy explain` prints.
//!
//! Adding a rule: a variant here, its id and text in `INFO`, and the analyzer or judge
//! step that raises it.

use serde::Serialize;

use crate::model::Verdict;

macro_rules! rules {
    ($( $variant:ident = $id:literal, $default:ident, $text:literal; )*) => {
        /// A stable rule id; the string form is part of the interface contract.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule { $( $variant, )* }

        impl Rule {
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];

            pub fn id(self) -> &'static str {
                match self { $( Rule::$variant => $id, )* }
            }

            /// The severity the rule has when the analyzer does not say otherwise.
            pub fn default_severity(self) -> Verdict {
                match self { $( Rule::$variant => Verdict::$default, )* }
            }

            pub fn explanation(self) -> &'static str {
                match self { $( Rule::$variant => $text, )* }
            }
        }
    };
}

rules! {
    RootTarget = "root-target", Block,
        "A target of the command resolves to '/', the root filesystem: deleting, overwriting or \
         recursively changing it destroys the machine. Typical cause: a relative path such as '.' \
         typed while the working directory is '/' (rsync -aP src/ . from /).";
    SystemPath = "system-path", Block,
        "A target is a system directory (/usr, /lib, /etc, /var/lib, /home, ... as listed in the \
         policy's [paths] system), or a glob such as /* expands to them. Removing or overwriting \
         one leaves the machine unable to start programs or log in. Non-recursive permission \
         changes on them need confirmation.";
    HomeDir = "home-dir", Block,
        "A target is a home directory itself (/root, /home/alice, ~). Deleting or overwriting it \
         loses every file of that user; recursive permission changes break ssh and the user's \
         programs.";
    ProtectedPath = "protected-path", Block,
        "A target is, or contains, a path listed in a policy [[protect]] entry, such as a \
         database data directory. The entry's verdict applies (confirm or block), possibly only \
         in some environments.";
    SymlinkTrailingSlash = "symlink-trailing-slash", Block,
        "A symlink to a directory is named with a trailing slash ('link/'), so the command acts \
         on the directory the link points to, not on the link: 'rm -rf link/' empties the target \
         and leaves the link. Write the name without the slash to act on the link.";
    CwdSensitive = "cwd-sensitive", Confirm,
        "A relative target while the working directory is '/' or a system directory (or unknown \
         after 'cd $VAR'): the same command typed in the wrong directory destroys the system. \
         Check pwd, or write the absolute path.";
    UnsetVariable = "unset-variable", Block,
        "An expansion that may be empty or unset makes a target broader: with DIR empty, \
         rm -rf \"$DIR/\"* is rm -rf /*. Guard it with ${DIR:?} or test it before use.";
    UnknownTarget = "unknown-target", Confirm,
        "A target cannot be known before the command runs (a command substitution, a variable \
         that is not set here, xargs input), so shellguard cannot tell what would be destroyed.";
    UnknownCode = "unknown-code", Confirm,
        "A shell runs code review cannot see: a pipe into sh (curl ... | sh), a script that \
         cannot be read, input from a file. Look at the code before running it.";
    Production = "production", Confirm,
        "The host belongs to an environment whose policy requires confirmation (typically \
         production): destructive commands need it, by typing the host name where the policy \
         says confirm = \"hostname\".";
    CrontabRemove = "crontab-remove", Confirm,
        "crontab -r deletes the whole crontab without asking (and 'r' sits next to 'e'). \
         shellguard saves the table first; prefer crontab -e, or crontab -l > backup first.";
    CrontabReplace = "crontab-replace", Confirm,
        "crontab FILE (or crontab - from stdin) silently replaces the whole table; crontab -e \
         edits it. shellguard saves the current table first so that undo can restore it.";
    Reboot = "reboot", Confirm,
        "The command reboots, halts or powers off the machine (reboot, shutdown, poweroff, halt, \
         init 0/6, systemctl reboot ...). Over SSH or on production the host name must be typed, \
         as molly-guard does: the classic mistake is doing it on the wrong host.";
    TimerRebootLoop = "timer-reboot-loop", Confirm,
        "A systemd timer with Persistent=true activates a service that reboots the machine: the \
         reboot job never completes, so at every boot the missed run fires again, an endless \
         reboot loop.";
    RemoteLockout = "remote-lockout", Confirm,
        "Over SSH, stopping, disabling or masking sshd or the network (systemctl stop ssh, \
         disable --now NetworkManager ...) cuts the session and every way back in; only a \
         console can undo it.";
    RsyncDelete = "rsync-delete", Confirm,
        "rsync with --delete (or --remove-source-files) deletes files: at the destination, every \
         file the source lacks; a wrong direction or a missing trailing slash deletes the good \
         copy. Try it first with --dry-run (-n) --itemize-changes.";
    FindDelete = "find-delete", Allow,
        "find -delete (or -exec rm ...) deletes whatever the tests match below each start path; \
         which files that is depends on the tests and cannot be known in advance, so the whole \
         tree below each start path counts as at risk. Run it with -print instead of -delete \
         first to see the list.";
    SyncDelete = "sync-delete", Confirm,
        "A cloud or rclone sync makes the destination identical to the source and deletes \
         whatever the source lacks; swapping the two arguments wipes the good copy. Run it with \
         --dry-run first, and keep deleted objects with --backup-dir.";
    GitDiscard = "git-discard", Allow,
        "git throws away work that is not safe in a commit on a branch: reset --hard and \
         checkout/restore of paths drop uncommitted changes, clean -f deletes untracked files, \
         stash drop/clear and branch -D drop commits that only the reflog still knows. Guarded \
         execution keeps them first (a stash commit under refs/shellguard/, untracked files in \
         the snapshot store) so that undo brings them back.";
    GitForcePush = "git-force-push", Confirm,
        "git push --force (or +refspec, --mirror, --delete) replaces or deletes a branch on the \
         remote: commits others pushed since your last fetch are gone for everyone. Use \
         --force-with-lease, which refuses when the remote moved.";
    GitHistoryRewrite = "git-history-rewrite", Confirm,
        "git filter-branch / filter-repo rewrites every commit of the selected refs; clones and \
         forks no longer match, and what was filtered out is only in the backups the tool \
         keeps. Run it in a fresh clone.";
    DatabaseDestructive = "database-destructive", Confirm,
        "A database client runs a statement that destroys data: DROP DATABASE/SCHEMA/TABLE, \
         TRUNCATE, DELETE or UPDATE without WHERE, dropdb, mysqladmin drop, redis FLUSHALL/FLUSHDB, \
         a MongoDB drop. Blocked on production hosts; elsewhere confirm, and check which server \
         the client is connected to (-h, the service file, the socket).";
    ClusterDelete = "cluster-delete", Confirm,
        "kubectl delete/drain/scale --replicas=0 or helm uninstall removes workloads or their \
         data from a cluster; the kube context decides which cluster, and a context that matches \
         a production [[environment]] glob makes it production.";
    InfraDestroy = "infra-destroy", Confirm,
        "terraform destroy (or apply -auto-approve, which skips the plan review) can delete \
         every resource of the state: servers, databases, buckets. Read the plan first: \
         terraform plan -destroy.";
    ContainerDataDelete = "container-data-delete", Confirm,
        "docker system prune -a, docker volume rm/prune delete images and named volumes, and a \
         volume is often a database's only copy of its data.";
    InstanceDelete = "instance-delete", Confirm,
        "A cloud instance is deleted (aws ec2 terminate-instances, gcloud compute instances \
         delete, openstack server delete, az vm delete, doctl compute droplet delete): its local \
         disks die with it. Make sure an image or snapshot of it exists first.";
    InlineCodeDelete = "inline-code-delete", Allow,
        "An interpreter one-liner (python -c, perl -e, ruby -e, node -e) deletes a literal path \
         (shutil.rmtree, os.remove, unlink, File.delete, fs.rmSync, ...): the path is resolved \
         and judged like rm -r; a path the code computes cannot be known.";
    DeviceWrite = "device-write", Block,
        "The command writes to a block device (dd of=, mkfs, wipefs, shred, fdisk, parted ...), \
         destroying the filesystem on it; worst when it is mounted or holds '/'.";
    RecursivePermissions = "recursive-permissions", Confirm,
        "chmod/chown/chgrp -R outside an ordinary project directory changes the permissions of \
         a whole tree at once, which is hard to undo (ssh keys, setuid binaries, sockets).";
    Overwrite = "overwrite", Allow,
        "The command replaces an existing file (mv/cp/ln -f onto it, or a '>' redirection); \
         guarded execution keeps a copy of the old one.";
    Frozen = "frozen", Block,
        "The host is frozen (shellguard freeze): every destructive command is refused until \
         shellguard unfreeze, with the reason given when it was frozen.";
    Unparseable = "unparseable", Confirm,
        "The text could not be parsed as bash, so what it would do is unknown: never allowed \
         without a look. The message gives the line and column.";
}

impl Rule {
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}
