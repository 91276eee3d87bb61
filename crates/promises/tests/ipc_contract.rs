//! The IPC contract between the UI and the shell, read from the files themselves:
//!
//! - every command the UI calls (`call('name'` in `ui/src/lib/ipc.ts`, the only file under
//!   `ui/src` that calls `invoke`) is in the shell's handler list (`handler!(...)` in
//!   `src-tauri/lib.rs`, plus what the `test-hooks` version of the `handler` macro appends);
//! - every command in that list is called by the UI (no dead commands) and is a
//!   `#[tauri::command] pub fn` in `src-tauri/commands.rs`;
//! - the Commands table of `docs/architecture.md` lists exactly these commands.
//!
//! The parsers are plain string code; the `parsers_*` tests run them on inline text and the
//! contract tests insist on a minimum count, so a parser that finds nothing cannot pass.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const IPC_TS: &str = "ui/src/lib/ipc.ts";
const LIB_RS: &str = "src-tauri/lib.rs";
const COMMANDS_RS: &str = "src-tauri/commands.rs";
const ARCHITECTURE_MD: &str = "docs/architecture.md";
const IPC_SECTION: &str = "## IPC between the UI and the shell";
const TEST_HOOKS_CFG: &str = "#[cfg(feature = \"test-hooks\")]";

/// Fewer than this many commands anywhere means a parser broke, not that the app shrank.
const MIN_COMMANDS: usize = 15;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(relative: &str) -> String {
    let path = root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// Whether `word` starts at byte `at` of `text` as a whole identifier (not `recall(`, `x.call(`).
fn starts_word(text: &str, at: usize, allow_dot: bool) -> bool {
    match text[..at].chars().next_back() {
        Some(c) => !is_ident(c) && (allow_dot || c != '.'),
        None => true,
    }
}

/// Skips a balanced `<...>` starting at `rest[0] == '<'`; returns what follows it.
fn skip_generics(rest: &str) -> Option<&str> {
    let mut depth = 0usize;
    for (i, c) in rest.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&rest[i + 1..]);
                }
            }
            _ => {}
        }
    }
    None
}

/// What the UI's `call` helper is asked for in `source`: `Ok(name)` for each
/// `call('name'` / `call<T>("name"`, `Err(snippet)` for a call whose command is not a string
/// literal (a computed name this test could not check). The helper's own definition
/// (`function call<T>(command: ...)`) is skipped.
fn ui_calls(source: &str) -> Vec<Result<String, String>> {
    let mut out = Vec::new();
    for (at, _) in source.match_indices("call") {
        if !starts_word(source, at, false) || source[..at].trim_end().ends_with("function") {
            continue;
        }
        let mut rest = &source[at + "call".len()..];
        if rest.starts_with('<') {
            match skip_generics(rest) {
                Some(after) => rest = after,
                None => continue,
            }
        }
        let Some(args) = rest.strip_prefix('(') else {
            continue;
        };
        let args = args.trim_start();
        let quoted = args
            .chars()
            .next()
            .filter(|q| ['\'', '"', '`'].contains(q))
            .and_then(|q| {
                let body = &args[1..];
                let end = body.find(q)?;
                let name = &body[..end];
                let plain = !name.is_empty() && name.chars().all(is_ident);
                plain.then(|| name.to_owned())
            });
        match quoted {
            Some(name) => out.push(Ok(name)),
            None => {
                let snippet: String = source[at..].chars().take(40).collect();
                out.push(Err(snippet));
            }
        }
    }
    out
}

/// Whether `source` calls Tauri's `invoke` itself (`invoke(`, `invoke<T>(`, `core.invoke(`).
fn calls_invoke(source: &str) -> bool {
    source.match_indices("invoke").any(|(at, _)| {
        let rest = source[at + "invoke".len()..].trim_start();
        starts_word(source, at, true) && (rest.starts_with('(') || rest.starts_with('<'))
    })
}

