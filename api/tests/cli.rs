//! The `ent` binary itself: bootstrap-admin idempotency, retention run, projections list,
//! schemas check, the demo's console — run as a subprocess against a real SQLite file.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use ent_commands::envelope::ParsedCommand;
use ent_commands::{Command as Cmd, CommandHandler};
use ent_domain::Actor;
use ent_domain::directory::commands::{CreateStructure, CreateUser};
use ent_domain::directory::{Profile, StructureKind};
use ent_domain::vie_scolaire::SanctionKind;
use ent_domain::vie_scolaire::commands::PronounceSanction;
use ent_infra::{Backend, Keyring};
use uuid::Uuid;

struct Dir(std::path::PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn ent(dir: &Dir, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ent"))
        .args(args)
        .env("ENT_DATABASE", format!("sqlite://{}", dir.0.join("ent.db").display()))
        .env("ENT_MASTER_KEY_FILE", dir.0.join("master.key"))
        .env("ADMIN_PW", "a-long-password-1")
        .env_remove("ENT_MASTER_KEY")
        .output()
        .expect("run ent");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

async fn run(handler: &CommandHandler, command: Cmd) -> ent_commands::AppendResult {
    let parsed = ParsedCommand { command_id: Uuid::now_v7(), expected_version: None, command };
    handler.execute(&Actor::System, parsed, None).await.expect("command accepted").result
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_run_erases_due_sanctions_and_bootstrap_is_idempotent() {
    let dir = Dir(std::env::temp_dir().join(format!("ent-cli-{}", Uuid::new_v4().simple())));
    std::fs::create_dir_all(&dir.0).unwrap();

    let (ok, out) = ent(&dir, &["bootstrap-admin", "--login", "admin", "--password-env", "ADMIN_PW"]);
    assert!(ok && out.contains("created platform administrator admin"), "{out}");
    let (ok, out) = ent(&dir, &["bootstrap-admin", "--login", "admin", "--password-env", "ADMIN_PW"]);
    assert!(ok && out.contains("nothing to do"), "{out}");

    // A sanction pronounced with the deployment's master key (created by the first run above).
    let url = format!("sqlite://{}", dir.0.join("ent.db").display());
    let key = ent_api::config::load_master_key(None, &dir.0.join("master.key")).unwrap();
    let backend = Backend::open(&url).await.unwrap();
    let handler = CommandHandler::new(backend.events.clone()).with_sealer(Arc::new(Keyring::new(&key, backend.events.clone())));
    run(&handler, Cmd::CreateStructure(CreateStructure { uai: "0751234A".into(), name: "Collège".into(), kind: StructureKind::College }))
        .await;
    let pupil = run(
        &handler,
        Cmd::CreateUser(CreateUser {
            user_id: None,
            structure: "0751234A".into(),
            profile: Profile::Eleve,
            role: None,
            first_name: "Léa".into(),
            last_name: "Martin".into(),
            login: None,
            password: None,
        }),
    )
    .await;
    let pupil: Uuid = pupil.stream.rsplit('/').next().unwrap().parse().unwrap();
    let sanction = PronounceSanction {
        sanction_id: None,
        pupil,
        kind: SanctionKind::Avertissement,
        reason: "retards répétés".into(),
        facts: "dix retards en septembre".into(),
        days: None,
        hours: None,
        sursis: false,
        pronounced_on: "2026-10-10".parse().unwrap(),
        by_disciplinary_council: false,
    };
    let pronounced = run(&handler, Cmd::PronounceSanction(sanction)).await;
    drop(handler);
    drop(backend);

    let (ok, out) = ent(&dir, &["retention", "run", "--now", "2027-08-30"]);
    assert!(ok && out.contains("0 sanctions erased"), "{out}");
    let (ok, out) = ent(&dir, &["retention", "run", "--now", "2027-08-31"]);
    assert!(ok && out.contains("1 sanctions erased"), "{out}");

    let backend = Backend::open(&url).await.unwrap();
    let events = backend.events.read_stream(&pronounced.stream).await.unwrap();
    assert_eq!(events.iter().map(|e| e.event_type.as_str()).collect::<Vec<_>>(), ["SanctionPronounced", "SanctionErased"]);
    let key_id = events[0].payload["content"]["key_id"].as_str().unwrap();
    assert!(backend.events.secret(key_id).await.unwrap().is_none(), "the data key is destroyed");

    let (ok, out) = ent(&dir, &["projections", "list"]);
    assert!(ok && out.contains("directory") && out.contains("vie_scolaire"), "{out}");
    let schemas = concat!(env!("CARGO_MANIFEST_DIR"), "/../schemas");
    let (ok, out) = ent(&dir, &["schemas", "export", "--check", "--dir", schemas]);
    assert!(ok, "{out}");
}

/// Runs `ent demo` on a fresh database until it prints its banner, then stops it; returns the
/// banner (stdout) and the logs (stderr).
fn demo_console(rust_log: Option<&str>) -> (String, String) {
    let dir = Dir(std::env::temp_dir().join(format!("ent-cli-{}", Uuid::new_v4().simple())));
    std::fs::create_dir_all(&dir.0).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_ent"));
    command
        .args(["demo", "--listen", "127.0.0.1:0"])
        .env("ENT_DATABASE", format!("sqlite://{}", dir.0.join("ent.db").display()))
        .env("ENT_MASTER_KEY_FILE", dir.0.join("master.key"))
        .env_remove("ENT_MASTER_KEY")
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(filter) = rust_log {
        command.env("RUST_LOG", filter);
    }
    let mut child = command.spawn().expect("run ent demo");
    let stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let logs = std::thread::spawn(move || {
        let mut logs = String::new();
        let _ = stderr.read_to_string(&mut logs);
        logs
    });
    let (lines, banner) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let last = line.contains("Ctrl-C stops the server");
            if lines.send(line).is_err() || last {
                break;
            }
        }
    });
    let mut shown = Vec::new();
    while let Ok(line) = banner.recv_timeout(Duration::from_secs(120)) {
        let last = line.contains("Ctrl-C stops the server");
        shown.push(line);
        if last {
            break;
        }
    }
    child.kill().expect("stop ent demo");
    child.wait().expect("ent demo stopped");
    (shown.join("\n"), logs.join().expect("stderr read"))
}

