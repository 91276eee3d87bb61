//! Permutation groups as the UI sees them: the plan shown under the composer before a prompt
//! is sent (its prompts, their count and what they cost), a task's place in its group, and a
//! group's contact sheet (one row per option of the first set, one column per option of the
//! second, or per combination of the rest). Pure: the app fills them from the library.

use crate::gallery::GalleryImage;
use crate::permute::{expand, PlannedPrompt};
use atelier_providers::rules::imagine_credits;
use atelier_providers::ProviderKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What sending the composer's prompt will do: shown before it is sent.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct PromptPlan {
    /// The prompts it makes, in send order (one for a prompt without braces).
    pub prompts: Vec<PlannedPrompt>,
    /// Each option set, its options in order (empty without braces).
    pub sets: Vec<Vec<String>>,
    /// The credits all of them cost, when the price is known.
    pub credits: Option<u32>,
    /// The count and cost in words: "4 prompts · 16 credits".
    pub summary: String,
    /// Why it cannot be sent (broken braces, too many prompts), as a sentence.
    pub problem: Option<String>,
}

/// Plans `prompt` for `provider` and `model`; `demo` when the built-in demo would run it.
pub fn plan(prompt: &str, provider: ProviderKind, model: Option<&str>, demo: bool) -> PromptPlan {
    match expand(prompt) {
        Ok(expansion) => {
            let jobs = u32::try_from(expansion.prompts.len()).unwrap_or(u32::MAX);
            let (credits, cost) = cost(jobs, provider, model, demo);
            let count = if jobs == 1 {
                "1 prompt".to_string()
            } else {
                format!("{jobs} prompts")
            };
            PromptPlan {
                prompts: expansion.prompts,
                sets: expansion.sets,
                credits,
                summary: format!("{count} · {cost}"),
                problem: None,
            }
        }
        Err(e) => PromptPlan {
            prompts: Vec::new(),
            sets: Vec::new(),
            credits: None,
            summary: String::new(),
            problem: Some(e.to_string()),
        },
    }
}

/// The credits `jobs` imagines cost, when known, and the cost in words.
fn cost(
    jobs: u32,
    provider: ProviderKind,
    model: Option<&str>,
    demo: bool,
) -> (Option<u32>, String) {
    if demo {
        return (Some(0), "free in the demo".into());
    }
    match imagine_credits(provider, model) {
        Some(each) => {
            let total = each.saturating_mul(jobs);
            (Some(total), format!("{total} credits"))
        }
        None if provider == ProviderKind::Journey => {
            (None, "1-8 credits each, depending on the model".into())
        }
        None => (
            None,
            "no credits: each uses your Midjourney plan's time".into(),
        ),
    }
}

/// A task's (or a waiting job's) place in its permutation group.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct GroupRef {
    /// The group's id (for `contact_sheet`).
    pub id: String,
    /// 1-based place in the group.
    pub position: u32,
    /// How many prompts the group has.
    pub count: u32,
    /// The option chosen from each set ("red", "16:9").
    pub choices: Vec<String>,
}

/// Where a cell's prompt is.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum CellState {
    /// Waiting in the local queue.
    Waiting,
    /// Held in the queue: the provider refused it (the reason is on its waiting card).
    Held,
    /// Sent; its task is running.
    Running,
    /// Its task finished.
    Done,
    /// Its task failed or timed out.
    Failed,
    /// Cancelled before it was sent.
    NotSent,
}

/// One prompt of a group on its contact sheet.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct SheetCell {
    /// 1-based place in the group.
    pub position: u32,
    /// 0-based row: the first set's option.
    pub row: u32,
    /// 0-based column: the second set's option (or the rest's combination).
    pub column: u32,
    /// The prompt as sent.
    pub prompt: String,
    /// Its task, once sent.
    pub task_id: Option<String>,
    /// Where it is.
    pub state: CellState,
    /// The task's first image (its grid), once archived.
    pub image: Option<GalleryImage>,
}

