//! The fault matrix over real HTTP: every injected fault gives its typed error
//! (transient ones retryable), never a panic; bad input sends nothing at all.

mod common;

use std::time::{Duration, Instant};

use atelier_providers::{
    ActionInput, ImagineRequest, JourneyClient, LinkrClient, ProviderClient, ProviderError,
    ProviderKind, Task, TaskKind, TaskStatus, UpscaleAltType, VariationTarget, ZoomFactor,
};
use atelier_simulator::{FaultKind, FaultRule, Phase, Simulator, Target};
use common::*;

fn req(prompt: &str) -> ImagineRequest {
    ImagineRequest {
        prompt: prompt.to_string(),
        ..ImagineRequest::default()
    }
}

fn target(kind: ProviderKind) -> Target {
    match kind {
        ProviderKind::Linkr => Target::Linkr,
        ProviderKind::Journey => Target::Journey,
    }
}

/// Injects `fault` once for `client`'s provider and returns the error an imagine gets.
async fn inject_and_imagine(
    sim: &Simulator,
    client: &ProviderClient,
    fault: FaultKind,
) -> ProviderError {
    sim.inject(
        FaultRule::new(fault.clone())
            .provider(target(client.kind()))
            .times(1),
    );
    let started = Instant::now();
    let err = client
        .imagine(&req("a harmless teapot"))
        .await
        .expect_err(&format!("{fault:?} must fail"));
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{fault:?} took too long"
    );
    err
}

#[tokio::test]
async fn status_faults_give_typed_errors() {
    let sim = sim().await;
    for client in both(&sim) {
        let k = client.kind();
        let e = inject_and_imagine(&sim, &client, FaultKind::Unauthorized).await;
        assert_eq!(e, ProviderError::Unauthorized, "{k:?}");
        assert!(!e.is_retryable());

        let e = inject_and_imagine(&sim, &client, FaultKind::Forbidden).await;
        match k {
            ProviderKind::Linkr => {
                assert_eq!(e.code(), "hold_suspended", "{e:?}");
                assert!(e.to_string().contains("Hold account is suspended"), "{e}");
                assert!(e.to_string().contains("LinkrAPI dashboard"), "{e}");
            }
            ProviderKind::Journey => assert_eq!(e.code(), "suspended", "{e:?}"),
        }
        assert!(e.to_string().contains("account is suspended"), "{e}");
        assert!(!e.is_retryable());

        // LinkrAPI's documented 502: the Hold cannot reach Discord. Not retried, and it
        // says where to fix it. JourneyAPI's 502 stays an outage worth retrying.
        let e = inject_and_imagine(&sim, &client, FaultKind::DiscordUnreachable).await;
        match k {
            ProviderKind::Linkr => {
                assert_eq!(
                    e,
                    ProviderError::DiscordUnreachable {
                        detail: "Failed to connect to Discord".into()
                    }
                );
                assert!(!e.is_retryable());
                assert_eq!(
                    e.to_string(),
                    "LinkrAPI cannot reach your Discord account; check the Hold's Discord \
                     token on the LinkrAPI dashboard."
                );
            }
            ProviderKind::Journey => {
                assert_eq!(e.code(), "unavailable", "{e:?}");
                assert!(e.is_retryable());
            }
        }

        let e = inject_and_imagine(
            &sim,
            &client,
            FaultKind::RateLimited {
                retry_after_secs: Some(7),
            },
        )
        .await;
        assert_eq!(
            e.retry_after(),
            Some(Duration::from_secs(7)),
            "{k:?}: {e:?}"
        );
        assert!(e.is_retryable());

        let e = inject_and_imagine(
            &sim,
            &client,
            FaultKind::RateLimited {
                retry_after_secs: None,
            },
        )
        .await;
        assert_eq!(e, ProviderError::RateLimited { retry_after: None });

        for status in [500u16, 502, 503] {
            let e = inject_and_imagine(&sim, &client, FaultKind::ServerError { status }).await;
            match &e {
                ProviderError::Unavailable { status: s, .. } => assert_eq!(*s, status),
                other => panic!("{k:?} {status}: {other:?}"),
            }
            assert!(e.is_retryable());
        }

        // After the one-shot faults the service works again.
        client
            .imagine(&req("still works"))
            .await
            .expect("recovered");
    }
}

