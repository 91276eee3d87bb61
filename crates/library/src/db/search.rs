//! Gallery queries: one page of images matching a query (keyset paging on creation time and
//! image id, with the prompt search planned from the FTS index or a time index depending on
//! how many tasks match), and how many images match.

use super::rows::{gallery_item, provider_str, ITEM_COLUMNS};
use super::{lock, Library};
use crate::query::{
    fts_match, page_size, Cursor, GalleryItem, GalleryPage, GalleryQuery, SortOrder,
};
use crate::{LibraryError, Result};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection};

/// A text search matching at most this many tasks is answered from the FTS index (fetch the
/// matches, sort their images); broader searches walk a time index and test each image's task.
const FTS_DRIVEN_MAX_MATCHES: i64 = 2000;

impl Library {
    /// One page of the gallery: images matching the query, in its order, from its cursor.
    ///
    /// Paging is by keyset on (created_at, image id), so pages stay fast at any depth and an
    /// image added while browsing never shifts or repeats later pages.
    pub fn search(&self, q: &GalleryQuery) -> Result<GalleryPage> {
        let cursor = match q.cursor.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(text) => Some(Cursor::decode(text).ok_or_else(|| {
                LibraryError::InvalidInput(
                    "The gallery position is not valid; start again from the first page.".into(),
                )
            })?),
        };
        let limit = page_size(q);
        let conn = lock(&self.reader);
        let (sql, params) = page_sql(&conn, q, cursor, limit)?;
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut items: Vec<GalleryItem> = stmt
            .query_map(params_from_iter(params), |r| gallery_item(&self.root, r))?
            .collect::<rusqlite::Result<_>>()?;
        let next_cursor = if items.len() > limit as usize {
            items.truncate(limit as usize);
            match items.last() {
                Some(last) => Some(
                    Cursor {
                        created_at: last.created_at.timestamp_millis(),
                        id: last.image_id,
                        key: match q.order {
                            SortOrder::ByPrompt => Some(
                                conn.prepare_cached("SELECT prompt_key FROM images WHERE id = ?1")?
                                    .query_row([last.image_id], |r| r.get(0))?,
                            ),
                            _ => None,
                        },
                    }
                    .encode(),
                ),
                None => None,
            }
        } else {
            None
        };
        Ok(GalleryPage { items, next_cursor })
    }

    /// Every image id matching the query's text and filters (its cursor and limit are
    /// ignored), in no particular order: what "select all" acts on.
    pub fn matching_ids(&self, q: &GalleryQuery) -> Result<Vec<i64>> {
        let conn = lock(&self.reader);
        let mut params = Vec::new();
        let (sql, _) = ids_sql(&conn, q, None, &mut params)?;
        let mut stmt = conn.prepare(&sql)?;
        let ids = stmt
            .query_map(params_from_iter(params), |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }

    /// How many images match the query's text and filters (its cursor and limit are ignored).
    /// Call it when the query changes, not for every page.
    pub fn count(&self, q: &GalleryQuery) -> Result<u64> {
        self.count_within(q, None).map(|(n, _)| n)
    }

    /// [`Library::count`], but a prompt search stops counting past `cap` images: a broad
    /// search ("c" while typing) matches most of the library, and counting all of it costs
    /// several pages' time. Returns the count and whether it is exact (false: more than
    /// `cap` match). Without text the count is always exact (an index count, fast at any
    /// size).
    pub fn count_at_most(&self, q: &GalleryQuery, cap: u64) -> Result<(u64, bool)> {
        self.count_within(q, Some(cap))
    }

    fn count_within(&self, q: &GalleryQuery, cap: Option<u64>) -> Result<(u64, bool)> {
        let conn = lock(&self.reader);
        let (sql, params, capped) = count_query(&conn, q, cap)?;
        let n: i64 = conn
            .prepare_cached(&sql)?
            .query_row(params_from_iter(params), |r| r.get(0))?;
        let n = u64::try_from(n).unwrap_or(0);
        Ok(match capped {
            Some(cap) if n > cap => (cap, false),
            _ => (n, true),
        })
    }
}

