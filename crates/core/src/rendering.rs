//! How the Linux webview draws when the machine has no GPU.
//!
//! WebKitGTK paints pages with Skia on the GPU by default. Without a GPU (a VM, a remote
//! desktop, a server with Xvfb) "the GPU" is Mesa's llvmpipe, which compiles every shader with
//! LLVM on the CPU: measured here, Atelier's first frame took about 1.4 s longer that way than
//! with Skia's own CPU rasterizer (`bash scripts/bench-startup.sh` reports when the first frame
//! is painted). So when no GPU render node exists, the shell (its `main`) asks WebKit for
//! CPU rendering before any window is made. A value the person set themselves
//! (`WEBKIT_SKIA_ENABLE_CPU_RENDERING=0` forces the GPU path) is always left alone.
//!
//! With CPU rendering, WebKit's accelerated compositing is no help either: every layer is
//! painted into tiles by the CPU and then composited by the CPU again. Measured with
//! `bash scripts/bench-gallery.sh`, the web process spent ~45 ms of CPU per frame while the
//! gallery scrolled with compositing on, ~15 ms with it off. So the same choice turns
//! compositing off (`WEBKIT_DISABLE_COMPOSITING_MODE=1`), again unless the person set it.

use std::path::Path;

/// The WebKitGTK switch for Skia's CPU rasterizer ("1" on, "0" off).
pub const CPU_RENDERING_VAR: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

/// The WebKitGTK switch that paints pages directly, without accelerated compositing ("1").
pub const NO_COMPOSITING_VAR: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// True when CPU rendering should be asked for: the person has not chosen, and `dri` (normally
/// `/dev/dri`) holds no GPU render node (`renderD*`), so any GL would be software emulation.
pub fn wants_cpu_rendering(already_set: bool, dri: &Path) -> bool {
    if already_set {
        return false;
    }
    let has_render_node = std::fs::read_dir(dri).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    });
    !has_render_node
}

/// Chooses CPU rendering on a machine without a GPU, and turns compositing off whenever CPU
/// rendering is on (chosen here or by the person). Call first thing in `main`, while the
/// process has one thread (setting the environment is only sound then), and before GTK starts.
pub fn prefer_cpu_rendering_without_gpu() {
    if !cfg!(target_os = "linux") {
        return;
    }
    if wants_cpu_rendering(
        std::env::var_os(CPU_RENDERING_VAR).is_some(),
        Path::new("/dev/dri"),
    ) {
        std::env::set_var(CPU_RENDERING_VAR, "1");
    }
    if wants_no_compositing(
        std::env::var(CPU_RENDERING_VAR).ok().as_deref(),
        std::env::var_os(NO_COMPOSITING_VAR).is_some(),
    ) {
        std::env::set_var(NO_COMPOSITING_VAR, "1");
    }
}

/// True when compositing should be turned off: CPU rendering is on (`cpu_rendering` is the
/// value of [`CPU_RENDERING_VAR`]) and the person has not set [`NO_COMPOSITING_VAR`].
pub fn wants_no_compositing(cpu_rendering: Option<&str>, already_set: bool) -> bool {
    !already_set && cpu_rendering == Some("1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_dri_folder_means_cpu_rendering() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(wants_cpu_rendering(false, &dir.path().join("dri")));
    }

    #[test]
    fn a_card_without_a_render_node_means_cpu_rendering() {
        let dir = tempfile::tempdir().expect("tempdir");
        let dir = dir.path();
        std::fs::write(dir.join("card0"), b"").expect("card0");
        assert!(wants_cpu_rendering(false, dir));
    }

    #[test]
    fn a_render_node_keeps_the_gpu() {
        let dir = tempfile::tempdir().expect("tempdir");
        let dir = dir.path();
        std::fs::write(dir.join("card0"), b"").expect("card0");
        std::fs::write(dir.join("renderD128"), b"").expect("renderD128");
        assert!(!wants_cpu_rendering(false, dir));
    }

    #[test]
    fn cpu_rendering_turns_compositing_off_unless_the_person_chose() {
        assert!(wants_no_compositing(Some("1"), false));
        assert!(!wants_no_compositing(Some("1"), true));
        assert!(!wants_no_compositing(Some("0"), false));
        assert!(!wants_no_compositing(None, false));
    }

    #[test]
    fn a_choice_in_the_environment_is_left_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(!wants_cpu_rendering(true, &dir.path().join("dri")));
    }
}
