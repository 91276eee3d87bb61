/**
 * Export and import (the gallery's transfer dialogs), the pure parts: what each entry point
 * exports (its Selection, its count and a line saying what it is), the dialog's title,
 * the checks made before the core is asked, the words of the progress bar and the sentences
 * of an export's outcome and an import's summary. No DOM, no calls.
 */
import type { Collection } from './bindings/Collection';
import type { ExportFormat } from './bindings/ExportFormat';
import type { ExportOutcome } from './bindings/ExportOutcome';
import type { GalleryQuery } from './bindings/GalleryQuery';
import type { ImportSummary } from './bindings/ImportSummary';
import type { Selection } from './bindings/Selection';

function num(n: number): string {
  return n.toLocaleString('en-US');
}

/** "1 image", "6,000 images" (any word with its plural made by an "s"). */
function counted(n: number, word: string): string {
  return `${num(n)} ${n === 1 ? word : `${word}s`}`;
}

/** What one export dialog exports. */
export interface ExportSource {
  /** What the core walks: picked ids, or a query and its exceptions. */
  selection: Selection;
  /** How many images, when known (the dialog's title says it). */
  count: number | null;
  /** A line under the title saying what this is ("The selected images."). */
  what: string;
}

/** The selection bar's Export…: the selection as the bulk actions take it. */
export function selectionSource(selection: Selection, count: number | null): ExportSource {
  return { selection, count, what: 'The selected images.' };
}

/**
 * The toolbar's Export…: everything the gallery shows now (search, filters, collection), none
 * left out. `total` counts only when `exact` (else it is a floor).
 */
export function gallerySource(query: GalleryQuery, total: number, exact: boolean): ExportSource {
  const rest: GalleryQuery = { ...query };
  delete rest.cursor;
  delete rest.limit;
  return {
    selection: { kind: 'allMatching', query: rest, except: [] },
    count: exact ? total : null,
    what: 'Everything the gallery shows now (its search, filters and collection).',
  };
}

/** A collection's Export…: every image in it, whatever the toolbar shows. */
export function collectionSource(collection: Collection): ExportSource {
  return {
    selection: { kind: 'allMatching', query: { collection: collection.id }, except: [] },
    count: collection.count,
    what: `The collection “${collection.name}”.`,
  };
}

/** The export dialog's title: "Export 6 images", "Export 1 image", or "Export images". */
export function exportTitle(count: number | null): string {
  return count === null || count < 0 ? 'Export images' : `Export ${counted(count, 'image')}`;
}

/** The import dialog's title. */
export const IMPORT_TITLE = 'Import an export';

/** What an export writes, whatever its format. */
export const EXPORT_CONTENTS =
  'Originals, never re-encoded, with their prompt and details inside each file and beside it (.json), and a manifest.json.';

/** What an import brings back. */
export const IMPORT_CONTENTS =
  'Images, prompts, lineage, favorites and collections come back; tasks already in this library are skipped.';

/** A unique id for one export or import: its progress events and its Cancel carry it. */
export function transferOpId(
  kind: 'export' | 'import',
  now: number = Date.now(),
  random: () => number = Math.random,
): string {
  const tail = Math.floor(random() * 2 ** 48)
    .toString(36)
    .padStart(8, '0');
  return `${kind}-${now}-${tail}`;
}

/** The separator a folder path uses ("\" for a Windows path without any "/"). */
function separator(dir: string): string {
  return dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
}

/**
 * Where an export will be: `<dir>/<name>.zip` or the folder `<dir>/<name>`; '' while the
 * folder or the name is blank.
 */
export function exportTarget(dir: string, name: string, format: ExportFormat): string {
  const d = dir.trim();
  const n = name.trim();
  if (!d || !n) return '';
  const sep = separator(d);
  const base = d.endsWith(sep) ? d : `${d}${sep}`;
  return `${base}${n}${format === 'zip' ? '.zip' : ''}`;
}

/** A field of the export dialog that needs fixing, and why. */
export interface FieldProblem {
  field: 'dir' | 'name';
  text: string;
}