/// The SQL and parameters counting the images that match `q`'s text and filters, and the
/// cap it stops one past (only a prompt search is capped; see [`Library::count_at_most`]).
pub(super) fn count_query(
    conn: &Connection,
    q: &GalleryQuery,
    cap: Option<u64>,
) -> Result<(String, Vec<Value>, Option<u64>)> {
    let mut params = Vec::new();
    let text = q.text.as_deref().and_then(fts_match);
    let cap = cap.filter(|_| text.is_some());
    let only_collection = q.provider.is_none()
        && q.kind.is_none()
        && !q.favorites_only
        && q.model.is_none()
        && q.aspect.is_none()
        && !q.has_children
        && q.from.is_none()
        && q.to.is_none();
    let sql = match (text, q.collection) {
        // A whole collection: its member index alone (no image rows read).
        (None, Some(c)) if only_collection => {
            params.push(Value::Integer(c));
            "SELECT count(*) FROM collection_images WHERE collection_id = ?".to_string()
        }
        (_, Some(_)) => {
            let (members, _) = collection_ids_sql(q, None, &mut params);
            count_sql(&members, cap, &mut params)
        }
        (None, None) => {
            let filters = filter_sql(q, None, TIME_ORDER, &mut params);
            format!("SELECT count(*) FROM images i WHERE 1{filters}")
        }
        // A broad search narrowed to one model: a model is often rare (a few percent of
        // the images), so walk its own index and test each image against the matches,
        // rather than read every match's images to find the few of that model.
        (Some(m), None) if q.model.is_some() && text_plan(conn, &m)? == TextPlan::FromTimeIndex => {
            params.push(Value::Text(m));
            let filters = filter_sql(q, None, TIME_ORDER, &mut params);
            let matches = format!(
                "SELECT 1 FROM images i
                 WHERE +i.task_seq IN (SELECT rowid FROM prompts_fts WHERE prompts_fts MATCH ?){filters}"
            );
            count_sql(&matches, cap, &mut params)
        }
        // Every match's images, each tested on `images_task_filters`, which covers every
        // filter: no image row is read.
        (Some(m), None) => {
            params.push(Value::Text(m));
            let filters = filter_sql(q, None, TIME_ORDER, &mut params);
            let matches = format!(
                "SELECT 1 FROM prompts_fts CROSS JOIN images i
                 WHERE prompts_fts MATCH ? AND i.task_seq = prompts_fts.rowid{filters}"
            );
            count_sql(&matches, cap, &mut params)
        }
    };
    Ok((sql, params, cap))
}

/// What the gallery's model and aspect filters can offer: the values its images have.
#[derive(serde::Serialize, Clone, Debug, Default, PartialEq, Eq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct GalleryFacets {
    /// Every model some image was made with, by name.
    pub models: Vec<String>,
    /// Every aspect ratio label some image has, widest last.
    pub aspects: Vec<String>,
}

impl Library {
    /// The models and aspect ratios the library's images have (each read from its own
    /// index, one step per distinct value).
    pub fn gallery_facets(&self) -> Result<GalleryFacets> {
        let conn = lock(&self.reader);
        let distinct = |column: &str| -> Result<Vec<String>> {
            // A skip-scan: jump from one value to the next on the partial index.
            let sql = format!(
                "WITH RECURSIVE v(x) AS (
                   SELECT min({column}) FROM images WHERE {column} IS NOT NULL
                   UNION ALL
                   SELECT (SELECT min({column}) FROM images WHERE {column} > v.x) FROM v WHERE v.x IS NOT NULL)
                 SELECT x FROM v WHERE x IS NOT NULL"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let values = stmt
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?;
            Ok(values)
        };
        let models = distinct("model")?;
        let mut aspects = distinct("aspect")?;
        aspects.sort_by(|a, b| {
            let ratio = |s: &str| {
                let (w, h) = s.split_once(':').unwrap_or(("1", "1"));
                w.parse::<f64>().unwrap_or(1.0) / h.parse::<f64>().unwrap_or(1.0)
            };
            ratio(a).total_cmp(&ratio(b))
        });
        Ok(GalleryFacets { models, aspects })
    }
}

