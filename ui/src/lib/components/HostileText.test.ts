// @vitest-environment jsdom
/**
 * Provider text is data, never markup: button labels, errors, prompts, status words and
 * captions full of HTML and script are shown literally, create no elements and run nothing.
 * (The UI has no `{@html}` and no `innerHTML`; these tests keep it that way for the views
 * that show provider text: the task card, its buttons and errors, and both lightboxes.)
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Action } from '../bindings/Action';
import type { ImageDetail } from '../bindings/ImageDetail';
import type { TaskView } from '../bindings/TaskView';
import { makeAction, makeImage, makeView, media } from '../testing/fixtures';

const ipcMock = vi.hoisted(() => ({
  hasBackend: vi.fn(() => true),
  gallerySearch: vi.fn(),
  onGalleryChanged: vi.fn(),
  imageDetail: vi.fn(),
  setFavorite: vi.fn(),
  deleteImage: vi.fn(),
  saveImageAs: vi.fn(),
  copyImage: vi.fn(),
  copyText: vi.fn(),
  showInFolder: vi.fn(),
  runAction: vi.fn(),
  getAppState: vi.fn(),
  listTasks: vi.fn(),
  onTaskUpdate: vi.fn(),
  onTaskProgress: vi.fn(),
  uiReady: vi.fn(),
}));
vi.mock('../ipc', () => ipcMock);

import { GalleryStore } from '../gallery.svelte';
import ActionButtons from './ActionButtons.svelte';
import GalleryLightbox from './GalleryLightbox.svelte';
import Lightbox from './Lightbox.svelte';
import TaskCard from './TaskCard.svelte';

type Pwned = { __pwned?: number };

const IMG = '<img src=x onerror="window.__pwned=1">';
const SCRIPT = '<script>window.__pwned=2</script>';
const SVG = '<svg onload="window.__pwned=3"><a href="javascript:window.__pwned=4">x</a></svg>';
/** One payload per field, each tagged so we can find it again. */
const hostile = (field: string) => `${field} ${IMG}${SCRIPT}${SVG}`;

/** Hostile image addresses a provider might put in a task (the UI must never load them). */
const BAD_URLS = [
  'javascript:window.__pwned=5',
  'data:image/svg+xml,<svg onload="window.__pwned=6">',
  'file:///etc/passwd',
  'http://169.254.169.254/latest/meta-data/',
];

afterEach(() => {
  delete (window as Pwned).__pwned;
  vi.clearAllMocks();
});

/**
 * Every payload is in the text; no element came out of one; nothing ran. Images may only be
 * the ones the test handed in as media (`allowedSrc`).
 */
function expectInert(root: HTMLElement, payloads: string[], allowedSrc: string[] = []) {
  const text = root.textContent ?? '';
  for (const p of payloads) expect(text, p).toContain(p);
  expect(root.querySelectorAll('script, iframe, object, embed')).toHaveLength(0);
  for (const img of root.querySelectorAll('img')) {
    expect(allowedSrc).toContain(img.getAttribute('src'));
  }
  for (const image of root.querySelectorAll('image')) {
    expect(allowedSrc).toContain(image.getAttribute('href'));
  }
  for (const el of root.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      expect(attr.name.startsWith('on'), `${el.tagName} ${attr.name}`).toBe(false);
      if (attr.name === 'href' || attr.name === 'src') {
        expect(attr.value.trim().toLowerCase().startsWith('javascript:')).toBe(false);
      }
    }
  }
  for (const svg of root.querySelectorAll('svg')) {
    expect(svg.textContent ?? '').not.toContain('__pwned');
  }
  expect((window as Pwned).__pwned).toBeUndefined();
}

function hostileActions(): Action[] {
  return [
    makeAction({
      id: 'MJ::JOB::upsample::1::h',
      label: hostile('U-label'),
      group: 'upscale',
      index: 1,
      kind: { type: 'upscale', index: 1 },
    }),
    makeAction({ id: 'MJ::JOB::reroll::0::h', label: hostile('reroll-label'), emoji: IMG }),
    makeAction({ id: 'emoji-only', label: '', emoji: hostile('emoji') }),
    makeAction({
      id: 'MJ::CustomZoom::h',
      label: hostile('zoom-label'),
      mode: 'needsPrompt',
      kind: { type: 'customZoom' },
    }),
    makeAction({
      id: 'MJ::Inpaint::h',
      label: hostile('mask-label'),
      mode: 'needsMask',
      kind: { type: 'varyRegion' },
    }),
    makeAction({
      id: 'link:1',
      label: hostile('link-label'),
      mode: 'link',
      url: `https://example.com/"><img src=x onerror="window.__pwned=7">`,
    }),
  ];
}

function renderCard(view: TaskView, error: string | null = null) {
  return render(TaskCard, {
    props: {
      view,
      error,
      canRetry: true,
      hasParent: true,
      onaction: vi.fn(),
      onretry: vi.fn(),
      oneditprompt: vi.fn(),
      oncancel: vi.fn(),
      onshowparent: vi.fn(),
    },
  });
}

