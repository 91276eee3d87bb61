//! Permutation groups: the prompts one `{a, b}` prompt made, kept together so that their tasks
//! can be shown side by side (a contact sheet). A group is written whole when the person sends
//! the prompt, before any of its jobs goes out; each member learns its task id when its job is
//! sent. Which option each member chose is the core's business (stored as given).

use super::rows::{from_ms, now_ms};
use super::{lock, write_transaction, Library};
use crate::{LibraryError, Result};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

/// A new group as the core hands it over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewGroup {
    /// The group's id.
    pub id: String,
    /// The prompt as the person wrote it, braces and all.
    pub template: String,
    /// Each option set of the prompt, its options in order.
    pub sets: Vec<Vec<String>>,
    /// Each prompt it made, in send order: the prompt and the option chosen from each set.
    pub members: Vec<(String, Vec<String>)>,
}

/// One prompt of a group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupMember {
    /// 1-based place in the group (send order).
    pub position: u32,
    /// The prompt as sent.
    pub prompt: String,
    /// The option chosen from each set.
    pub choices: Vec<String>,
    /// The task it became, once sent.
    pub task_id: Option<String>,
}

/// A whole group as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredGroup {
    /// The group's id.
    pub id: String,
    /// The prompt as the person wrote it.
    pub template: String,
    /// Each option set, its options in order.
    pub sets: Vec<Vec<String>>,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
    /// Its prompts, in send order.
    pub members: Vec<GroupMember>,
}

/// Where a task stands in its group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupPlace {
    /// The group's id.
    pub group_id: String,
    /// 1-based place in the group.
    pub position: u32,
    /// How many prompts the group has.
    pub count: u32,
    /// The option chosen from each set.
    pub choices: Vec<String>,
}

fn to_json(value: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string(value).map_err(|e| LibraryError::Database(e.to_string()))
}

fn strings(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

impl Library {
    /// Writes a group and all its members in one transaction. Durable when this returns.
    pub fn group_create(&self, group: &NewGroup) -> Result<()> {
        let mut conn = lock(&self.writer);
        let tx = write_transaction(&mut conn)?;
        tx.execute(
            "INSERT INTO prompt_groups (id, template, sets_json, created_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![group.id, group.template, to_json(&group.sets)?, now_ms()],
        )?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO group_members (group_id, position, prompt, choices_json)
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (i, (prompt, choices)) in group.members.iter().enumerate() {
                insert.execute(params![group.id, i as i64 + 1, prompt, to_json(choices)?])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Records the task a member became when its job was sent.
    pub fn group_attach(&self, group_id: &str, position: u32, task_id: &str) -> Result<()> {
        let conn = lock(&self.writer);
        conn.execute(
            "UPDATE group_members SET task_id = ?3 WHERE group_id = ?1 AND position = ?2",
            params![group_id, position, task_id],
        )?;
        Ok(())
    }

    /// The group a task belongs to and its place there, if it was made from a permutation.
    pub fn group_of_task(&self, task_id: &str) -> Result<Option<GroupPlace>> {
        let conn = lock(&self.reader);
        Ok(conn
            .query_row(
                "SELECT m.group_id, m.position, m.choices_json,
                        (SELECT COUNT(*) FROM group_members c WHERE c.group_id = m.group_id)
                 FROM group_members m WHERE m.task_id = ?1",
                [task_id],
                |r| {
                    Ok(GroupPlace {
                        group_id: r.get(0)?,
                        position: r.get(1)?,
                        choices: strings(&r.get::<_, String>(2)?),
                        count: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    /// A whole group with its members in send order.
    pub fn group_get(&self, group_id: &str) -> Result<Option<StoredGroup>> {
        let conn = lock(&self.reader);
        let head = conn
            .query_row(
                "SELECT id, template, sets_json, created_at FROM prompt_groups WHERE id = ?1",
                [group_id],
                |r| {
                    Ok(StoredGroup {
                        id: r.get(0)?,
                        template: r.get(1)?,
                        sets: serde_json::from_str(&r.get::<_, String>(2)?).unwrap_or_default(),
                        created_at: from_ms(r.get(3)?),
                        members: Vec::new(),
                    })
                },
            )
            .optional()?;
        let Some(mut group) = head else {
            return Ok(None);
        };
        let mut stmt = conn.prepare_cached(
            "SELECT position, prompt, choices_json, task_id FROM group_members
             WHERE group_id = ?1 ORDER BY position",
        )?;
        let rows = stmt.query_map([group_id], |r| {
            Ok(GroupMember {
                position: r.get(0)?,
                prompt: r.get(1)?,
                choices: strings(&r.get::<_, String>(2)?),
                task_id: r.get(3)?,
            })
        })?;
        group.members = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Some(group))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open() -> (tempfile::TempDir, Library) {
        let dir = tempfile::tempdir().expect("tempdir");
        let lib = Library::open(dir.path()).expect("open");
        (dir, lib)
    }

    fn two_by_two() -> NewGroup {
        let choice = |a: &str, b: &str| vec![a.to_string(), b.to_string()];
        NewGroup {
            id: "g-1".into(),
            template: "a {red, blue} bird --ar {1:1, 16:9}".into(),
            sets: vec![choice("red", "blue"), choice("1:1", "16:9")],
            members: vec![
                ("a red bird --ar 1:1".into(), choice("red", "1:1")),
                ("a red bird --ar 16:9".into(), choice("red", "16:9")),
                ("a blue bird --ar 1:1".into(), choice("blue", "1:1")),
                ("a blue bird --ar 16:9".into(), choice("blue", "16:9")),
            ],
        }
    }

    #[test]
    fn a_group_comes_back_whole_and_its_tasks_know_their_place() {
        let (dir, lib) = open();
        lib.group_create(&two_by_two()).expect("create");
        lib.group_attach("g-1", 3, "task-3").expect("attach");
        drop(lib);
        // A restart reads the same group back.
        let lib = Library::open(dir.path()).expect("reopen");
        let group = lib.group_get("g-1").expect("get").expect("stored");
        assert_eq!(group.template, "a {red, blue} bird --ar {1:1, 16:9}");
        assert_eq!(group.sets.len(), 2);
        assert_eq!(group.members.len(), 4);
        assert_eq!(group.members[2].prompt, "a blue bird --ar 1:1");
        assert_eq!(group.members[2].task_id.as_deref(), Some("task-3"));
        assert_eq!(group.members[0].task_id, None);
        let place = lib.group_of_task("task-3").expect("place").expect("member");
        assert_eq!(
            place,
            GroupPlace {
                group_id: "g-1".into(),
                position: 3,
                count: 4,
                choices: vec!["blue".into(), "1:1".into()],
            }
        );
        assert_eq!(lib.group_of_task("elsewhere").expect("none"), None);
        assert_eq!(lib.group_get("g-2").expect("none"), None);
    }

    #[test]
    fn a_group_is_written_whole_or_not_at_all() {
        let (_dir, lib) = open();
        lib.group_create(&two_by_two()).expect("create");
        // The same id again fails, and leaves the first group as it was.
        let mut again = two_by_two();
        again.members.truncate(1);
        assert!(lib.group_create(&again).is_err());
        let group = lib.group_get("g-1").expect("get").expect("stored");
        assert_eq!(group.members.len(), 4);
    }
}