#[tokio::test]
async fn not_found_and_wrong_keys() {
    let sim = sim().await;
    let bad = [
        ProviderClient::Linkr(LinkrClient::new(&sim.linkr_base_url(), "lkr_wrong").unwrap()),
        ProviderClient::Journey(JourneyClient::new(&sim.journey_base_url(), "japi_wrong").unwrap()),
    ];
    // A pasted "Bearer " prefix is caught before anything is sent.
    let e = JourneyClient::new(&sim.journey_base_url(), "Bearer japi_demo").unwrap_err();
    assert!(e.to_string().contains("without \"Bearer"), "{e}");
    for client in &bad {
        let e = client.imagine(&req("a cat")).await.expect_err("bad key");
        assert_eq!(e, ProviderError::Unauthorized, "{:?}", client.kind());
        assert_eq!(
            e.to_string(),
            "The API key was rejected. Check it in Settings."
        );
        let check = client.check_key().await.expect("check answers");
        assert!(!check.valid);
        assert!(
            check.message.starts_with("Key rejected: "),
            "{}",
            check.message
        );
    }
    for client in both(&sim) {
        let e = client
            .fetch("0b9c7e1a-1234-4bcd-9def-0123456789ab")
            .await
            .expect_err("unknown id");
        assert_eq!(e.code(), "not_found", "{:?}: {e:?}", client.kind());
        assert!(client.check_key().await.expect("check").valid);
    }
    // A wrong base URL answers 404 too, but not about a task: that is no LinkrAPI, not a
    // valid key.
    let wrong = LinkrClient::new(
        &format!("{}/linkr/nothing-here", sim.base_url()),
        "lkr_demo",
    )
    .expect("client");
    let e = wrong.check_key().await.expect_err("no service there");
    assert!(
        e.to_string()
            .contains("no LinkrAPI service at this address"),
        "{e}"
    );
}

#[tokio::test]
async fn transport_faults_are_retryable_or_malformed() {
    let sim = sim().await;
    for client in both(&sim) {
        let k = client.kind();
        let e = inject_and_imagine(&sim, &client, FaultKind::ConnectionReset).await;
        assert_eq!(e.code(), "network", "{k:?}: {e:?}");
        assert!(e.is_retryable());

        let e = inject_and_imagine(&sim, &client, FaultKind::MalformedJson).await;
        assert_eq!(e.code(), "malformed", "{k:?}: {e:?}");

        let e = inject_and_imagine(&sim, &client, FaultKind::WrongContentType).await;
        assert_eq!(e.code(), "malformed", "{k:?}: {e:?}");
    }
}

#[tokio::test]
async fn hung_responses_time_out() {
    let sim = sim().await;
    for client in both(&sim) {
        let client = client.with_timeout(Duration::from_millis(500));
        for fault in [FaultKind::Hang, FaultKind::HangBody] {
            let started = Instant::now();
            let e = inject_and_imagine(&sim, &client, fault.clone()).await;
            assert_eq!(e, ProviderError::Timeout, "{:?} {fault:?}", client.kind());
            assert!(e.is_retryable());
            let took = started.elapsed();
            assert!(took >= Duration::from_millis(400), "{took:?}");
            assert!(took < Duration::from_secs(5), "{took:?}");
        }
    }
}

