/**
 * What pressing a task's button does, and what its tooltip says. Pure functions, no DOM;
 * ActionButtons.svelte applies them.
 *
 * - A plain button sends at once; Vary (Region) opens the mask editor (it needs an image to
 *   paint on); Custom Zoom opens its dialog (prompt, zoom ratio, aspect ratio); any other
 *   button that needs a prompt opens the prompt editor; a link button copies its address.
 * - Remix (a remembered toggle in the button row): Reroll and the Vary buttons open the prompt
 *   editor first where the service takes an edited prompt (`takesPrompt`); where it does not,
 *   they show disabled with the reason.
 * - The tooltip names the button's JourneyAPI credit cost ("Upscale 2 — 2 credits"); LinkrAPI
 *   bills the person's own Midjourney plan, so its buttons have no cost line.
 */
import type { Action } from './bindings/Action';
import { actionText, actionUnavailableReason } from './actions';

/** What a press does. */
export type Press =
  | { type: 'send' }
  | { type: 'prompt' }
  | { type: 'mask' }
  | { type: 'zoom' }
  | { type: 'link'; url: string }
  | { type: 'blocked'; reason: string };

/** What the button row knows besides the button. */
export interface PressContext {
  /** The Remix toggle is on. */
  remix: boolean;
  /** The service's name, for the reasons ("JourneyAPI cannot change…"). */
  providerName: string;
  /** The image Vary (Region) paints on is there (downloaded, shown). */
  hasImage: boolean;
}

type ActionFacts = Pick<
  Action,
  'mode' | 'url' | 'unavailable' | 'kind' | 'label' | 'emoji' | 'takesPrompt' | 'credits'
>;

/** True for the buttons Remix changes: Reroll, V1-V4, Vary (Subtle), Vary (Strong). */
export function isRemixable(action: Pick<Action, 'kind'>): boolean {
  const type = action.kind?.type;
  return (
    type === 'reroll' || type === 'variation' || type === 'varySubtle' || type === 'varyStrong'
  );
}

/** True when this row has a button Remix changes (the toggle is shown then). */
export function offersRemix(actions: readonly Pick<Action, 'kind'>[]): boolean {
  return actions.some(isRemixable);
}

/**
 * Why Remix keeps this button from being pressed, or null: the service cannot take an edited
 * prompt with it ("JourneyAPI cannot change the prompt of a variation; turn Remix off to vary.").
 */
export function remixReason(
  action: Pick<Action, 'kind' | 'takesPrompt'>,
  remix: boolean,
  providerName: string,
): string | null {
  if (!remix || !isRemixable(action) || action.takesPrompt) return null;
  const reroll = action.kind?.type === 'reroll';
  const what = reroll ? 'a reroll' : 'a variation';
  const verb = reroll ? 'reroll' : 'vary';
  return `${providerName} cannot change the prompt of ${what}; turn Remix off to ${verb}.`;
}

/** Said on Vary (Region) while its image is not there to paint on. */
export const NO_MASK_IMAGE = 'The image is not downloaded yet: wait for it to paint the area.';

/** Why this button cannot be pressed here, or null when it can. */
export function blockReason(action: ActionFacts, ctx: PressContext): string | null {
  const fromProvider = action.unavailable?.trim();
  if (fromProvider) return fromProvider;
  if (action.mode === 'needsMask') return ctx.hasImage ? null : NO_MASK_IMAGE;
  return actionUnavailableReason(action) ?? remixReason(action, ctx.remix, ctx.providerName);
}

/** What pressing the button does. */
export function pressOf(action: ActionFacts, ctx: PressContext): Press {
  const reason = blockReason(action, ctx);
  if (reason) return { type: 'blocked', reason };
  switch (action.mode) {
    case 'needsMask':
      return { type: 'mask' };
    case 'needsPrompt':
      return action.kind?.type === 'customZoom' ? { type: 'zoom' } : { type: 'prompt' };
    case 'link':
      return action.url
        ? { type: 'link', url: action.url }
        : { type: 'blocked', reason: 'This link button has no address.' };
    case 'send':
      return ctx.remix && isRemixable(action) && action.takesPrompt
        ? { type: 'prompt' }
        : { type: 'send' };
  }
}

/** "2 credits", "1 credit", "Free"; null when the cost is not known (LinkrAPI). */
export function creditText(credits: number | null | undefined): string | null {
  if (credits === null || credits === undefined || !Number.isFinite(credits) || credits < 0) {
    return null;
  }
  if (credits === 0) return 'Free';
  return `${credits} ${credits === 1 ? 'credit' : 'credits'}`;
}

/** Said for a button of a service that prices its buttons, when this one's price is unknown. */
export const COST_NOT_PUBLISHED = 'cost not published';

/**
 * The button's cost line for its tooltip ("Upscale 2 — 2 credits"), or null without a cost.
 * `name` is what the button does in words (its shortcut title when it has one); `priced` is
 * true for a service that bills its buttons in credits (JourneyAPI), where an unknown price
 * says "cost not published" (Seed); elsewhere (LinkrAPI) there is no cost line.
 */
export function costLine(
  action: ActionFacts,
  name: string = actionText(action),
  priced = false,
): string | null {
  const cost = creditText(action.credits) ?? (priced ? COST_NOT_PUBLISHED : null);
  return cost ? `${name} — ${cost}` : null;
}
