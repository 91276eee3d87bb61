//! Permutation prompts, Midjourney's own syntax: `a {red, blue} bird --ar {1:1, 16:9}` is four
//! prompts, one per combination of the options in braces, the first set varying slowest.
//! Options may nest (`a {bird {on a pier, in a tree}, cat}`); `\,` `\{` `\}` and `\\` are a
//! literal comma, brace and backslash. A literal brace stays escaped in the prompts made (so
//! that the provider never takes it for a set of its own); the others are unescaped. Pure
//! text work: the app decides what is sent.

use serde::Serialize;
use ts_rs::TS;

/// The most prompts one prompt may make: Midjourney's own limit (Pro plan).
pub const MAX_PERMUTATIONS: usize = 40;

/// One prompt a permutation prompt made.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct PlannedPrompt {
    /// The prompt as it will be sent.
    pub prompt: String,
    /// The option chosen from each top-level set, in the sets' order.
    pub choices: Vec<String>,
}

/// A prompt, expanded: what the person's text makes before anything is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expansion {
    /// Each top-level option set, its options (nested sets expanded) in order.
    pub sets: Vec<Vec<String>>,
    /// The prompts, in send order (one, unchanged but unescaped, when there are no braces).
    pub prompts: Vec<PlannedPrompt>,
}

impl Expansion {
    /// True when the text had option sets, so that it makes a group of prompts.
    pub fn is_group(&self) -> bool {
        !self.sets.is_empty()
    }
}

/// Why a prompt cannot be expanded, as a sentence for the composer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PermuteError {
    /// A `{` with no `}` after it.
    #[error("The {{ at character {0} is never closed. Add a }} after its options, or write \\{{ for a brace in the prompt.")]
    Unclosed(usize),
    /// A `}` with no `{` before it.
    #[error("The }} at character {0} has no {{ before it. Write \\}} for a brace in the prompt.")]
    Unopened(usize),
    /// `{}` or `{ }`: a set with nothing to choose.
    #[error("The {{}} at character {0} has no options. Put the options between the braces, separated by commas.")]
    Empty(usize),
    /// More prompts than Midjourney allows from one prompt.
    #[error("This prompt makes {count} prompts; one prompt may make at most {max} (Midjourney's own limit). Remove some options.", max = MAX_PERMUTATIONS)]
    TooMany {
        /// How many it would make.
        count: usize,
    },
}

/// A piece of parsed text.
#[derive(Debug, Clone)]
enum Node {
    Text(String),
    /// A set of options, each a sequence of nodes.
    Set(Vec<Vec<Node>>),
}

/// Expands `text` into its prompts (see the module docs).
pub fn expand(text: &str) -> Result<Expansion, PermuteError> {
    let chars: Vec<char> = text.chars().collect();
    let mut at = 0;
    let nodes = parse_seq(&chars, &mut at, None)?;
    let count = count_of(&nodes);
    if count > MAX_PERMUTATIONS {
        return Err(PermuteError::TooMany { count });
    }
    let sets: Vec<Vec<String>> = nodes
        .iter()
        .filter_map(|n| match n {
            Node::Set(options) => Some(
                options
                    .iter()
                    .flat_map(|o| expand_seq(o))
                    .map(|t| tidy(&t))
                    .collect(),
            ),
            Node::Text(_) => None,
        })
        .collect();
    let prompts = expand_top(&nodes)
        .into_iter()
        .map(|(prompt, choices)| PlannedPrompt {
            prompt: tidy(&prompt),
            choices: choices.iter().map(|c| tidy(c)).collect(),
        })
        .collect();
    Ok(Expansion { sets, prompts })
}

