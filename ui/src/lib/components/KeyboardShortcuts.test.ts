// @vitest-environment jsdom
/**
 * The app's keys in the DOM: the "Keyboard shortcuts" sheet (opens on `?`, closes on Esc and
 * its button, gives the focus back), U or V then a number on the focused task card, `/` to the
 * prompt, P and N, and the tooltips that name the keys.
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppState } from '../bindings/AppState';
import type { TaskView } from '../bindings/TaskView';
import { shortcutSheet } from '../shortcutSheet.svelte';
import { SHORTCUTS } from '../shortcuts';
import { app } from '../state.svelte';
import { gridActions, makeAction, makeView, media, singleActions } from '../testing/fixtures';
import ActionButtons from './ActionButtons.svelte';
import Composer from './Composer.svelte';
import KeyboardShortcuts from './KeyboardShortcuts.svelte';
import Rail from './Rail.svelte';
import ShortcutsSheet from './ShortcutsSheet.svelte';
import TaskCard from './TaskCard.svelte';

beforeEach(() => {
  app.appState = {
    rules: { aspectRatios: ['1:1', '16:9'], minPollSecs: 5, maxPollSecs: 10 },
  } as unknown as AppState;
  app.view = 'create';
  app.provider = 'linkr';
  app.tasks = [];
  shortcutSheet.open = false;
});

afterEach(() => {
  vi.restoreAllMocks();
  shortcutSheet.open = false;
});

const finishedGrid = (id = 'g1') =>
  makeView(
    { id, status: 'succeeded', actions: gridActions() },
    { media: media({ grid: 'http://127.0.0.1:1/grid.png', singlesFromGrid: true }) },
  );

function renderCard(view: TaskView, extra: Record<string, unknown> = {}) {
  const onaction = vi.fn();
  render(TaskCard, {
    props: {
      view,
      onaction,
      onretry: vi.fn(),
      oneditprompt: vi.fn(),
      oncancel: vi.fn(),
      onshowparent: vi.fn(),
      ...extra,
    },
  });
  return onaction;
}

/** A plain button outside everything, to hold the focus like the page's own controls. */
function outsideButton(): HTMLButtonElement {
  const button = document.createElement('button');
  button.textContent = 'outside';
  document.body.appendChild(button);
  button.focus();
  return button;
}

describe('the Keyboard shortcuts sheet', () => {
  it('lists every shortcut of the table, grouped by where it works', () => {
    render(ShortcutsSheet, { props: { onclose: vi.fn() } });
    const sheet = screen.getByTestId('shortcuts-sheet');
    expect(sheet.getAttribute('role')).toBe('dialog');
    expect(sheet.getAttribute('aria-modal')).toBe('true');
    expect(sheet.getAttribute('aria-label')).toBe('Keyboard shortcuts');
    const groups = screen.getAllByTestId('shortcuts-group');
    expect(groups.map((g) => g.dataset.scope)).toEqual([
      'anywhere',
      'create',
      'card',
      'gallery',
      'selection',
      'lightbox',
      'compare',
      'mask',
    ]);
    expect(groups.map((g) => g.querySelector('h3')?.textContent)).toEqual([
      'Anywhere',
      'Create',
      'Task card',
      'Gallery',
      'Selection',
      'Lightbox',
      'Compare',
      'Vary (Region)',
    ]);
    const rows = sheet.querySelectorAll('[data-shortcut]');
    expect(rows).toHaveLength(SHORTCUTS.length);
    const submit = sheet.querySelector('[data-shortcut="submit"]') as HTMLElement;
    expect([...submit.querySelectorAll('kbd')].map((k) => k.textContent)).toEqual([
      'Ctrl',
      'Enter',
    ]);
    expect(submit.querySelector('dd')?.textContent).toBe('Imagine');
    const upscale = sheet.querySelector('[data-shortcut="card-upscale"]') as HTMLElement;
    expect(upscale.querySelector('dt')?.textContent?.replace(/\s+/g, ' ').trim()).toBe(
      'U then 1-4',
    );
    expect(upscale.querySelector('dd')?.textContent).toBe('Upscale 1-4');
    // The plus key shows as a key cap of its own.
    const zoom = sheet.querySelector('[data-shortcut="compare-zoom"]') as HTMLElement;
    expect([...zoom.querySelectorAll('kbd')].map((k) => k.textContent)).toEqual(['+', '-']);
  });

  it('opens on ?, takes the focus, closes on Esc and gives the focus back', async () => {
    render(KeyboardShortcuts);
    const before = outsideButton();
    await fireEvent.keyDown(before, { key: '?', shiftKey: true });
    const close = await screen.findByTestId('shortcuts-close');
    expect(document.activeElement).toBe(close);
    // Tab stays inside (the close button is its only stop).
    expect(await fireEvent.keyDown(close, { key: 'Tab' })).toBe(false);
    // The page's keys do not fire under it.
    await fireEvent.keyDown(close, { key: '2' });
    expect(app.view).toBe('create');
    await fireEvent.keyDown(close, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('shortcuts-sheet')).toBeNull());
    expect(document.activeElement).toBe(before);
    before.remove();
  });

  it('closes with its button and with ? again', async () => {
    render(KeyboardShortcuts);
    const before = outsideButton();
    await fireEvent.keyDown(before, { key: '?' });
    await fireEvent.click(await screen.findByTestId('shortcuts-close'));
    await waitFor(() => expect(screen.queryByTestId('shortcuts-sheet')).toBeNull());
    expect(document.activeElement).toBe(before);
    await fireEvent.keyDown(before, { key: '?' });
    const close = await screen.findByTestId('shortcuts-close');
    await fireEvent.keyDown(close, { key: '?' });
    await waitFor(() => expect(screen.queryByTestId('shortcuts-sheet')).toBeNull());
    before.remove();
  });

  it('does not open while typing, and opens from the rail button', async () => {
    render(KeyboardShortcuts);
    render(Rail);
    const field = document.createElement('textarea');
    document.body.appendChild(field);
    field.focus();
    await fireEvent.keyDown(field, { key: '?' });
    await tick();
    expect(screen.queryByTestId('shortcuts-sheet')).toBeNull();
    field.remove();
    await fireEvent.click(screen.getByTestId('nav-shortcuts'));
    expect(await screen.findByTestId('shortcuts-sheet')).toBeTruthy();
  });
});

