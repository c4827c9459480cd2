//! A NATS server with JetStream owned by one test: its own port and storage folder, so that the
//! test can stop and restart it without disturbing other tests.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use async_nats::jetstream::{self, consumer};
use futures::StreamExt;
use uuid::Uuid;

/// A private nats-server process.
pub struct TestNats {
    pub port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

fn binary() -> String {
    ["/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"]
        .iter()
        .find(|p| std::path::Path::new(p).exists())
        .map(|p| p.to_string())
        .unwrap_or_else(|| "nats-server".into())
}

impl TestNats {
    /// Starts a new server with JetStream on a free port.
    pub fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port");
        let dir = std::env::temp_dir().join(format!("ent-nats-{}", Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("nats dir");
        let mut nats = TestNats { port, dir, child: None };
        nats.resume();
        nats
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Stops the server (its stored streams stay on disk).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port and storage.
    pub fn resume(&mut self) {
        let child = Command::new(binary())
            .args(["-a", "127.0.0.1", "-p", &self.port.to_string(), "-js", "-sd"])
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server must be installed (scripts/test installs it)");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "nats-server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for TestNats {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One message as an integrator's consumer sees it.
#[derive(Debug, Clone)]
pub struct Received {
    pub subject: String,
    pub msg_id: String,
    pub position: u64,
    pub stream: String,
    pub version: u64,
    pub body: serde_json::Value,
}

/// Reads every message of the stream with a durable pull consumer, until none comes for `quiet`.
pub async fn drain(url: &str, stream: &str, durable: &str, quiet: Duration) -> Vec<Received> {
    let client = async_nats::connect(url).await.expect("connect");
    let js = jetstream::new(client);
    let stream = js.get_stream(stream).await.expect("stream exists");
    let consumer: consumer::PullConsumer = stream
        .get_or_create_consumer(
            durable,
            consumer::pull::Config {
                durable_name: Some(durable.to_string()),
                ack_policy: consumer::AckPolicy::Explicit,
                ..Default::default()
            },
        )
        .await
        .expect("consumer");
    let mut out = Vec::new();
    loop {
        let mut batch = consumer.fetch().max_messages(500).expires(quiet).messages().await.expect("fetch");
        let mut got = 0;
        while let Some(Ok(msg)) = batch.next().await {
            let h = msg.headers.clone().unwrap_or_default();
            let get = |k: &str| h.get(k).map(|v| v.as_str().to_string()).unwrap_or_default();
            out.push(Received {
                subject: msg.subject.to_string(),
                msg_id: get("Nats-Msg-Id"),
                position: get("Ent-Position").parse().unwrap_or(0),
                stream: get("Ent-Stream"),
                version: get("Ent-Version").parse().unwrap_or(0),
                body: serde_json::from_slice(&msg.payload).unwrap_or_default(),
            });
            msg.ack().await.expect("ack");
            got += 1;
        }
        if got == 0 {
            return out;
        }
    }
}
