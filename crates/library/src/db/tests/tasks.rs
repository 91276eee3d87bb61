//! Tests of task rows: upserts, stale writes, timeouts and re-checks, lineage.

use super::*;

#[test]
fn upsert_is_idempotent_and_keeps_what_later_reports_omit() {
    let (_dir, lib) = open();
    let mut t = Task::new("job-1", ProviderKind::Linkr, TaskKind::Imagine);
    t.prompt = Some("misty forest at dawn".into());
    t.created_at = Some(at(0));
    lib.upsert_task(&t, true, Some(at(600))).expect("created");
    let first = lib.get_task("job-1").expect("get").expect("there");
    assert_eq!(first.task.status, TaskStatus::Queued);
    assert!(first.demo && first.finished_at.is_none());
    assert_eq!(first.deadline_at, Some(at(600)));

    t.status = TaskStatus::Running;
    t.progress = Some(40);
    t.prompt = None; // a fetch that does not repeat the prompt
    lib.upsert_task(&t, true, None).expect("progress");
    lib.upsert_task(&t, true, None).expect("same again");
    t.status = TaskStatus::Succeeded;
    t.progress = Some(100);
    t.grid_url = Some("https://cdn.example.com/grid.png".into());
    lib.upsert_task(&t, false, None).expect("done");

    assert_eq!(count_rows(&lib, "tasks"), 1);
    let got = lib.get_task("job-1").expect("get").expect("there");
    assert_eq!(got.task.status, TaskStatus::Succeeded);
    assert_eq!(got.task.progress, Some(100));
    assert_eq!(got.task.prompt.as_deref(), Some("misty forest at dawn"));
    assert_eq!(
        got.task.grid_url.as_deref(),
        Some("https://cdn.example.com/grid.png")
    );
    assert_eq!(got.created_at, at(0));
    assert_eq!(got.deadline_at, Some(at(600)), "deadline kept");
    assert!(got.demo, "demo flag of the first call");
    assert!(got.finished_at.is_some());
    // the prompt is indexed exactly once
    let hits: i64 = lock(&lib.reader)
        .query_row(
            "SELECT count(*) FROM prompts_fts WHERE prompts_fts MATCH 'forest'",
            [],
            |r| r.get(0),
        )
        .expect("fts");
    assert_eq!(hits, 1);

    // images: same slot again updates the row
    let a = lib
        .add_image(
            "job-1",
            ImageSlot::Grid,
            Path::new("images/job-1/grid.png"),
            10,
            10,
            1,
        )
        .expect("add");
    let b = lib
        .add_image(
            "job-1",
            ImageSlot::Grid,
            Path::new("images/job-1/grid.png"),
            20,
            20,
            2,
        )
        .expect("again");
    assert_eq!(a, b);
    assert_eq!(count_rows(&lib, "images"), 1);
    assert_eq!(lib.get_image(a).expect("get").expect("there").width, 20);
    assert!(lib.integrity_check().expect("check"));
}

#[test]
fn a_stale_write_never_brings_a_finished_task_back_to_life() {
    let (_dir, lib) = open();
    let mut t = Task::new("job-late", ProviderKind::Journey, TaskKind::Imagine);
    t.prompt = Some("a lighthouse".into());
    let queued = t.clone();
    t.status = TaskStatus::Succeeded;
    t.progress = Some(100);
    lib.upsert_task(&t, false, None).expect("finished first");
    // The submit's own "queued" write arrives late.
    lib.upsert_task(&queued, false, None)
        .expect("late write is accepted");
    let got = lib.get_task("job-late").expect("get").expect("there");
    assert_eq!(got.task.status, TaskStatus::Succeeded);
    assert_eq!(got.task.progress, Some(100));
    assert!(got.finished_at.is_some());
    assert!(lib.unfinished_tasks().expect("unfinished").is_empty());
    // A later final state (e.g. a re-archive) still lands.
    t.error = Some("re-archived".into());
    lib.upsert_task(&t, false, None).expect("final again");
    let got = lib.get_task("job-late").expect("get").expect("there");
    assert_eq!(got.task.error.as_deref(), Some("re-archived"));
}

