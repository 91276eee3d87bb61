import { describe, expect, it } from 'vitest';
import type { Collection } from './bindings/Collection';
import type { ExportOutcome } from './bindings/ExportOutcome';
import type { ImportSummary } from './bindings/ImportSummary';
import {
  collectionSource,
  exportOutcomeText,
  exportProblem,
  exportProblemsHeading,
  exportTarget,
  exportTitle,
  gallerySource,
  importAddedAnything,
  importProblem,
  importProblemsHeading,
  importSummaryText,
  progressValues,
  selectionSource,
  transferOpId,
  transferProgressText,
} from './transfer';

const moodboard: Collection = {
  id: 4,
  name: 'Moodboard',
  count: 12,
  createdAt: '2026-03-01T10:00:00Z',
};

const exported = (over: Partial<ExportOutcome> = {}): ExportOutcome => ({
  path: '/home/x/Pictures/Foo.zip',
  images: 6,
  bytes: 12_000_000,
  problems: [],
  cancelled: false,
  ...over,
});

const imported = (over: Partial<ImportSummary> = {}): ImportSummary => ({
  tasks: 0,
  images: 0,
  skippedTasks: 0,
  collectionsCreated: 0,
  problems: [],
  cancelled: false,
  ...over,
});

describe('what each entry point exports', () => {
  it('the selection bar: the selection as it is, with its count', () => {
    const picked = selectionSource({ kind: 'images', ids: [3, 1] }, 2);
    expect(picked.selection).toEqual({ kind: 'images', ids: [3, 1] });
    expect(picked.count).toBe(2);
    const all = selectionSource({ kind: 'allMatching', query: { text: 'fox' }, except: [9] }, null);
    expect(all.selection).toEqual({ kind: 'allMatching', query: { text: 'fox' }, except: [9] });
    expect(all.count).toBeNull();
  });

  it('the toolbar: every match of the current query, none left out, no cursor or page size', () => {
    const source = gallerySource(
      { text: 'fox', favoritesOnly: true, collection: 4, cursor: 'abc', limit: 200 },
      6,
      true,
    );
    expect(source.selection).toEqual({
      kind: 'allMatching',
      query: { text: 'fox', favoritesOnly: true, collection: 4 },
      except: [],
    });
    expect(source.count).toBe(6);
    // A count that is only a floor is not said.
    expect(gallerySource({}, 10_000, false).count).toBeNull();
  });

  it('a collection: just that collection, whatever the toolbar shows', () => {
    const source = collectionSource(moodboard);
    expect(source.selection).toEqual({
      kind: 'allMatching',
      query: { collection: 4 },
      except: [],
    });
    expect(source.count).toBe(12);
    expect(source.what).toContain('Moodboard');
  });
});

describe('export words', () => {
  it('titles the dialog with the count when known', () => {
    expect(exportTitle(6)).toBe('Export 6 images');
    expect(exportTitle(1)).toBe('Export 1 image');
    expect(exportTitle(6000)).toBe('Export 6,000 images');
    expect(exportTitle(null)).toBe('Export images');
  });

  it('says where the export will be', () => {
    expect(exportTarget('/home/x/Pictures', 'Foo', 'zip')).toBe('/home/x/Pictures/Foo.zip');
    expect(exportTarget('/home/x/Pictures/', ' Foo ', 'folder')).toBe('/home/x/Pictures/Foo');
    expect(exportTarget('C:\\Users\\x\\Pictures', 'Foo', 'zip')).toBe(
      'C:\\Users\\x\\Pictures\\Foo.zip',
    );
    expect(exportTarget('', 'Foo', 'zip')).toBe('');
    expect(exportTarget('/tmp', '  ', 'zip')).toBe('');
  });

  it('checks the folder and the name before asking the core', () => {
    expect(exportProblem('/home/x', 'Foo')).toBeNull();
    expect(exportProblem('  ', 'Foo')?.field).toBe('dir');
    expect(exportProblem('/home/x', ' ')?.field).toBe('name');
    expect(exportProblem('/home/x', 'a/b')).toMatchObject({ field: 'name' });
    expect(exportProblem('/home/x', 'a\\b')).toMatchObject({ field: 'name' });
    expect(exportProblem('/home/x', '..')).toMatchObject({ field: 'name' });
    expect(exportProblem('/home/x', '...and more')).toBeNull();
    expect(exportProblem('', '')?.text).toBe('Choose the folder to export into.');
  });

  it('says what an export did', () => {
    expect(exportOutcomeText(exported())).toBe('Exported 6 images to /home/x/Pictures/Foo.zip.');
    expect(exportOutcomeText(exported({ images: 1, path: '/a/B' }))).toBe(
      'Exported 1 image to /a/B.',
    );
    expect(exportOutcomeText(exported({ images: 12_345 }))).toBe(
      'Exported 12,345 images to /home/x/Pictures/Foo.zip.',
    );
    expect(exportOutcomeText(exported({ cancelled: true, path: '', images: 3 }))).toBe(
      'Export cancelled. Nothing was kept.',
    );
    expect(exportOutcomeText(exported({ images: 0, problems: ['x'] }))).toBe(
      'No images could be exported to /home/x/Pictures/Foo.zip.',
    );
    expect(exportProblemsHeading(1)).toBe('1 image was left out:');
    expect(exportProblemsHeading(3)).toBe('3 images were left out:');
  });
});

