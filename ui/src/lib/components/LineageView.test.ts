// @vitest-environment jsdom
/**
 * The lightbox's Lineage view (button and L): loads the tree, draws each task with its edge
 * label and prompt change, marks the current one, opens a node's image in the lightbox,
 * branches a node's prompt into Create, says why it failed, and closes with Esc back to the
 * lightbox with the focus where it was.
 */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GalleryImage } from '../bindings/GalleryImage';
import type { ImageDetail } from '../bindings/ImageDetail';
import type { Lineage } from '../bindings/Lineage';
import type { LineageNode } from '../bindings/LineageNode';
import { makeImage } from '../testing/fixtures';

const ipcMock = vi.hoisted(() => ({
  hasBackend: vi.fn(() => false),
  gallerySearch: vi.fn(),
  galleryCount: vi.fn(),
  onGalleryChanged: vi.fn(),
  imageDetail: vi.fn(),
  setFavorite: vi.fn(),
  deleteImage: vi.fn(),
  saveImageAs: vi.fn(),
  copyImage: vi.fn(),
  copyText: vi.fn(),
  showInFolder: vi.fn(),
  runAction: vi.fn(),
  lineage: vi.fn(),
}));
vi.mock('../ipc', () => ipcMock);

import { GalleryStore } from '../gallery.svelte';
import { app } from '../state.svelte';
import GalleryLightbox from './GalleryLightbox.svelte';

const top = makeImage(900, { taskId: 'a', prompt: 'a red fox in the snow' });
const upscale = makeImage(7, { taskId: 'b', parentId: 'a', kindLabel: 'Upscale 2' });
const remix = makeImage(31, {
  taskId: 'c',
  parentId: 'a',
  provider: 'journey',
  model: 'niji 6',
  prompt: 'a red fox in the snow at dawn',
});

function node(
  id: string,
  parent: string | null,
  depth: number,
  over: Partial<LineageNode> = {},
): LineageNode {
  return {
    taskId: id,
    parentId: parent,
    depth,
    kindLabel: 'Imagine',
    prompt: 'a red fox in the snow',
    promptChanged: false,
    referenceImage: null,
    createdAt: '2026-03-01T10:00:00Z',
    image: null,
    current: false,
    ...over,
  };
}

/** a (Imagine) ─ b (Upscale 2, current) ─ d (failed, no image); a ─ c (Remix, new prompt). */
const tree: Lineage = {
  nodes: [
    node('a', null, 0, { image: top }),
    node('b', 'a', 1, { kindLabel: 'Upscale 2', image: upscale, current: true }),
    node('d', 'b', 2, { kindLabel: 'Vary (Strong)' }),
    node('c', 'a', 1, {
      kindLabel: 'Vary (Region)',
      prompt: 'a red fox in the snow at dawn',
      promptChanged: true,
      referenceImage: 'https://example.com/fox.png',
      image: remix,
    }),
  ],
  missingParent: null,
  truncated: false,
};

function detailOf(image: GalleryImage): ImageDetail {
  return {
    image,
    task: null,
    parent: null,
    children: [],
    siblings: [image],
    collections: [],
  } as ImageDetail;
}

function renderLightbox(start: GalleryImage = upscale) {
  const onclose = vi.fn();
  render(GalleryLightbox, { props: { store: new GalleryStore(), start, onclose } });
  return onclose;
}

const lineageButton = () => screen.getByTestId('lightbox-lineage') as HTMLButtonElement;
const nodes = () => screen.getAllByTestId('lineage-node');
const nodeOf = (taskId: string) => nodes().find((n) => n.dataset.taskId === taskId) as HTMLElement;
const pictureOf = (taskId: string) =>
  within(nodeOf(taskId)).getByTestId('lineage-open') as HTMLButtonElement;

