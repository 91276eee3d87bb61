//! The lineage view: the whole tree an image's task belongs to (imagine -> V2 -> U3 ->
//! Zoom ...), from the oldest ancestor the library knows down to every descendant, each with
//! the picture that stands for it, the button that made it and its prompt where that
//! changed.

use crate::gallery::GalleryImage;
use atelier_library::{GalleryItem, ImageKind, ImageSlot, Library, LibraryError, StoredTask};
use atelier_providers::{SentRequest, Task};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashSet;
use ts_rs::TS;

/// The most tasks one lineage shows (a tree pressed on for months stays quick to open).
pub const MAX_LINEAGE_NODES: usize = 400;
/// The most ancestors followed up (a guard against a loop in bad data).
const MAX_LINEAGE_DEPTH: usize = 256;
/// The longest text result a node carries (the view shows a couple of lines of each).
pub const MAX_LINEAGE_TEXT_CHARS: usize = 1000;

/// One task of a lineage.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct LineageNode {
    /// The task.
    pub task_id: String,
    /// The task it was made from (none for the tree's top).
    pub parent_id: Option<String>,
    /// 0 for the top, 1 for its children...
    pub depth: u32,
    /// The button (or "Imagine") that made it: the edge from its parent.
    pub kind_label: String,
    /// Its prompt.
    pub prompt: Option<String>,
    /// True when its prompt differs from its parent's (a Remix, a custom zoom...).
    pub prompt_changed: bool,
    /// The reference image its prompt was sent with: its own Imagine's, else (a button's
    /// result) the nearest ancestor's. "Branch from here" puts it back into the composer.
    pub reference_image: Option<String>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// The picture that stands for it: its grid, else its one result; none when it made
    /// no image (failed, running).
    pub image: Option<GalleryImage>,
    /// The task of the image the lineage was opened from.
    pub current: bool,
    /// The image links a creation mode was sent with (a blend's 2-5 images, describe's
    /// image, a video's start frame), each with the library picture it came from when the
    /// library has it: a blend's several parents. Absent for imagines and buttons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub inputs: Option<Vec<LineageInput>>,
    /// Its text results (describe's prompts, shorten's variants, a seed), each cut to
    /// [`MAX_LINEAGE_TEXT_CHARS`]. Absent when it has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub text: Option<Vec<String>>,
}

/// One image link a creation mode was sent with (see [`LineageNode::inputs`]).
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct LineageInput {
    /// The link as it was sent.
    pub url: String,
    /// The task whose result it is, when the library has it.
    pub task_id: Option<String>,
    /// That image in the library (its asset URLs), when the library has it.
    pub image: Option<GalleryImage>,
}

/// The tree an image belongs to, in reading order: each task before its children, children
/// oldest first.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Lineage {
    /// The tasks; `nodes[0]` is the top.
    pub nodes: Vec<LineageNode>,
    /// The top was made from a task this library does not have (e.g. made elsewhere).
    pub missing_parent: Option<String>,
    /// More than [`MAX_LINEAGE_NODES`] tasks: the rest are not shown.
    pub truncated: bool,
}

/// The picture that stands for a task: its grid, else its result, else its first image.
fn representative(images: Vec<GalleryItem>) -> Option<GalleryImage> {
    let pick = images
        .iter()
        .position(|i| i.kind == ImageKind::Grid)
        .or_else(|| images.iter().position(|i| i.slot == "result"))
        .unwrap_or(0);
    images.into_iter().nth(pick).map(GalleryImage::from)
}

/// Where each image link `task` was sent with came from (a creation mode's inputs).
fn inputs_of(library: &Library, task: &Task) -> Result<Option<Vec<LineageInput>>, LibraryError> {
    let Some(SentRequest::Create(request)) = &task.sent else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for url in request.image_urls() {
        let source = library_source(library, url, &task.id)?;
        out.push(LineageInput {
            url: url.to_string(),
            task_id: source.as_ref().map(|(id, _)| id.clone()),
            image: source.and_then(|(_, image)| image),
        });
    }
    Ok(Some(out))
}

