//! One writer for task rows, off the async threads.
//!
//! Every engine event (progress included) used to write its task to SQLite right on the async
//! runtime, in the thread that forwards events to the UI. Now a [`Recorder`] owns those writes:
//! callers hand it a task and go on at once; a dedicated thread takes whatever has queued up,
//! keeps only the newest state of each task (so a burst of progress becomes one write), and
//! writes the batch in one transaction. [`Recorder::flush`] waits until everything handed in
//! before it is on disk, for the few places that read a row right after writing it (archiving
//! a task's images, shutting down before a restart).

use atelier_library::Library;
use atelier_providers::Task;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{mpsc, Arc};

/// A task row to write.
struct Pending {
    task: Task,
    demo: bool,
    deadline_at: Option<DateTime<Utc>>,
}

enum Message {
    Write(Box<Pending>),
    Flush(Box<dyn FnOnce() + Send>),
}

/// Hands task rows to the writer thread. Cheap to clone; the thread ends with the last clone.
#[derive(Clone)]
pub(crate) struct Recorder {
    tx: mpsc::Sender<Message>,
}

impl Recorder {
    /// Starts the writer thread for `library`.
    pub fn start(library: Arc<Library>) -> Self {
        let (tx, rx) = mpsc::channel::<Message>();
        let spawned = std::thread::Builder::new()
            .name("atelier-recorder".into())
            .spawn(move || run(&library, &rx));
        if let Err(e) = spawned {
            // Without the thread every `send` fails and is logged; the engine goes on.
            tracing::error!("the library writer could not start: {e}");
        }
        Recorder { tx }
    }

    /// Queues `task` for writing (newer states of the same task replace older queued ones).
    pub fn record(&self, task: &Task, demo: bool, deadline_at: Option<DateTime<Utc>>) {
        let pending = Pending {
            task: task.clone(),
            demo,
            deadline_at,
        };
        if self.tx.send(Message::Write(Box::new(pending))).is_err() {
            tracing::error!(task = %task.id, "the library writer has stopped; task not written");
        }
    }

    /// Waits until every task queued before this call is written.
    pub async fn flush(&self) {
        let (done, wait) = tokio::sync::oneshot::channel::<()>();
        let ack = Box::new(move || {
            let _ = done.send(());
        });
        if self.tx.send(Message::Flush(ack)).is_ok() {
            let _ = wait.await;
        }
    }

    /// [`Recorder::flush`] for code that is not async (shutting down).
    pub fn flush_blocking(&self) {
        let (done, wait) = mpsc::sync_channel::<()>(1);
        let ack = Box::new(move || {
            let _ = done.send(());
        });
        if self.tx.send(Message::Flush(ack)).is_ok() {
            let _ = wait.recv();
        }
    }
}

/// The writer thread: one batch per wake-up, newest state per task, acks after the write.
/// Returns how many rows it wrote, once every [`Recorder`] is gone.
fn run(library: &Library, rx: &mpsc::Receiver<Message>) -> u64 {
    let mut writes = 0;
    while let Ok(first) = rx.recv() {
        let mut order: Vec<String> = Vec::new();
        let mut latest: HashMap<String, Pending> = HashMap::new();
        let mut acks: Vec<Box<dyn FnOnce() + Send>> = Vec::new();
        let mut take = |message: Message| match message {
            Message::Write(p) => {
                let id = p.task.id.clone();
                if latest.insert(id.clone(), *p).is_none() {
                    order.push(id);
                }
            }
            Message::Flush(ack) => acks.push(ack),
        };
        take(first);
        while let Ok(more) = rx.try_recv() {
            take(more);
        }
        if !order.is_empty() {
            let rows: Vec<Pending> = order.iter().filter_map(|id| latest.remove(id)).collect();
            let written = library.batch(|batch| {
                for p in &rows {
                    batch.upsert_task(&p.task, p.demo, p.deadline_at)?;
                }
                Ok(rows.len())
            });
            match written {
                Ok(n) => writes += n as u64,
                Err(e) => {
                    tracing::error!("could not write {} tasks to the library: {e}", rows.len());
                }
            }
        }
        for ack in acks {
            ack();
        }
    }
    writes
}

#[cfg(test)]
mod tests {
    use super::*;
    use atelier_providers::{ProviderKind, TaskKind, TaskStatus};

    fn task(id: &str, status: TaskStatus, progress: u8) -> Task {
        let mut t = Task::new(id, ProviderKind::Linkr, TaskKind::Imagine);
        t.status = status;
        t.progress = Some(progress);
        t.prompt = Some("a quiet pond".into());
        t.created_at = Some(Utc::now());
        t
    }

    fn write(t: Task) -> Message {
        Message::Write(Box::new(Pending {
            task: t,
            demo: false,
            deadline_at: None,
        }))
    }

    #[test]
    fn a_burst_becomes_one_write_per_task_with_its_newest_state() {
        let dir = tempfile::tempdir().expect("tempdir");
        let library = Library::open(dir.path()).expect("library");
        let (tx, rx) = mpsc::channel();
        for n in 0..200u8 {
            for id in ["a", "b"] {
                tx.send(write(task(id, TaskStatus::Running, n % 100)))
                    .expect("queued");
            }
        }
        tx.send(write(task("a", TaskStatus::Succeeded, 100)))
            .expect("queued");
        drop(tx);
        assert_eq!(run(&library, &rx), 2, "401 queued states, 2 writes");
        let a = library.get_task("a").expect("read").expect("a stored");
        assert_eq!(a.task.status, TaskStatus::Succeeded, "the final state wins");
        let b = library.get_task("b").expect("read").expect("b stored");
        assert_eq!(b.task.progress, Some(99));
    }

    #[tokio::test]
    async fn flush_waits_for_every_earlier_write() {
        let dir = tempfile::tempdir().expect("tempdir");
        let library = Arc::new(Library::open(dir.path()).expect("library"));
        let recorder = Recorder::start(library.clone());
        for n in 0..50u8 {
            recorder.record(&task("d", TaskStatus::Running, n), false, None);
        }
        recorder.record(&task("d", TaskStatus::Succeeded, 100), false, None);
        recorder.flush().await;
        let d = library.get_task("d").expect("read").expect("d stored");
        assert_eq!(d.task.status, TaskStatus::Succeeded);
    }

    #[test]
    fn flush_blocking_waits_for_earlier_writes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let library = Arc::new(Library::open(dir.path()).expect("library"));
        let recorder = Recorder::start(library.clone());
        recorder.record(&task("c", TaskStatus::Failed, 40), true, None);
        recorder.flush_blocking();
        let c = library.get_task("c").expect("read").expect("c stored");
        assert_eq!(c.task.status, TaskStatus::Failed);
        assert!(c.demo);
    }
}
