//! What the gallery asks for ([`GalleryQuery`]) and what it gets back ([`GalleryItem`],
//! [`GalleryPage`]), plus the pieces that turn a query into safe SQL: the FTS5 match string
//! built from user text and the keyset cursor.

use atelier_providers::ProviderKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How many items a page holds unless the query says otherwise.
pub const DEFAULT_PAGE_SIZE: u32 = 200;
/// The largest page a query may ask for.
pub const MAX_PAGE_SIZE: u32 = 1000;
/// At most this many words and parameters of the search text are used.
const MAX_SEARCH_WORDS: usize = 16;
/// Longer words are cut to this many characters.
const MAX_WORD_CHARS: usize = 64;
/// A parameter's token (its name and value run together) is cut to this many characters.
const MAX_PARAM_CHARS: usize = 64;

/// What an image is in the gallery: the filter the toolbar offers.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum ImageKind {
    /// A 2x2 grid.
    Grid,
    /// One image of a grid (or the single result of a non-upscale task, e.g. a Flux image).
    Single,
    /// The result of an upscale (U1..U4, subtle/creative, 2x/4x).
    Upscale,
    /// A video (JourneyAPI's `/imagine-video`); its file is a video, its thumbnail (when
    /// there is one) the first frame.
    Video,
}

impl ImageKind {
    /// The word stored in the database: "grid", "single" or "upscale".
    pub fn as_str(self) -> &'static str {
        match self {
            ImageKind::Grid => "grid",
            ImageKind::Single => "single",
            ImageKind::Upscale => "upscale",
            ImageKind::Video => "video",
        }
    }

    /// Reads [`ImageKind::as_str`] back.
    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "grid" => Some(ImageKind::Grid),
            "single" => Some(ImageKind::Single),
            "upscale" => Some(ImageKind::Upscale),
            "video" => Some(ImageKind::Video),
            _ => None,
        }
    }
}

/// Which way the gallery is sorted.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, Default, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum SortOrder {
    /// Newest first (the default).
    #[default]
    NewestFirst,
    /// Oldest first.
    OldestFirst,
    /// By prompt, A to Z (case ignored; the first 48 characters), then by image.
    ByPrompt,
}

/// One gallery request: search text, filters, and where the page starts.
///
/// Every field is optional on the wire (`{}` is the first page of everything, newest first).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct GalleryQuery {
    /// Words to find in prompts, as typed. Every word must match; the last word also matches
    /// as a prefix while it is being typed (no trailing space). Any characters are safe: only
    /// letters and digits are searched for.
    #[ts(optional)]
    pub text: Option<String>,
    /// Only images from this provider.
    #[ts(optional)]
    pub provider: Option<ProviderKind>,
    /// Only grids, singles or upscales.
    #[ts(optional)]
    pub kind: Option<ImageKind>,
    /// Only favorites.
    #[ts(as = "Option<bool>", optional)]
    pub favorites_only: bool,
    /// Only images made with this model (as the task reported it, e.g. "midjourney").
    #[ts(optional)]
    pub model: Option<String>,
    /// Only images of this aspect ratio ("16:9"; see [`crate::Library::gallery_facets`]).
    #[ts(optional)]
    pub aspect: Option<String>,
    /// Only images whose task has children (a button was pressed on it).
    #[ts(as = "Option<bool>", optional)]
    pub has_children: bool,
    /// Only images in this collection (see `Library::collections`).
    #[ts(optional, type = "number")]
    pub collection: Option<i64>,
    /// Only images made at or after this time.
    #[ts(optional)]
    pub from: Option<DateTime<Utc>>,
    /// Only images made before this time.
    #[ts(optional)]
    pub to: Option<DateTime<Utc>>,
    /// Newest first (default) or oldest first.
    #[ts(as = "Option<SortOrder>", optional)]
    pub order: SortOrder,
    /// Where the page starts: the `nextCursor` of the previous page; none for the first page.
    #[ts(optional)]
    pub cursor: Option<String>,
    /// Items per page (default 200, at most 1000).
    #[ts(optional)]
    pub limit: Option<u32>,
}

