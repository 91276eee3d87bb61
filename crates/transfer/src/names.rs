//! Readable file names for exported images: `<date>_<prompt words>_<task id>_<n>.<ext>`.

use chrono::{DateTime, Utc};
use std::collections::HashSet;

/// How many prompt words a name keeps.
const NAME_WORDS: usize = 6;
/// The most characters the prompt part of a name takes.
const NAME_PROMPT_CHARS: usize = 48;

/// The image's number in its task: 0 for the grid, 1-4 for the singles, 1 for a result.
pub fn slot_number(slot: &str) -> u8 {
    match slot {
        "grid" => 0,
        s => s
            .strip_prefix("single-")
            .and_then(|n| n.parse().ok())
            .unwrap_or(1),
    }
}

/// The first words of a prompt (before its `--` parameters), lower case, ASCII letters and
/// digits joined by `-`; "untitled" when nothing is left.
pub fn prompt_words(prompt: Option<&str>) -> String {
    let text = prompt.unwrap_or("");
    let text = text.split(" --").next().unwrap_or("");
    let mut out = String::new();
    for word in text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(NAME_WORDS)
    {
        let word = word.to_ascii_lowercase();
        if !out.is_empty() && out.len() + 1 + word.len() > NAME_PROMPT_CHARS {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word[..word.len().min(NAME_PROMPT_CHARS)]);
    }
    if out.is_empty() {
        "untitled".into()
    } else {
        out
    }
}

/// Hands out file names, never the same one twice (case-insensitive, as on macOS and
/// Windows): a repeat gets `-2`, `-3`... before its extension.
#[derive(Default)]
pub struct NameBook {
    taken: HashSet<String>,
}

impl NameBook {
    /// The name of an image: `<YYYY-MM-DD>_<prompt words>_<task id>_<n>.<ext>`.
    pub fn image_name(
        &mut self,
        created_at: DateTime<Utc>,
        prompt: Option<&str>,
        task_id: &str,
        slot: &str,
        ext: &str,
    ) -> String {
        let id: String = task_id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .take(64)
            .collect();
        let stem = format!(
            "{}_{}_{}_{}",
            created_at.format("%Y-%m-%d"),
            prompt_words(prompt),
            id,
            slot_number(slot)
        );
        self.claim(&stem, ext)
    }

    /// [`NameBook::image_name`] of a gallery item, with its extension as given.
    pub fn item_name(&mut self, item: &atelier_library::GalleryItem, ext: &str) -> String {
        self.image_name(
            item.created_at,
            item.prompt.as_deref(),
            &item.task_id,
            &item.slot,
            ext,
        )
    }

    /// `stem.ext`, or `stem-N.ext` for the first N that is free.
    pub fn claim(&mut self, stem: &str, ext: &str) -> String {
        let mut n = 1;
        loop {
            let name = match n {
                1 => format!("{stem}.{ext}"),
                n => format!("{stem}-{n}.{ext}"),
            };
            if self.taken.insert(name.to_lowercase()) {
                return name;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn names_read_as_date_prompt_task_and_number() {
        let at = Utc.with_ymd_and_hms(2026, 12, 3, 18, 0, 0).unwrap();
        let mut book = NameBook::default();
        let name = book.image_name(
            at,
            Some("A red Fox, in the snow!! at dawn, soft light --ar 16:9 --v 7"),
            "abc-123",
            "single-3",
            "png",
        );
        assert_eq!(name, "2026-12-03_a-red-fox-in-the-snow_abc-123_3.png");
        assert_eq!(
            book.image_name(at, None, "../x", "grid", "png"),
            "2026-12-03_untitled_x_0.png"
        );
        assert_eq!(
            book.image_name(at, None, "../x", "grid", "png"),
            "2026-12-03_untitled_x_0-2.png",
            "a repeat gets a number"
        );
        assert_eq!(
            book.image_name(at, Some("猫 --v 7"), "t", "result", "webp"),
            "2026-12-03_untitled_t_1.webp"
        );
    }

    #[test]
    fn long_prompts_are_cut_at_a_word() {
        let words = prompt_words(Some(
            "supercalifragilisticexpialidocious extraordinarily incomprehensibilities",
        ));
        assert!(words.len() <= NAME_PROMPT_CHARS, "{words}");
        assert_eq!(words, "supercalifragilisticexpialidocious");
    }
}
