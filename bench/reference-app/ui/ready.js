// Tells the shell the page is interactive (the benchmark waits for the line it prints), with
// the page's time origin so the benchmark can split native start from page time, as for Atelier.
document.addEventListener("DOMContentLoaded", () => {
  window.__TAURI_INTERNALS__.invoke("ready", {
    phases: { timeOrigin: Math.round(performance.timeOrigin), ready: performance.now() },
  });
});
