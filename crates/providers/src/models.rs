//! The models each provider runs, in one place: [`available_models`] for the app's model
//! picker, [`model_info`] and [`model_group`] for the checks before a request.
//!
//! The list is JourneyAPI's documented one (provider-contracts.md section 2). A model name
//! the app does not know is passed through to the service, which decides.

use crate::model::{ModelGroup, ModelInfo, ProviderKind};

/// The default model, and LinkrAPI's only one.
pub const MIDJOURNEY: &str = "midjourney";

/// Every model JourneyAPI documents for `/imagine`, Midjourney first.
pub const JOURNEY_MODEL_IDS: [&str; 30] = [
    MIDJOURNEY,
    "flux-pro",
    "flux-dev",
    "flux-schnell",
    "flux-2-dev",
    "flux-2-flex",
    "flux-2-max",
    "flux-kontext-pro",
    "flux-kontext-max",
    "nano-banana",
    "nano-banana-2",
    "nano-banana-hd",
    "seedream-3",
    "seedream-4",
    "seedream-4.5",
    "seedream-5-lite",
    "seededit",
    "gpt-image-1",
    "gpt-image-1.5",
    "gpt-4o-image",
    "grok-image",
    "grok-image-2",
    "z-image",
    "qwen-image",
    "qwen-image-edit",
    "ideogram-v3",
    "ideogram-v3-edit",
    "ideogram-v3-remix",
    "ideogram-v3-reframe",
    "recraft",
];

/// LinkrAPI runs Midjourney only, through the user's own subscription.
pub const LINKR_MODEL_IDS: [&str; 1] = [MIDJOURNEY];

/// What a model makes, from its name: Midjourney's grid, an edit of a reference image
/// (`*-edit`, `seededit`, `flux-kontext-*`, `ideogram-v3-remix`, `ideogram-v3-reframe`), or a
/// single image. Works for names the app does not know too.
pub fn model_group(id: &str) -> ModelGroup {
    let id = id.trim().to_ascii_lowercase();
    if id == MIDJOURNEY {
        ModelGroup::MidjourneyGrid
    } else if id.ends_with("-edit")
        || id == "seededit"
        || id.starts_with("flux-kontext-")
        || id == "ideogram-v3-remix"
        || id == "ideogram-v3-reframe"
    {
        ModelGroup::Edit
    } else {
        ModelGroup::SingleImage
    }
}

