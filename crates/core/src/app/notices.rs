//! OS notifications and the count of running tasks, as the shell asks for them: the shell shows
//! a notice only while the window is not focused, and puts the count in the window title and
//! the dock/taskbar badge.

use super::Atelier;
use crate::notice::{notice_for, outcome, TaskNotice};
use crate::view::TaskEvent;
use atelier_library::ImageKind;
use std::path::PathBuf;

impl Atelier {
    /// The notification to show for `event`, if the person wants notifications and this is an
    /// outcome not told yet (a task finished, failed or is not finished at the deadline; each
    /// once, so a repeated event or a second listener never notifies twice), with a thumbnail
    /// of the result from the library.
    pub fn notice(&self, event: &TaskEvent) -> Option<TaskNotice> {
        let wanted = self.inner.settings.read().is_ok_and(|s| s.notifications);
        if !wanted {
            return None;
        }
        let status = outcome(event)?;
        let task = &event.task.task;
        let first_time = self
            .inner
            .notified
            .lock()
            .is_ok_and(|mut told| told.insert((task.id.clone(), status)));
        if !first_time {
            return None;
        }
        let mut notice = notice_for(event, task.provider.display_name())?;
        notice.image = self.notice_image(&task.id);
        Some(notice)
    }

    /// The thumbnail (else the file) of the task's grid or first image in the library.
    fn notice_image(&self, task_id: &str) -> Option<PathBuf> {
        let items = self.inner.library.task_images(task_id).ok()?;
        let item = items
            .iter()
            .find(|i| i.kind == ImageKind::Grid)
            .or_else(|| items.first())?;
        let path = item.thumb_path.as_deref().unwrap_or(&item.path);
        Some(PathBuf::from(path)).filter(|p| p.is_file())
    }

    /// How many tasks are running now (queued or in progress at a provider and watched, in
    /// either lane; not those cancelled or re-checked after their deadline): the window title
    /// and the dock/taskbar badge show it.
    pub fn running_count(&self) -> usize {
        self.inner.demo.engine.running(None) + self.inner.live.engine.running(None)
    }
}