#[tokio::test]
async fn oversized_bodies_are_refused_without_buffering() {
    let sim = sim().await;
    let before = peak_rss();
    for client in both(&sim) {
        let e = inject_and_imagine(
            &sim,
            &client,
            FaultKind::Oversized {
                bytes: Some(200 * 1024 * 1024),
            },
        )
        .await;
        assert_eq!(e.code(), "malformed", "{e:?}");
        assert!(e.to_string().contains("8 MiB"), "{e}");
    }
    let grown = peak_rss().saturating_sub(before);
    assert!(
        grown < 100 * 1024 * 1024,
        "peak memory grew by {grown} bytes"
    );
}

#[tokio::test]
async fn content_policy_and_task_failures() {
    let sim = sim().await;
    for client in both(&sim) {
        let k = client.kind();
        let e = client
            .imagine(&req("something dreadful [[fault:content_policy]]"))
            .await
            .expect_err("blocked");
        match &e {
            ProviderError::ContentPolicy { reason } => {
                assert!(reason.contains("Banned prompt"), "{k:?}: {reason}")
            }
            other => panic!("{k:?}: {other:?}"),
        }
        assert!(e.to_string().contains("content policy"));

        let sub = client
            .imagine(&req("a cat that will fail [[fault:failed]]"))
            .await
            .expect("submitted");
        let t = wait(&client, &sub.task_id).await;
        assert_eq!(t.status, TaskStatus::Failed, "{k:?}");
        assert!(t.error.as_deref().is_some_and(|e| !e.is_empty()), "{t:?}");
        assert!(t.actions.is_empty());
        // A failed parent has no buttons to press; nothing is sent.
        sim.clear_requests();
        let e = client
            .action(&t, "upscale:1", &ActionInput::default())
            .await
            .expect_err("failed parent");
        assert_eq!(e.code(), "invalid_input");
        assert!(sim.requests().is_empty());
    }
    // LinkrAPI: provider timeout and the one-time subscription notice.
    let linkr = ProviderClient::Linkr(linkr(&sim));
    let sub = linkr
        .imagine(&req("slow one [[fault:timeout]]"))
        .await
        .expect("submit");
    assert_eq!(
        wait(&linkr, &sub.task_id).await.status,
        TaskStatus::TimedOut
    );
    let sub = linkr
        .imagine(&req("first job [[thank-you]]"))
        .await
        .expect("submit");
    let t = wait(&linkr, &sub.task_id).await;
    assert_eq!(t.status, TaskStatus::Failed);
    assert_eq!(
        t.error.as_deref(),
        Some(
            "Midjourney showed its one-time welcome notice on your Discord account instead of \
             running this job; press Retry, it works now."
        ),
        "{t:?}"
    );
    // Retry: the same prompt again goes through.
    let again = linkr
        .imagine(&req("first job [[thank-you]]"))
        .await
        .expect("retry");
    assert_eq!(
        wait(&linkr, &again.task_id).await.status,
        TaskStatus::Succeeded
    );
}

/// A finished parent for the bad-input checks.
async fn finished_grid_and_single(client: &ProviderClient) -> (Task, Task) {
    let sub = client.imagine(&req("a lantern")).await.expect("imagine");
    let grid = wait_ok(client, &sub.task_id).await;
    let u = client
        .action(&grid, &action_id(&grid, "U1"), &ActionInput::default())
        .await
        .expect("U1");
    (grid, wait_ok(client, &u.task_id).await)
}

async fn expect_invalid<T: std::fmt::Debug>(
    what: &str,
    fut: impl std::future::Future<Output = Result<T, ProviderError>>,
) {
    match fut.await {
        Err(ProviderError::InvalidInput { field, reason }) => {
            assert!(!field.is_empty(), "{what}");
            assert!(reason.len() > 10, "{what}: {reason}");
        }
        other => panic!("{what}: expected InvalidInput, got {other:?}"),
    }
}

