//! What the JourneyAPI client sends for the newer buttons and the creation modes: each
//! request is caught by a small loopback server that answers `{"task_id"}`, and its path and
//! JSON body are compared with the contract (provider-contracts.md section 2). Refused input
//! must send nothing.

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::inputs::tests::png_mask;
use crate::model::{
    ActionInput, BlendDimension, CreateRequest, ProviderKind, Task, TaskKind, TaskStatus,
    VideoMotion,
};
use crate::{JourneyClient, LinkrClient, ProviderClient, ProviderError};

/// The requests one test server received: (path, JSON body).
type Seen = Arc<Mutex<Vec<(String, Value)>>>;

/// A server that answers every POST with `{"task_id": "new-N"}` and records it.
async fn catcher() -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen: Seen = Arc::default();
    let record = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let record = record.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                let (head_end, length) = loop {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..at]).to_ascii_lowercase();
                        let length = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        break (at + 4, length);
                    }
                };
                while buf.len() < head_end + length {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
                let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
                let body: Value = serde_json::from_slice(&buf[head_end..]).unwrap_or(Value::Null);
                let n = {
                    let mut seen = record.lock().expect("lock");
                    seen.push((path, body));
                    seen.len()
                };
                let answer = format!("{{\"task_id\":\"new-{n}\"}}");
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                    answer.len()
                );
                let _ = sock.write_all(reply.as_bytes()).await;
            });
        }
    });
    (format!("http://{addr}/api/v1"), seen)
}

fn upscale() -> Task {
    let mut t = Task::new(
        "up-1",
        ProviderKind::Journey,
        TaskKind::Upscale { index: 2 },
    );
    t.status = TaskStatus::Succeeded;
    t.image_url = Some("https://cdn.journey.test/u.png".into());
    t.actions = crate::journey::parse_task(
        &json!({"task_id": "up-1", "task_type": "upscale-1x", "status": "finished",
                "image_url": "https://cdn.journey.test/u.png"}),
        None,
    )
    .expect("parses")
    .actions;
    t
}

fn last(seen: &Seen) -> (String, Value) {
    seen.lock()
        .expect("lock")
        .last()
        .cloned()
        .expect("a request")
}

#[tokio::test]
async fn new_buttons_send_the_documented_bodies() {
    let (base, seen) = catcher().await;
    let client = ProviderClient::Journey(JourneyClient::new(&base, "japi_test").expect("client"));
    let parent = upscale();
    let mask = png_mask(1024, 1024);

    let region = ActionInput {
        prompt: Some(" a red hat ".into()),
        mask: Some(mask.clone()),
        ..ActionInput::default()
    };
    let sub = client
        .action(&parent, "vary-region", &region)
        .await
        .expect("inpaint");
    assert_eq!(sub.kind, TaskKind::VaryRegion);
    assert_eq!(sub.parent_id.as_deref(), Some("up-1"));
    assert_eq!(
        last(&seen),
        (
            "/api/v1/inpaint".to_string(),
            json!({"parent_task_id": "up-1", "mask": mask, "prompt": "a red hat"})
        )
    );

    let zoom = ActionInput {
        prompt: Some("a wide valley".into()),
        zoom_ratio: Some(1.8),
        aspect_ratio: Some("16:9".into()),
        ..ActionInput::default()
    };
    let sub = client
        .action(&parent, "custom-zoom", &zoom)
        .await
        .expect("zoom");
    assert_eq!(sub.kind, TaskKind::CustomZoom);
    assert_eq!(
        last(&seen),
        (
            "/api/v1/outpaint".to_string(),
            json!({"parent_task_id": "up-1", "zoom_ratio": 1.8, "aspect_ratio": "16:9",
                   "prompt": "a wide valley"})
        )
    );

    client
        .action(&parent, "zoom-out:square", &ActionInput::default())
        .await
        .expect("make square");
    assert_eq!(
        last(&seen),
        (
            "/api/v1/outpaint".to_string(),
            json!({"parent_task_id": "up-1", "zoom_ratio": 1.0})
        )
    );

    for (id, size, kind) in [
        ("upscale-2x", "2x", TaskKind::Upscale2x),
        ("upscale-4x", "4x", TaskKind::Upscale4x),
    ] {
        let sub = client
            .action(&parent, id, &ActionInput::default())
            .await
            .expect("upscale");
        assert_eq!(sub.kind, kind);
        assert_eq!(
            last(&seen),
            (
                "/api/v1/upscale-2x-4x".to_string(),
                json!({"parent_task_id": "up-1", "type": size})
            )
        );
    }

    let sub = client
        .action(&parent, "seed", &ActionInput::default())
        .await
        .expect("seed");
    assert_eq!(sub.kind, TaskKind::Seed);
    assert_eq!(
        last(&seen),
        ("/api/v1/seed".to_string(), json!({"task_id": "up-1"}))
    );
}

