//! A private PostgreSQL cluster, used when no DATABASE_URL is set.
//!
//! Boussole drives the machine's own PostgreSQL server binaries against a cluster kept under its
//! data directory. The server listens only on a Unix socket in a private directory: it can never
//! clash with a system-wide server on TCP 5432, and `trust` authentication is safe because only
//! the user running postgres (and root) can enter the 0700 socket directory.

use std::ffi::CString;
use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt, lchown};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use fs4::fs_std::FileExt;
use nix::unistd::{Gid, Uid, User, geteuid, getgrouplist};
use sha2::{Digest, Sha256};

const SUPERUSER: &str = "boussole";
/// Only names the socket file: with no TCP listener, reusing the default port cannot clash
/// with a system server, whose socket lives in another directory.
const PORT: u16 = 5432;
/// Seconds pg_ctl waits for start/stop; crash recovery after an unclean stop can take a while.
const WAIT: &str = "120";
const DO_INSTEAD: &str = "or set DATABASE_URL to use an existing PostgreSQL server";

/// A running private cluster. Connect as `superuser` with no password over the Unix socket
/// in `socket_dir` (port number `port` only names the socket file `.s.PGSQL.<port>`).
#[derive(Debug)]
pub struct Cluster {
    pub socket_dir: PathBuf,
    pub port: u16,
    pub superuser: String,
    bindir: PathBuf,
    pgdata: PathBuf,
    run_as: Option<RunAs>,
    owned: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found in BOUSSOLE_PG_BINDIR, \
         PATH, `pg_config --bindir`, /usr/lib/postgresql/*/bin or /usr/local/pgsql/bin. Install them \
         (Debian/Ubuntu: apt-get install postgresql) or set BOUSSOLE_PG_BINDIR, {DO_INSTEAD}."
    )]
    BinariesNotFound,
    #[error(
        "BOUSSOLE_PG_BINDIR is {} but that directory lacks initdb, pg_ctl or postgres. Point it at \
         the directory holding them (see `pg_config --bindir`) or unset it.", .0.display()
    )]
    BadBindirEnv(PathBuf),
    #[error(
        "PostgreSQL refuses to run as root, and neither a `postgres` nor a `nobody` user exists to \
         run it as. Create one (apt-get install postgresql creates `postgres`), run Boussole as an \
         ordinary user, {DO_INSTEAD}."
    )]
    NoUnprivilegedUser,
    #[error("refusing to use {}: {reason}. Remove it and start again.", .path.display())]
    UnsafeDir { path: PathBuf, reason: String },
    /// The cause is part of the message (not a `source`), so it is shown exactly once.
    #[error("cannot {action} {}: {error}", .path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        error: io::Error,
    },
    /// initdb or pg_ctl failed; `tail` is the end of its output (and of pg.log for a start).
    #[error(
        "{tool} failed for the PostgreSQL cluster in {}. Fix the cause below and try again, \
         {DO_INSTEAD}.\n{tail}", .pgdata.display()
    )]
    Tool {
        tool: &'static str,
        pgdata: PathBuf,
        tail: String,
    },
    #[error(
        "a PostgreSQL server is running on {} but {reason} after {WAIT} s. Stop it \
         (pg_ctl stop -D {}) and start again.", .pgdata.display(), .pgdata.display()
    )]
    Unreachable { pgdata: PathBuf, reason: String },
}

/// Attaches what was being done, and to which path, to an I/O error.
trait Ctx<T> {
    fn ctx(self, action: &'static str, path: &Path) -> Result<T, EmbeddedError>;
}

impl<T, E: Into<io::Error>> Ctx<T> for Result<T, E> {
    fn ctx(self, action: &'static str, path: &Path) -> Result<T, EmbeddedError> {
        let path = path.to_path_buf();
        self.map_err(|e| EmbeddedError::Io {
            action,
            path,
            error: e.into(),
        })
    }
}

/// Finds initdb/pg_ctl/postgres: env BOUSSOLE_PG_BINDIR first, then PATH, then
/// `pg_config --bindir`, then the newest /usr/lib/postgresql/*/bin, then /usr/local/pgsql/bin.
pub fn find_bindir() -> Result<PathBuf, EmbeddedError> {
    // A wrong explicit setting is an error rather than skipped: a typo would otherwise silently
    // run another PostgreSQL version than the one asked for.
    if let Some(dir) = std::env::var_os("BOUSSOLE_PG_BINDIR").filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        return has_server_binaries(&dir)
            .then_some(dir.clone())
            .ok_or(EmbeddedError::BadBindirEnv(dir));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let pg_config = || {
        let out = Command::new("pg_config").arg("--bindir").output().ok()?;
        out.status
            .success()
            .then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
    };
    // Debian keeps each major version apart and out of PATH; the newest may have only its client
    // installed, hence trying each version, newest first.
    let debian = || {
        let names = fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten();
        let names = names.map(|e| e.file_name().to_string_lossy().into_owned());
        versions_newest_first(names)
            .into_iter()
            .map(|v| Path::new("/usr/lib/postgresql").join(v).join("bin"))
    };
    let dir = std::env::split_paths(&path)
        .chain(std::iter::once_with(pg_config).flatten())
        .chain(std::iter::once_with(debian).flatten())
        .chain([PathBuf::from("/usr/local/pgsql/bin")])
        .find(|d| has_server_binaries(d))
        .ok_or(EmbeddedError::BinariesNotFound)?;
    // PATH may hold symlinks (e.g. /usr/local/bin/pg_ctl); the real directory keeps all the tools
    // of one version together.
    let real = fs::canonicalize(dir.join("postgres"))
        .ok()
        .and_then(|p| Some(p.parent()?.to_path_buf()));
    Ok(real.filter(|r| has_server_binaries(r)).unwrap_or(dir))
}

fn has_server_binaries(dir: &Path) -> bool {
    let executable =
        |b| fs::metadata(dir.join(b)).is_ok_and(|m| m.is_file() && m.mode() & 0o111 != 0);
    ["initdb", "pg_ctl", "postgres"].into_iter().all(executable)
}

/// Directory names that look like versions ("15", "9.6"), newest first.
fn versions_newest_first(names: impl Iterator<Item = String>) -> Vec<String> {
    let key = |s: &str| {
        s.split('.')
            .map(|p| p.parse().ok())
            .collect::<Option<Vec<u32>>>()
    };
    let mut versions: Vec<_> = names.filter_map(|n| Some((key(&n)?, n))).collect();
    versions.sort_by(|a, b| b.0.cmp(&a.0));
    versions.into_iter().map(|(_, n)| n).collect()
}

/// The user postgres runs as when we are root (PostgreSQL refuses to run as root).
#[derive(Debug, Clone, Copy)]
struct RunAs(u32, u32); // (uid, gid)

fn unprivileged_user() -> Result<Option<RunAs>, EmbeddedError> {
    if !geteuid().is_root() {
        return Ok(None);
    }
    for name in ["postgres", "nobody"] {
        if let Some(u) = User::from_name(name).ctx("look up the user", Path::new(name))? {
            return Ok(Some(RunAs(u.uid.as_raw(), u.gid.as_raw())));
        }
    }
    Err(EmbeddedError::NoUnprivilegedUser)
}

/// Whether a user may search (traverse) a directory with these mode bits. As in the kernel,
/// only the first matching class counts: an owner without `x` is refused even if others have it.
fn can_traverse(mode: u32, owner: u32, group: u32, uid: u32, gids: &[u32]) -> bool {
    let bit = match () {
        _ if uid == 0 => return true,
        _ if uid == owner => 0o100,
        _ if gids.contains(&group) => 0o010,
        _ => 0o001,
    };
    mode & bit != 0
}

/// The first of `dir` and its ancestors that `who` cannot traverse (ACLs are not considered).
fn blocking_ancestor(dir: &Path, who: RunAs) -> Option<PathBuf> {
    let user = User::from_uid(Uid::from_raw(who.0)).ok().flatten();
    let gids = user.and_then(|u| getgrouplist(&CString::new(u.name).ok()?, u.gid).ok());
    let gids: Vec<u32> = gids
        .unwrap_or_else(|| vec![Gid::from_raw(who.1)])
        .into_iter()
        .map(Gid::as_raw)
        .collect();
    let uid = who.0;
    let blocked = |m: fs::Metadata| !can_traverse(m.mode(), m.uid(), m.gid(), uid, &gids);
    dir.ancestors()
        .find(|a| fs::metadata(a).map_or(true, blocked))
        .map(Path::to_path_buf)
}

fn short_hash(path: &Path) -> String {
    hex::encode(Sha256::digest(path.as_os_str().as_bytes()))[..12].to_string()
}

/// Unix socket paths are limited to ~107 bytes, so the socket cannot live under a possibly deep
/// data directory; a short name derived from the cluster path is stable across restarts.
fn socket_dir_for(pgdata: &Path) -> PathBuf {
    PathBuf::from(format!("/tmp/boussole-{}", short_hash(pgdata)))
}

fn give(path: &Path, run_as: Option<RunAs>) -> Result<(), EmbeddedError> {
    let Some(r) = run_as else { return Ok(()) };
    lchown(path, Some(r.0), Some(r.1)).ctx("change the owner of", path)
}

/// Creates `path` as a 0700 directory owned by whoever runs postgres, or checks an existing one.
/// These live in world-writable /tmp or /var/tmp, so a symlink or another user's directory
/// planted there must not be trusted.
fn private_dir(path: &Path, run_as: Option<RunAs>) -> Result<(), EmbeddedError> {
    match DirBuilder::new().mode(0o700).create(path) {
        Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e).ctx("create", path),
        _ => {}
    }
    let path_buf = path.to_path_buf();
    let unsafe_dir = |reason| {
        Err(EmbeddedError::UnsafeDir {
            path: path_buf,
            reason,
        })
    };
    let meta = fs::symlink_metadata(path).ctx("inspect", path)?;
    if !meta.file_type().is_dir() {
        return unsafe_dir("it is not a directory".into());
    }
    let want = run_as.map_or(geteuid().as_raw(), |r| r.0);
    // Our own (just created, or left by a run interrupted before the chown) is handed over.
    if meta.uid() != want && (run_as.is_none() || meta.uid() != geteuid().as_raw()) {
        return unsafe_dir(format!("it belongs to uid {}, not uid {want}", meta.uid()));
    }
    give(path, run_as)?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o700)).ctx("set permissions on", path)
}

