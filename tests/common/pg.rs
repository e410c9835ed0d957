//! A real PostgreSQL for the team tests: Debian's server binaries (`postgresql`, which
//! `make test` installs), a fresh cluster in a temporary folder on a free local port,
//! stopped and removed on drop. Nothing is installed or started system-wide.
//!
//! initdb and postgres refuse to run as root; CI runs the tests as root, so then the
//! cluster's folder belongs to the `postgres` system user (or `nobody`) and the server
//! tools run through `runuser`. Without the binaries the tests fail, saying what to
//! install: a team test that passes without a database would prove nothing.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// The cluster's superuser and its password (the owner that `team init` runs as).
pub const ADMIN: &str = "coach_admin";
pub const ADMIN_PASSWORD: &str = "admin-pw";

pub struct Postgres {
    dir: PathBuf,
    data: PathBuf,
    bin: PathBuf,
    run_as: Option<String>,
    pub port: u16,
}

/// Where the server binaries are: the newest `/usr/lib/postgresql/N/bin`, else `PATH`.
fn server_bin() -> PathBuf {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return bin;
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .find(|p| p.join("initdb").exists() && p.join("pg_ctl").exists())
    });
    on_path.unwrap_or_else(|| {
        panic!(
            "PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin \
             or on PATH: install the postgresql package (`make deps` does)"
        )
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn uid_gid(user: &str) -> Option<(u32, u32)> {
    let id = |flag: &str| -> Option<u32> {
        let o = Command::new("id").args([flag, user]).output().ok()?;
        if !o.status.success() {
            return None;
        }
        String::from_utf8_lossy(&o.stdout).trim().parse().ok()
    };
    Some((id("-u")?, id("-g")?))
}

fn chown_tree(path: &Path, uid: u32, gid: u32) {
    std::os::unix::fs::chown(path, Some(uid), Some(gid)).unwrap();
    if path.is_dir() {
        for e in std::fs::read_dir(path).unwrap() {
            chown_tree(&e.unwrap().path(), uid, gid);
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Postgres {
    /// A new cluster, started: `name` keeps concurrent tests' folders apart.
    pub fn start(name: &str) -> Self {
        let bin = server_bin();
        let dir =
            std::env::temp_dir().join(format!("speech-coach-pg-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let run_as = is_root().then(|| {
            if uid_gid("postgres").is_some() {
                "postgres".to_string()
            } else {
                "nobody".to_string()
            }
        });
        let pwfile = dir.join("pwfile");
        std::fs::write(&pwfile, format!("{ADMIN_PASSWORD}\n")).unwrap();
        std::fs::create_dir_all(dir.join("sock")).unwrap();
        if let Some(user) = &run_as {
            let (uid, gid) = uid_gid(user).expect("the unprivileged user exists");
            chown_tree(&dir, uid, gid);
        }
        let pg = Self { data: dir.join("data"), dir, bin, run_as, port: free_port() };
        let data = pg.data.to_str().unwrap().to_string();
        let pw = format!("--pwfile={}", pwfile.display());
        let out = pg.tool(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                ADMIN,
                &pw,
                "--auth=scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        assert!(out.status.success(), "initdb failed: {}", String::from_utf8_lossy(&out.stderr));
        pg.start_server();
        pg
    }

    /// A server tool, as the unprivileged user when running as root.
    fn tool(&self, name: &str, args: &[&str]) -> Output {
        let program = self.bin.join(name);
        let mut cmd = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&program);
                c
            }
            None => Command::new(&program),
        };
        cmd.args(args).current_dir(&self.dir);
        cmd.output().unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()))
    }

    /// Starts (or restarts) the server on its port; waits until it accepts connections.
    pub fn start_server(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50",
            self.port,
            self.dir.join("sock").display()
        );
        let log = self.dir.join("server.log");
        let out = self.tool(
            "pg_ctl",
            &[
                "-D",
                self.data.to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-o",
                &options,
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
        assert!(
            out.status.success(),
            "pg_ctl start failed: {}{}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    /// Kills the server as a crash would (`pg_ctl stop -m immediate`: no checkpoint,
    /// connections cut; the next start recovers from the WAL).
    pub fn kill(&self) {
        let out = self
            .tool("pg_ctl", &["-D", self.data.to_str().unwrap(), "-m", "immediate", "-w", "stop"]);
        assert!(
            out.status.success(),
            "pg_ctl stop failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Turns TLS on with this certificate and key (PEM), as a centre with its own CA would:
    /// the files are copied into the cluster's folder (the key private to the server's
    /// user, which PostgreSQL insists on) and the configuration reloaded, no restart.
    pub fn enable_tls(&self, cert: &Path, key: &Path) {
        use std::os::unix::fs::PermissionsExt;
        let (server_cert, server_key) = (self.dir.join("server.crt"), self.dir.join("server.key"));
        std::fs::copy(cert, &server_cert).unwrap();
        std::fs::copy(key, &server_key).unwrap();
        std::fs::set_permissions(&server_key, std::fs::Permissions::from_mode(0o600)).unwrap();
        if let Some(user) = &self.run_as {
            let (uid, gid) = uid_gid(user).expect("the unprivileged user exists");
            for file in [&server_cert, &server_key] {
                std::os::unix::fs::chown(file, Some(uid), Some(gid)).unwrap();
            }
        }
        let mut admin = self.admin();
        // ALTER SYSTEM runs outside a transaction: one statement at a time.
        for (name, value) in [
            ("ssl_cert_file", server_cert.display().to_string()),
            ("ssl_key_file", server_key.display().to_string()),
            ("ssl", "on".to_string()),
        ] {
            admin.batch_execute(&format!("ALTER SYSTEM SET {name} = '{value}'")).unwrap();
        }
        admin.batch_execute("SELECT pg_reload_conf()").unwrap();
        // The reload is signalled, not waited for: wait until a new session sees it.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let on: String = self.admin().query_one("SHOW ssl", &[]).unwrap().get(0);
            if on == "on" {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "TLS did not come on: {}",
                std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// `login`'s URL with TLS required (the app's default) and the certificate checked.
    pub fn tls_url(&self, login: &str) -> String {
        format!("postgresql://{login}@127.0.0.1:{}/postgres", self.port)
    }

    /// `login`'s URL. The throwaway server has no certificate, and the app requires TLS
    /// unless the URL says otherwise: `sslmode=disable`, as README tells a centre to write
    /// for a server on the same machine.
    pub fn url(&self, login: &str) -> String {
        format!("postgresql://{login}@127.0.0.1:{}/postgres?sslmode=disable", self.port)
    }

    pub fn admin_url(&self) -> String {
        let port = self.port;
        format!("postgresql://{ADMIN}:{ADMIN_PASSWORD}@127.0.0.1:{port}/postgres?sslmode=disable")
    }

    pub fn connect(&self, login: &str, password: &str) -> postgres::Client {
        let url = format!("postgresql://{login}:{password}@127.0.0.1:{}/postgres", self.port);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match postgres::Client::connect(&url, postgres::NoTls) {
                Ok(c) => return c,
                Err(e) if Instant::now() > deadline => panic!("cannot connect as {login}: {e}"),
                Err(_) => std::thread::sleep(Duration::from_millis(200)),
            }
        }
    }

    pub fn admin(&self) -> postgres::Client {
        self.connect(ADMIN, ADMIN_PASSWORD)
    }

    /// A login in `role` (`speech_coach_agent` or `speech_coach_lead`) and team, with
    /// `password`: what README tells a centre to do.
    pub fn add_login(&self, login: &str, password: &str, role: &str, team: &str) {
        let mut admin = self.admin();
        admin
            .batch_execute(&format!(
                "CREATE ROLE {login} LOGIN PASSWORD '{password}' IN ROLE {role};
                 INSERT INTO speech_coach.members (login, team) VALUES ('{login}', '{team}');"
            ))
            .unwrap();
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self
            .tool("pg_ctl", &["-D", self.data.to_str().unwrap(), "-m", "immediate", "-w", "stop"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
