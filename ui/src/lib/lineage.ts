/**
 * The Lineage view's logic (LineageView.svelte draws what this decides): the core's list of
 * tasks (`lineage`, in reading order: each task before its children, children oldest first)
 * as rows of an indented tree with connector lines, the edge labels, what changed in the
 * prompt, the notes, the arrow keys between nodes and "Branch from here"; and the creation
 * modes' parts: a blend's several parents (its input images), a describe's or shorten's text,
 * a video's badge. No DOM here.
 */
import type { GalleryImage } from './bindings/GalleryImage';
import type { Lineage } from './bindings/Lineage';
import type { LineageNode } from './bindings/LineageNode';
import type { ProviderKind } from './bindings/ProviderKind';
import type { KeyLike } from './shortcuts';
import { firstWords } from './gallery';
import { isVideoItem } from './video';

/**
 * The levels of indentation drawn. Deeper tasks line up under the last level, hung from
 * their ancestor at level MAX_INDENT - 1, and say their depth in words, so a long chain of
 * variations never runs off the window.
 */
export const MAX_INDENT = 10;

/** Prompts longer than this (in words) are not compared word by word. */
const DIFF_MAX_WORDS = 300;

/** What changed in the prompt from the parent's. */
export type PromptChange =
  /** A few words: the phrases added and the phrases taken out, in prompt order. */
  | { type: 'diff'; added: string[]; removed: string[] }
  /** Too much for a short diff (or nothing to compare with): the new prompt, '' for none. */
  | { type: 'new'; text: string };

/** One task as the view draws it: a row of the indented tree. */
export interface LineageRow {
  node: LineageNode;
  /** Its place in reading order. */
  index: number;
  /** Its depth in the tree as drawn (0 for a top; counted from the rows, not trusted). */
  depth: number;
  /** The indentation drawn: `min(depth, MAX_INDENT)` connector columns left of the node. */
  level: number;
  /** Deeper than MAX_INDENT: drawn at the last level, its depth said in words. */
  clamped: boolean;
  /**
   * One per connector column left of its elbow (`level - 1` of them): true where a line
   * passes through this row (an ancestor there has later siblings below).
   */
  guides: boolean[];
  /** The last of its parent's children as drawn: its elbow ends (└) instead of going on (├). */
  last: boolean;
  /** Children are drawn below it: a line goes down from its picture. */
  stem: boolean;
  /** The row of the task it was made from (null for a top). */
  parent: number | null;
  /** The rows of the tasks made from it, oldest first. */
  children: number[];
  /** What changed in its prompt, when it changed (`promptChanged`). */
  change: PromptChange | null;
  /** The images a creation mode was sent with (a blend's parents); empty for the others. */
  inputs: LineageInputTile[];
  /** What the inputs are to it: "Blended from", "Described from", "Start frame"... */
  inputsLabel: string | null;
  /** Its text results (describe's prompts, shorten's variants), empty when none. */
  texts: string[];
  /** What the texts are: "4 prompts", "3 short versions"...; null without texts. */
  textsLabel: string | null;
  /** A video task (or its picture is a video): the view badges it. */
  video: boolean;
}

/** One input image of a creation mode, as a small tile of its node. */
export interface LineageInputTile {
  /** The link as it was sent. */
  url: string;
  /** Its picture in the library (opened on click), else null: a tile with the host name. */
  image: GalleryImage | null;
  /** The host the link points to ("cdn.example.com"), for the tile without a picture. */
  host: string;
  /** Its accessible name and title: what a click does, or where it lives. */
  label: string;
}

/** The whole view: rows and the words around them. */
export interface LineageLayout {
  rows: LineageRow[];
  /** "12 tasks" ("400+ tasks" when cut). */
  count: string;
  /** The top was made from a task this library does not have. */
  missingNote: string | null;
  /** More tasks than the core sends. */
  truncatedNote: string | null;
  /** The row of the task the lightbox shows (0 when none is marked). */
  currentIndex: number;
}

const words = (text: string | null | undefined): string[] =>
  (text ?? '').split(/\s+/).filter(Boolean);

/**
 * What changed from `before` to `after`, word by word: a short diff when most words stayed
 * (at most four changed phrases), else the new prompt.
 */