#[tokio::test]
async fn bad_button_input_sends_nothing() {
    let (base, seen) = catcher().await;
    let client = ProviderClient::Journey(JourneyClient::new(&base, "japi_test").expect("client"));
    let parent = upscale();
    let refused = |input: ActionInput, id: &'static str| {
        let client = client.clone();
        let parent = parent.clone();
        async move {
            match client.action(&parent, id, &input).await {
                Err(ProviderError::InvalidInput { reason, .. }) => reason,
                other => panic!("{id}: {other:?}"),
            }
        }
    };
    let no_mask = refused(ActionInput::prompt("a hat"), "vary-region").await;
    assert_eq!(
        no_mask,
        "Vary (Region) needs a mask: paint the area to change first."
    );
    let jpeg = ActionInput {
        mask: Some("data:image/jpeg;base64,/9j/4AAQ".into()),
        ..ActionInput::default()
    };
    assert!(refused(jpeg, "vary-region").await.contains("PNG picture"));
    for ratio in [None, Some(1.0), Some(2.5)] {
        let input = ActionInput {
            prompt: Some("wider".into()),
            zoom_ratio: ratio,
            ..ActionInput::default()
        };
        let reason = refused(input, "custom-zoom").await;
        assert!(
            reason.contains("above 1 and at most 2"),
            "{ratio:?}: {reason}"
        );
    }
    let bad_ar = ActionInput {
        zoom_ratio: Some(1.5),
        aspect_ratio: Some("wide".into()),
        ..ActionInput::default()
    };
    assert!(refused(bad_ar, "custom-zoom")
        .await
        .contains("width:height"));
    let long = ActionInput {
        prompt: Some("p".repeat(7000)),
        zoom_ratio: Some(1.5),
        ..ActionInput::default()
    };
    assert!(refused(long, "custom-zoom").await.contains("too long"));
    assert!(seen.lock().expect("lock").is_empty(), "nothing is sent");
}

#[tokio::test]
async fn creation_modes_send_the_documented_bodies() {
    let (base, seen) = catcher().await;
    let client = ProviderClient::Journey(JourneyClient::new(&base, "japi_test").expect("client"));
    let cases = [
        (
            CreateRequest::Blend {
                image_urls: vec!["https://x.test/1.png".into(), "https://x.test/2.png".into()],
                dimension: BlendDimension::Landscape,
            },
            "/api/v1/blend",
            json!({"image_urls": ["https://x.test/1.png", "https://x.test/2.png"],
                   "dimension": "landscape"}),
        ),
        (
            CreateRequest::Describe {
                image_url: "https://x.test/1.png".into(),
            },
            "/api/v1/describe",
            json!({"image_url": "https://x.test/1.png"}),
        ),
        (
            CreateRequest::Shorten {
                prompt: "a long and winding prompt".into(),
            },
            "/api/v1/shorten",
            json!({"prompt": "a long and winding prompt"}),
        ),
        (
            CreateRequest::Video {
                prompt: "waves roll in".into(),
                image_url: "https://x.test/1.png".into(),
                motion: VideoMotion::High,
            },
            "/api/v1/imagine-video",
            json!({"prompt": "waves roll in", "image_url": "https://x.test/1.png",
                   "motion": "high"}),
        ),
    ];
    for (req, path, body) in cases {
        let sub = client.create(&req).await.expect("created");
        assert_eq!(sub.kind, req.kind());
        assert_eq!(sub.parent_id, None);
        assert_eq!(last(&seen), (path.to_string(), body));
    }
    let one = CreateRequest::Blend {
        image_urls: vec!["https://x.test/1.png".into()],
        dimension: BlendDimension::Square,
    };
    assert!(client.create(&one).await.is_err());
    assert_eq!(
        seen.lock().expect("lock").len(),
        4,
        "a bad blend sends nothing"
    );
}

#[tokio::test]
async fn linkr_refuses_creation_modes_and_new_inputs_with_sentences() {
    let (base, seen) = catcher().await;
    let linkr = ProviderClient::Linkr(LinkrClient::new(&base, "lkr_test").expect("client"));
    let blend = CreateRequest::Blend {
        image_urls: vec!["https://x.test/1.png".into(), "https://x.test/2.png".into()],
        dimension: BlendDimension::Square,
    };
    assert_eq!(
        linkr.create(&blend).await.unwrap_err().to_string(),
        "LinkrAPI cannot blend images: choose JourneyAPI."
    );
    let video = CreateRequest::Video {
        prompt: "x".into(),
        image_url: "https://x.test/1.png".into(),
        motion: VideoMotion::Low,
    };
    assert!(linkr
        .create(&video)
        .await
        .unwrap_err()
        .to_string()
        .contains("JourneyAPI"));
    let mut parent = Task::new("l-1", ProviderKind::Linkr, TaskKind::Upscale { index: 1 });
    parent.status = TaskStatus::Succeeded;
    let mask = ActionInput {
        mask: Some(png_mask(8, 8)),
        ..ActionInput::default()
    };
    assert!(linkr
        .action(&parent, "x", &mask)
        .await
        .unwrap_err()
        .to_string()
        .contains("cannot take a mask"));
    let zoom = ActionInput {
        zoom_ratio: Some(1.5),
        ..ActionInput::default()
    };
    assert!(linkr
        .action(&parent, "x", &zoom)
        .await
        .unwrap_err()
        .to_string()
        .contains("cannot take a zoom ratio"));
    assert!(seen.lock().expect("lock").is_empty());
}
