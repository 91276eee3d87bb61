//! The providers' own documented fetch examples (provider-contracts.md section 5), kept
//! verbatim under `tests/fixtures/`, read by the parsers: status, progress, images, buttons.

use atelier_providers::{
    journey, linkr, ActionGroup, ActionMode, ProviderKind, Task, TaskKind, TaskStatus,
};
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn labels(t: &Task) -> Vec<&str> {
    t.actions.iter().map(|a| a.label.as_str()).collect()
}

#[test]
fn linkr_completed_example() {
    let v = fixture("linkr_fetch_completed.json");
    let t = linkr::parse_task(&v, None).expect("parses");
    assert_eq!(t.id, "a1b2c3d4-e5f6-7890-abcd-ef1234567890");
    assert_eq!(t.provider, ProviderKind::Linkr);
    assert_eq!(t.kind, TaskKind::Imagine);
    assert_eq!(t.status, TaskStatus::Succeeded);
    assert_eq!(t.raw_status, "completed");
    assert_eq!(t.progress, Some(100));
    assert_eq!(
        t.prompt.as_deref(),
        Some("a futuristic city at sunset, cinematic lighting --ar 16:9")
    );
    // Only the grid: the app splits it locally.
    assert_eq!(
        t.grid_url.as_deref(),
        Some("https://cdn.discordapp.com/attachments/.../image.png")
    );
    assert!(t.image_urls.is_empty());
    assert_eq!(t.image_url, None);
    assert_eq!(t.error, None);
    assert_eq!(
        t.created_at.map(|c| c.to_rfc3339()),
        Some("2025-02-26T10:30:00+00:00".to_string()),
        "no time zone reads as UTC"
    );
    // The reroll button's emoji is its label; it reads "Reroll".
    assert_eq!(labels(&t), ["U1", "U2", "V1", "Reroll"]);
    let reroll = &t.actions[3];
    assert_eq!(reroll.id, "MJ::JOB::reroll::0::...");
    assert_eq!(reroll.emoji.as_deref(), Some("🔄"));
    assert_eq!(reroll.kind, Some(TaskKind::Reroll));
    assert_eq!(reroll.group, ActionGroup::Other);
    assert_eq!(t.actions[0].kind, Some(TaskKind::Upscale { index: 1 }));
    assert_eq!(
        (t.actions[1].group, t.actions[1].index),
        (ActionGroup::Upscale, Some(2))
    );
    assert_eq!(
        (t.actions[2].group, t.actions[2].index),
        (ActionGroup::Variation, Some(1))
    );
    assert!(t
        .actions
        .iter()
        .all(|a| a.mode == ActionMode::Send && a.unavailable.is_none()));
    assert_eq!(t.raw, v);
}

#[test]
fn linkr_processing_example() {
    let t = linkr::parse_task(&fixture("linkr_fetch_processing.json"), None).expect("parses");
    assert_eq!(t.kind, TaskKind::Imagine);
    assert_eq!(t.status, TaskStatus::Running);
    assert_eq!(t.raw_status, "processing");
    assert_eq!(t.progress, Some(45));
    assert_eq!(
        (t.grid_url.as_deref(), t.image_url.as_deref()),
        (None, None)
    );
    assert!(t.image_urls.is_empty());
    assert!(t.actions.is_empty());
    assert_eq!(t.error, None);
    assert!(t.created_at.is_some());
}

#[test]
fn journey_processing_example() {
    let t = journey::parse_task(&fixture("journey_fetch_processing.json"), None).expect("parses");
    assert_eq!(t.id, "550e8400-e29b-41d4-a716-446655440000");
    assert_eq!(t.provider, ProviderKind::Journey);
    assert_eq!(t.kind, TaskKind::Imagine);
    assert_eq!(t.model.as_deref(), Some("midjourney"));
    assert_eq!(t.status, TaskStatus::Running);
    assert_eq!(t.progress, Some(45), "percentage is a string");
    assert!(t.grid_url.is_none() && t.image_urls.is_empty() && t.image_url.is_none());
    assert!(t.actions.is_empty());
}

