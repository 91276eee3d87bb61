// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TaskView } from '../bindings/TaskView';
import { app, FEED_BATCH, FEED_FIRST } from '../state.svelte';
import { makeQueued, makeView } from '../testing/fixtures';
import TaskFeed from './TaskFeed.svelte';

/** `count` finished tasks, newest first: t-0 is the newest. */
function manyTasks(count: number): TaskView[] {
  const start = Date.parse('2026-03-01T10:00:00Z');
  return Array.from({ length: count }, (_, i) =>
    makeView({
      id: `t-${i}`,
      status: 'succeeded',
      createdAt: new Date(start - i * 60_000).toISOString(),
    }),
  );
}

function cardIds(): string[] {
  return screen.getAllByTestId('task-card').map((c) => c.dataset.taskId ?? '');
}

beforeEach(() => {
  app.queue = [];
  app.tasks = manyTasks(200);
  app.tasksLoaded = true;
  app.tasksError = null;
  app.queueError = null;
  app.feedShown = FEED_FIRST;
  app.flashTaskId = null;
  app.view = 'create';
  // jsdom has no layout: the flashed card's scrolling is a no-op here.
  Element.prototype.scrollIntoView = vi.fn();
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('TaskFeed', () => {
  it('renders only the first batch of 200 cards, with the count and a Show more button', () => {
    app.queue = [makeQueued({ id: 'q-1' })];
    render(TaskFeed);
    expect(cardIds()).toEqual(Array.from({ length: FEED_FIRST }, (_, i) => `t-${i}`));
    expect(screen.getAllByTestId('queue-card')).toHaveLength(1);
    const count = screen.getByTestId('feed-count');
    expect(count.textContent?.trim()).toBe(`Showing ${FEED_FIRST} of 200 tasks`);
    expect(count.getAttribute('role')).toBe('status');
    const more = screen.getByTestId('feed-show-more');
    expect(more.tagName).toBe('BUTTON');
    expect(more.textContent?.trim()).toBe(`Show ${FEED_BATCH} more`);
  });

  it('"Show more" adds the next batch and focuses its first card', async () => {
    render(TaskFeed);
    await fireEvent.click(screen.getByTestId('feed-show-more'));
    await tick();
    const shown = FEED_FIRST + FEED_BATCH;
    expect(cardIds()).toHaveLength(shown);
    expect(cardIds()[shown - 1]).toBe(`t-${shown - 1}`);
    expect(screen.getByTestId('feed-count').textContent?.trim()).toBe(
      `Showing ${shown} of 200 tasks`,
    );
    expect((document.activeElement as HTMLElement).dataset.taskId).toBe(`t-${FEED_FIRST}`);
  });

  it('says how many are left on the last batch, and shows neither once all are rendered', async () => {
    app.tasks = manyTasks(FEED_FIRST + 5);
    render(TaskFeed);
    const more = screen.getByTestId('feed-show-more');
    expect(more.textContent?.trim()).toBe('Show 5 more');
    await fireEvent.click(more);
    await tick();
    expect(cardIds()).toHaveLength(FEED_FIRST + 5);
    expect(screen.queryByTestId('feed-show-more')).toBeNull();
    expect(screen.queryByTestId('feed-count')).toBeNull();
  });

  it('shows no count or button when every task fits in the first batch', () => {
    app.tasks = manyTasks(3);
    render(TaskFeed);
    expect(cardIds()).toHaveLength(3);
    expect(screen.queryByTestId('feed-show-more')).toBeNull();
    expect(screen.queryByTestId('feed-count')).toBeNull();
  });

  it('showTask renders a card far down (the 150th), then flashes and focuses it', async () => {
    render(TaskFeed);
    expect(document.querySelector('[data-task-id="t-149"]')).toBeNull();
    app.showTask('t-149');
    await tick();
    await vi.waitFor(() => {
      const card = document.querySelector<HTMLElement>(
        '[data-testid="task-card"][data-task-id="t-149"]',
      );
      expect(card).not.toBeNull();
      expect(card?.classList.contains('flash')).toBe(true);
      expect(document.activeElement).toBe(card);
    });
    expect(app.feedShown).toBe(150);
    expect(cardIds()).toHaveLength(150);
    expect(Element.prototype.scrollIntoView).toHaveBeenCalled();
  });

  it('keeps the same cards rendered when a new task arrives at the top', async () => {
    app.feedShown = FEED_FIRST + FEED_BATCH;
    render(TaskFeed);
    const before = cardIds();
    app.upsert(makeView({ id: 'new', status: 'running', createdAt: '2026-03-02T10:00:00Z' }));
    await tick();
    expect(cardIds()).toEqual(['new', ...before]);
    expect(screen.getByTestId('feed-count').textContent?.trim()).toBe(
      `Showing ${before.length + 1} of 201 tasks`,
    );
  });

  it('loads the next batch while the sentinel is within reach of the scrolled view', async () => {
    let report: ((entries: Partial<IntersectionObserverEntry>[]) => void) | undefined;
    const observe = vi.fn();
    const options: IntersectionObserverInit[] = [];
    vi.stubGlobal(
      'IntersectionObserver',
      class {
        constructor(
          cb: (entries: Partial<IntersectionObserverEntry>[]) => void,
          init: IntersectionObserverInit,
        ) {
          report = cb;
          options.push(init);
        }
        observe = observe;
        unobserve = vi.fn();
        disconnect = vi.fn();
      },
    );
    render(TaskFeed);
    await tick();
    expect(options[0].rootMargin).toBe('1500px 0px');
    const sentinel = screen.getByTestId('feed-more');
    expect(observe).toHaveBeenCalledWith(sentinel);

    observe.mockClear();
    report?.([{ isIntersecting: true, target: sentinel }]);
    await tick();
    expect(cardIds()).toHaveLength(FEED_FIRST + FEED_BATCH);
    // Observed afresh after the batch rendered, so it reports again if still in reach.
    expect(observe).toHaveBeenCalledWith(sentinel);

    report?.([{ isIntersecting: false, target: sentinel }]);
    await tick();
    expect(cardIds()).toHaveLength(FEED_FIRST + FEED_BATCH);
  });
});
