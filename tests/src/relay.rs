//! A TCP relay standing between the server and its database, to stage a network partition:
//! [`Relay::cut`] stops every byte both ways while the sockets stay open and nobody is told (as
//! when a link, a firewall's state or a virtual IP is lost); [`Relay::heal`] lets new
//! connections through again, while the connections that were cut stay silent forever, like
//! connections whose peer is gone. Only a client-side timeout gets the server out of those.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

struct Link {
    /// While true, nothing flows.
    cut: AtomicBool,
    /// Bumped by each cut: a connection accepted before the last cut never flows again.
    epoch: AtomicU64,
}

impl Link {
    fn flows(&self, epoch: u64) -> bool {
        !self.cut.load(Ordering::SeqCst) && self.epoch.load(Ordering::SeqCst) == epoch
    }
}

/// A running relay to `127.0.0.1:upstream`; stops when dropped.
pub struct Relay {
    pub port: u16,
    link: Arc<Link>,
    stop: watch::Sender<bool>,
}

impl Relay {
    pub async fn start(upstream: u16) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("relay listens");
        let port = listener.local_addr().expect("relay address").port();
        let link = Arc::new(Link { cut: AtomicBool::new(false), epoch: AtomicU64::new(0) });
        let (stop, stopped) = watch::channel(false);
        let accept_link = link.clone();
        tokio::spawn(async move {
            let mut stopped_accept = stopped.clone();
            loop {
                let (client, _) = tokio::select! {
                    accepted = listener.accept() => match accepted { Ok(pair) => pair, Err(_) => continue },
                    _ = stopped_accept.changed() => return,
                };
                let link = accept_link.clone();
                let mut stopped = stopped.clone();
                tokio::spawn(async move {
                    tokio::select! {
                        () = relay(client, upstream, link) => {}
                        _ = stopped.changed() => {}
                    }
                });
            }
        });
        Relay { port, link, stop }
    }

    /// The partition begins.
    pub fn cut(&self) {
        self.link.epoch.fetch_add(1, Ordering::SeqCst);
        self.link.cut.store(true, Ordering::SeqCst);
    }

    /// The partition ends for new connections.
    pub fn heal(&self) {
        self.link.cut.store(false, Ordering::SeqCst);
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

async fn relay(client: TcpStream, upstream: u16, link: Arc<Link>) {
    let epoch = link.epoch.load(Ordering::SeqCst);
    if !link.flows(epoch) {
        // Accepted during the partition: the handshake went through, nothing else will.
        let _held = client;
        std::future::pending::<()>().await;
        return;
    }
    let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)).await else { return };
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    tokio::join!(pump(client_read, server_write, &link, epoch), pump(server_read, client_write, &link, epoch));
}

/// Copies bytes one way while the link flows; once it does not, holds both ends silently.
async fn pump(mut from: tokio::net::tcp::OwnedReadHalf, mut to: tokio::net::tcp::OwnedWriteHalf, link: &Link, epoch: u64) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if !link.flows(epoch) || to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    if link.flows(epoch) {
        // A real end of connection (one side closed): pass it on.
        let _ = to.shutdown().await;
        return;
    }
    let _held = (from, to);
    std::future::pending::<()>().await;
}