/// A model's name as people read it, from the name sent: words split at `-` and `_`, each
/// capitalised, with the makers' own spellings for acronyms and versions ("gpt-image-1" ->
/// "GPT Image 1", "ideogram-v3-edit" -> "Ideogram V3 Edit", "nano-banana-hd" -> "Nano Banana
/// HD"). Works for names the app does not know too; an empty name stays empty.
pub fn model_name(id: &str) -> String {
    id.split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|word| match word.to_ascii_lowercase().as_str() {
            "gpt" | "hd" => word.to_ascii_uppercase(),
            "4o" => "4o".to_string(),
            _ => {
                let mut chars = word.chars();
                match chars.next() {
                    Some(first) => first.to_uppercase().chain(chars).collect(),
                    None => String::new(),
                }
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn info(id: &str) -> ModelInfo {
    let group = model_group(id);
    ModelInfo {
        id: id.to_string(),
        name: model_name(id),
        group,
        needs_image: group == ModelGroup::Edit,
        synchronous: group != ModelGroup::MidjourneyGrid,
    }
}

/// The models `provider` runs, the default (Midjourney) first. LinkrAPI: Midjourney only.
pub fn available_models(provider: ProviderKind) -> Vec<ModelInfo> {
    let ids: &[&str] = match provider {
        ProviderKind::Linkr => &LINKR_MODEL_IDS,
        ProviderKind::Journey => &JOURNEY_MODEL_IDS,
    };
    ids.iter().map(|id| info(id)).collect()
}

/// The entry for `id` if `provider` lists it; for a JourneyAPI name the app does not know,
/// what its name says (see [`model_group`]); `None` for anything LinkrAPI does not run.
pub fn model_info(provider: ProviderKind, id: &str) -> Option<ModelInfo> {
    let id = id.trim();
    match provider {
        ProviderKind::Linkr => LINKR_MODEL_IDS.contains(&id).then(|| info(id)),
        ProviderKind::Journey if id.is_empty() => None,
        ProviderKind::Journey => Some(info(id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_names_read_as_the_makers_write_them() {
        assert_eq!(model_name("midjourney"), "Midjourney");
        assert_eq!(model_name("flux-pro"), "Flux Pro");
        assert_eq!(model_name("gpt-image-1.5"), "GPT Image 1.5");
        assert_eq!(model_name("gpt-4o-image"), "GPT 4o Image");
        assert_eq!(model_name("nano-banana-hd"), "Nano Banana HD");
        assert_eq!(model_name("ideogram-v3-edit"), "Ideogram V3 Edit");
        assert_eq!(model_name("my_new  model"), "My New Model");
        assert_eq!(model_name(""), "");
        for m in available_models(ProviderKind::Journey) {
            assert!(!m.name.trim().is_empty(), "{} has a name", m.id);
        }
    }

    #[test]
    fn journey_lists_every_documented_model_once() {
        let models = available_models(ProviderKind::Journey);
        assert_eq!(models.len(), 30);
        assert_eq!(models[0].id, "midjourney");
        assert_eq!(models[0].group, ModelGroup::MidjourneyGrid);
        assert!(!models[0].synchronous && !models[0].needs_image);
        let mut ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 30);
        let edits: Vec<&str> = models
            .iter()
            .filter(|m| m.group == ModelGroup::Edit)
            .map(|m| m.id.as_str())
            .collect();
        assert_eq!(
            edits,
            [
                "flux-kontext-pro",
                "flux-kontext-max",
                "seededit",
                "qwen-image-edit",
                "ideogram-v3-edit",
                "ideogram-v3-remix",
                "ideogram-v3-reframe"
            ]
        );
        for m in &models[1..] {
            assert!(m.synchronous, "{}", m.id);
            assert_eq!(m.needs_image, m.group == ModelGroup::Edit, "{}", m.id);
        }
        let flux = models
            .iter()
            .find(|m| m.id == "flux-pro")
            .expect("flux-pro");
        assert_eq!(flux.group, ModelGroup::SingleImage);
    }

    #[test]
    fn linkr_runs_midjourney_only() {
        let models = available_models(ProviderKind::Linkr);
        assert_eq!(models.len(), 1);
        assert_eq!(models[0].id, "midjourney");
        assert!(model_info(ProviderKind::Linkr, "flux-pro").is_none());
        assert!(model_info(ProviderKind::Linkr, " midjourney ").is_some());
    }

    #[test]
    fn unknown_names_are_read_from_their_shape() {
        let j = ProviderKind::Journey;
        assert_eq!(
            model_info(j, "brand-new-model").map(|m| m.group),
            Some(ModelGroup::SingleImage)
        );
        assert_eq!(
            model_info(j, "flux-kontext-ultra").map(|m| m.needs_image),
            Some(true)
        );
        assert_eq!(model_group("some-image-edit"), ModelGroup::Edit);
        assert_eq!(model_group("MidJourney"), ModelGroup::MidjourneyGrid);
        assert!(model_info(j, "  ").is_none());
    }

    #[test]
    fn model_info_serializes_camel_case() {
        let v = serde_json::to_value(model_info(ProviderKind::Journey, "seededit"))
            .expect("serializes");
        assert_eq!(
            v,
            serde_json::json!({"id": "seededit", "name": "Seededit", "group": "edit", "needsImage": true, "synchronous": true})
        );
        let v = serde_json::to_value(ModelGroup::MidjourneyGrid).expect("serializes");
        assert_eq!(v, "midjourneyGrid");
    }
}