export function promptChange(before: string | null, after: string | null): PromptChange {
  const text = (after ?? '').trim();
  const a = words(before);
  const b = words(after);
  if (a.length === 0 || b.length === 0 || a.length > DIFF_MAX_WORDS || b.length > DIFF_MAX_WORDS) {
    return { type: 'new', text };
  }
  // Longest common subsequence of the words, then walk it to find the changed runs.
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () =>
    new Array<number>(b.length + 1).fill(0),
  );
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const added: string[] = [];
  const removed: string[] = [];
  let add: string[] = [];
  let del: string[] = [];
  const flush = () => {
    if (del.length) removed.push(del.join(' '));
    if (add.length) added.push(add.join(' '));
    add = [];
    del = [];
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      flush();
      i++;
      j++;
    } else if (j < b.length && (i === a.length || lcs[i][j + 1] >= lcs[i + 1][j])) {
      add.push(b[j++]);
    } else {
      del.push(a[i++]);
    }
  }
  flush();
  const kept = lcs[0][0];
  const phrases = added.length + removed.length;
  if (phrases === 0 || phrases > 4 || kept * 2 < Math.max(a.length, b.length)) {
    return { type: 'new', text };
  }
  return { type: 'diff', added, removed };
}

/** The host name of a link ("cdn.example.com"), else its start (a link that does not parse). */
export function linkHost(url: string): string {
  try {
    const host = new URL(url).hostname.replace(/^www\./, '');
    if (host) return host;
  } catch {
    // Not a URL: its first characters say enough.
  }
  const text = url.trim();
  return text.length > 24 ? `${text.slice(0, 23)}…` : text || 'link';
}

/** What a creation mode's inputs are to it, by its kind label. */
export function inputsLabel(kindLabel: string, count: number): string {
  switch (kindLabel) {
    case 'Blend':
      return 'Blended from';
    case 'Describe':
      return 'Described from';
    case 'Video':
      return 'Start frame';
    default:
      return count === 1 ? 'Made from' : 'Made from these';
  }
}

/** The input tiles of a node, in the order they were sent. */
export function inputTiles(node: Pick<LineageNode, 'inputs'>): LineageInputTile[] {
  const inputs = node.inputs ?? [];
  return inputs.map((input, i) => {
    const host = linkHost(input.url);
    const which = inputs.length > 1 ? `Input ${i + 1} of ${inputs.length}` : 'Input';
    let label: string;
    if (input.image) {
      const item = input.image.item;
      const words = firstWords(item.prompt, 8);
      label = `Open ${which.toLowerCase()}: ${item.kindLabel}${words ? `: ${words}` : ''}`;
    } else {
      label = `${which}: ${host} (not in the library)`;
    }
    return { url: input.url, image: input.image, host, label };
  });
}

/** A node's text results, trimmed, the empty ones left out. */
export function nodeTexts(node: Pick<LineageNode, 'text'>): string[] {
  return (node.text ?? []).map((t) => t.trim()).filter(Boolean);
}