/// One image in the gallery, with what its card and the lightbox show.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct GalleryItem {
    /// The image's id in the library.
    #[ts(type = "number")]
    pub image_id: i64,
    /// The task it belongs to.
    pub task_id: String,
    /// The task it was made from, when known (lineage).
    pub parent_id: Option<String>,
    /// Where it was made.
    pub provider: ProviderKind,
    /// Grid, single or upscale.
    pub kind: ImageKind,
    /// Which image of the task: "grid", "single-1".."single-4" or "result".
    pub slot: String,
    /// What made the task, in words: "Imagine", "Upscale 2", "Pan left" ...
    pub kind_label: String,
    /// The prompt, when known.
    pub prompt: Option<String>,
    /// The model, when known.
    pub model: Option<String>,
    /// When the task was made.
    pub created_at: DateTime<Utc>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Size of the original file in bytes.
    #[ts(type = "number")]
    pub bytes: i64,
    /// Marked as a favorite.
    pub favorite: bool,
    /// The original file (absolute path).
    pub path: String,
    /// The thumbnail (absolute path), once made.
    pub thumb_path: Option<String>,
    /// Made in demo mode (by the built-in simulator).
    pub demo: bool,
}

impl GalleryItem {
    /// A cursor that starts a page right after this item in newest-first order (or right
    /// before it oldest-first): jump to a place in the gallery without paging there.
    pub fn cursor(&self) -> String {
        Cursor {
            created_at: self.created_at.timestamp_millis(),
            id: self.image_id,
            key: None,
        }
        .encode()
    }
}

/// One page of the gallery.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct GalleryPage {
    /// The items, in the query's order.
    pub items: Vec<GalleryItem>,
    /// Pass this as `cursor` to get the next page; none when this is the last page.
    pub next_cursor: Option<String>,
}

/// A position in the gallery order: the last item's (created_at, image id), and in the
/// by-prompt order its prompt key too, so the next page starts in the right place even when
/// that image was deleted meanwhile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cursor {
    pub created_at: i64,
    pub id: i64,
    /// The image's prompt key (by-prompt order); `None` in time order, or in a cursor made
    /// from an item ([`GalleryItem::cursor`]), whose key is then read from the image.
    pub key: Option<String>,
}

impl Cursor {
    /// The opaque text handed to the UI: `created_at:id`, then `:key` when there is one.
    pub(crate) fn encode(&self) -> String {
        match &self.key {
            Some(key) => format!("{}:{}:{key}", self.created_at, self.id),
            None => format!("{}:{}", self.created_at, self.id),
        }
    }

    /// Reads [`Cursor::encode`] back; `None` when the text was not made by it.
    pub(crate) fn decode(text: &str) -> Option<Cursor> {
        let mut parts = text.trim_start().splitn(3, ':');
        let created_at = parts.next()?.trim().parse().ok()?;
        let id = parts.next()?.trim().parse().ok()?;
        Some(Cursor {
            created_at,
            id,
            key: parts.next().map(str::to_string),
        })
    }
}

/// The page size a query asks for, within bounds.
pub(crate) fn page_size(q: &GalleryQuery) -> u32 {
    q.limit.unwrap_or(DEFAULT_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE)
}

/// The words (runs of letters/digits) of `text`, each cut to [`MAX_WORD_CHARS`].
fn words_of(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().take(MAX_WORD_CHARS).collect())
}

/// The words of `item` run together into one index token, joined by `x` (`16:9` is `16x9`,
/// `6.1` is `6x1`); empty when it has no words.
fn compact(item: &str) -> String {
    words_of(item).collect::<Vec<_>>().join("x")
}

/// One item of prompt or search text, read as Midjourney reads a prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    /// A word outside any parameter.
    Word(String),
    /// A parameter `--name [value]`: the name's token (`v`, `sref`) and, when a value
    /// follows, the token of both run together (`v7`, `ar16x9`, `seed123`), each cut to
    /// [`MAX_PARAM_CHARS`]. See [`prompt_params`].
    Param {
        /// The name alone.
        name: String,
        /// The name and its value.
        with_value: Option<String>,
    },
}

