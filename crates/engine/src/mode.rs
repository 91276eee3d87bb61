//! [`MidjourneyMode`]: the speed a Midjourney job runs at, which sets how long it may take.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The speed mode a Midjourney job runs in. serde: `"turbo" | "fast" | "relax"`.
///
/// The mode belongs to the account (LinkrAPI's "Hold", JourneyAPI's plan) unless the prompt
/// names one with `--turbo`, `--fast` or `--relax`. It decides how long a job may take:
/// LinkrAPI documents its own limits before it reports `timeout` as turbo 600 s, fast 900 s
/// and relax 3600 s (provider-contracts.md, section 1). JourneyAPI documents none, but the
/// same Midjourney modes apply to it, so the engine uses the same limits for both
/// (`ModeLimits` in the engine config).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, Default, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum MidjourneyMode {
    /// Turbo mode: LinkrAPI times a job out after 600 s.
    Turbo,
    /// Fast mode (Midjourney's default): LinkrAPI times a job out after 900 s.
    #[default]
    Fast,
    /// Relax mode: LinkrAPI times a job out after 3600 s.
    Relax,
}

impl MidjourneyMode {
    /// The mode a prompt asks for with `--relax`, `--fast` or `--turbo`, or None when it names
    /// none. Flags are whole words separated by white space, matched without regard to case
    /// (`--fastest` is not `--fast`); the last one wins, as in Midjourney. The long dash
    /// phones type for `--` (`—fast`) counts too, since Midjourney accepts it.
    pub fn from_prompt(prompt: &str) -> Option<MidjourneyMode> {
        prompt.split_whitespace().rev().find_map(Self::from_flag)
    }

    /// The mode one white-space-free word names, if it is one of the three flags.
    fn from_flag(word: &str) -> Option<MidjourneyMode> {
        let name = word
            .strip_prefix("--")
            .or_else(|| word.strip_prefix('\u{2014}'))?;
        if name.eq_ignore_ascii_case("turbo") {
            Some(MidjourneyMode::Turbo)
        } else if name.eq_ignore_ascii_case("fast") {
            Some(MidjourneyMode::Fast)
        } else if name.eq_ignore_ascii_case("relax") {
            Some(MidjourneyMode::Relax)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_whole_words_and_the_last_one_wins() {
        use MidjourneyMode::*;
        assert_eq!(MidjourneyMode::from_prompt("a cat"), None);
        assert_eq!(MidjourneyMode::from_prompt(""), None);
        assert_eq!(MidjourneyMode::from_prompt("a cat --relax"), Some(Relax));
        assert_eq!(
            MidjourneyMode::from_prompt("--turbo a cat --ar 16:9"),
            Some(Turbo)
        );
        assert_eq!(
            MidjourneyMode::from_prompt("a cat --relax --v 7 --fast"),
            Some(Fast)
        );
        assert_eq!(
            MidjourneyMode::from_prompt("a cat --fast\n--RELAX"),
            Some(Relax)
        );
        assert_eq!(MidjourneyMode::from_prompt("a cat --Turbo"), Some(Turbo));
        assert_eq!(
            MidjourneyMode::from_prompt("a cat \u{2014}relax"),
            Some(Relax)
        );
        for not_a_flag in [
            "a cat --fastest",
            "a cat --relaxed",
            "a cat -fast",
            "a cat fast",
            "a cat --fast:2",
            "a cat x--turbo",
            "https://x.test/--relax.png a cat",
            "a cat --",
        ] {
            assert_eq!(
                MidjourneyMode::from_prompt(not_a_flag),
                None,
                "{not_a_flag}"
            );
        }
    }

    #[test]
    fn serde_is_lowercase_and_fast_is_the_default() {
        assert_eq!(MidjourneyMode::default(), MidjourneyMode::Fast);
        let json = serde_json::to_string(&MidjourneyMode::Relax).expect("serialize");
        assert_eq!(json, "\"relax\"");
        let back: MidjourneyMode = serde_json::from_str("\"turbo\"").expect("deserialize");
        assert_eq!(back, MidjourneyMode::Turbo);
        assert!(serde_json::from_str::<MidjourneyMode>("\"Turbo\"").is_err());
    }
}
