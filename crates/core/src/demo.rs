//! The embedded demo: the clients that talk to the built-in simulator, and its memory of
//! earlier runs.
//!
//! The simulator runs in-process and starts empty with every launch, so without help the
//! buttons of an image made in demo mode yesterday would be answered "task not found". On
//! start the app hands it the finished demo tasks of the Create feed
//! ([`remember_finished`]), and their buttons work again, as they do in the live lane.

use crate::error::AppError;
use atelier_library::StoredTask;
use atelier_providers::{
    JourneyClient, LinkrClient, PanDirection, ProviderClient, ProviderKind, TaskKind, TaskStatus,
    ZoomFactor,
};
use atelier_simulator::{EarlierTask, Provider, Simulator};

/// The key text a demo client sends to the simulator for LinkrAPI.
pub const DEMO_LINKR_KEY: &str = "lkr_demo";
/// The key text a demo client sends to the simulator for JourneyAPI.
pub const DEMO_JOURNEY_KEY: &str = "japi_demo";

/// A client of `provider` that talks to the built-in simulator.
pub fn demo_client(provider: ProviderKind, sim: &Simulator) -> Result<ProviderClient, AppError> {
    Ok(match provider {
        ProviderKind::Linkr => {
            ProviderClient::Linkr(LinkrClient::new(&sim.linkr_base_url(), DEMO_LINKR_KEY)?)
        }
        ProviderKind::Journey => ProviderClient::Journey(JourneyClient::new(
            &sim.journey_base_url(),
            DEMO_JOURNEY_KEY,
        )?),
    })
}

/// Hands the simulator every finished demo task of `stored` it can take back, so their
/// buttons work after a restart. Returns how many it took.
pub fn remember_finished(sim: &Simulator, stored: &[StoredTask]) -> usize {
    stored
        .iter()
        .filter(|s| s.demo && s.task.status == TaskStatus::Succeeded)
        .filter_map(earlier_task)
        .filter(|earlier| sim.remember(earlier.clone()))
        .count()
}

/// What the simulator needs to know of a finished task to offer its buttons again.
fn earlier_task(stored: &StoredTask) -> Option<EarlierTask> {
    let task = &stored.task;
    Some(EarlierTask {
        id: task.id.clone(),
        provider: match task.provider {
            ProviderKind::Linkr => Provider::Linkr,
            ProviderKind::Journey => Provider::Journey,
        },
        kind: kind_word(&task.kind)?,
        prompt: task.prompt.clone().unwrap_or_default(),
        model: task.model.clone().unwrap_or_else(|| "midjourney".into()),
        job_hash: task.actions.iter().find_map(|a| job_hash(&a.id)),
    })
}

/// LinkrAPI's word for what made a task (the simulator reads it back); `None` for kinds
/// the simulator cannot make.
fn kind_word(kind: &TaskKind) -> Option<String> {
    Some(match kind {
        TaskKind::Imagine => "imagine".into(),
        TaskKind::Upscale { index } => format!("upsample{}", (*index).clamp(1, 4)),
        TaskKind::Variation { index } if (1..=4).contains(index) => format!("variation{index}"),
        TaskKind::Reroll => "reroll".into(),
        TaskKind::UpscaleSubtle => "upscale_subtle".into(),
        TaskKind::UpscaleCreative => "upscale_creative".into(),
        TaskKind::Upscale2x => "upscale_2x".into(),
        TaskKind::Upscale4x => "upscale_4x".into(),
        TaskKind::VarySubtle => "low_variation".into(),
        TaskKind::VaryStrong => "high_variation".into(),
        TaskKind::ZoomOut { factor } => match factor {
            ZoomFactor::X2 => "outpaint_50".into(),
            ZoomFactor::X1_5 => "outpaint_75".into(),
            ZoomFactor::Square => "outpaint_square".into(),
        },
        TaskKind::Pan { direction } => format!(
            "pan_{}",
            match direction {
                PanDirection::Left => "left",
                PanDirection::Right => "right",
                PanDirection::Up => "up",
                PanDirection::Down => "down",
            }
        ),
        TaskKind::Blend => "blend".into(),
        TaskKind::Describe => "describe".into(),
        _ => return None,
    })
}

/// The Midjourney job id in a LinkrAPI `custom_id` (`MJ::JOB::upsample::1::<hash>[::SOLO]`,
/// `MJ::Outpaint::50::1::<hash>::SOLO`, `MJ::CustomZoom::<hash>`...): the first part that looks
/// like one (a UUID-like run of hex digits and dashes).
fn job_hash(custom_id: &str) -> Option<String> {
    custom_id
        .split("::")
        .find(|part| {
            part.len() >= 16
                && part.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
                && part.chars().any(|c| c.is_ascii_hexdigit())
        })
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_job_hash_is_read_from_any_linkr_button() {
        let h = "0f8e2a4c-1b3d-4e5f-8a9b-0c1d2e3f4a5b";
        for id in [
            format!("MJ::JOB::upsample::1::{h}"),
            format!("MJ::JOB::reroll::0::{h}::SOLO"),
            format!("MJ::Outpaint::50::1::{h}::SOLO"),
            format!("MJ::CustomZoom::{h}"),
        ] {
            assert_eq!(job_hash(&id).as_deref(), Some(h), "{id}");
        }
        assert_eq!(job_hash("upscale:2"), None);
        assert_eq!(job_hash("vary-strong"), None);
    }

    #[test]
    fn every_kind_the_simulator_makes_has_a_word() {
        assert_eq!(
            kind_word(&TaskKind::Upscale { index: 0 }).as_deref(),
            Some("upsample1")
        );
        assert_eq!(
            kind_word(&TaskKind::Pan {
                direction: PanDirection::Down
            })
            .as_deref(),
            Some("pan_down")
        );
        assert_eq!(kind_word(&TaskKind::Video), None);
    }
}