#[tokio::test]
async fn bad_input_sends_nothing() {
    let sim = sim().await;
    for client in both(&sim) {
        let k = client.kind();
        let (grid, single) = finished_grid_and_single(&client).await;
        sim.clear_requests();
        let long = "a".repeat(6001);
        for (what, r) in [
            ("empty prompt", req("")),
            ("blank prompt", req("  \n\t ")),
            ("long prompt", req(&long)),
            (
                "aspect ratio",
                ImagineRequest {
                    aspect_ratio: Some("5:4".into()),
                    ..req("a cat")
                },
            ),
            (
                "model with control characters",
                ImagineRequest {
                    model: Some("flux\u{7}pro".into()),
                    ..req("a cat")
                },
            ),
            (
                "absurdly long model",
                ImagineRequest {
                    model: Some("m".repeat(101)),
                    ..req("a cat")
                },
            ),
            (
                "edit model without an image",
                ImagineRequest {
                    model: Some("flux-kontext-pro".into()),
                    ..req("a cat")
                },
            ),
            (
                "file url",
                ImagineRequest {
                    reference_image: Some("file:///etc/passwd".into()),
                    ..req("a cat")
                },
            ),
            (
                "js url",
                ImagineRequest {
                    reference_image: Some("javascript:alert(1)".into()),
                    ..req("a cat")
                },
            ),
        ] {
            expect_invalid(&format!("{k:?} {what}"), client.imagine(&r)).await;
        }
        for id in ["", "../etc/passwd", "a/b", "a b", "x?y=1", "é"] {
            expect_invalid(&format!("{k:?} fetch {id:?}"), client.fetch(id)).await;
        }
        expect_invalid(
            "fetch_many with a bad id",
            client.fetch_many(&["ok-id".into(), "../bad".into()]),
        )
        .await;
        // A parent that has not finished.
        let mut running = grid.clone();
        running.status = TaskStatus::Running;
        let u1 = action_id(&grid, "U1");
        expect_invalid(
            "unfinished parent",
            client.action(&running, &u1, &ActionInput::default()),
        )
        .await;
        // A button the parent does not have.
        expect_invalid(
            "grid has no vary strong",
            client.action(&grid, "vary-strong", &ActionInput::default()),
        )
        .await;
        expect_invalid(
            "label is not an id",
            client.action(&grid, "U1", &ActionInput::default()),
        )
        .await;
        expect_invalid(
            "unknown id",
            client.action(&grid, "nope", &ActionInput::default()),
        )
        .await;
        expect_invalid(
            "empty id",
            client.action(&grid, "", &ActionInput::default()),
        )
        .await;
        let mut no_buttons = single.clone();
        no_buttons.actions.clear();
        if k == ProviderKind::Linkr {
            expect_invalid(
                "no components",
                client.action(&no_buttons, "upsample1", &ActionInput::default()),
            )
            .await;
        }
        // A parent from the other provider.
        let mut foreign = grid.clone();
        foreign.provider = match k {
            ProviderKind::Linkr => ProviderKind::Journey,
            ProviderKind::Journey => ProviderKind::Linkr,
        };
        expect_invalid(
            "foreign parent",
            client.action(&foreign, &u1, &ActionInput::default()),
        )
        .await;
        // A hostile parent id.
        let mut hostile = grid.clone();
        hostile.id = "../../admin".into();
        expect_invalid(
            "hostile parent id",
            client.action(&hostile, &u1, &ActionInput::default()),
        )
        .await;
        assert!(
            sim.requests().is_empty(),
            "{k:?} sent: {:?}",
            sim.requests()
        );
    }
}

