//! An integrator's consumer of the ENT event stream.
//!
//! ```sh
//! cargo run -p ent-example-consumer -- nats://127.0.0.1:4222 'ent.*.vie_scolaire.>'
//! ```
//!
//! It creates (or resumes) a durable pull consumer named `example-integrator` on the
//! `ENT_EVENTS` stream, filtered on a subject, prints each event and acknowledges it. Delivery is
//! at least once: a message not acknowledged (crash) is delivered again, so the consumer keeps
//! the last `Ent-Position` it processed per stream and skips anything at or below it.

use std::collections::HashMap;
use std::time::Duration;

use async_nats::jetstream::{self, consumer};
use futures::StreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let mut args = std::env::args().skip(1);
    let url = args.next().unwrap_or_else(|| "nats://127.0.0.1:4222".into());
    let filter = args.next().unwrap_or_else(|| "ent.>".into());

    let js = jetstream::new(async_nats::connect(&url).await?);
    let stream = js.get_stream("ENT_EVENTS").await?;
    let consumer: consumer::PullConsumer = stream
        .get_or_create_consumer(
            "example-integrator",
            consumer::pull::Config {
                durable_name: Some("example-integrator".into()),
                filter_subject: filter.clone(),
                ack_policy: consumer::AckPolicy::Explicit,
                ack_wait: Duration::from_secs(30),
                ..Default::default()
            },
        )
        .await?;
    eprintln!("consuming {filter} from {url} (Ctrl-C to stop)");

    // Last position handled per ENT stream: redeliveries after a crash are skipped.
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut messages = consumer.messages().await?;
    while let Some(message) = messages.next().await {
        let message = message?;
        let headers = message.headers.clone().unwrap_or_default();
        let header = |name: &str| headers.get(name).map(|v| v.as_str().to_string()).unwrap_or_default();
        let position: u64 = header("Ent-Position").parse().unwrap_or(0);
        let ent_stream = header("Ent-Stream");
        if seen.get(&ent_stream).is_some_and(|last| position <= *last) {
            message.ack().await?;
            continue;
        }
        let envelope: serde_json::Value = serde_json::from_slice(&message.payload)?;
        println!(
            "#{position} {} {} v{} by {}: {}",
            message.subject,
            ent_stream,
            header("Ent-Version"),
            envelope["actor"].as_str().unwrap_or("?"),
            envelope["payload"]
        );
        seen.insert(ent_stream, position);
        message.ack().await?;
    }
    Ok(())
}
