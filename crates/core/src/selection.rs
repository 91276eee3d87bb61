//! What the gallery's selection is and what can be done to it at once: favorite, add to or
//! take out of a collection, delete. A selection is either images picked one by one or "every
//! match of this search and these filters, except these": selecting 100,000 matches sends one
//! query, not 100,000 ids. The core resolves it and works through it in chunks (see
//! `Atelier::bulk_apply`), so the window never waits on one long write and a cancel lands
//! between two chunks.

use atelier_library::GalleryQuery;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use ts_rs::TS;

/// How many images one write of a bulk action touches: small enough that a chunk takes a
/// few tens of milliseconds (progress moves, a cancel is quick), big enough that the
/// transactions' cost stays small.
pub const BULK_CHUNK: usize = 2_000;

/// A gallery selection.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum Selection {
    /// These images (clicked, Ctrl+clicked, Shift+clicked, or drawn around).
    Images {
        /// The image ids.
        #[ts(type = "number[]")]
        ids: Vec<i64>,
    },
    /// Every image matching a query (Ctrl+A), but those unticked afterwards.
    AllMatching {
        /// The gallery's search and filters (its cursor and limit are ignored).
        query: GalleryQuery,
        /// Images taken out of the selection again.
        #[ts(type = "number[]")]
        #[serde(default)]
        except: Vec<i64>,
    },
}

/// What to do to every image of a selection.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum BulkAction {
    /// Mark as favorites.
    Favorite,
    /// Unmark as favorites.
    Unfavorite,
    /// Put into a collection.
    #[serde(rename_all = "camelCase")]
    AddToCollection {
        /// The collection.
        #[ts(type = "number")]
        collection_id: i64,
    },
    /// Take out of a collection (the images stay in the library).
    #[serde(rename_all = "camelCase")]
    RemoveFromCollection {
        /// The collection.
        #[ts(type = "number")]
        collection_id: i64,
    },
    /// Delete the images and their files.
    Delete,
}

/// The `bulk-progress` event: how far a bulk action is.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct BulkProgress {
    /// The id the UI gave the action (to match events and to cancel).
    pub op_id: String,
    /// Images worked through so far.
    #[ts(type = "number")]
    pub done: u64,
    /// Images in the selection.
    #[ts(type = "number")]
    pub total: u64,
}

/// How a bulk action ended.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct BulkOutcome {
    /// Images in the selection.
    #[ts(type = "number")]
    pub total: u64,
    /// Images worked through (all of them unless cancelled).
    #[ts(type = "number")]
    pub done: u64,
    /// Images that changed (e.g. not already a favorite, not already in the collection).
    #[ts(type = "number")]
    pub changed: u64,
    /// Stopped by a cancel; the chunks before it are kept.
    pub cancelled: bool,
}

/// The ids a selection names, given how to find the ids a query matches (for
/// `AllMatching`): the matches minus the exceptions, or the picked ids without repeats, in
/// the order given.
pub fn resolve<E>(
    selection: &Selection,
    matching: impl FnOnce(&GalleryQuery) -> Result<Vec<i64>, E>,
) -> Result<Vec<i64>, E> {
    Ok(match selection {
        Selection::Images { ids } => {
            let mut seen = std::collections::HashSet::with_capacity(ids.len());
            ids.iter().copied().filter(|id| seen.insert(*id)).collect()
        }
        Selection::AllMatching { query, except } => {
            let except: std::collections::HashSet<i64> = except.iter().copied().collect();
            matching(query)?
                .into_iter()
                .filter(|id| !except.contains(id))
                .collect()
        }
    })
}

