// @vitest-environment jsdom
/**
 * The lightbox's Lineage view (button and L): loads the tree, draws each task with its edge
 * label and prompt change, marks the current one, opens a node's image in the lightbox,
 * branches a node's prompt into Create, says why it failed, and closes with Esc back to the
 * lightbox with the focus where it was; and the creation modes: a blend's several parents, a
 * describe's prompts in place of a picture, a video's badge.
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

  describe('with the creation modes', () => {
    const fox = makeImage(5, { taskId: 'up', kindLabel: 'Upscale 2', prompt: 'a red fox' });
    const blended = makeImage(60, { taskId: 'blend', kindLabel: 'Blend', prompt: null });
    const clip = makeImage(70, {
      taskId: 'video',
      kind: 'video',
      slot: 'video-1',
      kindLabel: 'Video',
      path: '/library/70.mp4',
    });
    /** A blend of a library picture and an outside link (shown), its video, a describe. */
    const modes: Lineage = {
      nodes: [
        node('blend', null, 0, {
          kindLabel: 'Blend',
          prompt: null,
          image: blended,
          current: true,
          inputs: [
            { url: 'https://cdn.example.com/fox.png', taskId: 'up', image: fox },
            { url: 'https://www.pics.example.org/owl.png', taskId: null, image: null },
          ],
        }),
        node('video', 'blend', 1, {
          kindLabel: 'Video',
          prompt: 'the fox runs',
          promptChanged: true,
          image: clip,
          inputs: [{ url: 'https://cdn.example.com/blend.png', taskId: 'blend', image: blended }],
        }),
        node('describe', 'blend', 1, {
          kindLabel: 'Describe',
          prompt: null,
          text: ['1️⃣ a red fox and an owl, ' + 'in a snowy wood '.repeat(20), '2️⃣ an owl fox'],
        }),
      ],
      missingParent: null,
      truncated: false,
    };

    beforeEach(() => {
      ipcMock.lineage.mockResolvedValue(modes);
      ipcMock.imageDetail.mockImplementation(async (id: number) =>
        detailOf([blended, fox, clip].find((i) => i.item.imageId === id) ?? blended),
      );
    });

    it('shows a blend with its several parents, each labelled, the outside one by its host', async () => {
      renderLightbox(blended);
      await fireEvent.click(lineageButton());
      await waitFor(() => expect(nodes()).toHaveLength(3));
      const row = within(nodeOf('blend')).getByTestId('lineage-inputs');
      expect(row.getAttribute('role')).toBe('group');
      expect(row.getAttribute('aria-label')).toBe('Blended from: 2 images');
      expect(row.textContent).toContain('Blended from');
      const [picture, outside] = within(row).getAllByTestId('lineage-input');
      expect(picture.tagName).toBe('BUTTON');
      expect(picture.dataset.imageId).toBe('5');
      expect(picture.getAttribute('aria-label')).toBe('Open input 1 of 2: Upscale 2: a red fox');
      expect(picture.querySelector('img')?.getAttribute('src')).toBe(fox.thumbSrc);
      // Not in the library: a neutral tile with the host, not a button.
      expect(outside.tagName).toBe('SPAN');
      expect(outside.getAttribute('role')).toBe('img');
      expect(outside.textContent).toBe('pics.example.org');
      expect(outside.getAttribute('aria-label')).toBe(
        'Input 2 of 2: pics.example.org (not in the library)',
      );
      expect(outside.getAttribute('title')).toContain('https://www.pics.example.org/owl.png');
      // The video's start frame; the describe has none.
      expect(within(nodeOf('video')).getByTestId('lineage-inputs').textContent).toContain(
        'Start frame',
      );
      expect(within(nodeOf('describe')).queryByTestId('lineage-inputs')).toBeNull();
      // The blend's own picture and edge stay as before.
      expect(pictureOf('blend').dataset.imageId).toBe('60');
      expect(within(nodeOf('blend')).getByTestId('lineage-edge').textContent).toBe('Blend');
    });

    it("opens a parent's picture in the lightbox, with the keyboard too", async () => {
      renderLightbox(blended);
      await fireEvent.click(lineageButton());
      await waitFor(() => expect(document.activeElement).toBe(pictureOf('blend')));
      const parent = within(nodeOf('blend')).getAllByTestId('lineage-input')[0];
      // Reachable with Tab: a button in the tab order, after the node's picture.
      expect((parent as HTMLButtonElement).tabIndex).toBe(0);
      // The arrow keys still move between the nodes from it.
      parent.focus();
      await fireEvent.keyDown(parent, { key: 'ArrowDown' });
      expect(document.activeElement).toBe(pictureOf('video'));
      parent.focus();
      await fireEvent.click(parent);
      await waitFor(() => expect(screen.queryByTestId('lineage')).toBeNull());
      const box = screen.getByTestId('lightbox');
      expect(box.dataset.imageId).toBe('5');
      expect(ipcMock.imageDetail).toHaveBeenCalledWith(5);
    });

    it("shows a describe's prompts in place of a picture, clamped, whole on hover", async () => {
      renderLightbox(blended);
      await fireEvent.click(lineageButton());
      await waitFor(() => expect(nodes()).toHaveLength(3));
      const describe = nodeOf('describe');
      expect(within(describe).queryByTestId('lineage-open')).toBeNull();
      const block = within(describe).getByTestId('lineage-text-node');
      expect(block.getAttribute('aria-label')).toBe('Describe: 2 prompts');
      expect(block.tabIndex).toBe(0);
      expect(block.textContent).toContain('2 prompts');
      const texts = within(block).getAllByTestId('lineage-text');
      expect(texts.map((t) => t.getAttribute('title'))).toEqual(
        modes.nodes[2].text?.map((t) => t.trim()),
      );
      expect(texts[1].textContent).toBe('2️⃣ an owl fox');
      // It is a stop of the arrow keys like a picture.
      pictureOf('video').focus();
      await fireEvent.keyDown(pictureOf('video'), { key: 'ArrowDown' });
      expect(document.activeElement).toBe(block);
      await fireEvent.keyDown(block, { key: 'ArrowLeft' });
      expect(document.activeElement).toBe(pictureOf('blend'));
      // Nothing to branch from: no prompt.
      expect((within(describe).getByTestId('lineage-branch') as HTMLButtonElement).disabled).toBe(
        true,
      );
    });

    it('badges a video like the gallery does, and only the video', async () => {
      renderLightbox(blended);
      await fireEvent.click(lineageButton());
      await waitFor(() => expect(nodes()).toHaveLength(3));
      const badge = within(nodeOf('video')).getByTestId('lineage-video');
      expect(badge.textContent?.trim()).toBe('Video');
      expect(pictureOf('video').contains(badge)).toBe(true);
      expect(pictureOf('video').getAttribute('aria-label')).toBe('Open Video: the fox runs');
      expect(pictureOf('video').querySelector('img')?.getAttribute('src')).toBe(clip.thumbSrc);
      expect(screen.getAllByTestId('lineage-video')).toHaveLength(1);
    });

    it('says No preview, not a broken picture, for a video without a poster', async () => {
      const bare = { ...clip, item: { ...clip.item, thumbPath: null } };
      ipcMock.lineage.mockResolvedValue({
        ...modes,
        nodes: [modes.nodes[0], { ...modes.nodes[1], image: bare }],
      });
      renderLightbox(blended);
      await fireEvent.click(lineageButton());
      await waitFor(() => expect(nodes()).toHaveLength(2));
      expect(pictureOf('video').querySelector('img')).toBeNull();
      expect(pictureOf('video').textContent).toContain('No preview');
      expect(within(nodeOf('video')).getByTestId('lineage-video')).toBeTruthy();
    });
  });
});
