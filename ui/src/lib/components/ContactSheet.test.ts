// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ContactSheet as Sheet } from '../bindings/ContactSheet';
import type { SheetCell } from '../bindings/SheetCell';
import { makeImage, makeQueued, makeView } from '../testing/fixtures';

const ipcMock = vi.hoisted(() => ({
  hasBackend: vi.fn(() => true),
  contactSheet: vi.fn(),
  onGalleryChanged: vi.fn(),
}));
vi.mock('../ipc', () => ipcMock);

import { app } from '../state.svelte';
import ContactSheet from './ContactSheet.svelte';

function cell(over: Partial<SheetCell>): SheetCell {
  return {
    position: 1,
    row: 0,
    column: 0,
    prompt: 'a red bird --ar 1:1',
    taskId: null,
    state: 'waiting',
    image: null,
    ...over,
  };
}

/** `a {red, blue} bird --ar {1:1, 16:9}`: two rows, two columns, in every state. */
function sheet(over: Partial<Sheet> = {}): Sheet {
  return {
    id: 'g-1',
    template: 'a {red, blue} bird --ar {1:1, 16:9}',
    createdAt: '2026-03-01T10:00:00Z',
    rows: ['red', 'blue'],
    columns: ['1:1', '16:9'],
    cells: [
      cell({
        position: 1,
        taskId: 't-1',
        state: 'done',
        image: makeImage(11),
      }),
      cell({
        position: 2,
        column: 1,
        prompt: 'a red bird --ar 16:9',
        taskId: 't-2',
        state: 'done',
      }),
      cell({ position: 3, row: 1, prompt: 'a blue bird --ar 1:1', state: 'held' }),
      cell({
        position: 4,
        row: 1,
        column: 1,
        prompt: 'a blue bird --ar 16:9',
        taskId: 't-4',
        state: 'failed',
      }),
    ],
    ...over,
  };
}

function renderSheet(onopen = vi.fn(), onclose = vi.fn()) {
  render(ContactSheet, { props: { groupId: 'g-1', onopen, onclose } });
  return { onopen, onclose };
}

const cells = () => screen.queryAllByTestId('contact-sheet-cell');
const at = (row: number, column: number) =>
  cells().find((c) => c.dataset.row === `${row}` && c.dataset.column === `${column}`);

beforeEach(() => {
  for (const fn of Object.values(ipcMock)) fn.mockReset();
  ipcMock.hasBackend.mockReturnValue(true);
  ipcMock.onGalleryChanged.mockResolvedValue(() => {});
  app.tasks = [];
  app.queue = [];
});

afterEach(() => cleanup());