#[test]
fn timed_out_tasks_still_being_rechecked_are_found_again_and_a_late_result_lands() {
    let (_dir, lib) = open();
    let now = at(10_000);
    let mut waiting = task("w", ProviderKind::Linkr, TaskKind::Imagine, "a slow fox", 0);
    waiting.status = TaskStatus::TimedOut;
    waiting.recheck_until = Some(now + chrono::Duration::hours(20));
    lib.upsert_task(&waiting, false, None).expect("upsert");
    let mut over = task("o", ProviderKind::Linkr, TaskKind::Imagine, "too late", 1);
    over.status = TaskStatus::TimedOut;
    over.recheck_until = Some(now - chrono::Duration::seconds(1));
    lib.upsert_task(&over, false, None).expect("upsert");
    let mut provider_gave_up = task("p", ProviderKind::Linkr, TaskKind::Imagine, "x", 2);
    provider_gave_up.status = TaskStatus::TimedOut;
    lib.upsert_task(&provider_gave_up, false, None)
        .expect("upsert");
    let found: Vec<String> = lib
        .rechecking_tasks(now)
        .expect("query")
        .into_iter()
        .map(|s| s.task.id)
        .collect();
    assert_eq!(found, vec!["w".to_string()]);
    // A late result replaces the timed-out state (final after final is allowed).
    let mut late = waiting.clone();
    late.status = TaskStatus::Succeeded;
    late.recheck_until = None;
    late.finished_late = true;
    lib.upsert_task(&late, false, None).expect("late result");
    let got = lib.get_task("w").expect("get").expect("there");
    assert_eq!(got.task.status, TaskStatus::Succeeded);
    assert!(got.task.finished_late);
    assert!(lib.rechecking_tasks(now).expect("query").is_empty());
}

#[test]
fn a_task_keeps_the_local_time_it_was_first_recorded_at() {
    let (_dir, lib) = open();
    let submitted = task("t", ProviderKind::Linkr, TaskKind::Imagine, "a fox", 0);
    lib.upsert_task(&submitted, false, None).expect("upsert");
    // A later write carries LinkrAPI's own created_at, which has no time zone (hours off).
    let mut fetched = submitted.clone();
    fetched.created_at = Some(at(0) + chrono::Duration::hours(5));
    lib.upsert_task(&fetched, false, None).expect("upsert");
    let got = lib.get_task("t").expect("get").expect("there");
    assert_eq!(got.task.created_at, Some(at(0)));
    assert_eq!(got.created_at, at(0));
}

#[test]
fn unfinished_tasks_and_timeouts() {
    let (_dir, lib) = open();
    for (id, status, secs) in [
        ("q", TaskStatus::Queued, 3),
        ("r", TaskStatus::Running, 1),
        ("s", TaskStatus::Succeeded, 2),
        ("f", TaskStatus::Failed, 4),
    ] {
        let mut t = task(id, ProviderKind::Journey, TaskKind::Imagine, "x", secs);
        t.status = status;
        lib.upsert_task(&t, false, Some(at(100))).expect("upsert");
    }
    let ids: Vec<String> = lib
        .unfinished_tasks()
        .expect("unfinished")
        .into_iter()
        .map(|t| t.task.id)
        .collect();
    assert_eq!(ids, ["r", "q"], "oldest first");

    // the engine gives up at its deadline: the task is written timed out
    let mut r = lib.get_task("r").expect("get").expect("there").task;
    r.status = TaskStatus::TimedOut;
    r.error = Some("Gave up after 10 minutes.".into());
    lib.upsert_task(&r, false, None).expect("timeout");
    let r = lib.get_task("r").expect("get").expect("there");
    assert_eq!(r.task.status, TaskStatus::TimedOut);
    assert_eq!(r.task.error.as_deref(), Some("Gave up after 10 minutes."));
    assert!(r.finished_at.is_some());
    assert_eq!(r.deadline_at, Some(at(100)), "the deadline is kept");
    assert_eq!(lib.unfinished_tasks().expect("unfinished").len(), 1);
    assert!(lib.get_task("nope").expect("get").is_none());
}

#[test]
fn lineage_parent_and_children() {
    let (_dir, lib) = open();
    grid_task(&lib, "root", ProviderKind::Linkr, "a lighthouse", 0);
    for (i, id) in ["u2", "v3", "reroll"].into_iter().enumerate() {
        let kind = [
            TaskKind::Upscale { index: 2 },
            TaskKind::Variation { index: 3 },
            TaskKind::Reroll,
        ][i]
            .clone();
        let mut t = task(id, ProviderKind::Linkr, kind, "a lighthouse", 10 + i as i64);
        t.parent_id = Some("root".into());
        lib.upsert_task(&t, false, None).expect("child");
    }
    let mut grandchild = task(
        "u2-subtle",
        ProviderKind::Linkr,
        TaskKind::UpscaleSubtle,
        "a lighthouse",
        20,
    );
    grandchild.parent_id = Some("u2".into());
    lib.upsert_task(&grandchild, false, None)
        .expect("grandchild");

    let kids: Vec<String> = lib
        .children("root")
        .expect("children")
        .into_iter()
        .map(|t| t.task.id)
        .collect();
    assert_eq!(kids, ["u2", "v3", "reroll"]);
    assert_eq!(
        lib.parent("u2-subtle")
            .expect("parent")
            .map(|t| t.task.id)
            .as_deref(),
        Some("u2")
    );
    assert_eq!(
        lib.parent("u2")
            .expect("parent")
            .map(|t| t.task.id)
            .as_deref(),
        Some("root")
    );
    assert!(lib.parent("root").expect("parent").is_none());
    assert!(lib.children("u2-subtle").expect("children").is_empty());

    assert!(lib.parent("ghost").expect("parent").is_none());
    assert!(lib.children("ghost").expect("children").is_empty());
}