fn pg_command(bindir: &Path, program: &str, run_as: Option<RunAs>) -> Command {
    let mut cmd = Command::new(bindir.join(program));
    // Our cwd may be one the postgres user cannot enter (e.g. /root), which the tools complain about.
    cmd.current_dir("/");
    // The caller's PGDATA, PGPORT, PGHOST... must not redirect these tools to another cluster.
    for (key, _) in std::env::vars_os().filter(|(k, _)| k.as_bytes().starts_with(b"PG")) {
        cmd.env_remove(key);
    }
    if let Some(r) = run_as {
        // std also drops root's supplementary groups when it switches uid.
        cmd.uid(r.0).gid(r.1);
    }
    cmd
}

fn run(cmd: &mut Command) -> Result<Output, EmbeddedError> {
    let program = PathBuf::from(cmd.get_program());
    cmd.output().ctx("run", &program)
}

fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

fn output_tail(out: &Output) -> String {
    let text = [&out.stdout, &out.stderr]
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .concat();
    tail(&text, 25)
}

fn tool_err(tool: &'static str, pgdata: &Path, tail: String) -> EmbeddedError {
    let pgdata = pgdata.to_path_buf();
    EmbeddedError::Tool { tool, pgdata, tail }
}

/// Opens for appending, creating it private (0600) if missing; never truncates.
fn open_append(path: &Path) -> Result<File, EmbeddedError> {
    let mut options = OpenOptions::new();
    options
        .append(true)
        .create(true)
        .mode(0o600)
        .open(path)
        .ctx("open", path)
}