#[test]
fn journey_finished_midjourney_example() {
    let t = journey::parse_task(&fixture("journey_fetch_finished_midjourney.json"), None)
        .expect("parses");
    assert_eq!(t.status, TaskStatus::Succeeded);
    assert_eq!(t.progress, Some(100));
    assert_eq!(
        t.grid_url.as_deref(),
        Some("https://cdn.midjourney.com/abc123/grid_0.png")
    );
    assert_eq!(
        t.image_urls,
        [
            "https://cdn.midjourney.com/abc123/0_0.png",
            "https://cdn.midjourney.com/abc123/0_1.png",
            "https://cdn.midjourney.com/abc123/0_2.png",
            "https://cdn.midjourney.com/abc123/0_3.png"
        ]
    );
    assert_eq!(t.image_url, None);
    assert_eq!(
        labels(&t),
        ["U1", "U2", "U3", "U4", "V1", "V2", "V3", "V4", "Reroll", "Seed"]
    );
    let ids: Vec<&str> = t.actions.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "upscale:1",
            "upscale:2",
            "upscale:3",
            "upscale:4",
            "variation:1",
            "variation:2",
            "variation:3",
            "variation:4",
            "reroll",
            "seed"
        ]
    );
}

#[test]
fn journey_finished_flux_pro_example() {
    let t = journey::parse_task(&fixture("journey_fetch_finished_flux_pro.json"), None)
        .expect("parses");
    assert_eq!(t.id, "661f9511-f30c-52e5-b827-557766551111");
    assert_eq!(t.model.as_deref(), Some("flux-pro"));
    assert_eq!(t.status, TaskStatus::Succeeded);
    assert_eq!(t.progress, Some(100));
    assert_eq!(
        t.image_url.as_deref(),
        Some("https://images.journeyapi.com/flux/abc123.png")
    );
    assert!(t.grid_url.is_none() && t.image_urls.is_empty());
    assert!(t.actions.is_empty(), "no Midjourney buttons on flux-pro");
}

#[test]
fn journey_failed_example() {
    let t = journey::parse_task(&fixture("journey_fetch_failed.json"), None).expect("parses");
    assert_eq!(t.status, TaskStatus::Failed);
    assert_eq!(t.raw_status, "failed");
    assert_eq!(t.progress, None, "no percentage on the failed example");
    assert_eq!(t.error.as_deref(), Some("Content policy violation"));
    assert!(t.grid_url.is_none() && t.image_urls.is_empty() && t.image_url.is_none());
    assert!(t.actions.is_empty());
}

// The creation modes' results. The providers' docs show no example bodies for them; these
// fixtures follow the field table of provider-contracts.md section 2 (`content`,
// `full_content`, `video_urls`, `seed`), with text as Midjourney writes it.

#[test]
fn journey_describe_shape() {
    let t = journey::parse_task(&fixture("journey_fetch_finished_describe.json"), None)
        .expect("parses");
    assert_eq!(t.kind, TaskKind::Describe);
    assert_eq!(t.status, TaskStatus::Succeeded);
    assert_eq!(t.text_results.len(), 4);
    assert!(t.text_results[0].starts_with("1️⃣ a lighthouse"));
    assert_eq!(t.full_content, None);
    assert!(t.actions.is_empty(), "text offers no buttons");
}

#[test]
fn journey_shorten_shape() {
    let t =
        journey::parse_task(&fixture("journey_fetch_finished_shorten.json"), None).expect("parses");
    assert_eq!(t.kind, TaskKind::Shorten);
    assert_eq!(
        t.text_results,
        [
            "lighthouse, cliff, dusk",
            "lighthouse on a cliff at dusk, oil",
            "lighthouse, dusk, oil painting, dramatic"
        ]
    );
    assert!(t
        .full_content
        .as_deref()
        .is_some_and(|a| a.starts_with("IMPORTANT TOKENS")));
    assert!(t.actions.is_empty());
}

#[test]
fn journey_video_shape() {
    let t =
        journey::parse_task(&fixture("journey_fetch_finished_video.json"), None).expect("parses");
    assert_eq!(t.kind, TaskKind::Video);
    assert_eq!(t.video_urls.len(), 4);
    assert_eq!(
        t.video_urls[3],
        "https://cdn.midjourney.com/video/abc/3.mp4"
    );
    assert_eq!(t.image_url, None);
    assert_eq!(labels(&t), ["Seed"], "a video's seed can be asked for");
}

#[test]
fn journey_seed_shape() {
    let t =
        journey::parse_task(&fixture("journey_fetch_finished_seed.json"), None).expect("parses");
    assert_eq!(t.kind, TaskKind::Seed);
    assert_eq!(t.text_results, ["2706593214"]);
    assert!(t.actions.is_empty());
}