/// The library task (and its picture) whose provider link is `url`, other than `except`: the
/// picture a creation mode was sent. `None` when the link is not one of the library's.
pub fn library_source(
    library: &Library,
    url: &str,
    except: &str,
) -> Result<Option<(String, Option<GalleryImage>)>, LibraryError> {
    for source in library.tasks_mentioning(url, except)? {
        let slot = [ImageSlot::Grid, ImageSlot::Result]
            .into_iter()
            .chain((1..=4).map(ImageSlot::Single))
            .find(|s| crate::sources::provider_link(&source.task, *s).as_deref() == Ok(url));
        let Some(slot) = slot else { continue };
        let image = library
            .task_images(&source.task.id)?
            .into_iter()
            .find(|i| i.slot == slot.key())
            .map(GalleryImage::from);
        return Ok(Some((source.task.id, image)));
    }
    Ok(None)
}

/// A task's text results for its node: trimmed, empty ones left out, each cut short.
fn text_of(task: &Task) -> Option<Vec<String>> {
    let text: Vec<String> = task
        .text_results
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .map(|t| match t.char_indices().nth(MAX_LINEAGE_TEXT_CHARS) {
            Some((cut, _)) => format!("{}…", t[..cut].trim_end()),
            None => t.to_string(),
        })
        .collect();
    (!text.is_empty()).then_some(text)
}

fn differs(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.trim() != b.trim(),
        _ => false,
    }
}