/// Port, first socket directory and readiness from a postmaster.pid file (PostgreSQL 10+ adds a
/// status line; older servers, lacking it, are taken as ready since they wrote the file last).
fn parse_pid_file(text: &str) -> Option<(u16, PathBuf, bool)> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let ready = lines
        .get(7)
        .is_none_or(|s| matches!(*s, "ready" | "standby"));
    let port = lines.get(3)?.parse().ok()?;
    Some((port, PathBuf::from(lines.get(4)?), ready))
}

fn initdb(bindir: &Path, pgdata: &Path, run_as: Option<RunAs>) -> Result<(), EmbeddedError> {
    // initdb into a scratch directory then rename: an interrupted initdb must not leave a
    // half-made cluster that every later start would trip over.
    let scratch = pgdata.with_extension("init");
    if fs::read_dir(pgdata).is_ok_and(|mut entries| entries.next().is_some()) {
        let reason = "it is not empty yet holds no PostgreSQL cluster (no PG_VERSION)".into();
        return Err(EmbeddedError::UnsafeDir {
            path: pgdata.to_path_buf(),
            reason,
        });
    }
    let mut tail = String::new();
    for locale in ["C.UTF-8", "C"] {
        if scratch.exists() {
            fs::remove_dir_all(&scratch).ctx("remove", &scratch)?;
        }
        private_dir(&scratch, run_as)?;
        let mut cmd = pg_command(bindir, "initdb", run_as);
        cmd.arg("-D")
            .arg(&scratch)
            .args(["-U", SUPERUSER, "--auth=trust", "-E", "UTF8"]);
        let out = run(cmd.arg(format!("--locale={locale}")))?;
        if out.status.success() {
            // `pgdata` is absent or empty here, which rename replaces.
            return fs::rename(&scratch, pgdata).ctx("move the new cluster to", pgdata);
        }
        tail = output_tail(&out);
        // Only a locale this system lacks is worth another try, with plain C.
        if !tail.contains("invalid locale") {
            break;
        }
    }
    let _ = fs::remove_dir_all(&scratch);
    Err(tool_err("initdb", pgdata, tail))
}

