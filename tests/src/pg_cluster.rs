//! A private PostgreSQL cluster for fault tests: its own folder and port, run by the `postgres`
//! user with the machine's PostgreSQL binaries (`initdb`, `pg_ctl`), killed and restarted at
//! will; never the machine's shared server. Stopped and removed when dropped.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A running (or killed) private cluster.
pub struct PgCluster {
    bin: PathBuf,
    dir: PathBuf,
    pub port: u16,
}

fn bin_dir() -> PathBuf {
    let root = PathBuf::from("/usr/lib/postgresql");
    let mut versions: Vec<u32> = std::fs::read_dir(&root)
        .expect("PostgreSQL binaries under /usr/lib/postgresql (scripts/test installs them)")
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|v| v.parse().ok()))
        .collect();
    versions.sort_unstable();
    root.join(versions.last().expect("a PostgreSQL version").to_string()).join("bin")
}

fn as_postgres(program: &std::path::Path, args: &[&str]) -> std::process::ExitStatus {
    Command::new("runuser")
        .arg("-u")
        .arg("postgres")
        .arg("--")
        .arg(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("runuser")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

impl PgCluster {
    /// `initdb` a fresh cluster (trust authentication) and start it.
    pub fn start() -> Self {
        let dir = std::env::temp_dir().join(format!("ent-pg-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("cluster folder");
        let chown = Command::new("chown").arg("-R").arg("postgres:postgres").arg(&dir).status().expect("chown");
        assert!(chown.success(), "chown the cluster folder to postgres");
        let cluster = PgCluster { bin: bin_dir(), dir, port: free_port() };
        let data = cluster.data();
        let initdb = as_postgres(&cluster.bin.join("initdb"), &["-D", &data, "-A", "trust", "-U", "postgres", "--no-sync"]);
        assert!(initdb.success(), "initdb");
        cluster.resume();
        cluster
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    /// The URL of its `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts the postmaster and waits until it accepts connections.
    pub fn resume(&self) {
        let options = format!("-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=on", self.port, self.dir.display());
        let log = self.dir.join("server.log").display().to_string();
        let status = as_postgres(&self.bin.join("pg_ctl"), &["-D", &self.data(), "-o", &options, "-l", &log, "-w", "-t", "30", "start"]);
        assert!(status.success(), "pg_ctl start (see {log})");
    }

    /// SIGKILL to the postmaster and every backend: a crash, not a shutdown.
    pub fn kill(&self) {
        let pid_file = std::fs::read_to_string(PathBuf::from(self.data()).join("postmaster.pid")).expect("postmaster.pid");
        let pid = pid_file.lines().next().expect("pid line").trim().to_string();
        let children = Command::new("pgrep").arg("-P").arg(&pid).output().expect("pgrep");
        let _ = Command::new("kill").arg("-9").arg(&pid).status();
        for child in String::from_utf8_lossy(&children.stdout).split_whitespace() {
            let _ = Command::new("kill").arg("-9").arg(child).status();
        }
        // Wait for every process of the cluster to be gone (shared memory released).
        for _ in 0..100 {
            let alive = Command::new("pgrep").arg("-f").arg(self.data()).stdout(Stdio::null()).status().is_ok_and(|s| s.success());
            if !alive {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let _ = as_postgres(&self.bin.join("pg_ctl"), &["-D", &self.data(), "-m", "immediate", "stop"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