/// Builds the lineage of `task_id`. Heavy-ish (a few queries per task): call it off the
/// async threads.
pub fn build_lineage(library: &Library, task_id: &str) -> Result<Lineage, LibraryError> {
    let current = library
        .get_task(task_id)?
        .ok_or_else(|| LibraryError::TaskNotFound(task_id.to_string()))?;
    // Up: the oldest ancestor this library has.
    let mut top = current;
    let mut seen = HashSet::from([top.task.id.clone()]);
    let mut missing_parent = None;
    while let Some(parent_id) = top.task.parent_id.clone() {
        if seen.len() > MAX_LINEAGE_DEPTH || !seen.insert(parent_id.clone()) {
            break;
        }
        match library.get_task(&parent_id)? {
            Some(parent) => top = parent,
            None => {
                missing_parent = Some(parent_id);
                break;
            }
        }
    }
    // Down: every descendant, each before its children.
    let mut nodes = Vec::new();
    let mut visited = HashSet::new();
    let mut stack: Vec<(StoredTask, u32, Option<String>, Option<String>)> =
        vec![(top, 0, None, None)];
    let mut truncated = false;
    while let Some((stored, depth, parent_prompt, parent_reference)) = stack.pop() {
        if !visited.insert(stored.task.id.clone()) {
            continue;
        }
        if nodes.len() == MAX_LINEAGE_NODES {
            truncated = true;
            break;
        }
        let id = stored.task.id.clone();
        let prompt = stored.task.prompt.clone();
        let reference_image = match &stored.task.sent {
            Some(SentRequest::Imagine(sent)) => sent.reference_image.clone(),
            _ => parent_reference,
        };
        let mut children = library.children(&id)?;
        children.sort_by_key(|c| std::cmp::Reverse(c.created_at));
        for child in children {
            stack.push((child, depth + 1, prompt.clone(), reference_image.clone()));
        }
        nodes.push(LineageNode {
            parent_id: (depth > 0).then(|| stored.task.parent_id.clone()).flatten(),
            depth,
            kind_label: stored.task.kind.label(),
            prompt_changed: depth > 0 && differs(parent_prompt.as_deref(), prompt.as_deref()),
            prompt,
            reference_image,
            created_at: stored.created_at,
            image: representative(library.task_images(&id)?),
            inputs: inputs_of(library, &stored.task)?,
            text: text_of(&stored.task),
            current: id == task_id,
            task_id: id,
        });
    }
    Ok(Lineage {
        nodes,
        missing_parent,
        truncated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use atelier_library::ImageSlot;
    use atelier_providers::{ProviderKind, Task, TaskKind, TaskStatus};
    use chrono::TimeZone;
    use std::path::Path;

    fn add(lib: &Library, id: &str, kind: TaskKind, parent: Option<&str>, prompt: &str, secs: i64) {
        let mut t = Task::new(id, ProviderKind::Linkr, kind);
        t.parent_id = parent.map(str::to_string);
        t.prompt = Some(prompt.into());
        t.status = TaskStatus::Succeeded;
        t.created_at = Utc.timestamp_opt(1_760_000_000 + secs, 0).single();
        lib.upsert_task(&t, false, None).expect("task");
        let slot = if t.kind.produces_grid() {
            ImageSlot::Grid
        } else {
            ImageSlot::Result
        };
        lib.add_image(id, slot, Path::new(&format!("images/{id}/x.png")), 8, 8, 1)
            .expect("image");
    }

    #[test]
    fn the_whole_tree_from_the_top_with_edges_and_prompt_changes() {
        let dir = tempfile::tempdir().expect("dir");
        let lib = Library::open(dir.path()).expect("open");
        add(
            &lib,
            "root",
            TaskKind::Imagine,
            Some("elsewhere"),
            "a fox",
            0,
        );
        add(
            &lib,
            "v2",
            TaskKind::Variation { index: 2 },
            Some("root"),
            "a fox",
            10,
        );
        add(
            &lib,
            "u1",
            TaskKind::Upscale { index: 1 },
            Some("root"),
            "a fox",
            5,
        );
        add(
            &lib,
            "u3",
            TaskKind::Upscale { index: 3 },
            Some("v2"),
            "a fox",
            20,
        );
        add(
            &lib,
            "zoom",
            TaskKind::CustomZoom,
            Some("u3"),
            "a fox, wider, at dusk",
            30,
        );
        add(&lib, "other", TaskKind::Imagine, None, "unrelated", 40);

        let tree = build_lineage(&lib, "u3").expect("lineage");
        let order: Vec<(&str, u32, &str, bool, bool)> = tree
            .nodes
            .iter()
            .map(|n| {
                (
                    n.task_id.as_str(),
                    n.depth,
                    n.kind_label.as_str(),
                    n.prompt_changed,
                    n.current,
                )
            })
            .collect();
        assert_eq!(
            order,
            [
                ("root", 0, "Imagine", false, false),
                ("u1", 1, "Upscale 1", false, false),
                ("v2", 1, "Variation 2", false, false),
                ("u3", 2, "Upscale 3", false, true),
                ("zoom", 3, "Custom Zoom", true, false),
            ]
        );
        assert_eq!(tree.missing_parent.as_deref(), Some("elsewhere"));
        assert!(!tree.truncated);
        assert!(tree.nodes.iter().all(|n| n.image.is_some()));
        assert_eq!(tree.nodes[0].parent_id, None, "the top has no edge");
        assert_eq!(tree.nodes[4].parent_id.as_deref(), Some("u3"));
        // Opened from anywhere in it, the same tree.
        let from_top = build_lineage(&lib, "root").expect("lineage");
        assert_eq!(from_top.nodes.len(), 5);
        assert!(from_top.nodes[0].current);
        assert!(matches!(
            build_lineage(&lib, "nope"),
            Err(LibraryError::TaskNotFound(_))
        ));
    }

    #[test]
    fn each_task_carries_the_reference_image_its_prompt_was_sent_with() {
        use atelier_providers::ImagineRequest;
        let dir = tempfile::tempdir().expect("dir");
        let lib = Library::open(dir.path()).expect("open");
        add(&lib, "root", TaskKind::Imagine, None, "a fox", 0);
        add(
            &lib,
            "u1",
            TaskKind::Upscale { index: 1 },
            Some("root"),
            "a fox",
            5,
        );
        add(&lib, "plain", TaskKind::Imagine, None, "a hare", 9);
        let mut root = lib.get_task("root").expect("get").expect("root").task;
        root.sent = Some(SentRequest::Imagine(ImagineRequest {
            prompt: "a fox".into(),
            reference_image: Some("https://example.com/fox.png".into()),
            ..ImagineRequest::default()
        }));
        lib.upsert_task(&root, false, None).expect("sent");
        let tree = build_lineage(&lib, "u1").expect("lineage");
        let refs: Vec<(&str, Option<&str>)> = tree
            .nodes
            .iter()
            .map(|n| (n.task_id.as_str(), n.reference_image.as_deref()))
            .collect();
        assert_eq!(
            refs,
            [
                ("root", Some("https://example.com/fox.png")),
                ("u1", Some("https://example.com/fox.png")),
            ],
            "a button's result has its Imagine's reference"
        );
        let plain = build_lineage(&lib, "plain").expect("lineage");
        assert_eq!(plain.nodes[0].reference_image, None);
    }

    #[test]
    fn a_describe_carries_its_prompts_and_where_its_image_came_from() {
        use atelier_providers::CreateRequest;
        let dir = tempfile::tempdir().expect("dir");
        let lib = Library::open(dir.path()).expect("open");
        add(&lib, "up", TaskKind::Upscale { index: 1 }, None, "a fox", 0);
        let mut up = lib.get_task("up").expect("get").expect("up").task;
        up.image_url = Some("https://cdn.example.com/fox.png".into());
        lib.upsert_task(&up, false, None).expect("link");
        let mut d = Task::new("describe", ProviderKind::Journey, TaskKind::Describe);
        d.status = TaskStatus::Succeeded;
        d.created_at = Utc.timestamp_opt(1_760_000_050, 0).single();
        d.text_results = vec![
            " 1️⃣ a red fox in snow ".into(),
            "   ".into(),
            "2️⃣ a fox, watercolor".into(),
            "x".repeat(MAX_LINEAGE_TEXT_CHARS + 50),
        ];
        d.sent = Some(SentRequest::Create(CreateRequest::Describe {
            image_url: "https://cdn.example.com/fox.png".into(),
        }));
        lib.upsert_task(&d, false, None).expect("describe");

        let tree = build_lineage(&lib, "describe").expect("lineage");
        let node = &tree.nodes[0];
        assert_eq!(node.kind_label, "Describe");
        assert!(node.image.is_none(), "a describe makes no image");
        let text = node.text.clone().expect("its prompts");
        assert_eq!(text.len(), 3, "the blank one is left out: {text:?}");
        assert_eq!(text[0], "1️⃣ a red fox in snow");
        assert_eq!(
            text[2].chars().count(),
            MAX_LINEAGE_TEXT_CHARS + 1,
            "cut, with …"
        );
        let inputs = node.inputs.clone().expect("its image");
        assert_eq!(inputs.len(), 1);
        assert_eq!(inputs[0].task_id.as_deref(), Some("up"));
        assert!(inputs[0].image.is_some());
        // Pictures have no text.
        let plain = build_lineage(&lib, "up").expect("lineage");
        assert_eq!(plain.nodes[0].text, None);
        assert_eq!(plain.nodes[0].inputs, None);
    }

    #[test]
    fn a_huge_tree_is_cut_and_says_so() {
        let dir = tempfile::tempdir().expect("dir");
        let lib = Library::open(dir.path()).expect("open");
        add(&lib, "root", TaskKind::Imagine, None, "a fox", 0);
        lib.batch(|b| {
            for i in 0..(MAX_LINEAGE_NODES + 5) {
                let mut t = Task::new(format!("r{i}"), ProviderKind::Linkr, TaskKind::Reroll);
                t.parent_id = Some("root".into());
                t.created_at = Utc.timestamp_opt(1_760_000_100 + i as i64, 0).single();
                b.upsert_task(&t, false, None)?;
            }
            Ok(())
        })
        .expect("many");
        let tree = build_lineage(&lib, "root").expect("lineage");
        assert_eq!(tree.nodes.len(), MAX_LINEAGE_NODES);
        assert!(tree.truncated);
        assert!(
            tree.nodes[1].image.is_none(),
            "a task without images has no picture"
        );
    }
}