/// Works through `ids` [`BULK_CHUNK`] at a time: `work` does one chunk and says how many
/// images changed, `progress(done, total)` is told before the first chunk and after each,
/// and `cancel` is looked at before each chunk (what was done stays done). The first error
/// stops it.
pub fn run_in_chunks<E>(
    ids: &[i64],
    cancel: &AtomicBool,
    mut work: impl FnMut(&[i64]) -> Result<usize, E>,
    mut progress: impl FnMut(u64, u64),
) -> Result<BulkOutcome, E> {
    let total = ids.len() as u64;
    let mut outcome = BulkOutcome {
        total,
        done: 0,
        changed: 0,
        cancelled: false,
    };
    progress(0, total);
    for chunk in ids.chunks(BULK_CHUNK) {
        if cancel.load(Ordering::Relaxed) {
            outcome.cancelled = true;
            break;
        }
        outcome.changed += work(chunk)? as u64;
        outcome.done += chunk.len() as u64;
        progress(outcome.done, total);
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_report_progress_and_stop_at_a_cancel_between_chunks() {
        let ids: Vec<i64> = (0..(BULK_CHUNK as i64 * 3 + 5)).collect();
        let cancel = AtomicBool::new(false);
        let mut seen = Vec::new();
        let mut chunks = 0;
        let outcome = run_in_chunks::<()>(
            &ids,
            &cancel,
            |chunk| {
                chunks += 1;
                if chunks == 2 {
                    // The person presses Cancel while the second chunk is being written.
                    cancel.store(true, Ordering::Relaxed);
                }
                Ok(chunk.len() / 2)
            },
            |done, total| seen.push((done, total)),
        )
        .expect("runs");
        let total = ids.len() as u64;
        let chunk = BULK_CHUNK as u64;
        assert_eq!(seen, vec![(0, total), (chunk, total), (2 * chunk, total)]);
        assert_eq!(
            outcome,
            BulkOutcome {
                total,
                done: 2 * chunk,
                changed: chunk,
                cancelled: true,
            }
        );

        let cancel = AtomicBool::new(false);
        let all = run_in_chunks::<()>(&ids, &cancel, |c| Ok(c.len()), |_, _| {}).expect("all");
        assert_eq!(
            (all.done, all.changed, all.cancelled),
            (total, total, false)
        );
        let empty = run_in_chunks::<()>(&[], &cancel, |_| unreachable!(), |_, _| {}).expect("none");
        assert_eq!((empty.total, empty.done), (0, 0));
        let failed = run_in_chunks(&ids, &cancel, |_| Err("disk full"), |_, _| {});
        assert_eq!(failed, Err("disk full"));
    }

    #[test]
    fn picked_ids_keep_their_order_without_repeats() {
        let s = Selection::Images {
            ids: vec![5, 3, 5, 9, 3],
        };
        assert_eq!(resolve::<()>(&s, |_| unreachable!()), Ok(vec![5, 3, 9]));
    }

    #[test]
    fn all_matching_leaves_out_the_exceptions() {
        let q = GalleryQuery {
            text: Some("fox".into()),
            ..Default::default()
        };
        let s = Selection::AllMatching {
            query: q.clone(),
            except: vec![2, 4],
        };
        let got = resolve::<()>(&s, |asked| {
            assert_eq!(asked, &q);
            Ok(vec![1, 2, 3, 4, 5])
        });
        assert_eq!(got, Ok(vec![1, 3, 5]));
        assert_eq!(resolve(&s, |_| Err("no database")), Err("no database"));
    }

    #[test]
    fn the_wire_forms_are_tagged() {
        let s: Selection =
            serde_json::from_str(r#"{"kind":"allMatching","query":{"text":"fox","collection":3}}"#)
                .expect("selection");
        assert_eq!(
            s,
            Selection::AllMatching {
                query: GalleryQuery {
                    text: Some("fox".into()),
                    collection: Some(3),
                    ..Default::default()
                },
                except: vec![],
            }
        );
        let a: BulkAction =
            serde_json::from_str(r#"{"kind":"addToCollection","collectionId":7}"#).expect("action");
        assert_eq!(a, BulkAction::AddToCollection { collection_id: 7 });
        assert!(serde_json::from_str::<BulkAction>(r#"{"kind":"burn"}"#).is_err());
    }
}