/// `text` without `//` comments (enough for the handler list, which holds no strings).
fn without_line_comments(text: &str) -> String {
    text.lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The text between the bracket at `text[open]` and its matching closer (exclusive).
fn balanced(text: &str, open: usize) -> Option<&str> {
    let opener = text[open..].chars().next()?;
    let closer = match opener {
        '(' => ')',
        '[' => ']',
        '{' => '}',
        _ => return None,
    };
    let mut depth = 0usize;
    for (i, c) in text[open..].char_indices() {
        if c == opener {
            depth += 1;
        } else if c == closer {
            depth -= 1;
            if depth == 0 {
                return Some(&text[open + 1..open + i]);
            }
        }
    }
    None
}

/// Every `commands::NAME` in `text`, in order.
fn command_paths(text: &str) -> Vec<String> {
    let text = without_line_comments(text);
    text.match_indices("commands::")
        .filter(|(at, _)| starts_word(&text, *at, false))
        .map(|(at, m)| {
            text[at + m.len()..]
                .chars()
                .take_while(|c| is_ident(*c))
                .collect::<String>()
        })
        .filter(|name| !name.is_empty())
        .collect()
}

/// One `macro_rules! handler` definition: the `#[cfg(...)]` above it and the commands its
/// body adds to the ones it is given.
#[derive(Debug, PartialEq)]
struct HandlerMacro {
    cfg: Option<String>,
    added: Vec<String>,
}

/// The shell's handler list as `src-tauri/lib.rs` has it.
#[derive(Debug, PartialEq)]
struct Handlers {
    /// The commands passed to `handler!(...)`: in every build.
    listed: Vec<String>,
    /// Each definition of the `handler` macro.
    macros: Vec<HandlerMacro>,
}

impl Handlers {
    /// Commands only a `handler` macro adds (feature-only commands).
    fn feature_only(&self) -> BTreeSet<String> {
        let listed: BTreeSet<&String> = self.listed.iter().collect();
        self.macros
            .iter()
            .flat_map(|m| m.added.iter())
            .filter(|name| !listed.contains(name))
            .cloned()
            .collect()
    }

    /// Every command in some build: the list plus what the macros add.
    fn all(&self) -> BTreeSet<String> {
        let mut all: BTreeSet<String> = self.listed.iter().cloned().collect();
        all.extend(self.feature_only());
        all
    }
}

/// The `#[cfg(...)]` among the attribute and doc lines right above byte `at`.
fn cfg_above(source: &str, at: usize) -> Option<String> {
    source[..at]
        .lines()
        .rev()
        .map(str::trim)
        .skip_while(|l| l.is_empty())
        .take_while(|l| l.starts_with("#[") || l.starts_with("//"))
        .find(|l| l.starts_with("#[cfg("))
        .map(str::to_owned)
}

fn parse_handlers(source: &str) -> Result<Handlers, String> {
    let mut macros = Vec::new();
    for (at, m) in source.match_indices("macro_rules! handler") {
        let after = &source[at + m.len()..];
        if after.chars().next().is_some_and(is_ident) {
            continue; // another macro, e.g. `handlers`
        }
        let open = at + m.len() + after.find('{').ok_or("a `handler` macro without a body")?;
        let body = balanced(source, open).ok_or("a `handler` macro body is not closed")?;
        macros.push(HandlerMacro {
            cfg: cfg_above(source, at),
            added: command_paths(body),
        });
    }
    let mut invocations = source
        .match_indices("handler!(")
        .filter(|(at, _)| starts_word(source, *at, false));
    let (at, m) = invocations
        .next()
        .ok_or("no `handler!(` invocation (the app's command list)")?;
    if invocations.next().is_some() {
        return Err("more than one `handler!(` invocation".into());
    }
    let list = balanced(source, at + m.len() - 1).ok_or("`handler!(` is not closed")?;
    Ok(Handlers {
        listed: command_paths(list),
        macros,
    })
}

/// One `pub fn` / `pub async fn` at the top level of a file, with its attributes.
#[derive(Debug, PartialEq)]
struct PubFn {
    name: String,
    attributes: Vec<String>,
}

impl PubFn {
    fn is_command(&self) -> bool {
        self.attributes.iter().any(|a| a == "#[tauri::command]")
    }
    fn cfg(&self) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.starts_with("#[cfg("))
            .map(String::as_str)
    }
}

