//! What "Retry" sends for a failed or timed-out task: exactly what created it.
//!
//! A task made by this version of Atelier carries what was sent ([`Task::sent`]): an imagine
//! is submitted again with the same prompt, model, aspect ratio and reference image; a button
//! is pressed again on the same parent with the same input. Tasks from older versions fall
//! back to the rule the UI used to apply: a child re-sends the parent's button of the same
//! kind, anything else re-submits its prompt.

use atelier_providers::{
    ActionInput, ActionMode, CreateRequest, ImagineRequest, ProviderKind, SentRequest, Task,
    TaskKind, TaskStatus,
};

/// How one task is retried.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RetryPlan {
    /// Submit this imagine again to `provider`.
    Imagine {
        /// The provider the task ran on.
        provider: ProviderKind,
        /// What to send.
        request: ImagineRequest,
    },
    /// Send this creation mode again to `provider`.
    Create {
        /// The provider the task ran on.
        provider: ProviderKind,
        /// What to send.
        request: CreateRequest,
    },
    /// Press this button of `parent_id` again.
    Action {
        /// The parent task.
        parent_id: String,
        /// The button.
        action_id: String,
        /// The input sent with it.
        input: ActionInput,
    },
}

/// True when the task ended without a result, so Retry makes sense at all.
pub(crate) fn is_retryable_status(status: TaskStatus) -> bool {
    matches!(status, TaskStatus::Failed | TaskStatus::TimedOut)
}

/// The plan for retrying `task` (whatever its status), or None when nothing is known to
/// send. `parent` is only needed for tasks without [`Task::sent`].
pub(crate) fn retry_plan(task: &Task, parent: Option<&Task>) -> Option<RetryPlan> {
    match &task.sent {
        Some(SentRequest::Imagine(request)) if !request.prompt.trim().is_empty() => {
            return Some(RetryPlan::Imagine {
                provider: task.provider,
                request: request.clone(),
            });
        }
        Some(SentRequest::Create(request)) => {
            return Some(RetryPlan::Create {
                provider: task.provider,
                request: request.clone(),
            });
        }
        Some(SentRequest::Action { action_id, input }) => {
            if let Some(parent_id) = &task.parent_id {
                return Some(RetryPlan::Action {
                    parent_id: parent_id.clone(),
                    action_id: action_id.clone(),
                    input: input.clone(),
                });
            }
        }
        _ => {}
    }
    legacy_plan(task, parent)
}

/// True when [`retry_plan`] needs the parent to decide (a child without [`Task::sent`]).
pub(crate) fn needs_parent(task: &Task) -> bool {
    task.sent.is_none() && task.parent_id.is_some() && task.kind != TaskKind::Imagine
}

