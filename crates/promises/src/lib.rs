//! Atelier's security promises (SECURITY.md) as checks that can fail.
//!
//! This file holds the webview part; `tests/security_md.rs` checks that every promise in
//! SECURITY.md names a test that exists.
//!
//! Atelier's window shows provider-controlled text and images, so the webview is locked down:
//! a CSP without `unsafe-eval` or any remote script/connect source, no global Tauri object,
//! capabilities that grant the main window only what its UI uses, and an asset protocol that can
//! read the library folder and nothing else. These promises live in `tauri.conf.json`,
//! `src-tauri/capabilities/*.json` and the shell's setup code; one careless edit could loosen
//! them without any other test noticing. [`check_config`], [`check_capability`] and
//! [`check_asset_scope_code`] turn each promise into a [`Violation`] when it is broken; the tests
//! in `tests/webview.rs` run them on the shipped files (and on loosened copies, to prove they
//! can fail).

use serde_json::Value;
use std::fmt;

/// Permissions the main window may hold, each with the UI code that needs it. Adding one here is
/// a deliberate, reviewed widening of what page script can do.
pub const ALLOWED_PERMISSIONS: &[(&str, &str)] = &[
    (
        "core:event:allow-listen",
        "ui/src/lib/ipc.ts listens to task events",
    ),
    (
        "core:event:allow-unlisten",
        "ui/src/lib/ipc.ts stops listening on teardown",
    ),
];

/// Sources `img-src` may name: the app itself, the asset protocol (the library folder, where
/// every image the UI shows lives, demo ones included), and in-page blobs/data URLs. Never a
/// remote host, and not the loopback simulator: its images reach the UI through the library.
pub const ALLOWED_IMG_SOURCES: &[&str] = &[
    "'self'",
    "asset:",
    "http://asset.localhost",
    "blob:",
    "data:",
];

/// Sources `connect-src` may name: Tauri's IPC channel, and the asset protocol (the library
/// folder, nothing remote): WebKitGTK's media player cannot read the asset protocol itself
/// (WebKit bug 146351), so a library video is read with `fetch()` and played from a `blob:`.
pub const ALLOWED_CONNECT_SOURCES: &[&str] = &[
    "ipc:",
    "http://ipc.localhost",
    "asset:",
    "http://asset.localhost",
];

/// Directives that must be present with exactly `'none'`.
pub const NONE_DIRECTIVES: &[&str] = &["object-src", "base-uri", "form-action", "frame-ancestors"];

/// One way the shipped configuration is looser than Atelier promises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where it is: a JSON path or a file name.
    pub place: String,
    /// What is wrong, in a sentence.
    pub problem: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.problem)
    }
}

fn violation(place: &str, problem: impl Into<String>) -> Violation {
    Violation {
        place: place.to_owned(),
        problem: problem.into(),
    }
}

/// The CSP as directive -> sources, whether written as an object or as one string.
fn csp_directives(csp: &Value) -> Option<Vec<(String, Vec<String>)>> {
    let split = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    match csp {
        Value::Object(map) => Some(
            map.iter()
                .map(|(k, v)| {
                    let sources = match v {
                        Value::String(s) => split(s),
                        Value::Array(items) => items
                            .iter()
                            .filter_map(Value::as_str)
                            .flat_map(split)
                            .collect(),
                        _ => Vec::new(),
                    };
                    (k.clone(), sources)
                })
                .collect(),
        ),
        Value::String(s) => Some(
            s.split(';')
                .filter_map(|d| {
                    let mut parts = d.split_whitespace();
                    let name = parts.next()?.to_owned();
                    Some((name, parts.map(str::to_owned).collect()))
                })
                .collect(),
        ),
        _ => None,
    }
}

/// Whether a CSP source could load something from outside the machine.
fn is_remote_source(source: &str) -> bool {
    let s = source.to_ascii_lowercase();
    if s.starts_with('\'') {
        return false;
    }
    let local = [
        "asset:",
        "ipc:",
        "blob:",
        "data:",
        "http://asset.localhost",
        "http://ipc.localhost",
        "http://127.0.0.1:*",
        "http://127.0.0.1",
        "tauri:",
    ];
    !local.contains(&s.as_str())
}

/// Checks `tauri.conf.json` (parsed): the CSP, the global Tauri object, the prototype freeze,
/// the asset protocol scope and the capability list. Returns every violation found.
pub fn check_config(config: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    let security = &config["app"]["security"];

    if config["app"]["withGlobalTauri"] != Value::Bool(false) {
        out.push(violation(
            "app.withGlobalTauri",
            "must be false: page script must not get a global Tauri object",
        ));
    }
    if security["freezePrototype"] != Value::Bool(true) {
        out.push(violation(
            "app.security.freezePrototype",
            "must be true: page script must not patch Object.prototype",
        ));
    }
    match &security["dangerousDisableAssetCspModification"] {
        Value::Array(items) if items.iter().all(|i| i.as_str() == Some("style-src")) => {}
        Value::Null | Value::Bool(false) => {}
        other => out.push(violation(
            "app.security.dangerousDisableAssetCspModification",
            format!("may only name style-src (Tauri must keep hashing scripts), found {other}"),
        )),
    }
    if security.get("dangerousRemoteDomainIpcAccess").is_some() {
        out.push(violation(
            "app.security.dangerousRemoteDomainIpcAccess",
            "remote pages must never reach IPC",
        ));
    }

    match csp_directives(&security["csp"]) {
        None => out.push(violation(
            "app.security.csp",
            "there must be a CSP (it is missing or not a string/object)",
        )),
        Some(directives) => check_csp(&directives, &mut out),
    }

    let asset = &security["assetProtocol"];
    match &asset["scope"] {
        Value::Array(items) if items.is_empty() => {}
        Value::Null => {}
        other => out.push(violation(
            "app.security.assetProtocol.scope",
            format!(
                "must stay empty in the config (the shell allows only the library folder at \
                 run time), found {other}"
            ),
        )),
    }

    match &security["capabilities"] {
        Value::Array(items) if items.iter().all(Value::is_string) => {}
        _ => out.push(violation(
            "app.security.capabilities",
            "must list capability files by identifier (inline capabilities escape the checks)",
        )),
    }
    out
}