fn pub_fns(source: &str) -> Vec<PubFn> {
    let lines: Vec<&str> = source.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(rest) = line
            .strip_prefix("pub async fn ")
            .or_else(|| line.strip_prefix("pub fn "))
        else {
            continue;
        };
        let name: String = rest.chars().take_while(|c| is_ident(*c)).collect();
        let attributes = lines[..i]
            .iter()
            .rev()
            .map(|l| l.trim())
            .take_while(|l| l.starts_with("#[") || l.starts_with("//"))
            .filter(|l| l.starts_with("#["))
            .map(str::to_owned)
            .collect();
        out.push(PubFn { name, attributes });
    }
    out
}

/// The command names of the Commands table in `doc`'s IPC section: the first cell of each
/// row, `` | `name` | ``, with the rest of the row.
fn doc_commands(doc: &str) -> Result<Vec<(String, String)>, String> {
    let start = doc
        .find(IPC_SECTION)
        .ok_or_else(|| format!("no section \"{IPC_SECTION}\""))?;
    let section = &doc[start + IPC_SECTION.len()..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let table_start = section
        .lines()
        .position(|l| l.trim_start().starts_with("| command |"))
        .ok_or("no Commands table (a `| command | args | returns |` header)")?;
    let mut rows = Vec::new();
    for line in section
        .lines()
        .skip(table_start + 1)
        .take_while(|l| l.trim_start().starts_with('|'))
    {
        let cells: Vec<&str> = line.trim().trim_matches('|').split('|').collect();
        let first = cells.first().map(|c| c.trim()).unwrap_or("");
        if first.chars().all(|c| c == '-' || c == ':') {
            continue; // the |---| line
        }
        let name = first
            .strip_prefix('`')
            .and_then(|c| c.strip_suffix('`'))
            .filter(|n| !n.is_empty() && n.chars().all(is_ident))
            .ok_or_else(|| format!("a Commands row whose first cell is not `name`: {line}"))?;
        rows.push((name.to_owned(), line.to_owned()));
    }
    Ok(rows)
}

/// Every UI source file under `dir` (`.ts`, `.js`, `.mjs`, `.svelte`), not `*.test.ts`.
fn ui_sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("dir entry").path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if path.is_dir() {
            if name != "node_modules" {
                ui_sources(&path, out);
            }
        } else if [".ts", ".js", ".mjs", ".svelte"]
            .iter()
            .any(|ext| name.ends_with(ext))
            && !name.ends_with(".test.ts")
        {
            out.push(path);
        }
    }
}

struct Contract {
    ui: BTreeSet<String>,
    handlers: Handlers,
    fns: Vec<PubFn>,
    doc: Vec<(String, String)>,
}