/// `SELECT count(*)` of the rows of `rows`, stopping one past `cap` when there is one (one
/// past says "more than").
fn count_sql(rows: &str, cap: Option<u64>, params: &mut Vec<Value>) -> String {
    match cap {
        Some(cap) => {
            params.push(Value::Integer(
                i64::try_from(cap).unwrap_or(i64::MAX - 1) + 1,
            ));
            format!("SELECT count(*) FROM ({rows} LIMIT ?)")
        }
        None => format!("SELECT count(*) FROM ({rows})"),
    }
}

/// How a text search finds its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextPlan {
    /// Few matching tasks: start from the FTS index, then sort their images.
    FromMatches,
    /// Many: walk a time index newest first and keep images whose task matches.
    FromTimeIndex,
}

/// The columns a plan's rows are ordered and paged by: (time, image id).
type OrderColumns = (&'static str, &'static str);

/// Paging on the images' own time index.
const TIME_ORDER: OrderColumns = ("i.created_at", "i.id");
/// Paging on a collection's member index (`collection_members_time`).
const MEMBER_ORDER: OrderColumns = ("c.created_at", "c.image_id");
/// Paging in prompt order (`images_prompt_order`).
const PROMPT_ORDER: OrderColumns = ("i.prompt_key", "i.id");

/// The WHERE clauses (on `images i`) for the query's filters, appending their parameters;
/// the cursor is compared on `order`'s columns. The collection is not among them: a plan
/// that has one drives from it (see [`collection_ids_sql`]).
fn filter_sql(
    q: &GalleryQuery,
    cursor: Option<Cursor>,
    order: OrderColumns,
    params: &mut Vec<Value>,
) -> String {
    let mut sql = String::new();
    if let Some(p) = q.provider {
        sql.push_str(" AND i.provider = ?");
        params.push(Value::Text(provider_str(p).into()));
    }
    if let Some(k) = q.kind {
        sql.push_str(" AND i.role = ?");
        params.push(Value::Text(k.as_str().into()));
    }
    if q.favorites_only {
        // A literal, so the partial favorites index applies.
        sql.push_str(" AND i.favorite = 1");
    }
    if let Some(m) = q.model.as_deref() {
        sql.push_str(" AND i.model = ?");
        params.push(Value::Text(m.into()));
    }
    if let Some(a) = q.aspect.as_deref() {
        sql.push_str(" AND i.aspect = ?");
        params.push(Value::Text(a.into()));
    }
    if q.has_children {
        // A literal, so the partial index `images_children_time` applies.
        sql.push_str(" AND i.has_children = 1");
    }
    if let Some(from) = q.from {
        sql.push_str(" AND i.created_at >= ?");
        params.push(Value::Integer(from.timestamp_millis()));
    }
    if let Some(to) = q.to {
        sql.push_str(" AND i.created_at < ?");
        params.push(Value::Integer(to.timestamp_millis()));
    }
    if let Some(c) = cursor {
        let (key, id) = order;
        match q.order {
            // The key the cursor carries (a page's own cursor: right even when its image was
            // deleted since), else the key of the image it names (a cursor made from an item).
            SortOrder::ByPrompt => match &c.key {
                Some(prompt_key) => {
                    sql.push_str(&format!(" AND ({key}, {id}) > (?, ?)"));
                    params.push(Value::Text(prompt_key.clone()));
                }
                None => {
                    sql.push_str(&format!(
                        " AND ({key}, {id}) > ((SELECT prompt_key FROM images WHERE id = ?), ?)"
                    ));
                    params.push(Value::Integer(c.id));
                }
            },
            SortOrder::OldestFirst => {
                sql.push_str(&format!(" AND ({key}, {id}) > (?, ?)"));
                params.push(Value::Integer(c.created_at));
            }
            SortOrder::NewestFirst => {
                sql.push_str(&format!(" AND ({key}, {id}) < (?, ?)"));
                params.push(Value::Integer(c.created_at));
            }
        }
        params.push(Value::Integer(c.id));
    }
    sql
}

/// The columns a query's pages are ordered by: its prompt key for the by-prompt sort, else
/// `by_time` (the images' time index, or a collection's).
fn order_of(q: &GalleryQuery, by_time: OrderColumns) -> OrderColumns {
    match q.order {
        SortOrder::ByPrompt => PROMPT_ORDER,
        _ => by_time,
    }
}

