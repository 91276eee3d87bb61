// Process helpers the benchmarks share (bench/startup.mjs, bench/gallery.mjs): the process tree
// under a pid, read from /proc.

import { readFileSync, readdirSync } from "node:fs";

/** The pid and every descendant pid of `root`, from /proc/<pid>/stat. */
export function tree(root) {
  const children = new Map();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  const out = [];
  const todo = [root];
  while (todo.length) {
    const pid = todo.pop();
    out.push(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  return out;
}
