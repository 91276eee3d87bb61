// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QueuedView } from '../bindings/QueuedView';
import { app } from '../state.svelte';
import { makeQueued, makeView } from '../testing/fixtures';
import QueueCard from './QueueCard.svelte';
import TaskFeed from './TaskFeed.svelte';

function renderCard(job: QueuedView) {
  return render(QueueCard, { props: { job } });
}

beforeEach(() => {
  app.queue = [];
  app.queueBusy = {};
  app.queueErrors = {};
  app.tasks = [];
  app.tasksLoaded = true;
  app.tasksError = null;
  app.queueError = null;
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('QueueCard', () => {
  it('shows its place in line, what it is, where it goes, the prompt, the note and the error', () => {
    renderCard(
      makeQueued({
        id: 'q-2',
        provider: 'journey',
        demo: true,
        kindLabel: 'Upscale 2',
        prompt: 'a lantern in the fog',
        position: 2,
        of: 5,
        note: 'JourneyAPI is busy; Atelier asks again at 10:05.',
        error: 'JourneyAPI refused the job: not enough credits.',
      }),
    );
    const card = screen.getByTestId('queue-card');
    expect(card.dataset).toMatchObject({ jobId: 'q-2', provider: 'journey', position: '2' });
    expect(screen.getByTestId('queue-title').textContent).toBe('Waiting (2 of 5)');
    expect(card.textContent).toContain('Upscale 2');
    expect(card.textContent).toContain(app.providerName('journey'));
    expect(card.querySelector('.badge')?.textContent).toBe('Demo');
    expect(card.querySelector('.prompt.clamp')?.textContent).toBe('a lantern in the fog');
    expect(screen.getByTestId('queue-note').textContent).toBe(
      'JourneyAPI is busy; Atelier asks again at 10:05.',
    );
    expect(screen.getByTestId('queue-error').textContent).toBe(
      'JourneyAPI refused the job: not enough credits.',
    );
    expect(screen.getByTestId('queue-up').getAttribute('aria-label')).toBe('Move up');
    expect(screen.getByTestId('queue-down').getAttribute('aria-label')).toBe('Move down');
  });

  it('has no note, error or Demo badge when there is none', () => {
    renderCard(makeQueued());
    expect(screen.queryByTestId('queue-note')).toBeNull();
    expect(screen.queryByTestId('queue-error')).toBeNull();
    expect(screen.getByTestId('queue-card').querySelector('.badge')).toBeNull();
  });

  it('cannot move up when first in line, nor down when last', () => {
    const { unmount } = renderCard(makeQueued({ position: 1, of: 3 }));
    expect((screen.getByTestId('queue-up') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('queue-down') as HTMLButtonElement).disabled).toBe(false);
    unmount();
    renderCard(makeQueued({ position: 3, of: 3 }));
    expect((screen.getByTestId('queue-up') as HTMLButtonElement).disabled).toBe(false);
    expect((screen.getByTestId('queue-down') as HTMLButtonElement).disabled).toBe(true);
  });

  it('a job alone in line moves neither way', () => {
    renderCard(makeQueued({ position: 1, of: 1 }));
    expect((screen.getByTestId('queue-up') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('queue-down') as HTMLButtonElement).disabled).toBe(true);
  });

  it('its buttons call the store with the job', async () => {
    const move = vi.spyOn(app, 'moveQueued').mockResolvedValue();
    const send = vi.spyOn(app, 'sendQueuedNow').mockResolvedValue();
    const cancel = vi.spyOn(app, 'cancelQueued').mockResolvedValue();
    const job = makeQueued({ id: 'q-mid', position: 2, of: 3 });
    renderCard(job);
    await fireEvent.click(screen.getByTestId('queue-up'));
    expect(move).toHaveBeenLastCalledWith(job, -1);
    await fireEvent.click(screen.getByTestId('queue-down'));
    expect(move).toHaveBeenLastCalledWith(job, 1);
    await fireEvent.click(screen.getByTestId('queue-send-now'));
    expect(send).toHaveBeenCalledWith(job);
    await fireEvent.click(screen.getByTestId('queue-cancel'));
    expect(cancel).toHaveBeenCalledWith(job);
  });

  it('keeps the focus on its arrows after a move, on the other one at an end', async () => {
    const job = makeQueued({ id: 'q-f', position: 2, of: 3 });
    const { rerender } = renderCard(job);
    vi.spyOn(app, 'moveQueued').mockImplementation(async () => {
      await rerender({ job: { ...job, position: 1 } });
    });
    const up = screen.getByTestId('queue-up') as HTMLButtonElement;
    up.focus();
    await fireEvent.click(up);
    await vi.waitFor(() => expect(up.disabled).toBe(true));
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('queue-down')));
  });

  it('shows what is being done, and the sentence of a failed call once', () => {
    app.queueBusy = { 'q-b': 'send' };
    app.queueErrors = { 'q-b': 'LinkrAPI refused the job.' };
    renderCard(makeQueued({ id: 'q-b', error: 'LinkrAPI refused the job.' }));
    const send = screen.getByTestId('queue-send-now') as HTMLButtonElement;
    expect(send.textContent).toBe('Sending…');
    expect(send.disabled).toBe(true);
    expect((screen.getByTestId('queue-cancel') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('queue-error').textContent).toBe('LinkrAPI refused the job.');
  });

  it('shows a failed call next to the reason the job is held', () => {
    app.queueErrors = { 'q-c': 'That job is no longer waiting.' };
    renderCard(makeQueued({ id: 'q-c', error: 'LinkrAPI refused the job.' }));
    expect(screen.getByTestId('queue-error').textContent).toBe(
      'LinkrAPI refused the job. That job is no longer waiting.',
    );
  });
});

describe('TaskFeed with waiting jobs', () => {
  it('shows the waiting jobs above the tasks, in queue order', () => {
    app.tasks = [makeView({ id: 't-1', status: 'running', progress: 40 })];
    app.queue = [
      makeQueued({ id: 'q-1', provider: 'linkr', position: 1, of: 2 }),
      makeQueued({ id: 'q-2', provider: 'journey', position: 1, of: 1 }),
      makeQueued({ id: 'q-3', provider: 'linkr', position: 2, of: 2 }),
    ];
    render(TaskFeed);
    const cards = [...document.querySelectorAll<HTMLElement>('[data-testid$="-card"]')];
    expect(cards.map((c) => c.dataset.jobId ?? c.dataset.taskId)).toEqual([
      'q-1',
      'q-2',
      'q-3',
      't-1',
    ]);
    expect(screen.getAllByTestId('queue-title').map((t) => t.textContent)).toEqual([
      'Waiting (1 of 2)',
      'Waiting (1 of 1)',
      'Waiting (2 of 2)',
    ]);
  });

  it('does not say "No images yet" while jobs wait', () => {
    app.queue = [makeQueued()];
    render(TaskFeed);
    expect(screen.queryByTestId('feed-empty')).toBeNull();
    expect(screen.getByTestId('queue-card')).toBeTruthy();
  });

  it('says "No images yet" when nothing is made and nothing waits', () => {
    render(TaskFeed);
    expect(screen.getByTestId('feed-empty')).toBeTruthy();
    expect(screen.queryByTestId('queue-card')).toBeNull();
  });
});
