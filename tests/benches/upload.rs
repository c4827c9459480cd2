//! Upload throughput and the server's memory while 200 MB arrive: the real server in this
//! process (SQLite, the filesystem blob store), a client writing the body on a raw TCP connection
//! from a small buffer (so the process's resident memory is the server's, plus a few KB), the
//! resident memory sampled every 5 ms from `/proc/self/status`.
//!
//! `cargo bench -p ent-tests --bench upload` (`ENT_BENCH_UPLOAD_MB` to change the size).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ent_tests::school::School;
use ent_tests::server::TestServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The allocator of the `ent` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const RUNS: usize = 3;

fn main() {
    ent_infra::allocator::run(run()).expect("runtime");
}

fn rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// `PUT /api/v1/files?name=…` of `size` bytes written 64 KiB at a time; returns the status line.
async fn upload(addr: std::net::SocketAddr, token: &str, name: &str, size: usize, seed: u8) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "PUT /api/v1/files?name={name} HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer {token}\r\ncontent-type: application/octet-stream\r\ncontent-length: {size}\r\nconnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    let mut chunk = vec![0u8; 64 * 1024];
    let mut sent = 0;
    while sent < size {
        let n = chunk.len().min(size - sent);
        for (i, b) in chunk[..n].iter_mut().enumerate() {
            *b = ((sent + i) % 251) as u8 ^ seed;
        }
        stream.write_all(&chunk[..n]).await.expect("body");
        sent += n;
    }
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("answer");
    String::from_utf8_lossy(&answer).lines().next().unwrap_or_default().to_string()
}

async fn run() {
    let mb: usize = std::env::var("ENT_BENCH_UPLOAD_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    let size = mb * 1_000_000;
    let s = TestServer::start_with("sqlite", |c| {
        c.espace.default_quota = 10 * size as u64;
        c.espace.max_file_size = 2 * size as u64;
        c.request_timeout = Duration::from_secs(600);
    })
    .await;
    let sc = School::create(&s).await;
    let addr = s.app.addr;
    // Warm up: the first upload's allocations.
    assert!(upload(addr, &sc.teacher, "warm-up.bin", 1_000_000, 0).await.contains("200"));
    println!("upload of {mb} MB (10^6 bytes) to the filesystem blob store, SQLite, one client");
    println!("| run | seconds | MB/s | RSS before (MiB) | peak RSS growth (MiB) |");
    println!("|---|---|---|---|---|");
    for run in 1..=RUNS {
        let baseline = rss();
        let peak = Arc::new(AtomicU64::new(baseline));
        let running = Arc::new(AtomicBool::new(true));
        let sampler = {
            let (peak, running) = (peak.clone(), running.clone());
            std::thread::spawn(move || {
                while running.load(Ordering::SeqCst) {
                    peak.fetch_max(rss(), Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(5));
                }
            })
        };
        let started = Instant::now();
        let status = upload(addr, &sc.teacher, &format!("run-{run}.bin"), size, run as u8).await;
        let elapsed = started.elapsed();
        running.store(false, Ordering::SeqCst);
        sampler.join().expect("sampler");
        assert!(status.contains("200"), "{status}");
        let growth = peak.load(Ordering::SeqCst).saturating_sub(baseline);
        println!(
            "| {run} | {:.2} | {:.0} | {} | {:.1} |",
            elapsed.as_secs_f64(),
            size as f64 / 1e6 / elapsed.as_secs_f64(),
            baseline >> 20,
            growth as f64 / (1024.0 * 1024.0)
        );
    }
}