#[tokio::test]
async fn journey_specific_bad_input_sends_nothing() {
    let sim = sim().await;
    let j = journey(&sim);
    let pc = ProviderClient::Journey(j.clone());
    let (grid, single) = finished_grid_and_single(&pc).await;
    sim.clear_requests();
    expect_invalid("fetch-many 1", j.fetch_many(std::slice::from_ref(&grid.id))).await;
    let many: Vec<String> = (0..21).map(|i| format!("id-{i}")).collect();
    expect_invalid("fetch-many 21", j.fetch_many(&many)).await;
    expect_invalid("index 0", j.upscale_1x(&grid, 0)).await;
    expect_invalid("index 5", j.upscale_1x(&grid, 5)).await;
    expect_invalid("upscale of a single", j.upscale_1x(&single, 1)).await;
    expect_invalid(
        "alt on a grid",
        j.upscale_alt(&grid, UpscaleAltType::Subtle),
    )
    .await;
    expect_invalid(
        "strong on a grid",
        j.variations(&grid, VariationTarget::Strong),
    )
    .await;
    expect_invalid(
        "V2 on a single",
        j.variations(&single, VariationTarget::Index { index: 2 }),
    )
    .await;
    expect_invalid("zoom on a grid", j.outpaint(&grid, ZoomFactor::X2)).await;
    expect_invalid("reroll of an upscale", j.reroll(&single, None)).await;
    expect_invalid(
        "reroll with a long prompt",
        j.reroll(&grid, Some(&"b".repeat(7000))),
    )
    .await;
    expect_invalid(
        "2x of a grid without index",
        j.upscale_2x_4x(&grid, atelier_providers::UpscaleSize::X2, None),
    )
    .await;
    let input = ActionInput::prompt("   ");
    expect_invalid("pan on grid", pc.action(&grid, "pan:left", &input)).await;
    assert!(sim.requests().is_empty(), "sent: {:?}", sim.requests());
    // A rerolled prompt that is fine goes through.
    let r = pc
        .action(&grid, "reroll", &ActionInput::prompt("a lantern at night"))
        .await
        .expect("reroll");
    assert_eq!(r.kind, TaskKind::Reroll);
}

#[tokio::test]
async fn client_construction_checks() {
    for base in ["", "ftp://x", "not a url", "http://", "http://u:p@host/api"] {
        assert_eq!(
            LinkrClient::new(base, "lkr_x").unwrap_err().code(),
            "invalid_input",
            "{base}"
        );
    }
    let e = JourneyClient::new("http://127.0.0.1:1/api/v1", "").unwrap_err();
    assert!(e.to_string().contains("Settings"), "{e}");
    // Nothing listens on port 1: a network error, retryable.
    let c = JourneyClient::new("http://127.0.0.1:1/api/v1", "japi_x").unwrap();
    let e = c.account().await.unwrap_err();
    assert_eq!(e.code(), "network", "{e:?}");
    assert!(e.is_retryable());
}

#[tokio::test]
async fn journey_400_on_fetch_reads_as_not_found() {
    let sim = sim().await;
    let j = journey(&sim);
    let pc = ProviderClient::Journey(j.clone());
    let a = pc.imagine(&req("one")).await.expect("a").task_id;
    let b = pc.imagine(&req("two")).await.expect("b").task_id;
    let bad_request = || {
        FaultRule::new(FaultKind::ClientError {
            status: 400,
            message: Some("Invalid task_id".into()),
        })
        .provider(Target::Journey)
        .phase(Phase::Poll)
        .times(1)
    };
    sim.inject(bad_request());
    let e = j.fetch(&a).await.expect_err("400");
    assert_eq!(
        e,
        ProviderError::NotFound {
            what: "Invalid task_id".into()
        }
    );
    sim.inject(bad_request());
    let e = j
        .fetch_many(&[a.clone(), b.clone()])
        .await
        .expect_err("400");
    assert_eq!(e.code(), "not_found");
    // Through the unified client, a refused batch is read again one by one.
    sim.inject(bad_request());
    sim.clear_requests();
    let tasks = pc
        .fetch_many(&[a.clone(), b.clone()])
        .await
        .expect("read one by one");
    let ids: Vec<&str> = tasks.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, [a.as_str(), b.as_str()]);
    let paths: Vec<String> = sim.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            "/journey/api/v1/fetch-many",
            "/journey/api/v1/fetch",
            "/journey/api/v1/fetch"
        ]
    );
}