/// Parses until the end, or (inside a set, `open` = where its `{` was) until its `}`; a `,`
/// inside a set ends an option.
fn parse_seq(
    chars: &[char],
    at: &mut usize,
    open: Option<usize>,
) -> Result<Vec<Node>, PermuteError> {
    let mut options: Vec<Vec<Node>> = Vec::new();
    let mut nodes: Vec<Node> = Vec::new();
    let mut text = String::new();
    while *at < chars.len() {
        let c = chars[*at];
        *at += 1;
        match c {
            '\\' if matches!(chars.get(*at), Some(',' | '{' | '}' | '\\')) => {
                let escaped = chars[*at];
                if matches!(escaped, '{' | '}') {
                    text.push('\\');
                }
                text.push(escaped);
                *at += 1;
            }
            '{' => {
                let start = *at;
                flush(&mut text, &mut nodes);
                let inner = parse_seq(chars, at, Some(start))?;
                match inner.as_slice() {
                    [Node::Set(options)] => nodes.push(Node::Set(options.clone())),
                    _ => return Err(PermuteError::Unclosed(start)),
                }
            }
            ',' if open.is_some() => {
                flush(&mut text, &mut nodes);
                options.push(std::mem::take(&mut nodes));
            }
            '}' => match open {
                Some(start) => {
                    flush(&mut text, &mut nodes);
                    options.push(nodes);
                    let blank = |o: &Vec<Node>| expand_seq(o).iter().all(|t| t.trim().is_empty());
                    if options.len() == 1 && blank(&options[0]) {
                        return Err(PermuteError::Empty(start));
                    }
                    return Ok(vec![Node::Set(options)]);
                }
                None => return Err(PermuteError::Unopened(*at)),
            },
            _ => text.push(c),
        }
    }
    match open {
        Some(start) => Err(PermuteError::Unclosed(start)),
        None => {
            flush(&mut text, &mut nodes);
            Ok(nodes)
        }
    }
}

fn flush(text: &mut String, nodes: &mut Vec<Node>) {
    if !text.is_empty() {
        nodes.push(Node::Text(std::mem::take(text)));
    }
}

/// How many prompts `nodes` make (saturating, so a huge prompt cannot overflow).
fn count_of(nodes: &[Node]) -> usize {
    nodes.iter().fold(1usize, |acc, n| match n {
        Node::Text(_) => acc,
        Node::Set(options) => acc.saturating_mul(
            options
                .iter()
                .fold(0usize, |s, o| s.saturating_add(count_of(o))),
        ),
    })
}

/// Every text `nodes` make, first set varying slowest.
fn expand_seq(nodes: &[Node]) -> Vec<String> {
    expand_top(nodes).into_iter().map(|(t, _)| t).collect()
}

/// Every text `nodes` make, each with the option taken from each top-level set.
fn expand_top(nodes: &[Node]) -> Vec<(String, Vec<String>)> {
    let mut out = vec![(String::new(), Vec::new())];
    for node in nodes {
        out = match node {
            Node::Text(t) => out
                .into_iter()
                .map(|(mut s, c)| {
                    s.push_str(t);
                    (s, c)
                })
                .collect(),
            Node::Set(options) => {
                let texts: Vec<String> = options.iter().flat_map(|o| expand_seq(o)).collect();
                out.into_iter()
                    .flat_map(|(s, c)| {
                        texts.iter().map(move |t| {
                            let mut choices = c.clone();
                            choices.push(t.clone());
                            (format!("{s}{t}"), choices)
                        })
                    })
                    .collect()
            }
        };
    }
    out
}

