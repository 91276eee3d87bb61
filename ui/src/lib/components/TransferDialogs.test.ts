// @vitest-environment jsdom
/**
 * The Export and Import dialogs: on their own (fields, progress of their own opId, Cancel,
 * outcome, errors, keys), and from the gallery's entry points (toolbar, selection bar and E,
 * a collection's row), with the gallery fetched again after an import. IPC mocked.
 */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BulkProgress } from '../bindings/BulkProgress';
import type { Collection } from '../bindings/Collection';
import type { ExportOutcome } from '../bindings/ExportOutcome';
import type { GalleryQuery } from '../bindings/GalleryQuery';
import type { GalleryResults } from '../bindings/GalleryResults';
import type { ImportSummary } from '../bindings/ImportSummary';
import { AppError } from '../errors';
import { makeImages } from '../testing/fixtures';

const ipcMock = vi.hoisted(() => ({
  hasBackend: vi.fn(() => true),
  gallerySearch: vi.fn(),
  galleryCount: vi.fn(),
  onGalleryChanged: vi.fn(async () => () => {}),
  listCollections: vi.fn(),
  applyBulk: vi.fn(),
  cancelBulk: vi.fn(),
  onBulkProgress: vi.fn(),
  transferDefaults: vi.fn(),
  exportImages: vi.fn(),
  importExport: vi.fn(),
  pickPath: vi.fn(),
}));
vi.mock('../ipc', () => ipcMock);

import { app } from '../state.svelte';
import { selectionSource } from '../transfer';
import ExportDialog from './ExportDialog.svelte';
import GalleryView from './GalleryView.svelte';
import ImportDialog from './ImportDialog.svelte';

const DEFAULTS = { dir: '/home/x/Pictures', name: 'Atelier export 2026-12-03 18.40' };
const moodboard: Collection = {
  id: 4,
  name: 'Moodboard',
  count: 12,
  createdAt: '2026-03-01T10:00:00Z',
};

let listeners: ((p: BulkProgress) => void)[] = [];
const progress = (p: BulkProgress) => listeners.forEach((cb) => cb(p));

/** A call the test finishes itself. */
function pending<T>(mock: ReturnType<typeof vi.fn>) {
  let finish: (value: T) => void = () => {};
  let fail: (error: unknown) => void = () => {};
  mock.mockImplementationOnce(
    () =>
      new Promise<T>((resolve, reject) => {
        finish = resolve;
        fail = reject;
      }),
  );
  return { finish: (v: T) => finish(v), fail: (e: unknown) => fail(e) };
}

const outcome = (over: Partial<ExportOutcome> = {}): ExportOutcome => ({
  path: '/home/x/Pictures/Foo.zip',
  images: 6,
  bytes: 6_000_000,
  problems: [],
  cancelled: false,
  ...over,
});

const summary = (over: Partial<ImportSummary> = {}): ImportSummary => ({
  tasks: 2,
  images: 6,
  skippedTasks: 0,
  collectionsCreated: 1,
  problems: [],
  cancelled: false,
  ...over,
});

const input = (id: string) => screen.getByTestId(id) as HTMLInputElement;
const button = (id: string) => screen.getByTestId(id) as HTMLButtonElement;
const text = (id: string) => screen.getByTestId(id).textContent?.replace(/\s+/g, ' ').trim();

beforeEach(() => {
  localStorage.clear();
  vi.clearAllMocks();
  listeners = [];
  ipcMock.hasBackend.mockReturnValue(true);
  ipcMock.onBulkProgress.mockImplementation(async (cb: (p: BulkProgress) => void) => {
    listeners.push(cb);
    return () => {
      listeners = listeners.filter((l) => l !== cb);
    };
  });
  ipcMock.cancelBulk.mockResolvedValue(true);
  ipcMock.transferDefaults.mockResolvedValue(DEFAULTS);
  ipcMock.exportImages.mockResolvedValue(outcome());
  ipcMock.importExport.mockResolvedValue(summary());
  ipcMock.pickPath.mockResolvedValue(null);
  ipcMock.listCollections.mockResolvedValue([moodboard]);
});

