// Prevents an extra console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // Before anything else: it sets an environment variable, which is only sound while the
    // process has a single thread.
    atelier_core::rendering::prefer_cpu_rendering_without_gpu();
    atelier_lib::run();
}