describe('import words', () => {
  it('needs a path', () => {
    expect(importProblem('')).not.toBeNull();
    expect(importProblem('   ')).not.toBeNull();
    expect(importProblem('/home/x/Foo.zip')).toBeNull();
  });

  it('says what came back, pluralised, without the parts that are zero', () => {
    expect(importSummaryText(imported({ tasks: 2, images: 6, collectionsCreated: 1 }))).toBe(
      'Imported 2 tasks (6 images). 1 collection made.',
    );
    expect(importSummaryText(imported({ tasks: 1, images: 1 }))).toBe('Imported 1 task (1 image).');
    expect(
      importSummaryText(imported({ tasks: 3, images: 12, collectionsCreated: 2, skippedTasks: 1 })),
    ).toBe('Imported 3 tasks (12 images). 2 collections made. 1 task was already here.');
  });

  it('always says when tasks were skipped', () => {
    expect(importSummaryText(imported({ tasks: 2, images: 6, skippedTasks: 3 }))).toBe(
      'Imported 2 tasks (6 images). 3 tasks were already here.',
    );
    expect(importSummaryText(imported({ skippedTasks: 2 }))).toBe(
      'Nothing new to import. All 2 tasks were already here.',
    );
    expect(importSummaryText(imported({ skippedTasks: 1 }))).toBe(
      'Nothing new to import. 1 task was already here.',
    );
    expect(importSummaryText(imported())).toBe('Nothing was imported.');
  });

  it('says that a stop keeps what came before', () => {
    expect(importSummaryText(imported({ tasks: 1, images: 4, cancelled: true }))).toBe(
      'Stopped: what came before stays imported. Imported 1 task (4 images).',
    );
    expect(importSummaryText(imported({ cancelled: true }))).toBe(
      'Stopped: what came before stays imported. Nothing had been imported yet.',
    );
  });

  it('knows when the gallery has something new', () => {
    expect(importAddedAnything(imported())).toBe(false);
    expect(importAddedAnything(imported({ skippedTasks: 4, problems: ['x'] }))).toBe(false);
    expect(importAddedAnything(imported({ tasks: 1, images: 4 }))).toBe(true);
    expect(importAddedAnything(imported({ collectionsCreated: 1 }))).toBe(true);
    expect(importAddedAnything(imported({ tasks: 1, images: 1, cancelled: true }))).toBe(true);
  });

  it('heads the list of problems', () => {
    expect(importProblemsHeading(1)).toBe('1 file could not be imported:');
    expect(importProblemsHeading(2)).toBe('2 files could not be imported:');
  });
});

describe('progress', () => {
  it('counts the images', () => {
    expect(transferProgressText(123, 6000)).toBe('123 of 6,000 images');
    expect(transferProgressText(0, 1)).toBe('0 of 1 image');
    expect(transferProgressText(7, 6)).toBe('6 of 6 images');
    expect(transferProgressText(0, 0)).toBe('Starting…');
  });

  it('gives the bar its values, or none while the total is unknown', () => {
    expect(progressValues(3, 6)).toEqual({ value: 3, max: 6 });
    expect(progressValues(9, 6)).toEqual({ value: 6, max: 6 });
    expect(progressValues(-1, 6)).toEqual({ value: 0, max: 6 });
    expect(progressValues(0, 0)).toBeNull();
  });

  it('makes ids that differ and say what they are', () => {
    const a = transferOpId('export', 1000, () => 0.25);
    expect(a).toMatch(/^export-1000-[0-9a-z]{8,}$/);
    expect(transferOpId('import', 1000, () => 0.5)).toMatch(/^import-1000-/);
    expect(transferOpId('export', 1000, () => 0.75)).not.toBe(a);
    const ids = new Set(Array.from({ length: 50 }, () => transferOpId('export')));
    expect(ids.size).toBe(50);
  });
});
