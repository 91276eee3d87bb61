//! Log redaction: [`redact`] blanks out `Authorization` values and anything shaped like an API
//! key in a piece of text, and [`RedactingWriter`] applies it to everything written through it
//! (the app wraps its log output in one), so a key can never reach a log line even if some
//! library formats a request or a header map.
//!
//! What is replaced with [`REDACTED`]:
//!
//! * **Named secrets**: the value after `Authorization`, `Proxy-Authorization`, `X-Api-Key`,
//!   `Api-Key`, `api_key`, `apikey` or `access_token` (any case) followed by `:` or `=`, as in a
//!   header line, a `Debug` header map (`"authorization": "Bearer …"`), a tracing field or a
//!   query string. A quoted value is blanked up to its closing quote; an unquoted one up to the
//!   end of the line (a header value such as `Bearer <key>` contains a space).
//! * **Bearer tokens**: the word after `Bearer `, wherever it appears.
//! * **Prefixed keys**: a token (a run of `A-Z a-z 0-9 _ -`) starting with `lkr_` (LinkrAPI),
//!   `japi_` (JourneyAPI), `sk-` or `sk_` with at least 8 characters after the prefix, anywhere,
//!   URLs included.
//! * **High-entropy tokens**: a token of 24 characters or more that holds a letter and a digit,
//!   is not hexadecimal, and either mixes upper and lower case or contains a chunk of 20
//!   letters and digits without a `_` or `-` (how random keys look, unlike identifiers such as
//!   `ATELIER_LINKR_BASE_URL`).
//!
//! What is deliberately left alone, so logs stay useful:
//!
//! * UUIDs and other hexadecimal strings (task ids, job hashes, SHA-256 file names): keys are
//!   not hex, and blanking task ids would make logs useless.
//! * Tokens inside a URL (anything after `://` up to the next space or quote) are not judged by
//!   the high-entropy rule, so links to images keep their random-looking ids and file names;
//!   prefixed keys and named secrets are still redacted there.
//! * Short tokens, plain words and numbers.
//!
//! ANSI colour sequences (as `tracing-subscriber` writes them) are skipped, so colouring a
//! field name or value does not hide a key from these rules.

use std::borrow::Cow;
use std::io::{self, Write};

/// What a secret is replaced with.
pub const REDACTED: &str = "[redacted]";

/// Names whose `:`/`=` value is always a secret (compared ignoring case).
const SECRET_NAMES: [&str; 7] = [
    "authorization",
    "proxy-authorization",
    "x-api-key",
    "api-key",
    "api_key",
    "apikey",
    "access_token",
];

/// Prefixes of the keys the providers hand out (and a common one from other services).
const KEY_PREFIXES: [&str; 4] = ["lkr_", "japi_", "sk-", "sk_"];

/// How many characters must follow a key prefix for the token to count as a key.
const MIN_AFTER_PREFIX: usize = 8;

/// The shortest token the high-entropy rule looks at.
const MIN_ENTROPY_LEN: usize = 24;

/// The shortest letters-and-digits chunk that makes a single-case token look random.
const MIN_RANDOM_CHUNK: usize = 20;

