//! The connection loop: hyper HTTP/1 over tokio, one task per connection, with a handle
//! that lets a handler drop its own connection (the "connection reset" fault) and a
//! shutdown that never waits on a hung request for long.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;

/// How long shutdown lets in-flight requests finish before dropping their connections.
pub const SHUTDOWN_GRACE: Duration = Duration::from_millis(500);

/// A handle, put in every request's extensions, that drops the request's connection.
#[derive(Debug, Clone, Default)]
pub struct ConnAbort {
    inner: Arc<AbortInner>,
}

#[derive(Debug, Default)]
struct AbortInner {
    notify: Notify,
    aborted: AtomicBool,
}

impl ConnAbort {
    /// Drops the connection at once with a TCP reset; nothing more is written to it.
    pub fn abort(&self) {
        self.inner.aborted.store(true, Ordering::SeqCst);
        self.inner.notify.notify_one();
    }

    fn is_aborted(&self) -> bool {
        self.inner.aborted.load(Ordering::SeqCst)
    }
}

/// A TCP stream that, when dropped after an abort, closes with RST instead of FIN.
struct AbortableIo {
    stream: TcpStream,
    abort: ConnAbort,
}

impl Drop for AbortableIo {
    fn drop(&mut self) {
        if self.abort.is_aborted() {
            let _ = self.stream.set_zero_linger();
        }
    }
}

impl AsyncRead for AbortableIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for AbortableIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Serves `router` on `listener` until `shutdown` turns true, then stops accepting, gives
/// open connections [`SHUTDOWN_GRACE`] to finish and drops the rest.
pub async fn serve(listener: TcpListener, router: Router, mut shutdown: watch::Receiver<bool>) {
    let mut conns = JoinSet::new();
    loop {
        if *shutdown.borrow() {
            break;
        }
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    conns.spawn(serve_conn(stream, router.clone(), shutdown.clone()));
                }
                Err(err) => {
                    tracing::warn!("simulator accept failed: {err}");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
            changed = shutdown.changed() => {
                if changed.is_err() {
                    break;
                }
            }
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    drop(listener);
    let drained = tokio::time::timeout(SHUTDOWN_GRACE * 2, async {
        while conns.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        conns.abort_all();
    }
}

async fn serve_conn(stream: TcpStream, router: Router, mut shutdown: watch::Receiver<bool>) {
    let abort = ConnAbort::default();
    let io = AbortableIo {
        stream,
        abort: abort.clone(),
    };
    let handle = abort.clone();
    let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
        req.extensions_mut().insert(handle.clone());
        let mut router = router.clone();
        tower_service::Service::call(&mut router, req)
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(io), service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = abort.inner.notify.notified() => {}
        _ = wait_true(&mut shutdown) => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(SHUTDOWN_GRACE, conn.as_mut()).await;
        }
    }
}

async fn wait_true(rx: &mut watch::Receiver<bool>) {
    loop {
        if *rx.borrow_and_update() {
            return;
        }
        if rx.changed().await.is_err() {
            return;
        }
    }
}