/// Initialises the cluster under `data_dir` if needed and starts it unless already running;
/// waits until it accepts connections (pg_ctl -w); idempotent and safe when several processes
/// call it at once on the same data_dir (exclusive file lock around init/start via fs4).
pub fn start(data_dir: &Path) -> Result<Cluster, EmbeddedError> {
    let bindir = find_bindir()?;
    fs::create_dir_all(data_dir).ctx("create the data directory", data_dir)?;
    let data_dir = data_dir.canonicalize().ctx("resolve", data_dir)?;
    let lock_path = data_dir.join("pg.lock");
    let lock = open_append(&lock_path)?;
    // Held until this function returns (dropping the file releases it), so concurrent starters
    // queue here and the later ones find the cluster initialised and running.
    FileExt::lock_exclusive(&lock).ctx("lock", &lock_path)?;

    let mut run_as = unprivileged_user()?;
    // As root, postgres runs as another user who must be able to reach the cluster. Rather than
    // loosen permissions on the user's own directories, the cluster then goes in /var/tmp; once
    // one is there it stays in use, so fixing permissions later does not "lose" the data.
    let fallback = PathBuf::from(format!("/var/tmp/boussole-pg-{}", short_hash(&data_dir)));
    let root = match run_as {
        Some(_) if data_dir.join("pg/PG_VERSION").exists() => data_dir.clone(),
        Some(_) if fallback.join("pg/PG_VERSION").exists() => fallback,
        Some(who) => match blocking_ancestor(&data_dir, who) {
            Some(blocker) => {
                tracing::warn!(
                    "PostgreSQL must run as uid {} (not root), which cannot traverse {}; rather than \
                     change its permissions, the embedded cluster for {} goes in {}",
                    who.0,
                    blocker.display(),
                    data_dir.display(),
                    fallback.display()
                );
                private_dir(&fallback, run_as)?;
                fallback
            }
            None => data_dir.clone(),
        },
        None => data_dir.clone(),
    };
    let pgdata = root.join("pg");
    // A cluster created earlier by another unprivileged user (e.g. a developer's own account)
    // keeps running as that user: postgres insists on owning its data directory.
    if let (Some(_), Ok(meta)) = (run_as, fs::metadata(pgdata.join("PG_VERSION")))
        && meta.uid() != 0
    {
        run_as = Some(RunAs(meta.uid(), meta.gid()));
    }
    if !pgdata.join("PG_VERSION").exists() {
        tracing::info!(pgdata = %pgdata.display(), "initialising embedded PostgreSQL cluster");
        initdb(&bindir, &pgdata, run_as)?;
    }
    // Checked on every start: /tmp may have been cleaned (reboot) while the cluster remains.
    let socket_dir = socket_dir_for(&pgdata);
    private_dir(&socket_dir, run_as)?;
    let superuser = SUPERUSER.to_string();
    let mut cluster = Cluster {
        socket_dir,
        port: PORT,
        superuser,
        bindir,
        pgdata,
        run_as,
        owned: false,
    };
    if let Some((socket_dir, port)) = cluster.running_socket()? {
        tracing::info!(socket = %socket_dir.display(), "embedded PostgreSQL already running");
        return Ok(Cluster {
            socket_dir,
            port,
            ..cluster
        });
    }

    // pg_ctl opens the log after switching user, so it must already belong to that user.
    let log = root.join("pg.log");
    open_append(&log)?;
    give(&log, run_as)?;
    // A stale postmaster.pid left by a crash needs nothing: pg_ctl and postgres replace it.
    let opts = format!(
        "-c listen_addresses='' -k {} -p {PORT} -c max_connections=200",
        cluster.socket_dir.display()
    );
    let mut cmd = cluster.pg_ctl();
    cmd.args(["start", "-w", "-t", WAIT, "-D"])
        .arg(&cluster.pgdata)
        .arg("-l")
        .arg(&log);
    let out = run(cmd.arg("-o").arg(opts))?;
    if !out.status.success() {
        let log_text = fs::read(&log).unwrap_or_default();
        let log_tail = tail(&String::from_utf8_lossy(&log_text), 25);
        let text = format!(
            "{}\n--- {} ---\n{log_tail}",
            output_tail(&out),
            log.display()
        );
        return Err(tool_err("pg_ctl start", &cluster.pgdata, text));
    }
    tracing::info!(socket = %cluster.socket_dir.display(), "embedded PostgreSQL started");
    cluster.owned = true;
    Ok(cluster)
}