/// Returns `text` with `Authorization` values and key-shaped tokens replaced by
/// [`REDACTED`] (see the module documentation for the exact rules). Borrows when nothing
/// needed redacting.
pub fn redact(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    // Everything before `copied` is already in `out` (or needs no change).
    let mut copied = 0;
    let mut changed = false;
    let mut in_url = false;
    let mut i = 0;
    let mut replace = |start: usize, end: usize, out: &mut String, copied: &mut usize| {
        out.push_str(&text[*copied..start]);
        out.push_str(REDACTED);
        *copied = end;
        changed = true;
    };

    while i < bytes.len() {
        let b = bytes[i];
        if b == 0x1b {
            i = skip_ansi(bytes, i);
            continue;
        }
        if !is_token_byte(b) {
            if b.is_ascii_whitespace() || b == b'"' || b == b'\'' {
                in_url = false;
            } else if bytes[i..].starts_with(b"://") {
                in_url = true;
            }
            i += 1;
            continue;
        }
        let end = token_end(bytes, i);
        let token = &text[i..end];

        if SECRET_NAMES.iter().any(|n| token.eq_ignore_ascii_case(n)) {
            if let Some((vs, ve)) = named_value(bytes, end) {
                replace(vs, ve, &mut out, &mut copied);
                i = ve;
                continue;
            }
        }
        if token.eq_ignore_ascii_case("bearer") {
            if let Some((vs, ve)) = bearer_value(bytes, end) {
                replace(vs, ve, &mut out, &mut copied);
                i = ve;
                continue;
            }
        }
        // `\n`, `\t`, `\r` in escaped (Debug/JSON) text glue a letter onto the next token.
        let unescaped = if i > 0 && bytes[i - 1] == b'\\' && matches!(b, b'n' | b't' | b'r') {
            i + 1
        } else {
            i
        };
        if is_prefixed_key(token) || (!in_url && is_high_entropy(token)) {
            replace(i, end, &mut out, &mut copied);
        } else if unescaped > i {
            let rest = &text[unescaped..end];
            if is_prefixed_key(rest) || (!in_url && is_high_entropy(rest)) {
                replace(unescaped, end, &mut out, &mut copied);
            }
        }
        i = end;
    }

    if !changed {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// `A-Z a-z 0-9 _ -`: the characters keys and ids are made of.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn token_end(bytes: &[u8], start: usize) -> usize {
    let mut end = start;
    while end < bytes.len() && is_token_byte(bytes[end]) {
        end += 1;
    }
    end
}

/// The index after an ANSI escape sequence starting at `i` (an ESC byte).
fn skip_ansi(bytes: &[u8], i: usize) -> usize {
    if bytes.get(i + 1) != Some(&b'[') {
        return i + 1;
    }
    let mut j = i + 2;
    // Parameter and intermediate bytes, then one final byte in 0x40..=0x7e.
    while j < bytes.len() && (0x20..=0x3f).contains(&bytes[j]) {
        j += 1;
    }
    (j + 1).min(bytes.len())
}

/// Skips spaces, tabs and ANSI sequences from `i`.
fn skip_blank(bytes: &[u8], mut i: usize) -> usize {
    loop {
        match bytes.get(i) {
            Some(b' ' | b'\t') => i += 1,
            Some(0x1b) => i = skip_ansi(bytes, i),
            _ => return i,
        }
    }
}

/// Whether a value ends at byte `b`: end of line, a quote, or an escape starting one.
fn ends_value(b: u8) -> bool {
    matches!(b, b'\n' | b'\r' | b'"' | b'\'' | b'\\' | 0x1b)
}

/// After a secret name ending at `i`: the byte range of its value, if a `:` or `=` follows.
fn named_value(bytes: &[u8], mut i: usize) -> Option<(usize, usize)> {
    // The closing quote of a quoted name (`"authorization": …`, `\"authorization\": …`).
    while matches!(bytes.get(i), Some(b'"' | b'\'' | b'\\')) {
        i += 1;
    }
    i = skip_blank(bytes, i);
    if !matches!(bytes.get(i), Some(b':' | b'=')) {
        return None;
    }
    i = skip_blank(bytes, i + 1);
    // The opening quote of a quoted value.
    while matches!(bytes.get(i), Some(b'"' | b'\'' | b'\\')) {
        i += 1;
    }
    let start = i;
    while i < bytes.len() && !ends_value(bytes[i]) {
        i += 1;
    }
    // Trailing blanks before the end of the line stay as they are.
    let mut end = i;
    while end > start && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    (end > start).then_some((start, end))
}

/// After the word `Bearer` ending at `i`: the byte range of the token that follows it.
fn bearer_value(bytes: &[u8], i: usize) -> Option<(usize, usize)> {
    if !matches!(bytes.get(i), Some(b' ' | b'\t')) {
        return None;
    }
    let start = skip_blank(bytes, i);
    let mut end = start;
    while end < bytes.len() && !bytes[end].is_ascii_whitespace() && !ends_value(bytes[end]) {
        end += 1;
    }
    (end > start).then_some((start, end))
}

fn is_prefixed_key(token: &str) -> bool {
    KEY_PREFIXES
        .iter()
        .any(|p| token.starts_with(p) && token.len() >= p.len() + MIN_AFTER_PREFIX)
}

fn is_high_entropy(token: &str) -> bool {
    if token.len() < MIN_ENTROPY_LEN {
        return false;
    }
    if token.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
        return false; // UUIDs, hashes, hex ids
    }
    let has = |f: fn(&u8) -> bool| token.as_bytes().iter().any(f);
    if !has(u8::is_ascii_digit) || !has(u8::is_ascii_alphabetic) {
        return false;
    }
    let mixed_case = has(u8::is_ascii_uppercase) && has(u8::is_ascii_lowercase);
    let random_chunk = token.split(['_', '-']).any(|chunk| {
        chunk.len() >= MIN_RANDOM_CHUNK
            && chunk.bytes().any(|b| b.is_ascii_digit())
            && chunk.bytes().any(|b| b.is_ascii_alphabetic())
    });
    mixed_case || random_chunk
}

