//! Text results: describe's four prompts and shorten's variants and analysis, all
//! deterministic (from a seed, or from the prompt's own words).

use crate::util::{derive, hash_parts, Rng};

const SUBJECTS: [&str; 10] = [
    "a quiet valley at dusk",
    "rolling hills under a glowing sun",
    "floating orbs over a pastel landscape",
    "a minimalist poster of layered mountains",
    "soft gradients and circles, retro travel art",
    "a dreamy horizon with colourful spheres",
    "a lone tree on a hill against a huge setting sun",
    "bubbles drifting above misty meadows",
    "a serene desert at golden hour with round moons",
    "paper-cut landscape with overlapping hills",
];

const STYLES: [&str; 8] = [
    "flat illustration",
    "gouache painting",
    "vintage travel poster",
    "soft risograph print",
    "digital matte painting",
    "paper cut-out art",
    "watercolor wash",
    "vector art, clean shapes",
];

const MOODS: [&str; 6] = [
    "warm palette",
    "muted pastel colors",
    "vibrant sunset hues",
    "calm and dreamy atmosphere",
    "high contrast, bold colors",
    "gentle light, soft shadows",
];

const RATIOS: [&str; 4] = ["1:1", "3:2", "2:3", "16:9"];

/// Four distinct Midjourney-like prompts describing an image, chosen by `seed`.
pub fn describe(seed: u64) -> Vec<String> {
    let mut r = Rng::new(derive(seed, 77));
    let ratio = RATIOS[(derive(seed, 5) % RATIOS.len() as u64) as usize];
    let mut used = Vec::new();
    (0..4)
        .map(|_| {
            let mut pick = r.int(0, SUBJECTS.len() as u32 - 1) as usize;
            while used.contains(&pick) {
                pick = (pick + 1) % SUBJECTS.len();
            }
            used.push(pick);
            let style = STYLES[r.int(0, STYLES.len() as u32 - 1) as usize];
            let mood = MOODS[r.int(0, MOODS.len() as u32 - 1) as usize];
            format!("{}, {style}, {mood} --ar {ratio}", SUBJECTS[pick])
        })
        .collect()
}

const STOP_WORDS: [&str; 24] = [
    "a", "an", "the", "of", "and", "or", "in", "on", "at", "with", "to", "for", "by", "from", "is",
    "are", "very", "some", "into", "over", "under", "its", "this", "that",
];

/// The `--flag value` parts of a prompt (kept by every variant) and the rest.
fn split_flags(prompt: &str) -> (Vec<&str>, String) {
    let words: Vec<&str> = prompt.split_whitespace().collect();
    match words.iter().position(|w| w.starts_with("--")) {
        Some(i) => (words[..i].to_vec(), words[i..].join(" ")),
        None => (words, String::new()),
    }
}

/// One word and how much it matters (0..=1).
struct Token<'a> {
    word: &'a str,
    weight: f32,
}

fn weigh<'a>(words: &[&'a str]) -> Vec<Token<'a>> {
    let n = words.len().max(1) as f32;
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let bare = w
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            let weight = if bare.is_empty() || STOP_WORDS.contains(&bare.as_str()) {
                0.02
            } else {
                // Earlier words matter more; the hash of the word adds its own weight.
                let noise = (hash_parts(&[&bare]) % 1000) as f32 / 1000.0;
                (0.35 + 0.4 * (1.0 - i as f32 / n) + 0.25 * noise).min(1.0)
            };
            Token { word: w, weight }
        })
        .collect()
}

/// Shortens `prompt` (markers already stripped): up to five variants keeping ever fewer of
/// its most important words in their order (its `--` parameters kept on each), and an
/// analysis listing every word's weight. A prompt too short to shorten gives itself.
pub fn shorten(prompt: &str) -> (Vec<String>, String) {
    let (words, params) = split_flags(prompt);
    let tokens = weigh(&words);
    let mut ranked: Vec<usize> = (0..tokens.len()).collect();
    ranked.sort_by(|a, b| tokens[*b].weight.total_cmp(&tokens[*a].weight));
    let meaningful = tokens.iter().filter(|t| t.weight > 0.05).count().max(1);
    let mut variants: Vec<String> = Vec::new();
    for keep in [1.0, 0.8, 0.6, 0.45, 0.3] {
        let k = ((meaningful as f32 * keep).ceil() as usize).clamp(1, tokens.len().max(1));
        let mut chosen: Vec<usize> = ranked.iter().take(k).copied().collect();
        chosen.sort_unstable();
        let text: Vec<&str> = chosen
            .iter()
            .map(|&i| tokens[i].word.trim_end_matches(','))
            .collect();
        let mut line = text.join(" ");
        if line.is_empty() {
            line = words.join(" ");
        }
        if !params.is_empty() {
            line = format!("{line} {params}").trim().to_string();
        }
        if !line.is_empty() && !variants.contains(&line) {
            variants.push(line);
        }
    }
    if variants.is_empty() {
        variants.push(prompt.trim().to_string());
    }
    let mut full = String::from("IMPORTANT TOKENS\n");
    for i in &ranked {
        let t = &tokens[*i];
        full.push_str(&format!(
            "{} {:.2}\n",
            t.word.trim_end_matches(','),
            t.weight
        ));
    }
    full.push_str("\nSHORTENED PROMPTS\n");
    for (i, v) in variants.iter().enumerate() {
        full.push_str(&format!("{}. {v}\n", i + 1));
    }
    (variants, full.trim_end().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_gives_four_distinct_deterministic_prompts() {
        let a = describe(42);
        assert_eq!(a.len(), 4);
        assert_eq!(a, describe(42));
        assert_ne!(a, describe(43));
        for (i, line) in a.iter().enumerate() {
            assert!(line.contains("--ar "), "{line}");
            assert!(!a[..i].contains(line), "distinct: {a:?}");
        }
    }

    #[test]
    fn shorten_keeps_the_important_words_in_order_and_the_parameters() {
        let (variants, full) = shorten(
            "a majestic red fox sitting in the snowy forest at dawn, cinematic light --ar 16:9",
        );
        assert!((2..=5).contains(&variants.len()), "{variants:?}");
        for v in &variants {
            assert!(v.ends_with("--ar 16:9"), "{v}");
        }
        let shortest = variants.last().expect("one");
        assert!(shortest.len() < variants[0].len(), "{variants:?}");
        assert!(
            !shortest.starts_with("a "),
            "stop words go first: {shortest}"
        );
        assert!(full.starts_with("IMPORTANT TOKENS"), "{full}");
        assert!(full.contains("SHORTENED PROMPTS"));
        assert!(full.contains("fox"));
        assert_eq!(
            shorten("a red fox --ar 16:9"),
            shorten("a red fox --ar 16:9")
        );
    }

    #[test]
    fn tiny_prompts_shorten_to_themselves() {
        let (v, _) = shorten("fox");
        assert_eq!(v, vec!["fox".to_string()]);
        let (v, _) = shorten("the");
        assert_eq!(v, vec!["the".to_string()]);
    }
}