/**
 * What is wrong with the folder and name before the core is asked, or null. The core checks
 * again (and knows whether the folder exists and the name is free).
 */
export function exportProblem(dir: string, name: string): FieldProblem | null {
  const n = name.trim();
  if (!dir.trim()) return { field: 'dir', text: 'Choose the folder to export into.' };
  if (!n) return { field: 'name', text: 'Give the export a name.' };
  if (/[/\\]/.test(n)) {
    return { field: 'name', text: 'The name cannot contain “/” or “\\”: choose the folder above.' };
  }
  if (/^\.+$/.test(n)) {
    return { field: 'name', text: 'Give the export a name with letters or digits in it.' };
  }
  return null;
}

/** What is wrong with the path to import, or null. */
export function importProblem(path: string): string | null {
  return path.trim() ? null : 'Choose an export: its folder or its .zip file.';
}

/**
 * The words beside the progress bar: "123 of 6,000 images"; "Starting…" before the core has
 * said how many there are.
 */
export function transferProgressText(done: number, total: number): string {
  if (!(total > 0)) return 'Starting…';
  return `${num(Math.min(Math.max(0, done), total))} of ${counted(total, 'image')}`;
}

/** The progress bar's values: done and total, or null while the total is not known. */
export function progressValues(done: number, total: number): { value: number; max: number } | null {
  if (!(total > 0)) return null;
  return { value: Math.min(Math.max(0, done), total), max: total };
}

/** The sentence after an export. */
export function exportOutcomeText(outcome: ExportOutcome): string {
  if (outcome.cancelled) return 'Export cancelled. Nothing was kept.';
  if (outcome.images === 0) return `No images could be exported to ${outcome.path}.`;
  return `Exported ${counted(outcome.images, 'image')} to ${outcome.path}.`;
}

/** The line above an export's problems: "1 image was left out:". */
export function exportProblemsHeading(count: number): string {
  return count === 1 ? '1 image was left out:' : `${num(count)} images were left out:`;
}

/** The line above an import's problems: "2 files could not be imported:". */
export function importProblemsHeading(count: number): string {
  return count === 1
    ? '1 file could not be imported:'
    : `${num(count)} files could not be imported:`;
}

/** The sentence said when an import was stopped. */
export const IMPORT_STOPPED = 'Stopped: what came before stays imported.';

/**
 * The sentence after an import: "Imported 2 tasks (6 images). 1 collection made. 3 tasks were
 * already here." Parts that are zero are left out, except that a summary with nothing new
 * says so; skipped tasks are always named. A stopped import says so first.
 */
export function importSummaryText(summary: ImportSummary): string {
  const parts: string[] = [];
  if (summary.cancelled) parts.push(IMPORT_STOPPED);
  if (summary.tasks > 0) {
    parts.push(`Imported ${counted(summary.tasks, 'task')} (${counted(summary.images, 'image')}).`);
  } else if (summary.images > 0) {
    parts.push(`Imported ${counted(summary.images, 'image')}.`);
  } else if (summary.skippedTasks > 0) {
    parts.push('Nothing new to import.');
  } else {
    parts.push(summary.cancelled ? 'Nothing had been imported yet.' : 'Nothing was imported.');
  }
  if (summary.collectionsCreated > 0) {
    parts.push(`${counted(summary.collectionsCreated, 'collection')} made.`);
  }
  if (summary.skippedTasks > 0) {
    const all = summary.tasks === 0 && summary.images === 0 && summary.skippedTasks > 1;
    parts.push(
      summary.skippedTasks === 1
        ? '1 task was already here.'
        : `${all ? 'All ' : ''}${num(summary.skippedTasks)} tasks were already here.`,
    );
  }
  return parts.join(' ');
}

/** True when an import put anything in the library (the gallery and collections reload). */
export function importAddedAnything(summary: ImportSummary): boolean {
  return summary.tasks > 0 || summary.images > 0 || summary.collectionsCreated > 0;
}
