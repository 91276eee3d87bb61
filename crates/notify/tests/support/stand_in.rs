//! A stand-in for the desktop's notification service (`org.freedesktop.Notifications`, the
//! freedesktop.org Desktop Notifications spec) on a D-Bus session bus: it records what it is
//! sent and can "click" a notification (the `default` action), as a person would. Shared by
//! the crate's D-Bus test and the `notification_stand_in` example the end-to-end tests run.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use zbus::object_server::SignalEmitter;
use zbus::zvariant::OwnedValue;

/// The object path of the notification service.
pub const PATH: &str = "/org/freedesktop/Notifications";

/// One notification the stand-in received.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Seen {
    /// Its id (1, 2, ...), as returned to the sender.
    pub id: u32,
    /// The sender's application name.
    pub app_name: String,
    /// The first line.
    pub summary: String,
    /// The text.
    pub body: String,
    /// Action keys and labels, alternating.
    pub actions: Vec<String>,
    /// The string-valued hints (desktop-entry, image-path...).
    pub hints: Vec<(String, String)>,
}

/// The service: every notification goes into `seen` (and to `on_notify`).
pub struct Service {
    /// What was received, oldest first.
    pub seen: Arc<Mutex<Vec<Seen>>>,
    /// Called with each notification as it arrives.
    pub on_notify: Box<dyn Fn(&Seen) + Send + Sync>,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Service {
    #[allow(clippy::too_many_arguments)]
    async fn notify(
        &self,
        app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut hints: Vec<(String, String)> = hints
            .into_iter()
            .filter_map(|(k, v)| String::try_from(v).ok().map(|text| (k, text)))
            .collect();
        hints.sort();
        let mut seen = self.seen.lock().expect("lock");
        let id = u32::try_from(seen.len() + 1).unwrap_or(u32::MAX);
        let one = Seen {
            id,
            app_name,
            summary,
            body,
            actions,
            hints,
        };
        (self.on_notify)(&one);
        seen.push(one);
        id
    }

    async fn get_capabilities(&self) -> Vec<String> {
        vec!["actions".into(), "body".into(), "body-images".into()]
    }

    async fn get_server_information(&self) -> (String, String, String, String) {
        (
            "stand-in".into(),
            "atelier".into(),
            "1".into(),
            "1.2".into(),
        )
    }

    async fn close_notification(&self, _id: u32) {}

    /// Sent when the person acts on a notification (`default`: a click on its body).
    #[zbus(signal)]
    pub async fn action_invoked(
        emitter: &SignalEmitter<'_>,
        id: u32,
        action_key: String,
    ) -> zbus::Result<()>;
}

/// Owns the notification service's name on the session bus and serves `service` there.
pub async fn serve(service: Service) -> zbus::Result<zbus::Connection> {
    zbus::connection::Builder::session()?
        .name("org.freedesktop.Notifications")?
        .serve_at(PATH, service)?
        .build()
        .await
}

/// "Clicks" notification `id`: the `default` action, as the desktop reports a click.
pub async fn click(conn: &zbus::Connection, id: u32) -> zbus::Result<()> {
    let iface = conn.object_server().interface::<_, Service>(PATH).await?;
    Service::action_invoked(iface.signal_emitter(), id, "default".into()).await
}
