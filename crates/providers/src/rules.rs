//! The rules the two providers set for every client, kept once: the aspect ratios they take
//! and the range of seconds between two polls of a task they ask for. (Each provider's name is
//! [`ProviderKind::display_name`](crate::ProviderKind::display_name), and a task kind's words
//! [`TaskKind::label`](crate::TaskKind::label).) The core, the engine and the UI read them from
//! here; the UI gets them with the app state as [`Rules`] (a generated type) and keeps no copy.
//! The simulator keeps its own on purpose, as an independent implementation of the contracts.

use serde::Serialize;
use ts_rs::TS;

/// The aspect ratios both providers understand.
pub const ASPECT_RATIOS: [&str; 7] = ["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3"];
/// The fewest seconds between two polls of one task that the providers ask for.
pub const MIN_POLL_SECS: u32 = 5;
/// The most seconds between two polls of one task that the providers ask for.
pub const MAX_POLL_SECS: u32 = 10;

/// What one Midjourney imagine costs on JourneyAPI, in its credits (its documented price).
pub const JOURNEY_IMAGINE_CREDITS: u32 = 4;

/// The credits one `/imagine` of `model` costs at `provider`, when its price is documented:
/// JourneyAPI's Midjourney costs [`JOURNEY_IMAGINE_CREDITS`]; its other models cost 1-8 each
/// ("varies"); LinkrAPI runs on the person's own Midjourney plan and charges no credits.
pub fn imagine_credits(provider: crate::ProviderKind, model: Option<&str>) -> Option<u32> {
    let model = model.map(str::trim).filter(|m| !m.is_empty());
    match provider {
        crate::ProviderKind::Journey
            if model.is_none_or(|m| m.eq_ignore_ascii_case(crate::models::MIDJOURNEY)) =>
        {
            Some(JOURNEY_IMAGINE_CREDITS)
        }
        _ => None,
    }
}

/// The rules as the UI receives them (in `AppState`), so that it offers exactly what the
/// providers take.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Rules {
    /// [`ASPECT_RATIOS`], in the order to offer them.
    pub aspect_ratios: Vec<String>,
    /// [`MIN_POLL_SECS`].
    pub min_poll_secs: u32,
    /// [`MAX_POLL_SECS`].
    pub max_poll_secs: u32,
}

impl Rules {
    /// The rules of this build.
    pub fn current() -> Rules {
        Rules {
            aspect_ratios: ASPECT_RATIOS.iter().map(|r| r.to_string()).collect(),
            min_poll_secs: MIN_POLL_SECS,
            max_poll_secs: MAX_POLL_SECS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ProviderKind;

    #[test]
    fn only_documented_prices_are_given() {
        assert_eq!(imagine_credits(ProviderKind::Journey, None), Some(4));
        assert_eq!(
            imagine_credits(ProviderKind::Journey, Some(" Midjourney ")),
            Some(4)
        );
        assert_eq!(
            imagine_credits(ProviderKind::Journey, Some("flux-pro")),
            None
        );
        assert_eq!(imagine_credits(ProviderKind::Linkr, None), None);
    }

    #[test]
    fn the_rules_the_ui_gets_are_the_constants() {
        let rules = Rules::current();
        assert_eq!(rules.aspect_ratios, ASPECT_RATIOS);
        assert!(rules.min_poll_secs >= 5 && rules.min_poll_secs <= rules.max_poll_secs);
        assert_eq!(rules.max_poll_secs, 10);
        let json = serde_json::to_value(&rules).expect("serializes");
        assert_eq!(json["minPollSecs"], 5);
        assert_eq!(json["aspectRatios"][1], "16:9");
    }
}