/// An [`io::Write`] that passes everything written to it through [`redact`] before it reaches
/// the inner writer. Text is held until a complete line is there (a redaction rule may need
/// the rest of the line): [`Write::flush`] writes out the complete lines, and dropping the
/// writer writes out the rest. Made for one log event per writer, as `tracing-subscriber`'s
/// `fmt` layer does (`.with_writer(|| RedactingWriter::new(std::io::stderr()))`).
pub struct RedactingWriter<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> RedactingWriter<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        RedactingWriter {
            inner,
            pending: Vec::new(),
        }
    }

    /// Redacts and writes the first `len` pending bytes.
    fn emit(&mut self, len: usize) -> io::Result<()> {
        if len == 0 {
            return Ok(());
        }
        let chunk: Vec<u8> = self.pending.drain(..len).collect();
        let text = String::from_utf8_lossy(&chunk);
        self.inner.write_all(redact(&text).as_bytes())
    }
}

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let complete = self
            .pending
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        self.emit(complete)?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for RedactingWriter<W> {
    fn drop(&mut self) {
        // Nowhere to report a failed log write to.
        let _ = self.emit(self.pending.len());
        let _ = self.inner.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn r(text: &str) -> String {
        redact(text).into_owned()
    }

    #[test]
    fn authorization_values_are_redacted() {
        let cases = [
            (
                "Authorization: Bearer lkr_live_0123456789",
                "Authorization: [redacted]",
            ),
            (
                "authorization: abc def\nnext line",
                "authorization: [redacted]\nnext line",
            ),
            ("AUTHORIZATION:x", "AUTHORIZATION:[redacted]"),
            (
                r#"{"authorization": "Bearer short", "accept": "application/json"}"#,
                r#"{"authorization": "[redacted]", "accept": "application/json"}"#,
            ),
            (
                r#"headers={\"authorization\": \"k1\", \"accept\": \"json\"}"#,
                r#"headers={\"authorization\": \"[redacted]\", \"accept\": \"json\"}"#,
            ),
            (
                "request authorization=Bearer k2 done",
                "request authorization=[redacted]",
            ),
            (
                r#"msg="Authorization: k3" x=1"#,
                r#"msg="Authorization: [redacted]" x=1"#,
            ),
            (
                "GET /x?authorization=k4&page=2",
                "GET /x?authorization=[redacted]",
            ),
            ("X-Api-Key: k5", "X-Api-Key: [redacted]"),
            ("api_key=k6", "api_key=[redacted]"),
            (
                "Proxy-Authorization: Basic k7",
                "Proxy-Authorization: [redacted]",
            ),
            // tracing-subscriber's ANSI colours around a field name and value
            (
                "\x1b[3mauthorization\x1b[0m\x1b[2m=\x1b[0m\"k8\"",
                "\x1b[3mauthorization\x1b[0m\x1b[2m=\x1b[0m\"[redacted]\"",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(r(input), want, "{input:?}");
        }
    }

    #[test]
    fn bearer_tokens_are_redacted() {
        assert_eq!(
            r("sent header Bearer k9 to the server"),
            "sent header Bearer [redacted] to the server"
        );
        assert_eq!(r("bearer\tk10"), "bearer\t[redacted]");
        // Any word after "bearer" goes (prose is rare in logs; a missed key is worse), but
        // "bearer" at the end of a sentence or inside a word is left alone.
        assert_eq!(r("the bearer of news"), "the bearer [redacted] news");
        assert_eq!(r("a bearer."), "a bearer.");
        assert_eq!(r("bearers are fine"), "bearers are fine");
    }

    #[test]
    fn prefixed_keys_are_redacted_anywhere() {
        let cases = [
            ("key lkr_canary_0123abcd set", "key [redacted] set"),
            ("japi_live_e2e_valid_9c1d", "[redacted]"),
            ("sk-proj-abcdefgh12", "[redacted]"),
            ("\"lkr_e2e_valid_key_7f3a\"", "\"[redacted]\""),
            ("key=lkr_e2e_valid_key_7f3a,", "key=[redacted],"),
            (
                "https://cdn.example.com/img.png?k=japi_abcdefgh12",
                "https://cdn.example.com/img.png?k=[redacted]",
            ),
            (r"line\nlkr_abcdefgh12", r"line\n[redacted]"),
            ("\x1b[2mlkr_abcdefgh12\x1b[0m", "\x1b[2m[redacted]\x1b[0m"),
        ];
        for (input, want) in cases {
            assert_eq!(r(input), want, "{input:?}");
        }
        // A bare or too short prefix is not a key.
        for clean in [
            "lkr_x",
            "the sk- prefix",
            "japi_live",
            "task-1234567890",
            "desk-lamp-with-a-long-name",
        ] {
            assert_eq!(r(clean), clean);
        }
    }

    #[test]
    fn high_entropy_tokens_are_redacted() {
        assert_eq!(
            r("token AbCdEf0123456789GhIjKlMn end"),
            "token [redacted] end"
        );
        assert_eq!(r("k=q8w7e6r5t4y3u2i1o0p9a8s7d6"), "k=[redacted]");
        assert_eq!(r("x_q8w7e6r5t4y3u2i1o0p9a8s7d6"), "[redacted]");
    }

    #[test]
    fn ids_urls_and_ordinary_text_are_left_alone() {
        let clean = [
            "task 3f2a9c1e-7b4d-4e8f-9a0b-1c2d3e4f5a6b is running",
            "task 3F2A9C1E-7B4D-4E8F-9A0B-1C2D3E4F5A6B",
            "file 9f86d081884c7d659a2fea0a5af7c3b5d01a8c1b7ba1d3a4e7d2e1c6f5b3a2e1.png",
            "https://cdn.midjourney.com/3f2a9c1e-7b4d-4e8f-9a0b-1c2d3e4f5a6b/0_0.png",
            "https://cdn.example.com/images/AbCdEf0123456789GhIjKlMnOp/grid.webp",
            "'https://cdn.example.com/a/Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1/b.png'",
            "ATELIER_LINKR_BASE_URL is not set",
            "a_very_long_snake_case_identifier_name",
            "provider=Linkr method=GET path=/task/12345 status=200 bytes=512 elapsed_ms=31",
            "2026-11-23T10:00:00.123456Z  INFO atelier::startup: ui ready",
            "Die Übersetzung — ключ не найден 🎨",
            "The API key was rejected. Check it in Settings.",
            "",
        ];
        for text in clean {
            assert!(
                matches!(redact(text), Cow::Borrowed(_)),
                "{text:?} became {:?}",
                redact(text)
            );
        }
    }

    #[test]
    fn redaction_is_idempotent_and_keeps_surroundings() {
        let input = "é Authorization: Bearer x\n😀 lkr_abcdefgh12 ünd AbCdEf0123456789GhIjKlMn.";
        let once = r(input);
        assert_eq!(
            once,
            "é Authorization: [redacted]\n😀 [redacted] ünd [redacted]."
        );
        assert_eq!(r(&once), once);
    }

    #[test]
    fn the_writer_redacts_whole_lines() {
        let mut out = Vec::new();
        {
            let mut w = RedactingWriter::new(&mut out);
            // A key split across writes is still seen whole.
            w.write_all(b"Authorization: Bearer lkr_abcd").unwrap();
            w.write_all(b"efgh12\nsecond lkr_").unwrap();
            w.flush().unwrap();
            w.write_all(b"abcdefgh12 end").unwrap();
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Authorization: [redacted]\nsecond [redacted] end"
        );
    }

    #[test]
    fn the_writer_flushes_complete_lines_only() {
        let mut out = Vec::new();
        let mut w = RedactingWriter::new(&mut out);
        w.write_all(b"one\ntwo").unwrap();
        w.flush().unwrap();
        drop(w);
        assert_eq!(out, b"one\ntwo");
    }

    proptest! {
        #[test]
        fn provider_keys_never_survive(
            prefix in prop::sample::select(vec!["lkr_", "japi_", "lkr_live_", "japi_canary_"]),
            body in "[a-zA-Z0-9_]{8,48}",
            template in prop::sample::select(vec![
                "{}",
                "key {} here",
                "Authorization: Bearer {}",
                "Authorization: {}",
                "{\"authorization\":\"{}\"}",
                "authorization=\"Bearer {}\" status=200",
                "url=http://127.0.0.1:9/linkr/api?key={}",
                "\x1b[3mkey\x1b[0m\x1b[2m=\x1b[0m{}",
                "Debug: SecretKey(\"{}\")",
                "line one\\n{}\\n",
            ]),
        ) {
            let key = format!("{prefix}{body}");
            let text = template.replace("{}", &key);
            let out = redact(&text);
            prop_assert!(!out.contains(&key), "{text:?} -> {out:?}");
        }

        #[test]
        fn never_panics_and_is_idempotent(text in "\\PC{0,200}") {
            let once = redact(&text).into_owned();
            let twice = redact(&once).into_owned();
            prop_assert_eq!(twice, once);
        }
    }
}