describe('the export dialog', () => {
  const six = selectionSource({ kind: 'images', ids: [1, 2, 3, 4, 5, 6] }, 6);

  async function renderExport(source = six) {
    const onclose = vi.fn();
    render(ExportDialog, { props: { source, onclose } });
    await waitFor(() => expect(input('export-dir').value).toBe(DEFAULTS.dir));
    return onclose;
  }

  it('is a labelled modal dialog, prefilled, zip by default', async () => {
    await renderExport();
    const dialog = screen.getByTestId('export-dialog');
    expect(dialog.getAttribute('role')).toBe('dialog');
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(dialog.getAttribute('aria-label')).toBe('Export 6 images');
    expect(within(dialog).getByRole('heading').textContent).toBe('Export 6 images');
    expect(input('export-name').value).toBe(DEFAULTS.name);
    expect(input('export-format-zip').checked).toBe(true);
    expect(input('export-format-folder').checked).toBe(false);
    // Visible labels tied to the fields.
    expect(screen.getByLabelText('Folder')).toBe(input('export-dir'));
    expect(screen.getByLabelText('Name')).toBe(input('export-name'));
    expect(screen.getByLabelText('One .zip file')).toBe(input('export-format-zip'));
    expect(screen.getByLabelText('A folder')).toBe(input('export-format-folder'));
    expect(dialog.textContent).toContain('never re-encoded');
    expect(text('export-target')).toBe(`${DEFAULTS.dir}/${DEFAULTS.name}.zip`);
    expect(text('export-close')).toBe('Cancel');
    expect(button('export-start').disabled).toBe(false);
    // The focus is inside the dialog.
    expect(dialog.contains(document.activeElement)).toBe(true);
  });

  it('says "Export images" when the count is not known', async () => {
    await renderExport(selectionSource({ kind: 'allMatching', query: {}, except: [] }, null));
    expect(screen.getByRole('heading').textContent).toBe('Export images');
  });

  it('exports with its own progress, keeps Esc from closing while it runs, then says what it did', async () => {
    const call = pending<ExportOutcome>(ipcMock.exportImages);
    const onclose = await renderExport();
    await fireEvent.input(input('export-name'), { target: { value: 'Foo' } });
    await fireEvent.click(button('export-start'));

    await waitFor(() => expect(ipcMock.exportImages).toHaveBeenCalledTimes(1));
    const [opId, selection, dir, name, format] = ipcMock.exportImages.mock.calls[0];
    expect(opId).toMatch(/^export-\d+-[0-9a-z]+$/);
    expect(selection).toEqual({ kind: 'images', ids: [1, 2, 3, 4, 5, 6] });
    expect([dir, name, format]).toEqual([DEFAULTS.dir, 'Foo', 'zip']);

    // Running: the fields are locked, a Cancel instead of Close, the count known up front.
    expect(input('export-dir').disabled).toBe(true);
    expect(input('export-name').disabled).toBe(true);
    expect(input('export-format-folder').disabled).toBe(true);
    expect(screen.queryByTestId('export-close')).toBeNull();
    expect(document.activeElement).toBe(button('export-cancel'));
    expect(text('export-progress-text')).toBe('0 of 6 images');

    // Another operation's events are not ours.
    progress({ opId: 'someone-else', done: 90, total: 100 });
    await tick();
    expect(text('export-progress-text')).toBe('0 of 6 images');
    expect((screen.getByTestId('export-progress') as HTMLProgressElement).max).toBe(6);
    progress({ opId, done: 3, total: 6 });
    await waitFor(() => expect(text('export-progress-text')).toBe('3 of 6 images'));
    const bar = screen.getByTestId('export-progress') as HTMLProgressElement;
    expect(bar.tagName).toBe('PROGRESS');
    expect(bar.value).toBe(3);
    expect(bar.max).toBe(6);

    await fireEvent.keyDown(screen.getByTestId('export-dialog'), { key: 'Escape' });
    expect(onclose).not.toHaveBeenCalled();

    call.finish(outcome({ images: 5, problems: ['Image 7: its original is missing.'] }));
    await waitFor(() => expect(screen.getByTestId('export-result')).toBeTruthy());
    const result = screen.getByTestId('export-result');
    expect(result.getAttribute('role')).toBe('status');
    expect(result.textContent).toContain('Exported 5 images to /home/x/Pictures/Foo.zip.');
    expect(result.textContent).toContain('1 image was left out:');
    const problems = within(screen.getByTestId('export-problems')).getAllByRole('listitem');
    expect(problems.map((li) => li.textContent)).toEqual(['Image 7: its original is missing.']);
    expect(screen.queryByTestId('export-progress')).toBeNull();
    expect(screen.queryByTestId('export-start')).toBeNull();
    expect(text('export-close')).toBe('Close');
    expect(document.activeElement).toBe(button('export-close'));

    await fireEvent.keyDown(screen.getByTestId('export-dialog'), { key: 'Escape' });
    expect(onclose).toHaveBeenCalledTimes(1);
  });

  it('exports a folder, to a folder chosen in the native dialog', async () => {
    await renderExport();
    ipcMock.pickPath.mockResolvedValueOnce('/media/usb');
    await fireEvent.click(button('export-choose-dir'));
    expect(ipcMock.pickPath).toHaveBeenCalledWith(false);
    await waitFor(() => expect(input('export-dir').value).toBe('/media/usb'));
    // Cancelled in the native dialog: the folder stays.
    await fireEvent.click(button('export-choose-dir'));
    await waitFor(() => expect(ipcMock.pickPath).toHaveBeenCalledTimes(2));
    expect(input('export-dir').value).toBe('/media/usb');

    await fireEvent.click(input('export-format-folder'));
    expect(text('export-target')).toBe(`/media/usb/${DEFAULTS.name}`);
    // Enter in a field submits the form.
    await fireEvent.submit(input('export-name').closest('form')!);
    await waitFor(() => expect(ipcMock.exportImages).toHaveBeenCalledTimes(1));
    expect(ipcMock.exportImages.mock.calls[0].slice(2)).toEqual([
      '/media/usb',
      DEFAULTS.name,
      'folder',
    ]);
  });

  it('cancels: the core is asked to stop this export, and nothing was kept', async () => {
    const call = pending<ExportOutcome>(ipcMock.exportImages);
    await renderExport();
    await fireEvent.click(button('export-start'));
    await waitFor(() => expect(ipcMock.exportImages).toHaveBeenCalled());
    const opId = ipcMock.exportImages.mock.calls[0][0];
    await fireEvent.click(button('export-cancel'));
    expect(ipcMock.cancelBulk).toHaveBeenCalledWith(opId);
    expect(button('export-cancel').disabled).toBe(true);
    expect(text('export-progress-text')).toBe('Stopping…');

    call.finish(outcome({ cancelled: true, path: '', images: 2 }));
    await waitFor(() => expect(text('export-result')).toBe('Export cancelled. Nothing was kept.'));
    // It can be started again.
    expect(button('export-start').disabled).toBe(false);
    expect(input('export-name').disabled).toBe(false);
    expect(text('export-close')).toBe('Close');
  });

  it('shows the core’s sentence and keeps the fields to fix and try again', async () => {
    const call = pending<ExportOutcome>(ipcMock.exportImages);
    await renderExport();
    await fireEvent.input(input('export-dir'), { target: { value: '/nope' } });
    await fireEvent.click(button('export-start'));
    await waitFor(() => expect(ipcMock.exportImages).toHaveBeenCalled());
    call.fail(new AppError('io', 'The folder /nope does not exist. Choose another one.'));
    await waitFor(() => expect(screen.getByTestId('export-error')).toBeTruthy());
    const error = screen.getByTestId('export-error');
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.textContent).toBe('The folder /nope does not exist. Choose another one.');
    expect(input('export-dir').value).toBe('/nope');
    expect(input('export-dir').disabled).toBe(false);
    expect(text('export-close')).toBe('Cancel');

    await fireEvent.input(input('export-dir'), { target: { value: '/home/x' } });
    await fireEvent.click(button('export-start'));
    await waitFor(() => expect(screen.getByTestId('export-result')).toBeTruthy());
    expect(screen.queryByTestId('export-error')).toBeNull();
    expect(ipcMock.exportImages.mock.calls[1][2]).toBe('/home/x');
    // Each run has its own id.
    expect(ipcMock.exportImages.mock.calls[1][0]).not.toBe(ipcMock.exportImages.mock.calls[0][0]);
  });

  it('checks the name before asking the core', async () => {
    await renderExport();
    await fireEvent.input(input('export-name'), { target: { value: 'a/b' } });
    await fireEvent.click(button('export-start'));
    await waitFor(() => expect(screen.getByTestId('export-error')).toBeTruthy());
    expect(text('export-error')).toContain('cannot contain');
    expect(input('export-name').getAttribute('aria-invalid')).toBe('true');
    expect(ipcMock.exportImages).not.toHaveBeenCalled();
    // A blank name cannot be sent at all.
    await fireEvent.input(input('export-name'), { target: { value: '  ' } });
    expect(input('export-name').getAttribute('aria-invalid')).toBeNull();
    expect(button('export-start').disabled).toBe(true);
  });

  it('Cancel and Esc close it before it starts', async () => {
    const onclose = await renderExport();
    await fireEvent.click(button('export-close'));
    expect(onclose).toHaveBeenCalledTimes(1);
    await fireEvent.keyDown(screen.getByTestId('export-dialog'), { key: 'Escape' });
    expect(onclose).toHaveBeenCalledTimes(2);
    expect(ipcMock.exportImages).not.toHaveBeenCalled();
  });
});