describe('ContactSheet', () => {
  it('shows the template, the labels and each cell at its place, in its state', async () => {
    ipcMock.contactSheet.mockResolvedValue(sheet());
    renderSheet();
    expect(screen.getByTestId('contact-sheet-loading')).toBeTruthy();
    await waitFor(() => expect(cells()).toHaveLength(4));
    expect(ipcMock.contactSheet).toHaveBeenCalledWith('g-1');
    expect(screen.getByTestId('contact-sheet').getAttribute('aria-label')).toBe(
      'Contact sheet: a {red, blue} bird --ar {1:1, 16:9}',
    );
    expect(screen.getByTestId('contact-sheet-title').textContent).toBe(
      'a {red, blue} bird --ar {1:1, 16:9}',
    );
    expect(screen.queryByTestId('contact-sheet-loading')).toBeNull();
    expect(screen.getAllByTestId('contact-sheet-column-label').map((l) => l.textContent)).toEqual([
      '1:1',
      '16:9',
    ]);
    expect(screen.getAllByTestId('contact-sheet-row-label').map((l) => l.textContent)).toEqual([
      'red',
      'blue',
    ]);

    // Each cell sits in its row, in its column.
    const rows = [...document.querySelectorAll('tbody tr')];
    expect(rows).toHaveLength(2);
    const placed = rows.map((tr) =>
      [...tr.querySelectorAll('[data-testid="contact-sheet-cell"]')].map(
        (c) => `${(c as HTMLElement).dataset.row}:${(c as HTMLElement).dataset.column}`,
      ),
    );
    expect(placed).toEqual([
      ['0:0', '0:1'],
      ['1:0', '1:1'],
    ]);

    const image = at(0, 0)!;
    expect(image.dataset.state).toBe('done');
    expect(image.querySelector('img')?.getAttribute('src')).toBe(makeImage(11).thumbSrc);
    expect(image.getAttribute('title')).toBe('a red bird --ar 1:1');
    expect(image.getAttribute('aria-label')).toBe('a red bird --ar 1:1: Done');
    expect(at(0, 1)!.textContent?.trim()).toBe('Saving…');
    expect(at(0, 1)!.querySelector('img')).toBeNull();
    expect(at(1, 0)!.dataset.state).toBe('held');
    expect(at(1, 0)!.textContent?.trim()).toBe('Held – see its waiting card');
    expect(at(1, 0)!.tagName).toBe('DIV');
    expect(at(1, 1)!.textContent?.trim()).toBe('Failed');
    expect(at(1, 1)!.getAttribute('aria-label')).toBe('a blue bird --ar 16:9: Failed');
  });

  it('words waiting, running and not-sent cells', async () => {
    ipcMock.contactSheet.mockResolvedValue(
      sheet({
        rows: ['red', 'blue', 'green'],
        columns: [''],
        cells: [
          cell({ position: 1, state: 'waiting' }),
          cell({ position: 2, row: 1, taskId: 't', state: 'running' }),
          cell({ position: 3, row: 2, state: 'notSent' }),
        ],
      }),
    );
    renderSheet();
    await waitFor(() => expect(cells()).toHaveLength(3));
    expect(cells().map((c) => c.textContent?.trim())).toEqual(['Waiting', 'Running', 'Not sent']);
    // One set: no header row.
    expect(screen.queryAllByTestId('contact-sheet-column-label')).toHaveLength(0);
    expect(document.querySelector('thead')).toBeNull();
    expect(screen.getAllByTestId('contact-sheet-row-label')).toHaveLength(3);
  });

  it('opens a cell with a task, and closes with the button or Esc', async () => {
    ipcMock.contactSheet.mockResolvedValue(sheet());
    const { onopen, onclose } = renderSheet();
    await waitFor(() => expect(cells()).toHaveLength(4));
    await fireEvent.click(at(1, 1)!);
    expect(onopen).toHaveBeenCalledWith(expect.objectContaining({ position: 4, taskId: 't-4' }));
    await fireEvent.click(screen.getByTestId('contact-sheet-close'));
    expect(onclose).toHaveBeenCalledTimes(1);
    await fireEvent.keyDown(at(0, 0)!, { key: 'Escape' });
    expect(onclose).toHaveBeenCalledTimes(2);
  });

  it('reads the sheet again when a task or a waiting job of the group changes', async () => {
    ipcMock.contactSheet.mockResolvedValue(sheet());
    renderSheet();
    await waitFor(() => expect(cells()).toHaveLength(4));
    expect(ipcMock.contactSheet).toHaveBeenCalledTimes(1);
    const group = { id: 'g-1', position: 2, count: 4, choices: ['red', '16:9'] };
    // Another group's task changes nothing.
    app.tasks = [makeView({ id: 'other' }, { group: { ...group, id: 'g-2' } })];
    flushSync();
    expect(ipcMock.contactSheet).toHaveBeenCalledTimes(1);

    app.tasks = [makeView({ id: 't-2', status: 'running' }, { group })];
    await waitFor(() => expect(ipcMock.contactSheet).toHaveBeenCalledTimes(2));
    app.tasks = [makeView({ id: 't-2', status: 'running', progress: 40 }, { group })];
    flushSync();
    expect(ipcMock.contactSheet).toHaveBeenCalledTimes(2);

    ipcMock.contactSheet.mockResolvedValue(
      sheet({
        cells: sheet().cells.map((c) => (c.position === 2 ? { ...c, image: makeImage(12) } : c)),
      }),
    );
    app.tasks = [makeView({ id: 't-2', status: 'succeeded' }, { group })];
    await waitFor(() => expect(at(0, 1)!.querySelector('img')).toBeTruthy());

    app.queue = [makeQueued({ id: 'q-3', group: { ...group, position: 3 } })];
    await waitFor(() => expect(ipcMock.contactSheet).toHaveBeenCalledTimes(4));
  });

  it('reads it again when images of one of its tasks reach the library', async () => {
    let changed: (change: { taskId: string }) => void = () => {};
    ipcMock.onGalleryChanged.mockImplementation(async (cb: typeof changed) => {
      changed = cb;
      return () => {};
    });
    ipcMock.contactSheet.mockResolvedValue(sheet());
    renderSheet();
    await waitFor(() => expect(cells()).toHaveLength(4));
    changed({ taskId: 'unrelated' });
    await Promise.resolve();
    expect(ipcMock.contactSheet).toHaveBeenCalledTimes(1);
    changed({ taskId: 't-2' });
    await waitFor(() => expect(ipcMock.contactSheet).toHaveBeenCalledTimes(2));
  });

  it('says why the sheet could not be read', async () => {
    ipcMock.contactSheet.mockRejectedValue({ code: 'not_found', message: 'That group is gone.' });
    renderSheet();
    await waitFor(() =>
      expect(screen.getByTestId('contact-sheet-error').textContent).toBe('That group is gone.'),
    );
    expect(screen.queryByTestId('contact-sheet-loading')).toBeNull();
  });
});