/// The ids (column 1) of the images matching `q` after `cursor`, and the columns to order
/// them by so that the query walks its driving index.
fn ids_sql(
    conn: &Connection,
    q: &GalleryQuery,
    cursor: Option<Cursor>,
    params: &mut Vec<Value>,
) -> Result<(String, OrderColumns)> {
    if q.collection.is_some() {
        return Ok(collection_ids_sql(q, cursor, params));
    }
    let order = order_of(q, TIME_ORDER);
    let sql = match q.text.as_deref().and_then(fts_match) {
        None => {
            let filters = filter_sql(q, cursor, order, params);
            format!("SELECT i.id FROM images i WHERE 1{filters}")
        }
        Some(m) => {
            let plan = text_plan(conn, &m)?;
            params.push(Value::Text(m));
            let filters = filter_sql(q, cursor, order, params);
            match plan {
                TextPlan::FromMatches => format!(
                    "SELECT i.id FROM prompts_fts CROSS JOIN images i
                     WHERE prompts_fts MATCH ? AND i.task_seq = prompts_fts.rowid{filters}"
                ),
                // The unary `+` keeps the planner from looking images up by task (which would
                // fetch and sort every match): the IN list is only tested while the time index
                // is walked.
                TextPlan::FromTimeIndex => format!(
                    "SELECT i.id FROM images i
                     WHERE +i.task_seq IN (SELECT rowid FROM prompts_fts WHERE prompts_fts MATCH ?){filters}"
                ),
            }
        }
    };
    Ok((sql, order))
}

/// [`ids_sql`] for a query with a collection: walks the collection's members in time order
/// (its own index, so a page never sorts the whole collection) and tests each image against
/// the text and the other filters.
fn collection_ids_sql(
    q: &GalleryQuery,
    cursor: Option<Cursor>,
    params: &mut Vec<Value>,
) -> (String, OrderColumns) {
    params.push(Value::Integer(q.collection.unwrap_or_default()));
    let text = match q.text.as_deref().and_then(fts_match) {
        Some(m) => {
            params.push(Value::Text(m));
            " AND +i.task_seq IN (SELECT rowid FROM prompts_fts WHERE prompts_fts MATCH ?)"
        }
        None => "",
    };
    let order = order_of(q, MEMBER_ORDER);
    let filters = filter_sql(q, cursor, order, params);
    (
        format!(
            "SELECT c.image_id AS id FROM collection_images c CROSS JOIN images i
             WHERE c.collection_id = ? AND i.id = c.image_id{text}{filters}"
        ),
        order,
    )
}

/// The SQL and parameters of one gallery page (`limit + 1` rows, to know if more follow).
///
/// The inner query finds the page's image ids touching only indexes (the images', a
/// collection's, the FTS index); the outer one then reads just those rows and their tasks.
pub(super) fn page_sql(
    conn: &Connection,
    q: &GalleryQuery,
    cursor: Option<Cursor>,
    limit: u32,
) -> Result<(String, Vec<Value>)> {
    let (dir, outer) = match q.order {
        SortOrder::NewestFirst => ("DESC", "i.created_at"),
        SortOrder::OldestFirst => ("ASC", "i.created_at"),
        SortOrder::ByPrompt => ("ASC", "i.prompt_key"),
    };
    let mut params = Vec::new();
    let (inner, (key, id)) = ids_sql(conn, q, cursor, &mut params)?;
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM ({inner} ORDER BY {key} {dir}, {id} {dir} LIMIT ?) p
         CROSS JOIN images i CROSS JOIN tasks t
         WHERE i.id = p.id AND t.seq = i.task_seq ORDER BY {outer} {dir}, i.id {dir}"
    );
    params.push(Value::Integer(i64::from(limit) + 1));
    Ok((sql, params))
}

/// Chooses the text plan by counting matching tasks, up to the limit.
fn text_plan(conn: &Connection, fts: &str) -> Result<TextPlan> {
    let matches: i64 = conn
        .prepare_cached("SELECT count(*) FROM (SELECT rowid FROM prompts_fts WHERE prompts_fts MATCH ?1 LIMIT ?2)")?
        .query_row(params![fts, FTS_DRIVEN_MAX_MATCHES + 1], |r| r.get(0))?;
    Ok(if matches <= FTS_DRIVEN_MAX_MATCHES {
        TextPlan::FromMatches
    } else {
        TextPlan::FromTimeIndex
    })
}
