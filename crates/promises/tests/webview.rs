//! Runs the webview policy on the files Atelier ships, and on loosened copies of them so each
//! check is shown to fail when the promise it guards is broken.

use atelier_promises::{check_asset_scope_code, check_capability, check_config};
use serde_json::{json, Value};
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read_json(path: PathBuf) -> Value {
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn shipped_config() -> Value {
    read_json(root().join("tauri.conf.json"))
}

fn capability_files() -> Vec<(String, Value)> {
    let dir = root().join("src-tauri/capabilities");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("capabilities folder") {
        let path = entry.expect("dir entry").path();
        if path.extension().and_then(|e| e.to_str()) == Some("json") {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.push((name, read_json(path)));
        }
    }
    out
}

#[test]
fn the_shipped_config_keeps_every_promise() {
    let violations = check_config(&shipped_config());
    assert!(
        violations.is_empty(),
        "tauri.conf.json is looser than promised:\n{violations:#?}"
    );
}

#[test]
fn every_shipped_capability_keeps_every_promise() {
    let caps = capability_files();
    assert!(!caps.is_empty(), "no capability files found");
    let listed: Vec<String> = shipped_config()["app"]["security"]["capabilities"]
        .as_array()
        .expect("capabilities list")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    for (name, cap) in &caps {
        let violations = check_capability(name, cap);
        assert!(
            violations.is_empty(),
            "{name} is looser than promised:\n{violations:#?}"
        );
        let id = cap["identifier"].as_str().unwrap_or_default().to_owned();
        assert!(
            listed.contains(&id),
            "{name} ({id}) is not listed in tauri.conf.json"
        );
    }
}

#[test]
fn the_shell_widens_the_asset_scope_to_the_library_only() {
    let dir = root().join("src-tauri");
    let mut all = String::new();
    for entry in std::fs::read_dir(&dir).expect("src-tauri") {
        let path = entry.expect("dir entry").path();
        if path.extension().and_then(|e| e.to_str()) == Some("rs") {
            all.push_str(&std::fs::read_to_string(&path).expect("read source"));
        }
    }
    let violations = check_asset_scope_code("src-tauri/*.rs", &all);
    assert!(violations.is_empty(), "{violations:#?}");
}

/// Applies `edit` to a copy of the shipped config and expects a violation at `place`.
fn loosened(place: &str, edit: impl FnOnce(&mut Value)) {
    let mut config = shipped_config();
    edit(&mut config);
    let violations = check_config(&config);
    assert!(
        violations.iter().any(|v| v.place.starts_with(place)),
        "loosening {place} went unnoticed; violations: {violations:#?}"
    );
}

fn csp(config: &mut Value) -> &mut Value {
    &mut config["app"]["security"]["csp"]
}

#[test]
fn loosening_the_csp_is_caught() {
    loosened("csp.script-src", |c| {
        csp(c)["script-src"] = json!("'self' 'unsafe-eval'")
    });
    loosened("csp.script-src", |c| {
        csp(c)["script-src"] = json!("'self' https://cdn.example.com")
    });
    loosened("csp.script-src", |c| {
        csp(c).as_object_mut().map(|m| m.remove("script-src"));
    });
    loosened("csp.connect-src", |c| {
        csp(c)["connect-src"] = json!("ipc: http://ipc.localhost https://api.example.com")
    });
    loosened("csp.connect-src", |c| csp(c)["connect-src"] = json!("*"));
    loosened("csp.img-src", |c| {
        csp(c)["img-src"] = json!("'self' asset: http://127.0.0.1:*")
    });
    loosened("csp.img-src", |c| {
        csp(c)["img-src"] = json!("'self' asset: https:")
    });
    loosened("csp.default-src", |c| {
        csp(c)["default-src"] = json!("'self' https://example.com")
    });
    loosened("csp.object-src", |c| csp(c)["object-src"] = json!("'self'"));
    loosened("csp.style-src", |c| {
        csp(c)["style-src"] = json!("'self' 'unsafe-inline' https://fonts.example.com")
    });
    loosened("app.security.csp", |c| {
        c["app"]["security"]["csp"] = Value::Null
    });
    // The one-string form is checked the same way.
    loosened("csp.script-src", |c| {
        c["app"]["security"]["csp"] = json!("default-src 'self'; script-src 'self' 'unsafe-eval'")
    });
}

#[test]
fn loosening_the_rest_of_the_config_is_caught() {
    loosened("app.withGlobalTauri", |c| {
        c["app"]["withGlobalTauri"] = json!(true)
    });
    loosened("app.security.freezePrototype", |c| {
        c["app"]["security"]["freezePrototype"] = json!(false)
    });
    loosened("app.security.assetProtocol.scope", |c| {
        c["app"]["security"]["assetProtocol"]["scope"] = json!(["**"])
    });
    loosened("app.security.assetProtocol.scope", |c| {
        c["app"]["security"]["assetProtocol"]["scope"] = json!(["$HOME/**"])
    });
    loosened("app.security.dangerousDisableAssetCspModification", |c| {
        c["app"]["security"]["dangerousDisableAssetCspModification"] = json!(true)
    });
    loosened("app.security.capabilities", |c| {
        c["app"]["security"]["capabilities"] =
            json!([{ "identifier": "inline", "windows": ["*"], "permissions": ["core:default"] }])
    });
}

#[test]
fn loosening_a_capability_is_caught() {
    let (name, shipped) = capability_files().remove(0);
    let check = |edit: &dyn Fn(&mut Value)| {
        let mut cap = shipped.clone();
        edit(&mut cap);
        check_capability(&name, &cap)
    };
    assert!(
        !check(&|c| c["windows"] = json!(["*"])).is_empty(),
        "windows = *"
    );
    assert!(
        !check(&|c| c["remote"] = json!({ "urls": ["https://*.example.com"] })).is_empty(),
        "remote"
    );
    for extra in [
        "core:default",
        "fs:default",
        "shell:allow-execute",
        "store:default",
        "core:webview:allow-create-webview-window",
    ] {
        let violations = check(&|c| {
            if let Some(p) = c["permissions"].as_array_mut() {
                p.push(json!(extra));
            }
        });
        assert!(!violations.is_empty(), "{extra} went unnoticed");
    }
    assert!(
        !check(&|c| {
            if let Some(p) = c["permissions"].as_array_mut() {
                p.push(json!({ "identifier": "fs:allow-read", "allow": [{ "path": "$HOME/**" }] }));
            }
        })
        .is_empty(),
        "a scoped permission went unnoticed"
    );
}

#[test]
fn widening_the_asset_scope_in_code_is_caught() {
    let bad = "app.asset_protocol_scope().allow_directory(&data_dir, true)?;";
    assert!(!check_asset_scope_code("lib.rs", bad).is_empty());
    let glob = "app.asset_protocol_scope()\n    .allow_directory(&library_dir, true)?;\napp.asset_protocol_scope().allow_file(\"/etc/passwd\")?;";
    assert_eq!(check_asset_scope_code("lib.rs", glob).len(), 1);
    assert!(!check_asset_scope_code("lib.rs", "fn main() {}").is_empty());
}
