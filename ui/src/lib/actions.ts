/** How a finished task's buttons are laid out and named. Pure functions, no DOM. */
import type { Action } from './bindings/Action';
import type { PanDirection } from './bindings/PanDirection';
import type { IconName } from './components/Icon.svelte';

export interface ActionRows {
  /** U1..U4 in quadrant order. */
  upscale: Action[];
  /** V1..V4 in quadrant order. */
  variation: Action[];
  /** Everything else, in the provider's order (Reroll, Upscale (Subtle), Zoom, Pan...). */
  other: Action[];
}

function byIndex(a: Action, b: Action): number {
  return (a.index ?? 99) - (b.index ?? 99);
}

/** Splits actions into the U row, the V row and the rest. */
export function groupActions(actions: readonly Action[]): ActionRows {
  const rows: ActionRows = { upscale: [], variation: [], other: [] };
  for (const a of actions) {
    if (a.group === 'upscale') rows.upscale.push(a);
    else if (a.group === 'variation') rows.variation.push(a);
    else rows.other.push(a);
  }
  rows.upscale.sort(byIndex);
  rows.variation.sort(byIndex);
  return rows;
}

/**
 * The readable name of a button (its accessible name): its label, which the core never leaves
 * empty (it words the kind itself, `TaskKind::label`), else its emoji.
 */
export function actionText(action: Pick<Action, 'label' | 'emoji'>): string {
  const label = action.label?.trim();
  if (label) return label;
  return action.emoji?.trim() || 'Button';
}

const PAN_ARROWS: Record<PanDirection, IconName> = {
  left: 'arrowLeft',
  right: 'arrowRight',
  up: 'arrowUp',
  down: 'arrowDown',
};

/**
 * A drawn icon for the buttons Midjourney marks with an emoji (reroll, pan arrows), so they read
 * the same on every machine: an emoji needs an emoji font, which many Linux installs lack (the
 * button then showed an empty box).
 */
export function actionIcon(action: Pick<Action, 'kind'>): IconName | null {
  const kind = action.kind;
  if (kind?.type === 'reroll') return 'retry';
  if (kind?.type === 'pan') return PAN_ARROWS[kind.direction];
  return null;
}

/** True when the emoji only repeats what the words say (e.g. 🔄 on "Reroll" is fine to show). */
export function showEmoji(action: Pick<Action, 'label' | 'emoji'>): boolean {
  const emoji = action.emoji?.trim();
  return !!emoji && emoji !== action.label?.trim();
}

/**
 * The one rule that turns words into a test-id fragment: every run of characters
 * other than ASCII letters, digits, '.' and '_' becomes one '-', trimmed at both ends.
 * "Vary (Strong)" -> "Vary-Strong", "Zoom Out 1.5x" -> "Zoom-Out-1.5x".
 */
export function sanitizeTestId(words: string): string {
  return words.replace(/[^A-Za-z0-9._]+/g, '-').replace(/^-+|-+$/g, '');
}

/** data-testid of a task's button: "action-U2", "action-Vary-Strong", "action-Pan-left". */
export function actionTestId(action: Pick<Action, 'label' | 'emoji' | 'kind' | 'id'>): string {
  const fromText = sanitizeTestId(actionText(action));
  return `action-${fromText || sanitizeTestId(action.id) || 'button'}`;
}

/** Why a button cannot be pressed here, or null when it can. */
export function actionUnavailableReason(
  action: Pick<Action, 'mode' | 'url' | 'unavailable'>,
): string | null {
  const fromProvider = action.unavailable?.trim();
  if (fromProvider) return fromProvider;
  switch (action.mode) {
    case 'needsMask':
      return 'Needs a mask editor, not available yet.';
    case 'link':
      return action.url ? null : 'This link button has no address.';
    default:
      return null;
  }
}
