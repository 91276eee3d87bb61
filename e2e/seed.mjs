// Puts a library made by library-bench into an app's data folder. Its own module, free of the
// harness's start-up (which reads ATELIER_E2E_APP when imported), so benchmarks can use it too.

import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * Puts a library made by `library-bench --files --out <library>` into the data folder
 * `dataHome` (the app's XDG_DATA_HOME): the database copied (the app writes to it), the image
 * and thumbnail folders hard-linked.
 */
export function seedLibrary(dataHome, library) {
  const dir = join(dataHome, "dev.atelier.app", "library");
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(library)) {
    const from = join(library, name);
    if (name.startsWith("atelier.db")) copyFileSync(from, join(dir, name));
    else if (name !== ".drawn") execFileSync("cp", ["-al", from, join(dir, name)]);
  }
}
