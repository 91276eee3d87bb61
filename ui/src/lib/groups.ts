/**
 * Permutation prompts (`a {red, blue} bird`) as the UI words them. The core expands the
 * prompts, prices them and places them on the contact sheet; nothing here decides any of it.
 */
import type { CellState } from './bindings/CellState';
import type { GroupRef } from './bindings/GroupRef';
import type { SheetCell } from './bindings/SheetCell';

/** True when the prompt has a brace, so the core is asked what it makes (its plan). */
export function hasBraces(prompt: string): boolean {
  return prompt.includes('{') || prompt.includes('}');
}

/** A task's (or a waiting job's) place in its group: "2 of 4 · red · 16:9". */
export function groupChipText(group: GroupRef): string {
  return [`${group.position} of ${group.count}`, ...group.choices].join(' · ');
}

/** What a contact sheet cell without an image says. */
const CELL_WORDS: Record<CellState, string> = {
  waiting: 'Waiting',
  held: 'Held – see its waiting card',
  running: 'Running',
  done: 'Saving…',
  failed: 'Failed',
  notSent: 'Not sent',
};

/** A cell's state in words ("Saving…" for one that is done but whose image is not in yet). */
export function cellStateText(cell: Pick<SheetCell, 'state' | 'image'>): string {
  return cell.state === 'done' && cell.image ? 'Done' : CELL_WORDS[cell.state];
}
