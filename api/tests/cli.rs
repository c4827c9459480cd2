//! The `ent` binary itself: bootstrap-admin idempotency, retention run, projections list,
//! schemas check, the demo's console — run as a subprocess against a real SQLite file.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use ent_commands::envelope::ParsedCommand;
use ent_commands::{Command as Cmd, CommandHandler};
use ent_domain::Actor;
use ent_domain::directory::commands::{CreateClass, CreateStructure, CreateUser};
use ent_domain::directory::{Level, Profile, StructureKind};
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

/// `ent import`: a pupils file with its own column names (a mapping file), the report printed and
/// written as CSV, the slips written as PDF; the same file again appends nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_reads_a_file_with_a_mapping_and_is_idempotent() {
    let dir = Dir(std::env::temp_dir().join(format!("ent-cli-{}", Uuid::new_v4().simple())));
    std::fs::create_dir_all(&dir.0).unwrap();
    let url = format!("sqlite://{}", dir.0.join("ent.db").display());
    let backend = Backend::open(&url).await.unwrap();
    let handler = CommandHandler::new(backend.events.clone());
    run(&handler, Cmd::CreateStructure(CreateStructure { uai: "0751234A".into(), name: "Collège".into(), kind: StructureKind::College }))
        .await;
    run(&handler, Cmd::CreateClass(CreateClass { class_id: None, structure: "0751234A".into(), code: "6A".into(), level: Level::Sixieme }))
        .await;
    drop(handler);
    drop(backend);

    let file = dir.0.join("eleves.csv");
    std::fs::write(
        &file,
        "ine,nom,prenom,naissance,classe\n\
         123456789AB,Martin,Léa,02/03/2014,6A\n\
         123456789AC,Dubois,Hugo,2014-05-06,6A\n\
         123456789AD,Petit,Inès,02/03/2014,3C\n",
    )
    .unwrap();
    let mapping = dir.0.join("mapping.json");
    std::fs::write(
        &mapping,
        r#"{"national_id": "ine", "last_name": "nom", "first_name": "prenom", "birth_date": "naissance", "class": "classe"}"#,
    )
    .unwrap();
    let (report, slips) = (dir.0.join("report.csv"), dir.0.join("slips.pdf"));
    let args = [
        "import",
        "--structure",
        "0751234A",
        "--kind",
        "pupils",
        "--mapping",
        mapping.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
        "--slips",
        slips.to_str().unwrap(),
        file.to_str().unwrap(),
    ];
    let (ok, out) = ent(&dir, &args);
    assert!(ok, "{out}");
    assert!(out.contains("3 rows: 2 accepted, 1 rejected; 2 created, 0 updated, 0 unchanged, 0 deactivated"), "{out}");
    assert!(out.contains("line 4: classe: unknown class \"3C\""), "{out}");
    assert!(out.contains("2 activation slips written"), "{out}");
    let csv = std::fs::read_to_string(&report).unwrap();
    assert!(csv.lines().any(|l| l.starts_with("4;123456789AD;classe;\"unknown class \"\"3C\"\"\"")), "{csv}");
    assert!(std::fs::read(&slips).unwrap().starts_with(b"%PDF"));

    let (ok, out) = ent(&dir, &args);
    assert!(ok && out.contains("unchanged: the same file as import"), "{out}");
    let (ok, out) = ent(&dir, &["import", "--structure", "0751234A", "--kind", "pupils", file.to_str().unwrap()]);
    assert!(
        !ok && out.contains("the header has no column \"DATE_NAISSANCE\""),
        "without the mapping, the default columns are missing: {out}"
    );
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

/// `ent serve` on SIGTERM under load: the requests in flight complete, the tallied reads are
/// appended, the process exits 0, and every command it acknowledged is in the log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_finishes_in_flight_requests_and_exits_zero() {
    let dir = Dir(std::env::temp_dir().join(format!("ent-cli-{}", Uuid::new_v4().simple())));
    std::fs::create_dir_all(&dir.0).unwrap();
    let (ok, out) = ent(&dir, &["bootstrap-admin", "--login", "admin", "--password-env", "ADMIN_PW"]);
    assert!(ok, "{out}");
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_ent"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("ENT_DATABASE", format!("sqlite://{}", dir.0.join("ent.db").display()))
        .env("ENT_MASTER_KEY_FILE", dir.0.join("master.key"))
        .env("ENT_USAGE_FLUSH_SECONDS", "3600")
        .env_remove("ENT_MASTER_KEY")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("ent serve");
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();
    let mut ready = false;
    for _ in 0..100 {
        if http.get(format!("{base}/ready")).send().await.is_ok_and(|r| r.status().is_success()) {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "ent serve did not become ready");
    let login: serde_json::Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"login": "admin", "password": "a-long-password-1"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().expect("token").to_string();
    let structure = serde_json::json!({"command_id": Uuid::new_v4(), "type": "CreateStructure", "payload": {"uai": "0751234A", "name": "Collège", "kind": "college"}});
    let r = http.post(format!("{base}/api/v1/commands")).bearer_auth(&token).json(&structure).send().await.unwrap();
    assert!(r.status().is_success());

    // Eight clients create classes and read the structure until the server goes away.
    let acknowledged = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let statuses = Arc::new(std::sync::Mutex::new(Vec::<u16>::new()));
    let mut clients = Vec::new();
    for n in 0..8 {
        let (http, base, token, acknowledged, statuses) =
            (http.clone(), base.clone(), token.clone(), acknowledged.clone(), statuses.clone());
        clients.push(tokio::spawn(async move {
            for seq in 0.. {
                let code = format!("C{n}-{seq}");
                let envelope = serde_json::json!({"command_id": Uuid::new_v4(), "type": "CreateClass", "payload": {"structure": "0751234A", "code": code, "level": "6e"}});
                let Ok(resp) = http.post(format!("{base}/api/v1/commands")).bearer_auth(&token).json(&envelope).send().await else { break };
                statuses.lock().unwrap().push(resp.status().as_u16());
                if resp.status().is_success() {
                    acknowledged.lock().unwrap().push(code);
                }
                let Ok(_) = http.get(format!("{base}/api/v1/structures/0751234A")).bearer_auth(&token).send().await else { break };
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let kill = Command::new("kill").args(["-TERM", &server.id().to_string()]).status().expect("kill");
    assert!(kill.success());
    let mut exit = None;
    for _ in 0..200 {
        if let Some(status) = server.try_wait().expect("wait") {
            exit = Some(status);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let exit = exit.expect("ent serve still running 10 s after SIGTERM");
    assert!(exit.success(), "exit status {exit:?}");
    for c in clients {
        c.await.unwrap();
    }
    let statuses = statuses.lock().unwrap().clone();
    assert!(statuses.iter().all(|s| *s == 200), "answers during shutdown: {statuses:?}");
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 8, "too little load: {}", acknowledged.len());

    // Every acknowledged command is in the log, and the reads tallied were appended at exit.
    let backend = Backend::open(&format!("sqlite://{}", dir.0.join("ent.db").display())).await.unwrap();
    let events = backend.events.read_all(0, 1_000_000).await.unwrap();
    let created: std::collections::BTreeSet<String> =
        events.iter().filter(|e| e.event_type == "ClassCreated").filter_map(|e| e.payload["code"].as_str().map(str::to_string)).collect();
    for code in &acknowledged {
        assert!(created.contains(code), "{code} acknowledged but not in the log");
    }
    assert!(events.iter().any(|e| e.event_type == "UsageRecorded"), "the reads tallied in memory were not appended at exit");
}
