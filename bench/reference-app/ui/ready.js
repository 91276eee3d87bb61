// Tells the shell the page is interactive (the benchmark waits for the line it prints).
document.addEventListener("DOMContentLoaded", () => {
  window.__TAURI_INTERNALS__.invoke("ready");
});
