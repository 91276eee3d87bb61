//! Reading a prompt: Midjourney flags (`--ar`, `--seed`, `--fast/--relax/--turbo`) and the
//! simulator's own `[[...]]` markers, and deciding what a submit with it does.

use crate::faults::{parse_markers, Effect, FaultBook, FaultKind, Marker, RequestPhase, TaskFault};
use crate::task::Fate;

/// What the flags of a prompt say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flags {
    /// `--ar W:H` / `--aspect W:H`.
    pub aspect: Option<(u32, u32)>,
    /// `--seed N`.
    pub seed: Option<u64>,
    /// `fast` (default), `relax` or `turbo`.
    pub mode: &'static str,
    /// `[[no-images]]`: Linkr grid results leave out `images`.
    pub no_images: bool,
}

/// Parses `W:H` with both sides 1..=10000.
pub fn parse_ratio(s: &str) -> Option<(u32, u32)> {
    let (w, h) = s.trim().split_once(':')?;
    let (w, h): (u32, u32) = (w.trim().parse().ok()?, h.trim().parse().ok()?);
    if (1..=10_000).contains(&w) && (1..=10_000).contains(&h) {
        Some((w, h))
    } else {
        None
    }
}

/// Reads the flags of `prompt`; malformed flag values are ignored.
pub fn flags(prompt: &str) -> Flags {
    let words: Vec<&str> = prompt.split_whitespace().collect();
    let mut out = Flags {
        aspect: None,
        seed: None,
        mode: "fast",
        no_images: cfg!(feature = "test-hooks") && prompt.contains("[[no-images]]"),
    };
    for (i, word) in words.iter().enumerate() {
        let next = words.get(i + 1).copied().unwrap_or("");
        match word.to_ascii_lowercase().as_str() {
            "--ar" | "--aspect" => out.aspect = parse_ratio(next).or(out.aspect),
            "--seed" => out.seed = next.parse().ok().or(out.seed),
            "--relax" => out.mode = "relax",
            "--turbo" => out.mode = "turbo",
            "--fast" => out.mode = "fast",
            _ => {}
        }
    }
    out
}

/// What a submit will do, after markers and rules are taken into account.
#[derive(Debug, Clone, PartialEq)]
pub struct SubmitPlan {
    /// Answer with this fault instead of creating a task.
    pub respond: Option<FaultKind>,
    /// How the new task ends.
    pub fate: Fate,
    /// `@poll` markers the task keeps.
    pub poll_markers: Vec<(Marker, Option<u32>)>,
}

/// Decides what a submit does: `prompt` markers (when the prompt is the request's own) and
/// the task fault a rule attached to the request.
pub fn plan_submit(
    prompt: Option<&str>,
    rule_fault: Option<TaskFault>,
    book: &mut FaultBook,
) -> SubmitPlan {
    let mut plan = SubmitPlan {
        respond: None,
        fate: rule_fault
            .as_ref()
            .map(Fate::from_fault)
            .unwrap_or(Fate::Complete),
        poll_markers: Vec::new(),
    };
    let Some(prompt) = prompt else {
        return plan;
    };
    for marker in parse_markers(prompt) {
        if marker.poll {
            match marker.kind.effect(RequestPhase::Poll) {
                Some(Effect::Respond(_)) => {
                    let times = marker.times;
                    plan.poll_markers.push((marker, times));
                }
                Some(Effect::Task(fault))
                    if plan.fate == Fate::Complete && book.marker_fires(&marker, prompt) =>
                {
                    plan.fate = Fate::from_fault(&fault);
                }
                _ => {}
            }
            continue;
        }
        match marker.kind.effect(RequestPhase::Submit) {
            Some(Effect::Respond(kind))
                if plan.respond.is_none() && book.marker_fires(&marker, prompt) =>
            {
                plan.respond = Some(kind);
            }
            Some(Effect::Task(fault))
                if plan.fate == Fate::Complete && book.marker_fires(&marker, prompt) =>
            {
                plan.fate = Fate::from_fault(&fault);
            }
            _ => {}
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_read() {
        let f = flags("a cat --ar 16:9 --seed 42 --relax [[no-images]]");
        assert_eq!(f.aspect, Some((16, 9)));
        assert_eq!(f.seed, Some(42));
        assert_eq!(f.mode, "relax");
        // A test-hooks marker: plain text in the shipped demo.
        assert_eq!(f.no_images, cfg!(feature = "test-hooks"));
        let f = flags("a cat --ar banana --seed --turbo");
        assert_eq!(f.aspect, None);
        assert_eq!(f.seed, None);
        assert_eq!(f.mode, "turbo");
        assert_eq!(parse_ratio("0:1"), None);
        assert_eq!(parse_ratio(" 3 : 2 "), Some((3, 2)));
    }

    #[test]
    #[cfg(feature = "test-hooks")]
    fn plans() {
        let mut book = FaultBook::default();
        let p = plan_submit(Some("x [[fault:503*1]]"), None, &mut book);
        assert_eq!(p.respond, Some(FaultKind::ServerError { status: 503 }));
        let p = plan_submit(Some("x [[fault:503*1]]"), None, &mut book);
        assert_eq!(p.respond, None, "the retry goes through");

        let p = plan_submit(Some("x [[fault:failed]]"), None, &mut book);
        assert!(matches!(p.fate, Fate::Fail { .. }));
        assert_eq!(p.respond, None);

        let p = plan_submit(Some("x [[fault:content_policy]]"), None, &mut book);
        assert!(matches!(p.respond, Some(FaultKind::ContentPolicy { .. })));
        let p = plan_submit(Some("x [[fault:content_policy@poll]]"), None, &mut book);
        assert!(matches!(p.fate, Fate::Fail { ref error, .. } if error.contains("Banned")));

        let p = plan_submit(Some("x [[fault:502@poll*2]]"), None, &mut book);
        assert_eq!(p.poll_markers.len(), 1);
        assert_eq!(p.poll_markers[0].1, Some(2));

        let p = plan_submit(Some("y [[thank-you]]"), None, &mut book);
        assert!(matches!(p.fate, Fate::Fail { ref error, .. } if error.contains("Thank you")));
        let p = plan_submit(Some("y [[thank-you]]"), None, &mut book);
        assert_eq!(p.fate, Fate::Complete, "the notice comes once");
        let p = plan_submit(Some("z [[thank-you]]"), None, &mut book);
        assert_eq!(p.fate, Fate::Complete, "once per simulator, not per prompt");

        let p = plan_submit(None, Some(TaskFault::Timeout), &mut book);
        assert!(matches!(p.fate, Fate::Timeout { .. }));
    }
}