describe('hostile provider text is shown as text', () => {
  it('on a finished task card: prompt, labels, emoji, status, parent, texts, errors', async () => {
    const view = makeView(
      {
        status: 'succeeded',
        prompt: hostile('prompt'),
        model: hostile('model'),
        parentId: 'p-1',
        textResults: [hostile('text-result')],
        actions: hostileActions(),
        // Provider addresses are never image sources: only `media` is.
        gridUrl: BAD_URLS[0],
        imageUrls: BAD_URLS,
        imageUrl: BAD_URLS[1],
        videoUrls: [BAD_URLS[2]],
      },
      {
        parentLabel: hostile('parent'),
        media: media({ error: hostile('media-error') }),
      },
    );
    const { container } = renderCard(view, hostile('card-error'));
    expectInert(container, [
      hostile('prompt'),
      hostile('parent'),
      hostile('text-result'),
      hostile('U-label'),
      hostile('reroll-label'),
      hostile('zoom-label'),
      hostile('link-label'),
      hostile('media-error'),
      hostile('card-error'),
    ]);
    expect(screen.getByTestId('task-error').textContent).toBe(hostile('card-error'));
    expect(screen.getByTestId('task-prompt').textContent).toBe(hostile('prompt'));
    expect(container.querySelector('img')).toBeNull();

    // Custom Zoom opens its dialog titled with the label, the prompt
    // prefilled as the textarea's value: both still text.
    await fireEvent.click(
      screen.getByRole('button', { name: hostile('zoom-label') }) as HTMLButtonElement,
    );
    const input = (await screen.findByTestId('zoom-prompt')) as HTMLTextAreaElement;
    expect(input.value).toBe(hostile('prompt'));
    expectInert(document.body, [hostile('zoom-label')]);

    // A link button whose address holds markup: the fallback sentence shows it literally.
    await fireEvent.click(
      screen.getByRole('button', { name: `${hostile('link-label')} (copy link)` }),
    );
    await waitFor(() => expect(document.body.textContent).toContain('Copy this address: https://'));
    expectInert(container, ['onerror="window.__pwned=7"']);
  });

  it("on a running task card: the provider's own status word", () => {
    // Status words of up to 40 characters are shown; this one is 38.
    const { container } = renderCard(makeView({ status: 'running', rawStatus: IMG, progress: 5 }));
    expect(screen.getByTestId('task-raw-status').textContent).toBe(IMG);
    expectInert(container, [IMG]);
  });

  it('on a failed task card: the provider error in the state line', () => {
    const { container } = renderCard(
      makeView({ status: 'failed', error: hostile('task-error'), prompt: hostile('prompt') }),
    );
    expect(screen.getByTestId('task-state').textContent).toBe(`Failed: ${hostile('task-error')}`);
    expectInert(container, [hostile('task-error'), hostile('prompt')]);
  });

  it('on the buttons alone', () => {
    const { container } = render(ActionButtons, {
      props: { actions: hostileActions(), prompt: hostile('prompt'), onaction: vi.fn() },
    });
    expectInert(container, [hostile('U-label'), hostile('reroll-label'), hostile('emoji')]);
    const reroll = screen.getByRole('button', { name: hostile('reroll-label') });
    expect(reroll.dataset.label).toBe(hostile('reroll-label'));
  });

  it("in the task lightbox's caption", () => {
    const src = 'asset://localhost/library/images/t/grid.png';
    render(Lightbox, { props: { src, alt: hostile('caption'), onclose: vi.fn() } });
    const box = screen.getByTestId('lightbox');
    expectInert(box, [hostile('caption')], [src]);
    expect(box.querySelector('img')?.getAttribute('alt')).toBe(hostile('caption'));
  });

  it('in the gallery lightbox: prompt, buttons, and an error from a failed action', async () => {
    const image = makeImage(7, { prompt: hostile('gallery-prompt') });
    const detail: ImageDetail = {
      image,
      task: makeView({
        id: image.item.taskId,
        status: 'succeeded',
        prompt: hostile('gallery-prompt'),
        actions: hostileActions(),
        imageUrls: BAD_URLS,
      }),
      parent: null,
      children: [],
      siblings: [image],
      collections: [],
    };
    ipcMock.imageDetail.mockResolvedValue(detail);
    ipcMock.runAction.mockRejectedValue({ code: 'rejected', message: hostile('action-error') });
    render(GalleryLightbox, {
      props: { store: new GalleryStore(), start: image, onclose: vi.fn() },
    });
    const box = await screen.findByTestId('lightbox');
    const reroll = await screen.findByRole('button', { name: hostile('reroll-label') });
    await fireEvent.click(reroll);
    await waitFor(() =>
      expect(screen.getByTestId('lightbox-error').textContent).toBe(hostile('action-error')),
    );
    expect(screen.getByTestId('lightbox-prompt').textContent).toContain(hostile('gallery-prompt'));
    expectInert(
      box,
      [hostile('gallery-prompt'), hostile('reroll-label'), hostile('action-error')],
      [image.src, image.thumbSrc],
    );
  });
});