describe('U or V then a number on the focused card', () => {
  it('presses that button of the card', async () => {
    render(KeyboardShortcuts);
    const onaction = renderCard(finishedGrid());
    const card = screen.getByTestId('task-card');
    card.focus();
    await fireEvent.keyDown(card, { key: 'u' });
    await fireEvent.keyDown(card, { key: '1', code: 'Digit1' });
    expect(onaction).toHaveBeenCalledOnce();
    expect(onaction.mock.calls[0][0].label).toBe('U1');
    expect(onaction.mock.calls[0][1]).toBeNull();

    // From a button inside the card too; the 2 is not "go to Gallery".
    const reroll = screen.getByTestId('action-Reroll');
    reroll.focus();
    await fireEvent.keyDown(reroll, { key: 'v' });
    await fireEvent.keyDown(reroll, { key: '2' });
    expect(onaction).toHaveBeenCalledTimes(2);
    expect(onaction.mock.calls[1][0].label).toBe('V2');
    expect(app.view).toBe('create');
  });

  it('does nothing after 1.5 s, away from the card, or on a button that cannot be pressed', async () => {
    render(KeyboardShortcuts);
    const now = vi.spyOn(Date, 'now').mockReturnValue(10_000);
    const onaction = renderCard(finishedGrid());
    const card = screen.getByTestId('task-card');
    card.focus();
    await fireEvent.keyDown(card, { key: 'u' });
    now.mockReturnValue(11_600);
    await fireEvent.keyDown(card, { key: '2' });
    expect(onaction).not.toHaveBeenCalled();
    expect(app.view).toBe('gallery'); // too late: 2 is a place again

    // U on the card, then the number somewhere else.
    app.view = 'create';
    const outside = outsideButton();
    card.focus();
    await fireEvent.keyDown(card, { key: 'u' });
    outside.focus();
    await fireEvent.keyDown(outside, { key: '3' });
    expect(onaction).not.toHaveBeenCalled();
    outside.remove();
  });

  it('leaves a busy card and a button with a reason alone', async () => {
    render(KeyboardShortcuts);
    const actions = gridActions().map((a) =>
      a.label === 'U3' ? makeAction({ ...a, unavailable: 'Not with this provider.' }) : a,
    );
    const onaction = renderCard(makeView({ id: 'g2', status: 'succeeded', actions }));
    const card = screen.getByTestId('task-card');
    card.focus();
    await fireEvent.keyDown(card, { key: 'u' });
    await fireEvent.keyDown(card, { key: '3' });
    expect(onaction).not.toHaveBeenCalled();
  });

  it('takes the number on a card without U buttons, and presses nothing', async () => {
    render(KeyboardShortcuts);
    const onaction = renderCard(
      makeView({ id: 'up1', status: 'succeeded', actions: singleActions() }),
    );
    const card = screen.getByTestId('task-card');
    card.focus();
    await fireEvent.keyDown(card, { key: 'u' });
    await fireEvent.keyDown(card, { key: '2' });
    expect(onaction).not.toHaveBeenCalled();
    expect(app.view).toBe('create');
  });

  it('does nothing while a button of the card is being sent', async () => {
    render(KeyboardShortcuts);
    const onaction = renderCard(finishedGrid('g3'), { busy: 'MJ::JOB::upsample::2::abc' });
    const card = screen.getByTestId('task-card');
    card.focus();
    await fireEvent.keyDown(card, { key: 'u' });
    await fireEvent.keyDown(card, { key: '1' });
    expect(onaction).not.toHaveBeenCalled();
  });
});