fn check_csp(directives: &[(String, Vec<String>)], out: &mut Vec<Violation>) {
    let get = |name: &str| {
        directives
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_slice())
    };
    for (name, sources) in directives {
        let place = format!("csp.{name}");
        for source in sources {
            let s = source.to_ascii_lowercase();
            if s == "'unsafe-eval'" || s == "'wasm-unsafe-eval'" {
                out.push(violation(
                    &place,
                    format!("{source} lets page script run strings as code"),
                ));
            }
            if s == "*" || s == "https:" || s == "http:" || s == "ws:" || s == "wss:" {
                out.push(violation(&place, format!("{source} allows any host")));
            }
        }
    }
    match get("default-src") {
        Some(s) if s.iter().all(|x| x == "'self'" || x == "'none'") && !s.is_empty() => {}
        _ => out.push(violation(
            "csp.default-src",
            "must be 'self' or 'none' so unlisted kinds of content fall back to nothing remote",
        )),
    }
    match get("script-src") {
        Some(s) if s.iter().all(|x| x == "'self'") && !s.is_empty() => {}
        Some(s) => out.push(violation(
            "csp.script-src",
            format!("must be exactly 'self' (found {})", s.join(" ")),
        )),
        None => out.push(violation(
            "csp.script-src",
            "must be stated explicitly as 'self'",
        )),
    }
    match get("connect-src") {
        Some(s) => {
            for source in s {
                if !ALLOWED_CONNECT_SOURCES.contains(&source.as_str()) {
                    out.push(violation(
                        "csp.connect-src",
                        format!(
                            "{source} is not Tauri's IPC or the library; the page must not talk \
                             to the network"
                        ),
                    ));
                }
            }
        }
        None => out.push(violation(
            "csp.connect-src",
            "must be stated (only ipc:, http://ipc.localhost and the asset protocol)",
        )),
    }
    if let Some(s) = get("img-src") {
        for source in s {
            if !ALLOWED_IMG_SOURCES.contains(&source.as_str()) {
                out.push(violation(
                    "csp.img-src",
                    format!("{source} is not the library or an in-page image"),
                ));
            }
        }
    }
    for name in [
        "script-src",
        "style-src",
        "font-src",
        "default-src",
        "connect-src",
    ] {
        for source in get(name).unwrap_or_default() {
            if is_remote_source(source) {
                out.push(violation(
                    &format!("csp.{name}"),
                    format!("{source} is a remote source"),
                ));
            }
        }
    }
    for name in NONE_DIRECTIVES {
        if get(name) != Some(&["'none'".to_owned()][..]) {
            out.push(violation(&format!("csp.{name}"), "must be exactly 'none'"));
        }
    }
}

/// Checks one capability file (parsed): it applies to the main window only, to local content
/// only, and grants nothing beyond [`ALLOWED_PERMISSIONS`].
pub fn check_capability(name: &str, capability: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    match &capability["windows"] {
        Value::Array(w) if w.len() == 1 && w[0].as_str() == Some("main") => {}
        other => out.push(violation(
            name,
            format!("must apply to the \"main\" window only, found windows = {other}"),
        )),
    }
    if capability.get("webviews").is_some() {
        out.push(violation(name, "must not name extra webviews"));
    }
    if capability.get("remote").is_some() {
        out.push(violation(name, "must not grant anything to remote URLs"));
    }
    match &capability["permissions"] {
        Value::Array(perms) => {
            for p in perms {
                match p.as_str() {
                    Some(id) if ALLOWED_PERMISSIONS.iter().any(|(a, _)| *a == id) => {}
                    Some(id) => out.push(violation(
                        name,
                        format!("grants {id}, which the UI does not use"),
                    )),
                    None => out.push(violation(
                        name,
                        format!(
                            "grants a scoped permission {p}; only plain identifiers are allowed"
                        ),
                    )),
                }
            }
        }
        _ => out.push(violation(name, "has no permissions list")),
    }
    out
}

/// Checks the shell's source code: every widening of the asset protocol scope at run time
/// (`asset_protocol_scope().allow_*`) must be the library folder, and nothing may forbid-list
/// its way around it with a broader allow.
pub fn check_asset_scope_code(file: &str, source: &str) -> Vec<Violation> {
    let mut out = Vec::new();
    let flat: String = source.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut rest = flat.as_str();
    let mut calls = 0;
    while let Some(at) = rest.find("asset_protocol_scope()") {
        rest = &rest[at + "asset_protocol_scope()".len()..];
        let call = rest.trim_start();
        calls += 1;
        let ok = call.starts_with(".allow_directory(&library_dir, true)")
            || call.starts_with(".allow_directory(&library_dir,true)");
        if !ok {
            let shown: String = call.chars().take(60).collect();
            out.push(violation(
                file,
                format!("the asset scope is widened to something other than the library folder: {shown}"),
            ));
        }
    }
    if calls == 0 {
        out.push(violation(
            file,
            "never allows the library folder on the asset protocol (images would not show), or the check is looking at the wrong file",
        ));
    }
    out
}