/// A group as a labelled contact sheet.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ContactSheet {
    /// The group's id.
    pub id: String,
    /// The prompt as the person wrote it, braces and all.
    pub template: String,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
    /// The row labels: the first set's options.
    pub rows: Vec<String>,
    /// The column labels: the second set's options, or the rest's combinations ("16:9 · v7");
    /// one empty label when the prompt has one set.
    pub columns: Vec<String>,
    /// Every prompt of the group, in send order.
    pub cells: Vec<SheetCell>,
}

/// The row and column labels for members with these choices, and each member's (row,
/// column), in member order. Labels are in order of first appearance (the sets' order, since
/// members are made first set slowest); equal labels share a row or column.
pub fn sheet_layout(choices: &[Vec<String>]) -> (Vec<String>, Vec<String>, Vec<(u32, u32)>) {
    let mut rows: Vec<String> = Vec::new();
    let mut columns: Vec<String> = Vec::new();
    let mut places = Vec::with_capacity(choices.len());
    let index = |labels: &mut Vec<String>, label: String| -> u32 {
        let at = match labels.iter().position(|l| *l == label) {
            Some(at) => at,
            None => {
                labels.push(label);
                labels.len() - 1
            }
        };
        u32::try_from(at).unwrap_or(u32::MAX)
    };
    for member in choices {
        let row = member.first().cloned().unwrap_or_default();
        let column = member.get(1..).unwrap_or_default().join(" · ");
        places.push((index(&mut rows, row), index(&mut columns, column)));
    }
    (rows, columns, places)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_plan_counts_and_prices_before_anything_is_sent() {
        let p = plan(
            "a {red, blue} bird --ar {1:1, 16:9}",
            ProviderKind::Journey,
            None,
            false,
        );
        assert_eq!(p.prompts.len(), 4);
        assert_eq!(
            (p.credits, p.summary.as_str()),
            (Some(16), "4 prompts · 16 credits")
        );
        assert_eq!(p.problem, None);
        let p = plan(
            "a {red, blue} bird",
            ProviderKind::Journey,
            Some("flux-pro"),
            false,
        );
        assert_eq!(p.credits, None);
        assert_eq!(
            p.summary,
            "2 prompts · 1-8 credits each, depending on the model"
        );
        let p = plan("a {red, blue} bird", ProviderKind::Linkr, None, false);
        assert_eq!(
            p.summary,
            "2 prompts · no credits: each uses your Midjourney plan's time"
        );
        let p = plan("a bird", ProviderKind::Linkr, None, true);
        assert_eq!(
            (p.credits, p.summary.as_str()),
            (Some(0), "1 prompt · free in the demo")
        );
    }

    #[test]
    fn a_broken_prompt_plans_nothing_and_says_why() {
        let p = plan("a {red, blue bird", ProviderKind::Journey, None, false);
        assert!(p.prompts.is_empty());
        assert!(p
            .problem
            .as_deref()
            .is_some_and(|m| m.contains("never closed")));
    }

    #[test]
    fn two_sets_lay_out_as_rows_and_columns() {
        let choices = vec![
            strings(&["red", "1:1"]),
            strings(&["red", "16:9"]),
            strings(&["blue", "1:1"]),
            strings(&["blue", "16:9"]),
        ];
        let (rows, columns, places) = sheet_layout(&choices);
        assert_eq!(rows, strings(&["red", "blue"]));
        assert_eq!(columns, strings(&["1:1", "16:9"]));
        assert_eq!(places, vec![(0, 0), (0, 1), (1, 0), (1, 1)]);
    }

    #[test]
    fn one_set_is_one_column_and_three_sets_combine_the_rest() {
        let (rows, columns, places) = sheet_layout(&[strings(&["a"]), strings(&["b"])]);
        assert_eq!(
            (rows.len(), columns, places),
            (2, strings(&[""]), vec![(0, 0), (1, 0)])
        );
        let (_, columns, places) = sheet_layout(&[
            strings(&["red", "1:1", "v6"]),
            strings(&["red", "1:1", "v7"]),
            strings(&["blue", "1:1", "v6"]),
        ]);
        assert_eq!(columns, strings(&["1:1 · v6", "1:1 · v7"]));
        assert_eq!(places[2], (1, 0));
    }
}