impl Cluster {
    /// true if this call started the server (so this process should stop it), false if it was
    /// already running (another process owns it).
    pub fn owned(&self) -> bool {
        self.owned
    }

    /// Fast clean shutdown (pg_ctl stop -m fast -w). Only call when owned. A server that is
    /// already stopped is not an error.
    pub fn stop(&self) -> Result<(), EmbeddedError> {
        let mut cmd = self.pg_ctl();
        let out = run(cmd
            .args(["stop", "-m", "fast", "-w", "-t", WAIT, "-D"])
            .arg(&self.pgdata))?;
        if out.status.success() || self.status()?.code() == Some(3) {
            tracing::debug!(pgdata = %self.pgdata.display(), "embedded PostgreSQL stopped");
            return Ok(());
        }
        Err(tool_err("pg_ctl stop", &self.pgdata, output_tail(&out)))
    }

    fn pg_ctl(&self) -> Command {
        pg_command(&self.bindir, "pg_ctl", self.run_as)
    }

    /// `pg_ctl status`: exit 0 when running, 3 when not (including a stale postmaster.pid).
    fn status(&self) -> Result<std::process::ExitStatus, EmbeddedError> {
        Ok(run(self.pg_ctl().arg("status").arg("-D").arg(&self.pgdata))?.status)
    }

