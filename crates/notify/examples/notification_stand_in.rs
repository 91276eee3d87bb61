//! A stand-in desktop notification service for the end-to-end tests: run inside the test's
//! D-Bus session, it owns `org.freedesktop.Notifications`, prints each notification it gets as
//! one JSON line on stdout, and clicks notification N when it reads `click N` on stdin.

#[path = "../tests/support/stand_in.rs"]
mod stand_in;

use std::io::Write;
use std::sync::{Arc, Mutex};
use tokio::io::AsyncBufReadExt;

#[tokio::main]
async fn main() -> zbus::Result<()> {
    let conn = stand_in::serve(stand_in::Service {
        seen: Arc::new(Mutex::new(Vec::new())),
        on_notify: Box::new(|seen| {
            let line = serde_json::to_string(seen).unwrap_or_default();
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{line}");
            let _ = out.flush();
        }),
    })
    .await?;
    println!("{{\"ready\":true}}");
    let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(id) = line
            .strip_prefix("click ")
            .and_then(|n| n.trim().parse().ok())
        {
            stand_in::click(&conn, id).await?;
        }
    }
    Ok(())
}