describe('the import dialog', () => {
  function renderImport() {
    const onclose = vi.fn();
    const onimported = vi.fn();
    render(ImportDialog, { props: { onclose, onimported } });
    return { onclose, onimported };
  }

  it('needs a path: typed, or chosen as a folder or a .zip', async () => {
    renderImport();
    const dialog = screen.getByTestId('import-dialog');
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(within(dialog).getByRole('heading').textContent).toBe('Import an export');
    expect(dialog.textContent).toContain(
      'Images, prompts, lineage, favorites and collections come back; tasks already in this library are skipped.',
    );
    expect(screen.getByLabelText('Export folder or .zip file')).toBe(input('import-path'));
    expect(button('import-start').disabled).toBe(true);
    expect(text('import-close')).toBe('Cancel');

    ipcMock.pickPath.mockResolvedValueOnce('/home/x/Pictures/Foo.zip');
    await fireEvent.click(button('import-choose-zip'));
    expect(ipcMock.pickPath).toHaveBeenLastCalledWith(true);
    await waitFor(() => expect(input('import-path').value).toBe('/home/x/Pictures/Foo.zip'));
    expect(button('import-start').disabled).toBe(false);

    ipcMock.pickPath.mockResolvedValueOnce('/home/x/Pictures/Foo');
    await fireEvent.click(button('import-choose-folder'));
    expect(ipcMock.pickPath).toHaveBeenLastCalledWith(false);
    await waitFor(() => expect(input('import-path').value).toBe('/home/x/Pictures/Foo'));

    await fireEvent.input(input('import-path'), { target: { value: '   ' } });
    expect(button('import-start').disabled).toBe(true);
  });

  it('imports with its own progress and a Stop, then sums up and lists the problems', async () => {
    const call = pending<ImportSummary>(ipcMock.importExport);
    const { onclose, onimported } = renderImport();
    await fireEvent.input(input('import-path'), { target: { value: ' /tmp/Foo.zip ' } });
    await fireEvent.submit(input('import-path').closest('form')!);
    await waitFor(() => expect(ipcMock.importExport).toHaveBeenCalledTimes(1));
    const [opId, path] = ipcMock.importExport.mock.calls[0];
    expect(opId).toMatch(/^import-\d+-/);
    expect(path).toBe('/tmp/Foo.zip');

    expect(input('import-path').disabled).toBe(true);
    expect(text('import-progress-text')).toBe('Starting…');
    expect(
      (screen.getByTestId('import-progress') as HTMLProgressElement).hasAttribute('value'),
    ).toBe(false);
    progress({ opId, done: 2, total: 8 });
    await waitFor(() => expect(text('import-progress-text')).toBe('2 of 8 images'));
    expect((screen.getByTestId('import-progress') as HTMLProgressElement).value).toBe(2);
    expect(text('import-cancel')).toBe('Stop import');
    await fireEvent.keyDown(screen.getByTestId('import-dialog'), { key: 'Escape' });
    expect(onclose).not.toHaveBeenCalled();

    call.finish(
      summary({
        tasks: 2,
        images: 6,
        collectionsCreated: 1,
        skippedTasks: 3,
        problems: ['images/9.png: not an image.', 'images/10.png: missing.'],
      }),
    );
    await waitFor(() => expect(screen.getByTestId('import-result')).toBeTruthy());
    const result = screen.getByTestId('import-result');
    expect(result.getAttribute('role')).toBe('status');
    expect(result.textContent).toContain(
      'Imported 2 tasks (6 images). 1 collection made. 3 tasks were already here.',
    );
    const items = within(screen.getByTestId('import-problems')).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual([
      'images/9.png: not an image.',
      'images/10.png: missing.',
    ]);
    expect(onimported).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId('import-start')).toBeNull();
    expect(text('import-close')).toBe('Close');
    expect(document.activeElement).toBe(button('import-close'));
  });

  it('a stop keeps what came before, and the gallery still hears of it', async () => {
    const call = pending<ImportSummary>(ipcMock.importExport);
    const { onimported } = renderImport();
    await fireEvent.input(input('import-path'), { target: { value: '/tmp/Foo' } });
    await fireEvent.click(button('import-start'));
    await waitFor(() => expect(ipcMock.importExport).toHaveBeenCalled());
    const opId = ipcMock.importExport.mock.calls[0][0];
    await fireEvent.click(button('import-cancel'));
    expect(ipcMock.cancelBulk).toHaveBeenCalledWith(opId);
    call.finish(summary({ tasks: 1, images: 4, collectionsCreated: 0, cancelled: true }));
    await waitFor(() =>
      expect(text('import-result')).toBe(
        'Stopped: what came before stays imported. Imported 1 task (4 images).',
      ),
    );
    expect(onimported).toHaveBeenCalledTimes(1);
  });

  it('nothing new: the gallery is left alone', async () => {
    ipcMock.importExport.mockResolvedValueOnce(
      summary({ tasks: 0, images: 0, collectionsCreated: 0, skippedTasks: 2 }),
    );
    const { onimported } = renderImport();
    await fireEvent.input(input('import-path'), { target: { value: '/tmp/Foo' } });
    await fireEvent.click(button('import-start'));
    await waitFor(() =>
      expect(text('import-result')).toBe('Nothing new to import. All 2 tasks were already here.'),
    );
    expect(onimported).not.toHaveBeenCalled();
  });

  it('shows the core’s sentence and keeps the path', async () => {
    ipcMock.importExport.mockRejectedValueOnce(
      new AppError('invalid_input', 'This is not an Atelier export: it has no manifest.json.'),
    );
    renderImport();
    await fireEvent.input(input('import-path'), { target: { value: '/tmp/Other' } });
    await fireEvent.click(button('import-start'));
    await waitFor(() => expect(screen.getByTestId('import-error')).toBeTruthy());
    expect(screen.getByTestId('import-error').getAttribute('role')).toBe('alert');
    expect(text('import-error')).toBe('This is not an Atelier export: it has no manifest.json.');
    expect(input('import-path').value).toBe('/tmp/Other');
    expect(button('import-start').disabled).toBe(false);
  });
});