    /// The socket of a server already running on this cluster, waiting for one still starting
    /// (e.g. launched by hand without -w); None when no server is running. `pg_ctl status` alone
    /// also says "running" for a killed postmaster not yet reaped, so a server only counts once
    /// its socket accepts connections.
    fn running_socket(&self) -> Result<Option<(PathBuf, u16)>, EmbeddedError> {
        let deadline = Instant::now() + Duration::from_secs(WAIT.parse().unwrap_or(120));
        let mut reason = "its postmaster.pid is unreadable".to_string();
        while self.status()?.success() {
            let pid_file = fs::read_to_string(self.pgdata.join("postmaster.pid"));
            if let Some((port, dir, ready)) = parse_pid_file(&pid_file.unwrap_or_default()) {
                let socket = dir.join(format!(".s.PGSQL.{port}"));
                reason = match UnixStream::connect(&socket) {
                    Ok(_) if ready => return Ok(Some((dir, port))),
                    Ok(_) => "it is still starting up".into(),
                    Err(e) => format!("its socket {} does not answer ({e})", socket.display()),
                };
            }
            if Instant::now() > deadline {
                let pgdata = self.pgdata.clone();
                return Err(EmbeddedError::Unreachable { pgdata, reason });
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_dir_is_short_and_stable() {
        // First 12 hex digits of sha256("/srv/data/pg").
        let dir = socket_dir_for(Path::new("/srv/data/pg"));
        assert_eq!(dir, Path::new("/tmp/boussole-07518fe0dcbb"));
        let deep = Path::new("/home/someone/a/very/deep/project/that/goes/on/and/on/data/pg");
        assert_eq!(socket_dir_for(deep), socket_dir_for(deep));
        assert_ne!(socket_dir_for(deep), dir);
        assert_eq!(
            socket_dir_for(deep).join(".s.PGSQL.5432").as_os_str().len(),
            40
        );
    }

    #[test]
    fn traversal_follows_the_first_matching_class() {
        // (mode, owner, group, uid, gids)
        assert!(can_traverse(0o755, 0, 0, 101, &[104]));
        assert!(!can_traverse(0o700, 0, 0, 101, &[104]));
        assert!(can_traverse(0o700, 101, 0, 101, &[104]));
        assert!(can_traverse(0o710, 0, 104, 101, &[104, 5]));
        assert!(!can_traverse(0o701, 0, 104, 101, &[104])); // group matches but lacks x
        assert!(!can_traverse(0o077, 101, 0, 101, &[0])); // owner matches but lacks x
        assert!(can_traverse(0o000, 5, 5, 0, &[]));
    }

    #[test]
    fn versions_sort_numerically() {
        let names = ["9.6", "15", "16", "README", "10", "13.2"].map(String::from);
        let sorted = versions_newest_first(names.into_iter());
        assert_eq!(sorted, ["16", "15", "13.2", "10", "9.6"]);
    }

    #[test]
    fn pid_file_parsing() {
        let text = "1234\n/data/pg\n1700000000\n5432\n/tmp/boussole-abc\n\n  4321  1\nready   \n";
        let parsed = parse_pid_file(text);
        assert_eq!(
            parsed,
            Some((5432, PathBuf::from("/tmp/boussole-abc"), true))
        );
        let starting = text.replace("ready   ", "starting");
        assert_eq!(parse_pid_file(&starting).map(|p| p.2), Some(false));
        assert_eq!(parse_pid_file("1234\n/data/pg\n"), None);
    }

    #[test]
    fn tail_and_messages() {
        assert_eq!(tail("a\nb\nc\n", 2), "b\nc");
        assert_eq!(tail("a", 5), "a");
        let missing = EmbeddedError::BinariesNotFound.to_string();
        assert!(missing.contains("apt-get install postgresql") && missing.contains("DATABASE_URL"));
    }
}