fn contract() -> Contract {
    let calls = ui_calls(&read(IPC_TS));
    let computed: Vec<&String> = calls.iter().filter_map(|c| c.as_ref().err()).collect();
    assert!(
        computed.is_empty(),
        "{IPC_TS} calls commands by a name that is not a string literal, which this contract \
         cannot check; write `call('name', ...)`: {computed:#?}"
    );
    let ui: BTreeSet<String> = calls.into_iter().filter_map(Result::ok).collect();
    assert!(
        ui.len() >= MIN_COMMANDS && ui.contains("get_app_state"),
        "found only {} commands called in {IPC_TS} ({ui:?}): the `call('name'` parser is broken \
         or the file changed shape",
        ui.len()
    );
    let handlers = parse_handlers(&read(LIB_RS)).unwrap_or_else(|e| panic!("{LIB_RS}: {e}"));
    assert!(
        handlers.listed.len() >= MIN_COMMANDS
            && handlers.listed.iter().any(|n| n == "get_app_state"),
        "found only {} commands in {LIB_RS}'s `handler!(...)` ({:?}): the parser is broken or \
         the file changed shape",
        handlers.listed.len(),
        handlers.listed
    );
    let fns = pub_fns(&read(COMMANDS_RS));
    let doc =
        doc_commands(&read(ARCHITECTURE_MD)).unwrap_or_else(|e| panic!("{ARCHITECTURE_MD}: {e}"));
    assert!(
        doc.len() >= MIN_COMMANDS,
        "found only {} rows in the Commands table of {ARCHITECTURE_MD}: the parser is broken or \
         the table changed shape",
        doc.len()
    );
    Contract {
        ui,
        handlers,
        fns,
        doc,
    }
}