/// Runs of white space as one space, none at the ends (an empty option leaves no gap).
fn tidy(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompts(text: &str) -> Vec<String> {
        expand(text)
            .expect("expands")
            .prompts
            .into_iter()
            .map(|p| p.prompt)
            .collect()
    }

    #[test]
    fn the_issue_example_makes_four_prompts_first_set_slowest() {
        let e = expand("a {red, blue} bird --ar {1:1, 16:9}").expect("expands");
        assert!(e.is_group());
        assert_eq!(
            e.sets,
            vec![
                vec!["red".to_string(), "blue".into()],
                vec!["1:1".into(), "16:9".into()]
            ]
        );
        let got: Vec<(&str, Vec<&str>)> = e
            .prompts
            .iter()
            .map(|p| {
                (
                    p.prompt.as_str(),
                    p.choices.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("a red bird --ar 1:1", vec!["red", "1:1"]),
                ("a red bird --ar 16:9", vec!["red", "16:9"]),
                ("a blue bird --ar 1:1", vec!["blue", "1:1"]),
                ("a blue bird --ar 16:9", vec!["blue", "16:9"]),
            ]
        );
    }

    #[test]
    fn a_prompt_without_braces_is_one_prompt_and_not_a_group() {
        let e = expand("  a plain  bird --v 7 ").expect("expands");
        assert!(!e.is_group());
        assert_eq!(e.prompts.len(), 1);
        assert_eq!(e.prompts[0].prompt, "a plain bird --v 7");
        assert!(e.prompts[0].choices.is_empty());
    }

    #[test]
    fn escapes_are_literal_and_do_not_split() {
        assert_eq!(
            prompts(r"a {red\, white, blue} flag"),
            vec!["a red, white flag", "a blue flag"]
        );
        assert_eq!(
            prompts(r"braces \{kept\} and a \\ too"),
            vec![r"braces \{kept\} and a \ too"]
        );
        // A backslash before anything else stays.
        assert_eq!(
            prompts(r"C:\images {a, b}"),
            vec![r"C:\images a", r"C:\images b"]
        );
        // A comma outside braces is just a comma.
        assert_eq!(prompts("red, white {x}"), vec!["red, white x"]);
    }

    #[test]
    fn nested_options_expand_inside_their_option() {
        let e = expand("a {seagull {on a pier, in a tree}, poodle} at dawn").expect("expands");
        assert_eq!(
            e.prompts
                .iter()
                .map(|p| p.prompt.as_str())
                .collect::<Vec<_>>(),
            vec![
                "a seagull on a pier at dawn",
                "a seagull in a tree at dawn",
                "a poodle at dawn"
            ]
        );
        assert_eq!(e.sets.len(), 1, "only top-level sets label a contact sheet");
        assert_eq!(e.prompts[1].choices, vec!["seagull in a tree".to_string()]);
    }

    #[test]
    fn an_empty_option_leaves_no_double_space() {
        assert_eq!(prompts("a {, fluffy} cat"), vec!["a cat", "a fluffy cat"]);
    }

    #[test]
    fn broken_braces_are_sentences_with_the_place() {
        assert_eq!(expand("a {red, blue bird"), Err(PermuteError::Unclosed(3)));
        assert_eq!(expand("a red} bird"), Err(PermuteError::Unopened(6)));
        assert_eq!(expand("a { } bird"), Err(PermuteError::Empty(3)));
        let msg = PermuteError::Unclosed(3).to_string();
        assert!(msg.contains("character 3") && msg.contains(r"\{"), "{msg}");
    }

    #[test]
    fn more_than_forty_prompts_is_refused_before_expanding() {
        let ok = expand("{a,b,c,d,e} {1,2,3,4,5,6,7,8}").expect("forty");
        assert_eq!(ok.prompts.len(), 40);
        assert_eq!(
            expand("{a,b,c,d,e} {1,2,3,4,5,6,7,8} {x,y}"),
            Err(PermuteError::TooMany { count: 80 })
        );
        // Far too many does not try to build them.
        let huge = "{a,b,c,d,e,f,g,h,i,j}".repeat(30);
        assert!(matches!(expand(&huge), Err(PermuteError::TooMany { .. })));
    }

    #[test]
    fn hostile_text_never_panics() {
        for text in [
            "{",
            "}",
            "\\",
            "{{{{",
            "}}}}",
            "{,}",
            "{\\}",
            "é{ü,😀}",
            "{a,{b,{c,d}}}",
        ] {
            let _ = expand(text);
        }
        assert_eq!(prompts("é{ü,😀}"), vec!["éü", "é😀"]);
        assert_eq!(prompts("{a,{b,{c,d}}}"), vec!["a", "b", "c", "d"]);
    }
}