describe('the app keys', () => {
  it('/ goes to Create and puts the focus in the prompt, without typing the slash', async () => {
    render(KeyboardShortcuts);
    render(Composer);
    app.view = 'gallery';
    const before = outsideButton();
    const allowed = await fireEvent.keyDown(before, { key: '/' });
    expect(allowed).toBe(false);
    expect(app.view).toBe('create');
    await tick();
    expect(document.activeElement).toBe(screen.getByTestId('prompt-input'));
    // Typed in the prompt, / is a slash again.
    expect(await fireEvent.keyDown(screen.getByTestId('prompt-input'), { key: '/' })).toBe(true);
    before.remove();
  });

  it('P switches the provider, N shows the newest finished result', async () => {
    render(KeyboardShortcuts);
    const before = outsideButton();
    await fireEvent.keyDown(before, { key: 'p' });
    expect(app.provider).toBe('journey');
    await fireEvent.keyDown(before, { key: 'P' });
    expect(app.provider).toBe('linkr');

    app.view = 'settings';
    app.tasks = [
      makeView({ id: 'live', status: 'running' }),
      makeView({ id: 'newest', status: 'succeeded' }),
      makeView({ id: 'older', status: 'succeeded' }),
    ];
    await fireEvent.keyDown(before, { key: 'n' });
    expect(app.view).toBe('create');
    await waitFor(() => expect(app.flashTaskId).toBe('newest'));
    before.remove();
  });
});

describe('tooltips name the keys', () => {
  it('on the rail and in the composer', () => {
    render(Rail);
    render(Composer);
    expect(screen.getByTestId('nav-create').title).toBe('Create (1)');
    expect(screen.getByTestId('nav-gallery').title).toBe('Gallery (2)');
    expect(screen.getByTestId('nav-settings').title).toBe('Settings (3)');
    expect(screen.getByTestId('nav-gallery').getAttribute('aria-keyshortcuts')).toBe(
      '2 Control+2 Meta+2',
    );
    expect(screen.getByTestId('nav-shortcuts').title).toBe('Keyboard shortcuts (?)');
    expect(screen.getByTestId('submit-button').title).toBe('Imagine (Ctrl+Enter)');
    expect(screen.getByTestId('provider-select').title).toBe('Provider (P)');
    expect(screen.getByTestId('prompt-input').title).toBe('Prompt (/)');
  });

  it('on the U and V buttons of a card and of the lightbox', () => {
    renderCard(finishedGrid());
    expect(screen.getByTestId('action-U1').title).toBe('Upscale 1 (U then 1)');
    expect(screen.getByTestId('action-V3').title).toBe('Vary 3 (V then 3)');
    expect(screen.getByTestId('action-Reroll').title).toBe('');
    render(ActionButtons, {
      props: {
        actions: gridActions(),
        prompt: 'a fox',
        onaction: vi.fn(),
        testidPrefix: 'lightbox-',
        keys: 'lightbox',
      },
    });
    expect(screen.getByTestId('lightbox-action-U2').title).toBe('Upscale 2 (2)');
    expect(screen.getByTestId('lightbox-action-V4').title).toBe('Vary 4 (Shift+4)');
    expect(screen.getByTestId('lightbox-action-V4').getAttribute('aria-keyshortcuts')).toBe(
      'Shift+4',
    );
  });
});