describe('from the gallery', () => {
  const TOTAL = 100_000;

  /** A library of `total` images, a page at a time (a collection filter keeps the first 3). */
  function library(total = TOTAL) {
    ipcMock.gallerySearch.mockImplementation(
      async (query: GalleryQuery): Promise<GalleryResults> => {
        const all = query.collection !== undefined ? Math.min(3, total) : total;
        const start = query.cursor ? Number(query.cursor) : 0;
        const end = Math.min(all, start + (query.limit ?? 200));
        return {
          items: makeImages(start + 1, Math.max(0, end - start)),
          nextCursor: end < all ? String(end) : null,
          total: query.cursor ? null : all,
          totalExact: true,
        };
      },
    );
  }

  const cell = (id: number) =>
    document.querySelector<HTMLElement>(`[data-testid="gallery-item"][data-image-id="${id}"]`)!;
  const openButton = (id: number) => cell(id).querySelector<HTMLElement>('button.open')!;

  async function renderGallery(expected = '100,000 images') {
    app.view = 'gallery';
    render(GalleryView);
    await waitFor(() => expect(text('gallery-count')).toBe(expected));
    await waitFor(() => expect(screen.getAllByTestId('gallery-collection')).toHaveLength(1));
  }

  beforeEach(() => library());

  it('the toolbar exports everything the gallery shows', async () => {
    await renderGallery();
    await fireEvent.click(screen.getByTestId('gallery-filter-favorites'));
    await waitFor(() => expect(ipcMock.gallerySearch).toHaveBeenCalledTimes(2));
    const opener = button('gallery-export');
    opener.focus();
    await fireEvent.click(opener);
    const dialog = await screen.findByTestId('export-dialog');
    expect(within(dialog).getByRole('heading').textContent).toBe('Export 100,000 images');
    await waitFor(() => expect(input('export-dir').value).toBe(DEFAULTS.dir));
    await fireEvent.click(button('export-start'));
    await waitFor(() => expect(ipcMock.exportImages).toHaveBeenCalled());
    expect(ipcMock.exportImages.mock.calls[0][1]).toEqual({
      kind: 'allMatching',
      query: { favoritesOnly: true, order: 'newestFirst' },
      except: [],
    });
    await waitFor(() => expect(screen.getByTestId('export-result')).toBeTruthy());
    await fireEvent.click(button('export-close'));
    expect(screen.queryByTestId('export-dialog')).toBeNull();
    // The focus goes back to the button that opened it.
    expect(document.activeElement).toBe(opener);
  });

  it('the toolbar’s Export is disabled when nothing is shown', async () => {
    library(0);
    ipcMock.listCollections.mockResolvedValue([moodboard]);
    await renderGallery('No images');
    expect(button('gallery-export').disabled).toBe(true);
    expect(button('gallery-import').disabled).toBe(false);
  });

  it('the selection bar and E export the selection', async () => {
    await renderGallery();
    await fireEvent.click(openButton(2), { ctrlKey: true, detail: 1 });
    await fireEvent.click(openButton(5), { ctrlKey: true, detail: 1 });
    const exportButton = button('selection-export');
    expect(exportButton.getAttribute('aria-keyshortcuts')).toBe('E');
    expect(exportButton.title).toBe('Export the selected images (E)');

    // E on the grid.
    openButton(5).focus();
    await fireEvent.keyDown(openButton(5), { key: 'e' });
    const dialog = await screen.findByTestId('export-dialog');
    expect(within(dialog).getByRole('heading').textContent).toBe('Export 2 images');
    // E again does not open a second one.
    await fireEvent.keyDown(document.body, { key: 'e' });
    expect(screen.getAllByTestId('export-dialog')).toHaveLength(1);
    await waitFor(() => expect(input('export-dir').value).toBe(DEFAULTS.dir));
    await fireEvent.click(button('export-start'));
    await waitFor(() => expect(ipcMock.exportImages).toHaveBeenCalled());
    expect(ipcMock.exportImages.mock.calls[0][1]).toEqual({ kind: 'images', ids: [2, 5] });
    await fireEvent.click(await screen.findByTestId('export-close'));

    // Ctrl+A, one left out, then the button.
    await fireEvent.keyDown(openButton(5), { key: 'a', ctrlKey: true });
    await fireEvent.keyDown(openButton(5), { key: 'x' });
    await fireEvent.click(button('selection-export'));
    expect(screen.getByRole('heading', { name: 'Export 99,999 images' })).toBeTruthy();
    await waitFor(() => expect(input('export-dir').value).toBe(DEFAULTS.dir));
    await fireEvent.click(button('export-start'));
    await waitFor(() => expect(ipcMock.exportImages).toHaveBeenCalledTimes(2));
    expect(ipcMock.exportImages.mock.calls[1][1]).toEqual({
      kind: 'allMatching',
      query: { favoritesOnly: false, order: 'newestFirst' },
      except: [5],
    });
  });

  it('E does nothing without a selection', async () => {
    await renderGallery();
    openButton(1).focus();
    await fireEvent.keyDown(openButton(1), { key: 'e' });
    expect(screen.queryByTestId('export-dialog')).toBeNull();
  });

  it('a collection’s Export exports that collection', async () => {
    await renderGallery();
    const action = within(screen.getByTestId('gallery-collections')).getByTestId(
      'collection-export',
    );
    expect(action.getAttribute('aria-label')).toBe('Export Moodboard…');
    await fireEvent.click(action);
    const dialog = await screen.findByTestId('export-dialog');
    expect(within(dialog).getByRole('heading').textContent).toBe('Export 12 images');
    await waitFor(() => expect(input('export-dir').value).toBe(DEFAULTS.dir));
    await fireEvent.click(button('export-start'));
    await waitFor(() => expect(ipcMock.exportImages).toHaveBeenCalled());
    expect(ipcMock.exportImages.mock.calls[0][1]).toEqual({
      kind: 'allMatching',
      query: { collection: 4 },
      except: [],
    });
  });

  it('an import that added something fetches the images and the collections again', async () => {
    await renderGallery();
    const searches = ipcMock.gallerySearch.mock.calls.length;
    const lists = ipcMock.listCollections.mock.calls.length;
    await fireEvent.click(button('gallery-import'));
    await screen.findByTestId('import-dialog');
    const birds = { ...moodboard, id: 7, name: 'Birds', count: 6 };
    ipcMock.listCollections.mockResolvedValue([birds, moodboard]);
    await fireEvent.input(input('import-path'), { target: { value: '/tmp/Foo.zip' } });
    await fireEvent.click(button('import-start'));
    await waitFor(() => expect(screen.getByTestId('import-result')).toBeTruthy());
    await waitFor(() => expect(screen.getAllByTestId('gallery-collection')).toHaveLength(2));
    expect(ipcMock.gallerySearch.mock.calls.length).toBeGreaterThan(searches);
    expect(ipcMock.listCollections.mock.calls.length).toBeGreaterThan(lists);
    await fireEvent.keyDown(screen.getByTestId('import-dialog'), { key: 'Escape' });
    expect(screen.queryByTestId('import-dialog')).toBeNull();
  });
});
