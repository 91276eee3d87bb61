//! Collections: named sets of images the person makes ("Moodboard", "For the client"). An
//! image may be in several; deleting a collection leaves its images alone, and deleting an
//! image takes it out of every collection (foreign keys with `ON DELETE CASCADE`). A
//! collection is also a gallery filter (`GalleryQuery::collection`, see `search`).

use super::rows::{from_ms, now_ms};
use super::{lock, write_transaction, Library};
use crate::{LibraryError, Result};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The longest collection name, in characters.
pub const MAX_COLLECTION_NAME: usize = 80;

/// A collection with how many images it holds.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Collection {
    /// Its id (stable; what the gallery's filter names).
    #[ts(type = "number")]
    pub id: i64,
    /// Its name, unique regardless of letter case.
    pub name: String,
    /// How many images it holds.
    #[ts(type = "number")]
    pub count: u64,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

/// A name as stored: trimmed, inner runs of white space made one space; refused when empty,
/// too long or made of control characters.
fn clean_name(name: &str) -> Result<String> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(LibraryError::InvalidInput(
            "A collection needs a name. Type one and try again.".into(),
        ));
    }
    if name.chars().count() > MAX_COLLECTION_NAME {
        return Err(LibraryError::InvalidInput(format!(
            "That name is too long: a collection's name has at most {MAX_COLLECTION_NAME} characters."
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(LibraryError::InvalidInput(
            "A collection's name cannot hold control characters.".into(),
        ));
    }
    Ok(name)
}

/// The error for a name another collection already has.
fn name_taken(name: &str) -> LibraryError {
    LibraryError::InvalidInput(format!(
        "There is already a collection named \u{201c}{name}\u{201d}. Choose another name."
    ))
}

/// Whether `e` is a UNIQUE constraint failing (the name is taken).
fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(err, _)
            if err.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
    )
}

/// Collections with their counts, as [`read_collection`] reads them (a WHERE or ORDER BY
/// follows).
const COLLECTION_ROWS: &str = "SELECT c.id, c.name, c.created_at,
        (SELECT count(*) FROM collection_images m WHERE m.collection_id = c.id)
     FROM collections c";

/// One collection with its count, if it exists.
fn collection_on(conn: &Connection, id: i64) -> Result<Option<Collection>> {
    let c = conn
        .prepare_cached(&format!("{COLLECTION_ROWS} WHERE c.id = ?1"))?
        .query_row([id], read_collection)
        .optional()?;
    Ok(c)
}

fn read_collection(r: &rusqlite::Row<'_>) -> rusqlite::Result<Collection> {
    Ok(Collection {
        id: r.get(0)?,
        name: r.get(1)?,
        created_at: from_ms(r.get(2)?),
        count: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
    })
}

/// Fails with [`LibraryError::CollectionNotFound`] unless the collection exists.
fn require_collection(conn: &Connection, id: i64) -> Result<()> {
    let found: Option<i64> = conn
        .prepare_cached("SELECT id FROM collections WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    found
        .map(|_| ())
        .ok_or(LibraryError::CollectionNotFound(id))
}

impl Library {
    /// Every collection, by name (letter case ignored), with its count.
    pub fn collections(&self) -> Result<Vec<Collection>> {
        let conn = lock(&self.reader);
        let mut stmt = conn.prepare_cached(&format!(
            "{COLLECTION_ROWS} ORDER BY c.name COLLATE NOCASE, c.id"
        ))?;
        let list = stmt
            .query_map([], read_collection)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(list)
    }

    /// One collection with its count.
    pub fn collection(&self, id: i64) -> Result<Collection> {
        collection_on(&lock(&self.reader), id)?.ok_or(LibraryError::CollectionNotFound(id))
    }

    /// Makes an empty collection. The name is trimmed; one that another collection has
    /// (letter case ignored) is refused with a sentence.
    pub fn create_collection(&self, name: &str) -> Result<Collection> {
        let name = clean_name(name)?;
        let conn = lock(&self.writer);
        let id: i64 = conn
            .prepare_cached(
                "INSERT INTO collections (name, created_at) VALUES (?1, ?2) RETURNING id",
            )?
            .query_row(params![name, now_ms()], |r| r.get(0))
            .map_err(|e| {
                if is_unique_violation(&e) {
                    name_taken(&name)
                } else {
                    e.into()
                }
            })?;
        collection_on(&conn, id)?.ok_or(LibraryError::CollectionNotFound(id))
    }

    /// Gives a collection another name (same rules as [`Library::create_collection`]).
    pub fn rename_collection(&self, id: i64, name: &str) -> Result<Collection> {
        let name = clean_name(name)?;
        let conn = lock(&self.writer);
        let n = conn
            .prepare_cached("UPDATE collections SET name = ?2 WHERE id = ?1")?
            .execute(params![id, name])
            .map_err(|e| {
                if is_unique_violation(&e) {
                    name_taken(&name)
                } else {
                    LibraryError::from(e)
                }
            })?;
        if n == 0 {
            return Err(LibraryError::CollectionNotFound(id));
        }
        collection_on(&conn, id)?.ok_or(LibraryError::CollectionNotFound(id))
    }

    /// Deletes a collection; its images stay in the library. False if there was none.
    pub fn delete_collection(&self, id: i64) -> Result<bool> {
        let n = lock(&self.writer)
            .prepare_cached("DELETE FROM collections WHERE id = ?1")?
            .execute([id])?;
        Ok(n > 0)
    }

    /// Puts images into a collection, in one transaction; images already in it, and ids no
    /// longer in the library, are passed over. Returns how many were added.
    pub fn add_to_collection(&self, id: i64, image_ids: &[i64]) -> Result<usize> {
        let mut conn = lock(&self.writer);
        let tx = write_transaction(&mut conn)?;
        require_collection(&tx, id)?;
        let mut added = 0;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT OR IGNORE INTO collection_images (collection_id, image_id, created_at, added_at)
                 SELECT ?1, i.id, i.created_at, ?3 FROM images i WHERE i.id = ?2",
            )?;
            let now = now_ms();
            for image in image_ids {
                added += stmt.execute(params![id, image, now])?;
            }
        }
        tx.commit()?;
        Ok(added)
    }

    /// Takes images out of a collection (they stay in the library), in one transaction.
    /// Returns how many were in it.
    pub fn remove_from_collection(&self, id: i64, image_ids: &[i64]) -> Result<usize> {
        let mut conn = lock(&self.writer);
        let tx = write_transaction(&mut conn)?;
        require_collection(&tx, id)?;
        let mut removed = 0;
        {
            let mut stmt = tx.prepare_cached(
                "DELETE FROM collection_images WHERE collection_id = ?1 AND image_id = ?2",
            )?;
            for image in image_ids {
                removed += stmt.execute(params![id, image])?;
            }
        }
        tx.commit()?;
        Ok(removed)
    }

    /// The ids of the collections an image is in.
    pub fn image_collections(&self, image_id: i64) -> Result<Vec<i64>> {
        let conn = lock(&self.reader);
        let mut stmt = conn.prepare_cached(
            "SELECT collection_id FROM collection_images WHERE image_id = ?1 ORDER BY collection_id",
        )?;
        let ids = stmt
            .query_map([image_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }
}