beforeEach(() => {
  localStorage.clear();
  vi.clearAllMocks();
  ipcMock.imageDetail.mockImplementation(async (id: number) =>
    detailOf([top, upscale, remix].find((i) => i.item.imageId === id) ?? top),
  );
  ipcMock.lineage.mockResolvedValue(tree);
  app.view = 'gallery';
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the Lineage view', () => {
  it('shows a loading state, then the tree with edges, prompt changes and the current task', async () => {
    let answer: (l: Lineage) => void = () => {};
    ipcMock.lineage.mockReturnValue(new Promise<Lineage>((resolve) => (answer = resolve)));
    renderLightbox();
    expect(lineageButton().getAttribute('aria-keyshortcuts')).toBe('L');
    await fireEvent.click(lineageButton());
    const view = await screen.findByTestId('lineage');
    expect(ipcMock.lineage).toHaveBeenCalledWith(7);
    expect(screen.getByTestId('lineage-loading').textContent).toContain('Loading the lineage');
    expect(screen.queryByTestId('lineage-node')).toBeNull();

    answer(tree);
    await waitFor(() => expect(nodes()).toHaveLength(4));
    expect(screen.queryByTestId('lineage-loading')).toBeNull();
    expect(view.querySelector('h2')?.textContent).toBe('Lineage');
    expect(screen.getByTestId('lineage-count').textContent).toBe('4 tasks');
    expect(nodes().map((n) => [n.dataset.taskId, n.dataset.depth])).toEqual([
      ['a', '0'],
      ['b', '1'],
      ['d', '2'],
      ['c', '1'],
    ]);
    expect(screen.getAllByTestId('lineage-edge').map((e) => e.textContent)).toEqual([
      'Imagine',
      'Upscale 2',
      'Vary (Strong)',
      'Vary (Region)',
    ]);
    // Only the current task is marked, and it starts with the focus.
    expect(nodes().filter((n) => n.dataset.current === 'true')).toEqual([nodeOf('b')]);
    await waitFor(() => expect(document.activeElement).toBe(pictureOf('b')));
    // The one whose prompt changed says what changed: two words added.
    const changes = screen.getAllByTestId('lineage-prompt-change');
    expect(changes).toHaveLength(1);
    expect(nodeOf('c').contains(changes[0])).toBe(true);
    expect(changes[0].textContent).toContain('+ at dawn');
    // Pictures: a thumbnail, or a placeholder for the task that made none.
    expect(pictureOf('a').querySelector('img')?.getAttribute('src')).toBe(top.thumbSrc);
    expect(pictureOf('d').querySelector('img')).toBeNull();
    expect(pictureOf('d').textContent).toContain('No image');
    expect(screen.queryByTestId('lineage-missing-parent')).toBeNull();
    expect(screen.queryByTestId('lineage-truncated')).toBeNull();
    // Asked once, even though the lightbox's detail arrived meanwhile.
    expect(ipcMock.lineage).toHaveBeenCalledTimes(1);
  });

  it('opens with L, keeps the lightbox keys at rest, and closes with Esc back to the lightbox', async () => {
    const onclose = renderLightbox();
    const box = screen.getByTestId('lightbox');
    box.focus();
    await fireEvent.keyDown(box, { key: 'l' });
    const view = await screen.findByTestId('lineage');
    await waitFor(() => expect(nodes()).toHaveLength(4));
    // The lightbox's keys do nothing while the view is on top.
    await fireEvent.keyDown(pictureOf('b'), { key: 'f' });
    await fireEvent.keyDown(box, { key: 'f' });
    expect(ipcMock.setFavorite).not.toHaveBeenCalled();
    await fireEvent.keyDown(view, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('lineage')).toBeNull());
    expect(onclose).not.toHaveBeenCalled();
    expect(screen.getByTestId('lightbox')).toBeTruthy();
    expect(document.activeElement).toBe(box);
  });

  it('closes with its button, the focus back on the Lineage button', async () => {
    renderLightbox();
    lineageButton().focus();
    await fireEvent.click(lineageButton());
    await screen.findByTestId('lineage');
    await fireEvent.click(screen.getByTestId('lineage-close'));
    await waitFor(() => expect(screen.queryByTestId('lineage')).toBeNull());
    expect(document.activeElement).toBe(lineageButton());
  });

  it('moves between nodes with the arrow keys', async () => {
    renderLightbox();
    await fireEvent.click(lineageButton());
    await waitFor(() => expect(document.activeElement).toBe(pictureOf('b')));
    await fireEvent.keyDown(pictureOf('b'), { key: 'ArrowDown' });
    expect(document.activeElement).toBe(pictureOf('d'));
    await fireEvent.keyDown(pictureOf('d'), { key: 'ArrowLeft' });
    expect(document.activeElement).toBe(pictureOf('b'));
    await fireEvent.keyDown(pictureOf('b'), { key: 'ArrowLeft' });
    expect(document.activeElement).toBe(pictureOf('a'));
    await fireEvent.keyDown(pictureOf('a'), { key: 'End' });
    expect(document.activeElement).toBe(pictureOf('c'));
  });

  it("opens a node's image in the lightbox and closes", async () => {
    renderLightbox();
    await fireEvent.click(lineageButton());
    await waitFor(() => expect(nodes()).toHaveLength(4));
    await fireEvent.click(pictureOf('c'));
    await waitFor(() => expect(screen.queryByTestId('lineage')).toBeNull());
    const box = screen.getByTestId('lightbox');
    expect(box.dataset.imageId).toBe('31');
    expect(ipcMock.imageDetail).toHaveBeenCalledWith(31);
    await waitFor(() => expect(document.activeElement).toBe(box));
    // A node without an image opens nothing.
    await fireEvent.click(lineageButton());
    await waitFor(() => expect(nodes()).toHaveLength(4));
    expect(ipcMock.lineage).toHaveBeenLastCalledWith(31);
    await fireEvent.click(pictureOf('d'));
    expect(screen.getByTestId('lineage')).toBeTruthy();
    expect(box.dataset.imageId).toBe('31');
  });

  it('branches from a node: its prompt, reference image, provider and model go to Create', async () => {
    const reuse = vi.spyOn(app, 'reusePrompt');
    renderLightbox();
    await fireEvent.click(lineageButton());
    await waitFor(() => expect(nodes()).toHaveLength(4));
    await fireEvent.click(within(nodeOf('c')).getByTestId('lineage-branch'));
    expect(reuse).toHaveBeenCalledWith({
      prompt: 'a red fox in the snow at dawn',
      provider: 'journey',
      model: 'niji 6',
      referenceImage: 'https://example.com/fox.png',
    });
    expect(app.prompt).toBe('a red fox in the snow at dawn');
    expect(app.referenceUrl).toBe('https://example.com/fox.png');
    expect(app.view).toBe('create');
    expect(screen.queryByTestId('lineage')).toBeNull();
  });

  it('branches from a task without an image with the shown image provider', async () => {
    const reuse = vi.spyOn(app, 'reusePrompt');
    renderLightbox();
    await fireEvent.click(lineageButton());
    await waitFor(() => expect(nodes()).toHaveLength(4));
    await fireEvent.click(within(nodeOf('d')).getByTestId('lineage-branch'));
    expect(reuse).toHaveBeenCalledWith({
      prompt: 'a red fox in the snow',
      provider: upscale.item.provider,
      model: upscale.item.model,
      referenceImage: null,
    });
  });

  it('says when the top came from elsewhere and when the tree was cut', async () => {
    ipcMock.lineage.mockResolvedValue({ ...tree, missingParent: 'mj-42', truncated: true });
    renderLightbox();
    await fireEvent.click(lineageButton());
    expect((await screen.findByTestId('lineage-missing-parent')).textContent).toBe(
      'Made from task mj-42, which is not in this library.',
    );
    expect(screen.getByTestId('lineage-truncated').textContent).toBe(
      'Only the first 4 tasks are shown.',
    );
    expect(screen.getByTestId('lineage-count').textContent).toBe('4+ tasks');
  });

  it('says why it failed in plain words, and tries again', async () => {
    ipcMock.lineage.mockRejectedValueOnce({
      code: 'library',
      message: 'The library could not be read.',
    });
    renderLightbox();
    await fireEvent.click(lineageButton());
    expect((await screen.findByTestId('lineage-error')).textContent).toBe(
      'The library could not be read.',
    );
    expect(screen.queryByTestId('lineage-node')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(nodes()).toHaveLength(4));
    expect(screen.queryByTestId('lineage-error')).toBeNull();
  });
});