/// The terms of `text`: a whitespace-separated item starting with `--` is a parameter name,
/// and the item after it (unless it is another `--name`) is its one value; every other
/// item gives its words. The prompt's index ([`prompt_params`]) and the search
/// ([`fts_match`]) both read text this way, so a typed parameter finds the same token.
fn terms(text: &str) -> Vec<Term> {
    let cut = |s: String| s.chars().take(MAX_PARAM_CHARS).collect::<String>();
    let mut out = Vec::new();
    let mut items = text.split_whitespace().peekable();
    while let Some(item) = items.next() {
        let name = compact(item);
        if item.starts_with("--") && !name.is_empty() {
            let value = items
                .next_if(|t| !t.starts_with("--"))
                .map(compact)
                .filter(|v| !v.is_empty());
            out.push(Term::Param {
                with_value: value.map(|v| cut(format!("{name}{v}"))),
                name: cut(name),
            });
        } else {
            out.extend(words_of(item).map(Term::Word));
        }
    }
    out
}

/// What the prompt index keeps in its `params` column for `prompt`: one token per
/// Midjourney parameter, its name alone and its name run together with its value
/// (`a fox --ar 16:9 --sref` gives `ar ar16x9 sref`), so a parameter search looks up one
/// token instead of a phrase of very common ones ("v", "7"). Empty without parameters.
pub(crate) fn prompt_params(prompt: &str) -> String {
    let mut tokens: Vec<String> = Vec::new();
    for term in terms(prompt) {
        if let Term::Param { name, with_value } = term {
            for token in std::iter::once(name).chain(with_value) {
                if !tokens.contains(&token) {
                    tokens.push(token);
                }
            }
        }
    }
    tokens.join(" ")
}

