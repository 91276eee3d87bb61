//! OS notifications about tasks: which task changes deserve one and what it says.
//!
//! The core decides ([`notice_for`], and [`crate::Atelier::notice`] with the person's setting,
//! the thumbnail and "once per outcome"); the shell shows it only while the window is not
//! focused, and brings the window to the task's card when the person clicks it.

use crate::app::shorten;
use crate::view::{TaskChange, TaskEvent};
use atelier_providers::TaskStatus;
use std::path::PathBuf;

/// The longest prompt a notification's body repeats.
const BODY_PROMPT_CHARS: usize = 120;

/// One notification: a task finished, failed or is still not finished at the app's deadline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskNotice {
    /// The task the notification is about; clicking it opens this task's card.
    pub task_id: String,
    /// The first line: what happened ("Done: Imagine", "Failed: Upscale 2").
    pub title: String,
    /// The prompt (shortened), and for a failure the reason.
    pub body: String,
    /// A thumbnail of the result, where there is one in the library.
    pub image: Option<PathBuf>,
}

/// What the outcome of `event` is, for a notification: `None` for changes nobody needs to
/// hear of while away (created, progress, a status step, a cancel the person made).
pub fn outcome(event: &TaskEvent) -> Option<TaskStatus> {
    let status = event.task.task.status;
    match (event.change, status) {
        (TaskChange::Results, TaskStatus::Succeeded) => Some(status),
        (TaskChange::Failed, TaskStatus::Failed | TaskStatus::TimedOut) => Some(status),
        _ => None,
    }
}

/// The notification for `event`, worded with `provider_name` ("JourneyAPI"), or `None` when
/// the change deserves none (see [`outcome`]). The image is filled in by the caller.
pub fn notice_for(event: &TaskEvent, provider_name: &str) -> Option<TaskNotice> {
    let status = outcome(event)?;
    let task = &event.task.task;
    let prompt = shorten(
        task.prompt.as_deref().unwrap_or_default(),
        BODY_PROMPT_CHARS,
    );
    let (title, body) = match status {
        TaskStatus::Succeeded => {
            let title = if task.finished_late {
                format!("Done, late: {}", task.kind_label)
            } else {
                format!("Done: {}", task.kind_label)
            };
            let body = if prompt.is_empty() {
                format!("Your {provider_name} images are ready.")
            } else {
                prompt
            };
            (title, body)
        }
        TaskStatus::TimedOut => (
            format!("Not finished yet: {}", task.kind_label),
            join(
                &prompt,
                &format!(
                    "{provider_name} has not sent the result yet; Atelier keeps checking quietly."
                ),
            ),
        ),
        _ => {
            let reason = task
                .error
                .as_deref()
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(|e| shorten(e, BODY_PROMPT_CHARS))
                .unwrap_or_else(|| format!("{provider_name} could not make it."));
            (
                format!("Failed: {}", task.kind_label),
                join(&prompt, &reason),
            )
        }
    };
    Some(TaskNotice {
        task_id: task.id.clone(),
        title,
        body,
        image: None,
    })
}

/// `first` and `second` on two lines, or whichever is not empty.
fn join(first: &str, second: &str) -> String {
    match (first.is_empty(), second.is_empty()) {
        (true, _) => second.to_string(),
        (_, true) => first.to_string(),
        _ => format!("{first}\n{second}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::{TaskMedia, TaskSummary, TaskView};
    use atelier_providers::{ProviderKind, Task, TaskKind};

    fn event(change: TaskChange, status: TaskStatus, prompt: &str) -> TaskEvent {
        let mut task = Task::new("t1", ProviderKind::Journey, TaskKind::Imagine);
        task.status = status;
        task.prompt = Some(prompt.into());
        TaskEvent {
            change,
            task: TaskView {
                task: TaskSummary::from(task),
                media: TaskMedia::default(),
                demo: false,
                parent_label: None,
                can_retry: false,
                group: None,
            },
        }
    }

    #[test]
    fn a_success_with_its_images_says_done_with_the_prompt() {
        let n = notice_for(
            &event(TaskChange::Results, TaskStatus::Succeeded, "a red fox"),
            "JourneyAPI",
        )
        .expect("a notice");
        assert_eq!(n.task_id, "t1");
        assert_eq!(n.title, "Done: Imagine");
        assert_eq!(n.body, "a red fox");
    }

    #[test]
    fn failures_and_timeouts_say_so_with_the_reason() {
        let mut failed = event(TaskChange::Failed, TaskStatus::Failed, "a red fox");
        failed.task.task.error = Some("Banned prompt.".into());
        let n = notice_for(&failed, "LinkrAPI").expect("a notice");
        assert_eq!(n.title, "Failed: Imagine");
        assert_eq!(n.body, "a red fox\nBanned prompt.");
        let n = notice_for(
            &event(TaskChange::Failed, TaskStatus::TimedOut, ""),
            "JourneyAPI",
        )
        .expect("a notice");
        assert_eq!(n.title, "Not finished yet: Imagine");
        assert!(n.body.starts_with("JourneyAPI has not sent"), "{}", n.body);
    }

    #[test]
    fn steps_on_the_way_and_cancels_make_no_notice() {
        for (change, status) in [
            (TaskChange::Created, TaskStatus::Queued),
            (TaskChange::Status, TaskStatus::Running),
            (TaskChange::Progress, TaskStatus::Running),
            (TaskChange::Cancelled, TaskStatus::Failed),
            // Results that are not a success (text arriving on a running task).
            (TaskChange::Results, TaskStatus::Running),
        ] {
            assert_eq!(notice_for(&event(change, status, "x"), "LinkrAPI"), None);
        }
    }

    #[test]
    fn long_prompts_are_shortened() {
        let long = "word ".repeat(100);
        let n = notice_for(
            &event(TaskChange::Results, TaskStatus::Succeeded, &long),
            "LinkrAPI",
        )
        .expect("a notice");
        assert!(n.body.chars().count() <= BODY_PROMPT_CHARS + 1);
        assert!(n.body.ends_with('…'));
    }
}