/** What a node's texts are, by its kind label: "4 prompts", "3 short versions", "Seed". */
export function textsLabel(kindLabel: string, count: number): string | null {
  if (count === 0) return null;
  const plural = (one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  switch (kindLabel) {
    case 'Describe':
      return plural('prompt', 'prompts');
    case 'Shorten':
      return plural('short version', 'short versions');
    case 'Seed':
      return 'Seed';
    default:
      return plural('text', 'texts');
  }
}

/** A video task, or one whose picture is a video. */
export function isVideoNode(node: Pick<LineageNode, 'kindLabel' | 'image'>): boolean {
  return node.kindLabel === 'Video' || (node.image ? isVideoItem(node.image.item) : false);
}

/** The tasks of a lineage as the rows of an indented tree (see LineageRow). */
export function lineageRows(nodes: readonly LineageNode[]): LineageRow[] {
  const at = new Map<string, number>();
  const parent: (number | null)[] = [];
  const depth: number[] = [];
  nodes.forEach((node, i) => {
    // A parent is always listed before its children; one that is not is treated as absent.
    const p = node.parentId !== null ? (at.get(node.parentId) ?? null) : null;
    parent.push(p);
    depth.push(p === null ? 0 : depth[p] + 1);
    if (!at.has(node.taskId)) at.set(node.taskId, i);
  });

  // Where each row hangs as drawn: its parent, or for rows past the last level, the ancestor
  // at level MAX_INDENT - 1 (its children line up under it).
  const hang = (i: number): number | null => {
    let p = parent[i];
    while (p !== null && depth[p] >= MAX_INDENT) p = parent[p];
    return p;
  };
  const hangs = nodes.map((_, i) => hang(i));
  const drawnChildren = new Map<number, number[]>();
  hangs.forEach((h, i) => {
    if (h === null) return;
    const list = drawnChildren.get(h) ?? [];
    list.push(i);
    drawnChildren.set(h, list);
  });
  const last = nodes.map((_, i) => {
    const h = hangs[i];
    if (h === null) return true;
    const siblings = drawnChildren.get(h) ?? [];
    return siblings[siblings.length - 1] === i;
  });

  return nodes.map((node, i) => {
    const level = Math.min(depth[i], MAX_INDENT);
    // The ancestors by depth (index 0 the top), to know which columns carry a line.
    const chain: number[] = [];
    for (let p = parent[i]; p !== null; p = parent[p]) chain.unshift(p);
    const guides = Array.from({ length: Math.max(level - 1, 0) }, (_, c) => !last[chain[c + 1]]);
    const children = nodes.flatMap((_, k) => (parent[k] === i ? [k] : []));
    const p = parent[i];
    const inputs = inputTiles(node);
    const texts = nodeTexts(node);
    return {
      node,
      index: i,
      depth: depth[i],
      level,
      clamped: depth[i] > MAX_INDENT,
      guides,
      last: last[i],
      stem: (drawnChildren.get(i)?.length ?? 0) > 0,
      parent: p,
      children,
      change: node.promptChanged
        ? promptChange(p === null ? null : nodes[p].prompt, node.prompt)
        : null,
      inputs,
      inputsLabel: inputs.length ? inputsLabel(node.kindLabel, inputs.length) : null,
      texts,
      textsLabel: textsLabel(node.kindLabel, texts.length),
      video: isVideoNode(node),
    };
  });
}

/** "1 task", "12 tasks", "400+ tasks" when the core cut the list. */
export function countText(count: number, truncated: boolean): string {
  if (truncated) return `${count}+ tasks`;
  return count === 1 ? '1 task' : `${count} tasks`;
}

/** Everything the view draws from the core's answer. */
export function lineageLayout(lineage: Lineage): LineageLayout {
  const rows = lineageRows(lineage.nodes);
  const current = rows.findIndex((r) => r.node.current);
  return {
    rows,
    count: countText(rows.length, lineage.truncated),
    missingNote: lineage.missingParent
      ? `Made from task ${lineage.missingParent}, which is not in this library.`
      : null,
    truncatedNote: lineage.truncated ? `Only the first ${rows.length} tasks are shown.` : null,
    currentIndex: Math.max(current, 0),
  };
}

/**
 * The row an arrow key (or Home/End) moves to from row `from`: Up/Down the previous/next row,
 * Left the parent, Right the first child; null when the key moves nowhere.
 */
export function lineageKeyTarget(
  rows: readonly Pick<LineageRow, 'parent' | 'children'>[],
  from: number,
  key: string,
): number | null {
  if (rows.length === 0) return null;
  let to: number | null;
  switch (key) {
    case 'ArrowDown':
      to = from + 1;
      break;
    case 'ArrowUp':
      to = from - 1;
      break;
    case 'ArrowLeft':
      to = rows[from]?.parent ?? null;
      break;
    case 'ArrowRight':
      to = rows[from]?.children[0] ?? null;
      break;
    case 'Home':
      to = 0;
      break;
    case 'End':
      to = rows.length - 1;
      break;
    default:
      return null;
  }
  return to !== null && to >= 0 && to < rows.length && to !== from ? to : null;
}

/** L, the lightbox's key for the Lineage view (not while typing, no modifiers). */
export function isLineageKey(e: KeyLike, inTextEntry: boolean): boolean {
  if (inTextEntry || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey) return false;
  return e.key === 'l' || e.key === 'L';
}

/** What "Branch from here" puts into the composer (the `reusePrompt` source). */
export interface BranchSource {
  prompt: string;
  provider: ProviderKind;
  model: string | null;
  /** The reference image the node's prompt was sent with; null clears the composer's. */
  referenceImage: string | null;
}

/**
 * The prompt, reference image, provider and model a node branches with: the provider and
 * model of its image when it has one, else `fallback`'s (the image the lightbox shows); null
 * without a prompt.
 */
export function branchSource(
  node: Pick<LineageNode, 'prompt' | 'image' | 'referenceImage'>,
  fallback: { provider: ProviderKind; model: string | null },
): BranchSource | null {
  const prompt = node.prompt?.trim() ?? '';
  if (!prompt) return null;
  const item = node.image?.item;
  const referenceImage = node.referenceImage ?? null;
  return item
    ? { prompt, provider: item.provider, model: item.model, referenceImage }
    : { prompt, provider: fallback.provider, model: fallback.model, referenceImage };
}