/// Turns typed text into an FTS5 match expression that cannot be a syntax error: every word
/// (a run of letters/digits) becomes a quoted string, the words are ANDed, and the last one
/// gets a prefix `*` unless the text ends with a space or punctuation (the word is complete).
///
/// A Midjourney parameter (`--seed 123`, `--v 7`, `--sref`) is one token of the index's
/// `params` column (see [`prompt_params`]): `--v 7` finds "--v 7" and not a prompt that
/// merely has a "v" and a "7" somewhere. While it is the last thing typed (no trailing
/// space) it is a prefix, so `--seed 12` finds `--seed 123` and `--ar 16:` finds
/// `--ar 16:9`. Returns `None` when the text has no words (then there is no text filter).
pub(crate) fn fts_match(text: &str) -> Option<String> {
    let mut terms = terms(text);
    terms.truncate(MAX_SEARCH_WORDS);
    let last = terms.len().checked_sub(1)?;
    let word_typing = text.chars().last().is_some_and(char::is_alphanumeric);
    let param_typing = !text.ends_with(char::is_whitespace);
    let quoted = |token: &str, prefix: bool| {
        if prefix {
            format!("\"{token}\"*")
        } else {
            format!("\"{token}\"")
        }
    };
    let parts: Vec<String> = terms
        .iter()
        .enumerate()
        .map(|(i, term)| match term {
            Term::Word(w) => quoted(w, i == last && word_typing),
            Term::Param { name, with_value } => format!(
                "{{params}} : {}",
                quoted(
                    with_value.as_deref().unwrap_or(name),
                    i == last && param_typing
                )
            ),
        })
        .collect();
    Some(parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_strings_quote_every_word_and_prefix_the_last() {
        assert_eq!(fts_match("red fox").as_deref(), Some("\"red\" \"fox\"*"));
        assert_eq!(fts_match("red fox ").as_deref(), Some("\"red\" \"fox\""));
        assert_eq!(
            fts_match("  \"\"\" ( ) * NEAR AND -- ").as_deref(),
            Some("\"NEAR\" \"AND\"")
        );
        assert_eq!(fts_match("\"unbalanced"), Some("\"unbalanced\"*".into()));
        assert_eq!(fts_match("16:9"), Some("\"16\" \"9\"*".into()));
        assert_eq!(fts_match("café"), Some("\"café\"*".into()));
        assert_eq!(fts_match("!!! ..."), None);
        // A parameter is one token of the `params` column: its name and its one value.
        assert_eq!(
            fts_match("fox --seed 123 --v 7").as_deref(),
            Some("\"fox\" {params} : \"seed123\" {params} : \"v7\"*")
        );
        assert_eq!(
            fts_match("--sref --ar 16:9 ").as_deref(),
            Some("{params} : \"sref\" {params} : \"ar16x9\"")
        );
        assert_eq!(fts_match("-- --").as_deref(), None);
        assert_eq!(fts_match(""), None);
    }

    #[test]
    fn a_parameter_being_typed_is_a_prefix() {
        assert_eq!(
            fts_match("--seed 12").as_deref(),
            Some("{params} : \"seed12\"*")
        );
        // Punctuation inside a value being typed does not finish it.
        assert_eq!(
            fts_match("--ar 16:").as_deref(),
            Some("{params} : \"ar16\"*")
        );
        assert_eq!(fts_match("--v 6.").as_deref(), Some("{params} : \"v6\"*"));
        assert_eq!(fts_match("--sr").as_deref(), Some("{params} : \"sr\"*"));
        assert_eq!(fts_match("--sref ").as_deref(), Some("{params} : \"sref\""));
        // Only the last term is a prefix; words after a parameter are words again.
        assert_eq!(
            fts_match("--v 7 fox").as_deref(),
            Some("{params} : \"v7\" \"fox\"*")
        );
        assert_eq!(
            fts_match("--chaos --v 7 ").as_deref(),
            Some("{params} : \"chaos\" {params} : \"v7\"")
        );
    }

    #[test]
    fn a_prompt_gives_one_token_per_parameter_and_its_name() {
        assert_eq!(
            prompt_params("a red fox, cinematic --ar 16:9 --v 6.1 --seed 123 --sref"),
            "ar ar16x9 v v6x1 seed seed123 sref"
        );
        assert_eq!(prompt_params("a red fox, 16:9, v 7"), "");
        assert_eq!(prompt_params(""), "");
        // A value is the one item after the name, unless it is another parameter.
        assert_eq!(
            prompt_params("cat --tile --no text, blur --v 7 --v 7 --V 7"),
            "tile no notext v v7 V V7"
        );
        assert_eq!(prompt_params("-- --- 7 --:: x"), "");
        let long = format!("--sref https://s.mj.run/{}", "a".repeat(200));
        let tokens = prompt_params(&long);
        assert!(
            tokens
                .split(' ')
                .all(|t| t.chars().count() <= MAX_PARAM_CHARS),
            "{tokens}"
        );
        // What a search looks up is what the prompt gave, however the text is spaced.
        let long_typed = format!("{long} ");
        for (typed, prompt) in [
            ("--ar 16:9 ", "x --ar 16:9"),
            ("--ar   16:9 ", "x --ar 16:9 --v 7"),
            ("--sref ", "x --sref https://s.mj.run/abc"),
            ("--niji 6 ", "x --niji 6"),
            (long_typed.as_str(), long.as_str()),
        ] {
            let m = fts_match(typed).expect("a match");
            let token = m.trim_start_matches("{params} : \"").trim_end_matches('"');
            assert!(
                prompt_params(prompt).split(' ').any(|t| t == token),
                "{typed:?} -> {m} in {prompt:?}"
            );
        }
    }

    #[test]
    fn cursors_round_trip_and_reject_junk() {
        let c = Cursor {
            created_at: 1_700_000_000_000,
            id: 42,
            key: None,
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        // A prompt key may hold anything, colons and spaces included.
        let keyed = Cursor {
            created_at: 5,
            id: 7,
            key: Some("a fox: 16:9 at dawn ".into()),
        };
        assert_eq!(Cursor::decode(&keyed.encode()), Some(keyed));
        assert_eq!(
            Cursor::decode("5:7:").and_then(|c| c.key),
            Some(String::new())
        );
        assert_eq!(Cursor::decode("abc"), None);
        assert_eq!(Cursor::decode("1:x"), None);
    }

    #[test]
    fn empty_json_is_the_default_query() {
        let q: GalleryQuery = serde_json::from_str("{}").expect("parse");
        assert_eq!(q, GalleryQuery::default());
        let q: GalleryQuery = serde_json::from_str(
            r#"{"text":"fox","provider":"linkr","kind":"upscale","favoritesOnly":true}"#,
        )
        .expect("parse");
        assert_eq!(q.kind, Some(ImageKind::Upscale));
        assert!(q.favorites_only);
        assert_eq!(
            page_size(&GalleryQuery {
                limit: Some(0),
                ..q.clone()
            }),
            1
        );
        assert_eq!(
            page_size(&GalleryQuery {
                limit: Some(99_999),
                ..q
            }),
            MAX_PAGE_SIZE
        );
    }
}