/// The demo's console shows the banner with the logins; the few hundred commands that seed the
/// school log at debug level only (shown when RUST_LOG asks for debug).
#[test]
fn demo_console_shows_the_logins_not_the_seeding() {
    let (banner, logs) = demo_console(None);
    assert!(banner.contains("Ctrl-C stops the server"), "no banner: {banner}\n{logs}");
    for login in ["admin", "claire.moreau", "sophie.bernard", "anne.lambert", "marc.fontaine", "parent.martin", "inspecteur"] {
        assert!(banner.contains(login), "{login} not shown: {banner}");
    }
    assert!(!logs.contains("command accepted"), "the seeding logs at info level: {logs}");
    assert!(logs.contains("ENT server listening"), "the server's own logs are gone: {logs}");

    let (banner, logs) = demo_console(Some("info,ent_commands=debug"));
    assert!(banner.contains("parent.martin"), "{banner}");
    assert!(logs.matches("command accepted").count() > 200, "the seeding's debug logs are not shown: {logs}");
}

#[test]
fn sessions_revoke_by_login_or_id() {
    let dir = Dir(std::env::temp_dir().join(format!("ent-cli-{}", Uuid::new_v4().simple())));
    std::fs::create_dir_all(&dir.0).unwrap();
    let (ok, out) = ent(&dir, &["bootstrap-admin", "--login", "admin", "--password-env", "ADMIN_PW"]);
    assert!(ok, "{out}");
    let (ok, out) = ent(&dir, &["sessions", "revoke", "--user", "admin"]);
    assert!(ok && out.contains("every session of admin"), "{out}");
    let id = out.split(['(', ')']).nth(1).expect("the id in the output").to_string();
    let (ok, out) = ent(&dir, &["sessions", "revoke", "--user", &id]);
    assert!(ok && out.contains("revoked"), "{out}");
    let (ok, out) = ent(&dir, &["sessions", "revoke", "--user", "nobody"]);
    assert!(!ok && out.contains("no user with login nobody"), "{out}");
}
