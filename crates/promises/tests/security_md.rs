//! SECURITY.md promises only what a test checks: every promise names its tests as
//! `` `path::test name` ``, and this test fails if a named file or test is missing, or if a
//! promise names no test at all.

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `` `path::name` `` reference in `text`.
fn references(text: &str) -> Vec<(String, String)> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter_map(|code| {
            let (path, name) = code.split_once("::")?;
            let looks_like_file = path.contains('/') && path.contains('.');
            looks_like_file.then(|| (path.to_owned(), name.to_owned()))
        })
        .collect()
}

/// Whether `source` defines a test called `name`: a Rust `fn name(` (or a proptest case of
/// that name), or a JS `test("name"` / `it('name'`.
fn defines_test(source: &str, name: &str) -> bool {
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return source.contains(&format!("fn {name}("));
    }
    // Formatters may break the line after `it(`: compare without that whitespace.
    let mut compact = String::with_capacity(source.len());
    let mut after_paren = false;
    for c in source.chars() {
        if after_paren && c.is_whitespace() {
            continue;
        }
        after_paren = c == '(';
        compact.push(c);
    }
    let source = compact.as_str();
    ["test(", "it("].iter().any(|call| {
        ['"', '\'', '`']
            .iter()
            .any(|q| source.contains(&format!("{call}{q}{name}{q}")))
    })
}

#[test]
fn every_promise_names_tests_that_exist() {
    let doc = std::fs::read_to_string(root().join("SECURITY.md")).expect("SECURITY.md");
    let mut promises = 0;
    let mut missing = Vec::new();
    for section in doc.split("\n## ").skip(1) {
        if section.starts_with("Reporting") {
            continue;
        }
        for promise in section.split("\n- ").skip(1) {
            promises += 1;
            let refs = references(promise);
            let head: String = promise.chars().take(60).collect();
            if refs.is_empty() || !promise.contains("Checked by:") {
                missing.push(format!("a promise names no test: {head}..."));
            }
            for (path, name) in refs {
                match std::fs::read_to_string(root().join(&path)) {
                    Ok(source) if defines_test(&source, &name) => {}
                    Ok(_) => missing.push(format!("{path} has no test named {name:?}")),
                    Err(e) => missing.push(format!("{path}: {e}")),
                }
            }
        }
    }
    assert!(
        promises >= 10,
        "only {promises} promises found; is SECURITY.md's layout intact?"
    );
    assert!(
        missing.is_empty(),
        "SECURITY.md is out of date:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_checker_notices_a_missing_test() {
    let src = "fn real_test() {}\ntest(\"a js test\", () => {});\nit(\n  'wrapped test',";
    assert!(defines_test(src, "real_test"));
    assert!(defines_test(src, "a js test"));
    assert!(defines_test(src, "wrapped test"));
    assert!(!defines_test(src, "renamed_test"));
    assert!(!defines_test(src, "another js test"));
    assert_eq!(
        references("Checked by: `a/b.rs::t1`, `e2e/x.test.mjs::a b`, `not a ref`"),
        vec![
            ("a/b.rs".to_owned(), "t1".to_owned()),
            ("e2e/x.test.mjs".to_owned(), "a b".to_owned())
        ]
    );
}