fn list(names: &[&String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn only_ipc_ts_calls_invoke() {
    let mut files = Vec::new();
    ui_sources(&root().join("ui/src"), &mut files);
    assert!(
        files.iter().any(|f| f.ends_with(IPC_TS)),
        "{IPC_TS} not found under ui/src"
    );
    let offenders: Vec<String> = files
        .iter()
        .filter(|f| !f.ends_with(IPC_TS))
        .filter(|f| calls_invoke(&std::fs::read_to_string(f).expect("read UI source")))
        .map(|f| f.strip_prefix(root()).unwrap_or(f).display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "these UI files call Tauri's `invoke` directly; add a function to {IPC_TS} and call \
         that instead (the contract test reads commands only from {IPC_TS}): {offenders:?}"
    );
}

#[test]
fn every_command_the_ui_calls_is_in_the_shells_handler_list() {
    let c = contract();
    let all = c.handlers.all();
    let missing: Vec<&String> = c.ui.iter().filter(|n| !all.contains(*n)).collect();
    assert!(
        missing.is_empty(),
        "{IPC_TS} calls commands that {LIB_RS} does not register: {}. Add `commands::NAME` to the \
         `handler!(...)` list in {LIB_RS} (and the function to {COMMANDS_RS}), or stop calling \
         them in {IPC_TS}",
        list(&missing)
    );
}

#[test]
fn every_command_in_the_handler_list_is_called_by_the_ui() {
    let c = contract();
    let dead: Vec<String> = c
        .handlers
        .all()
        .into_iter()
        .filter(|n| !c.ui.contains(n))
        .collect();
    let dead: Vec<&String> = dead.iter().collect();
    assert!(
        dead.is_empty(),
        "{LIB_RS} registers commands that {IPC_TS} never calls: {}. Remove these dead commands \
         from {LIB_RS} and {COMMANDS_RS}, or call them from {IPC_TS}",
        list(&dead)
    );
}

#[test]
fn every_registered_command_is_a_tauri_command_in_commands_rs() {
    let c = contract();
    for name in c.handlers.all() {
        let f = c.fns.iter().find(|f| f.name == name).unwrap_or_else(|| {
            panic!(
                "{LIB_RS} registers `commands::{name}` but {COMMANDS_RS} has no \
                 `pub fn {name}` / `pub async fn {name}`"
            )
        });
        assert!(
            f.is_command(),
            "`{name}` in {COMMANDS_RS} is not annotated `#[tauri::command]` (attributes: {:?})",
            f.attributes
        );
    }
    let registered = c.handlers.all();
    let unregistered: Vec<&String> = c
        .fns
        .iter()
        .filter(|f| f.is_command() && !registered.contains(&f.name))
        .map(|f| &f.name)
        .collect();
    assert!(
        unregistered.is_empty(),
        "{COMMANDS_RS} defines `#[tauri::command]`s that {LIB_RS}'s `handler!(...)` does not \
         register: {}. Add them to the list in {LIB_RS} or remove them from {COMMANDS_RS}",
        list(&unregistered)
    );
}

#[test]
fn feature_only_commands_exist_only_with_test_hooks() {
    let c = contract();
    let with: Vec<&HandlerMacro> = c
        .handlers
        .macros
        .iter()
        .filter(|m| m.cfg.as_deref() == Some(TEST_HOOKS_CFG))
        .collect();
    let without: Vec<&HandlerMacro> = c
        .handlers
        .macros
        .iter()
        .filter(|m| m.cfg.as_deref() == Some("#[cfg(not(feature = \"test-hooks\"))]"))
        .collect();
    assert!(
        with.len() == 1 && without.len() == 1 && c.handlers.macros.len() == 2,
        "{LIB_RS} should define `macro_rules! handler` twice, under {TEST_HOOKS_CFG} and \
         `#[cfg(not(feature = \"test-hooks\"))]`; found {:#?}",
        c.handlers.macros
    );
    assert!(
        without[0].added.is_empty(),
        "the shipped (not test-hooks) `handler` macro in {LIB_RS} adds commands {:?}: list \
         them in `handler!(...)` instead",
        without[0].added
    );
    let feature_only = c.handlers.feature_only();
    assert!(
        feature_only.contains("ui_ready"),
        "`ui_ready` is no longer added by the test-hooks `handler` macro in {LIB_RS}; update \
         this test and {ARCHITECTURE_MD}"
    );
    for name in &feature_only {
        let f = c.fns.iter().find(|f| &f.name == name);
        assert_eq!(
            f.and_then(PubFn::cfg),
            Some(TEST_HOOKS_CFG),
            "`{name}` is registered only with test-hooks, so {COMMANDS_RS} must define it under \
             {TEST_HOOKS_CFG}"
        );
        let row = c.doc.iter().find(|(n, _)| n == name);
        assert!(
            row.is_none_or(|(_, line)| line.contains("test-hooks")),
            "the Commands row of `{name}` in {ARCHITECTURE_MD} must say it exists only in \
             `test-hooks` builds"
        );
    }
}

#[test]
fn the_architecture_doc_lists_exactly_the_commands() {
    let c = contract();
    let all = c.handlers.all();
    let documented: BTreeSet<String> = c.doc.iter().map(|(n, _)| n.clone()).collect();
    let undocumented: Vec<&String> = all.iter().filter(|n| !documented.contains(*n)).collect();
    assert!(
        undocumented.is_empty(),
        "{ARCHITECTURE_MD} (\"{IPC_SECTION}\", Commands table) has no row for these commands: \
         {}. Add a `| `name` | args | returns |` row for each",
        list(&undocumented)
    );
    let stale: Vec<&String> = documented.iter().filter(|n| !all.contains(*n)).collect();
    assert!(
        stale.is_empty(),
        "{ARCHITECTURE_MD}'s Commands table lists commands that {LIB_RS} does not register: {}. \
         Remove those rows from {ARCHITECTURE_MD}",
        list(&stale)
    );
    let mut seen = BTreeSet::new();
    let twice: Vec<&String> = c
        .doc
        .iter()
        .map(|(n, _)| n)
        .filter(|n| !seen.insert(*n))
        .collect();
    assert!(
        twice.is_empty(),
        "{ARCHITECTURE_MD}'s Commands table lists {} more than once",
        list(&twice)
    );
}

// The parsers on inline text, so that none of the contract tests can pass by finding nothing.

#[test]
fn parsers_find_ui_calls() {
    let ts = r#"
async function call<T>(command: string, args?: InvokeArgs): Promise<T> {
  return await invoke<T>(command, args);
}
export const a = (): Promise<AppState> => call('get_app_state');
export const b = (x: number) =>
  call<Array<string>>(
    "list_things", { x });
const recall = (n: string) => recall('not_a_command');
obj.call('neither');
export const c = (name: string) => call(name);
"#;
    let calls = ui_calls(ts);
    assert_eq!(
        calls,
        vec![
            Ok("get_app_state".to_owned()),
            Ok("list_things".to_owned()),
            Err("call(name);\n".to_owned()),
        ]
    );
    assert!(calls_invoke(ts));
    assert!(calls_invoke("window.__TAURI__.core.invoke ('x')"));
    assert!(!calls_invoke(
        "/** Turns whatever `invoke` rejected with into an AppError. */"
    ));
    assert!(!calls_invoke("const reinvoke = 1; type Invoked = 2;"));
}

#[test]
fn parsers_find_the_handler_list_and_feature_only_commands() {
    let rs = r#"
/// Docs about `ui_ready`.
#[cfg(feature = "test-hooks")]
macro_rules! handler {
    ($($command:path),* $(,)?) => {
        tauri::generate_handler![$($command,)* commands::ui_ready]
    };
}

#[cfg(not(feature = "test-hooks"))]
macro_rules! handler {
    ($($command:path),* $(,)?) => {
        tauri::generate_handler![$($command),*]
    };
}

fn run() {
    builder
        .invoke_handler(handler!(
            commands::get_app_state,
            // commands::commented_out,
            commands::show_in_folder,
        ))
        .run(tauri::generate_context!());
}
"#;
    let h = parse_handlers(rs).expect("parses");
    assert_eq!(h.listed, vec!["get_app_state", "show_in_folder"]);
    assert_eq!(
        h.macros,
        vec![
            HandlerMacro {
                cfg: Some(TEST_HOOKS_CFG.to_owned()),
                added: vec!["ui_ready".to_owned()],
            },
            HandlerMacro {
                cfg: Some("#[cfg(not(feature = \"test-hooks\"))]".to_owned()),
                added: vec![],
            },
        ]
    );
    assert_eq!(h.feature_only(), BTreeSet::from(["ui_ready".to_owned()]));
    assert_eq!(h.all().len(), 3);
    assert!(parse_handlers("fn run() {}").is_err());
}

#[test]
fn parsers_find_commands_and_their_attributes() {
    let rs = r#"
/// Providers.
#[tauri::command]
pub async fn get_app_state(core: State<'_, CoreSlot>) -> Result<AppState> {
    todo!()
}

/// Only with test hooks.
#[cfg(feature = "test-hooks")]
#[tauri::command]
pub fn ui_ready(phases: Option<BTreeMap<String, f64>>) {}

pub fn helper() {}
"#;
    let fns = pub_fns(rs);
    assert_eq!(
        fns.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
        ["get_app_state", "ui_ready", "helper"]
    );
    assert!(fns[0].is_command() && fns[0].cfg().is_none());
    assert!(fns[1].is_command() && fns[1].cfg() == Some(TEST_HOOKS_CFG));
    assert!(!fns[2].is_command());
}

#[test]
fn parsers_find_the_documented_commands() {
    let md = "# Doc\n\n## IPC between the UI and the shell (a <-> b)\nText.\n\nCommands:\n\
              | command | args | returns |\n|---|---|---|\n\
              | `get_app_state` | - | `AppState` |\n\
              | `ui_ready` | `phases` | `()`; only in `test-hooks` builds |\n\
              \nAfter the table.\n| `not_a_row` | x | y |\n\n## Next\n| command |\n| `other` |\n";
    let rows = doc_commands(md).expect("parses");
    assert_eq!(
        rows.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        ["get_app_state", "ui_ready"]
    );
    assert!(doc_commands("## Other\n| command |\n| `x` |\n").is_err());
    assert!(doc_commands(&format!("{IPC_SECTION}\n| command |\n|---|\n| bad |\n")).is_err());
}