fn legacy_plan(task: &Task, parent: Option<&Task>) -> Option<RetryPlan> {
    if task.kind != TaskKind::Imagine {
        if let (Some(parent_id), Some(parent)) = (&task.parent_id, parent) {
            let same = parent
                .actions
                .iter()
                .find(|a| a.mode == ActionMode::Send && a.kind.as_ref() == Some(&task.kind));
            if let Some(action) = same {
                return Some(RetryPlan::Action {
                    parent_id: parent_id.clone(),
                    action_id: action.id.clone(),
                    input: ActionInput::default(),
                });
            }
        }
    }
    let prompt = task.prompt.as_deref().map(str::trim).unwrap_or_default();
    let creation_mode = matches!(
        task.kind,
        TaskKind::Blend | TaskKind::Describe | TaskKind::Shorten | TaskKind::Video
    );
    if prompt.is_empty()
        || creation_mode
        || (task.kind != TaskKind::Imagine && task.parent_id.is_some())
    {
        return None;
    }
    Some(RetryPlan::Imagine {
        provider: task.provider,
        request: ImagineRequest {
            prompt: prompt.to_owned(),
            model: task.model.clone(),
            ..ImagineRequest::default()
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use atelier_providers::{Action, ActionGroup};

    fn failed(kind: TaskKind) -> Task {
        let mut t = Task::new("t1", ProviderKind::Journey, kind);
        t.status = TaskStatus::Failed;
        t.prompt = Some("a red fox --ar 16:9".into());
        t
    }

    #[test]
    fn an_imagine_is_sent_again_exactly_with_its_aspect_ratio_model_and_reference() {
        let mut task = failed(TaskKind::Imagine);
        let sent = ImagineRequest {
            prompt: "a red fox".into(),
            model: Some("midjourney".into()),
            aspect_ratio: Some("3:2".into()),
            reference_image: Some("https://example.com/ref.png".into()),
        };
        task.sent = Some(SentRequest::Imagine(sent.clone()));
        assert_eq!(
            retry_plan(&task, None),
            Some(RetryPlan::Imagine {
                provider: ProviderKind::Journey,
                request: sent
            })
        );
    }

    #[test]
    fn a_button_is_pressed_again_on_the_same_parent_with_the_same_input() {
        let mut task = failed(TaskKind::Variation { index: 2 });
        task.parent_id = Some("p1".into());
        let input = ActionInput::prompt("more snow");
        task.sent = Some(SentRequest::Action {
            action_id: "variation2".into(),
            input: input.clone(),
        });
        assert_eq!(
            retry_plan(&task, None),
            Some(RetryPlan::Action {
                parent_id: "p1".into(),
                action_id: "variation2".into(),
                input
            })
        );
        assert!(!needs_parent(&task));
    }

    #[test]
    fn an_older_child_re_sends_the_parents_button_of_its_kind_or_nothing() {
        let mut task = failed(TaskKind::Upscale { index: 3 });
        task.parent_id = Some("p1".into());
        task.sent = None;
        assert!(needs_parent(&task));
        let mut parent = Task::new("p1", ProviderKind::Journey, TaskKind::Imagine);
        assert_eq!(retry_plan(&task, Some(&parent)), None, "no such button");
        assert_eq!(retry_plan(&task, None), None, "parent unknown");
        parent.actions.push(Action {
            id: "upsample3".into(),
            label: "U3".into(),
            emoji: None,
            kind: Some(TaskKind::Upscale { index: 3 }),
            group: ActionGroup::Upscale,
            index: Some(3),
            mode: ActionMode::Send,
            url: None,
            unavailable: None,
            credits: None,
            takes_prompt: false,
        });
        assert_eq!(
            retry_plan(&task, Some(&parent)),
            Some(RetryPlan::Action {
                parent_id: "p1".into(),
                action_id: "upsample3".into(),
                input: ActionInput::default()
            })
        );
    }

    #[test]
    fn an_older_imagine_re_submits_its_prompt_and_model() {
        let mut task = failed(TaskKind::Imagine);
        task.model = Some("niji".into());
        let Some(RetryPlan::Imagine { request, .. }) = retry_plan(&task, None) else {
            panic!("expected an imagine plan");
        };
        assert_eq!(request.prompt, "a red fox --ar 16:9");
        assert_eq!(request.model.as_deref(), Some("niji"));
        task.prompt = Some("   ".into());
        assert_eq!(retry_plan(&task, None), None, "nothing to send");
    }

    #[test]
    fn a_creation_mode_is_sent_again_and_an_older_one_is_not_guessed() {
        let mut task = failed(TaskKind::Shorten);
        let request = CreateRequest::Shorten {
            prompt: "a red fox --ar 16:9".into(),
        };
        task.sent = Some(SentRequest::Create(request.clone()));
        assert_eq!(
            retry_plan(&task, None),
            Some(RetryPlan::Create {
                provider: ProviderKind::Journey,
                request
            })
        );
        task.sent = None;
        assert_eq!(retry_plan(&task, None), None, "never re-sent as an imagine");
    }

    #[test]
    fn only_tasks_without_a_result_are_retried() {
        assert!(is_retryable_status(TaskStatus::Failed));
        assert!(is_retryable_status(TaskStatus::TimedOut));
        assert!(!is_retryable_status(TaskStatus::Succeeded));
        assert!(!is_retryable_status(TaskStatus::Running));
    }
}
