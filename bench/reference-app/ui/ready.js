// Tells the shell the page is interactive (the benchmark waits for the line it prints) the way
// Atelier does: once the page is built and its first frame painted (two animation frames after
// DOMContentLoaded), with the page's time origin so the benchmark can split native start from
// page time.
document.addEventListener("DOMContentLoaded", () => {
  const loaded = performance.now();
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      window.__TAURI_INTERNALS__.invoke("ready", {
        phases: { timeOrigin: Math.round(performance.timeOrigin), loaded, ready: performance.now() },
      });
    }),
  );
});
