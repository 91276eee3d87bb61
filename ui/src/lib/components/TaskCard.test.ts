// @vitest-environment jsdom
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { TaskView } from '../bindings/TaskView';
import { gridActions, makeView, media, singleActions } from '../testing/fixtures';
import TaskCard from './TaskCard.svelte';

function renderCard(view: TaskView, extra: Record<string, unknown> = {}) {
  const props = {
    view,
    onaction: vi.fn(),
    onretry: vi.fn(),
    oncheckagain: vi.fn(),
    oneditprompt: vi.fn(),
    oncancel: vi.fn(),
    onshowparent: vi.fn(),
    ...extra,
  };
  const result = render(TaskCard, { props });
  return { ...result, props };
}

const gridMedia = media({ grid: 'http://127.0.0.1:1/grid.png', singlesFromGrid: true });

describe('TaskCard', () => {
  it('shows a queued task with an indeterminate bar', () => {
    renderCard(makeView({ id: 'q1', status: 'queued', rawStatus: 'staged' }));
    const card = screen.getByTestId('task-card');
    expect(card.dataset).toMatchObject({ taskId: 'q1', status: 'queued', kind: 'imagine' });
    expect(screen.getByTestId('task-state').textContent).toBe('Queued');
    const bar = screen.getByTestId('task-progress');
    expect(bar.getAttribute('role')).toBe('progressbar');
    expect(bar.hasAttribute('aria-valuenow')).toBe(false);
    expect(screen.getByTestId('task-raw-status').textContent).toBe('staged');
  });

  it('shows a running task with a real progress bar and the raw word', () => {
    renderCard(makeView({ status: 'running', progress: 45, rawStatus: 'processing' }));
    expect(screen.getByTestId('task-state').textContent).toBe('Running 45%');
    const bar = screen.getByTestId('task-progress') as HTMLProgressElement;
    expect(bar.tagName).toBe('PROGRESS');
    expect(bar.value).toBe(45);
    expect(bar.max).toBe(100);
    expect(bar.getAttribute('aria-valuenow')).toBe('45');
    expect(screen.getByText('processing')).toBeTruthy();
  });

  it('offers Retry and Edit prompt on a failed task', async () => {
    const { props } = renderCard(makeView({ status: 'failed', error: 'Blocked by moderation.' }), {
      canRetry: true,
    });
    expect(screen.getByTestId('task-state').textContent).toBe('Failed: Blocked by moderation.');
    await fireEvent.click(screen.getByTestId('task-retry'));
    expect(props.onretry).toHaveBeenCalledOnce();
    await fireEvent.click(screen.getByTestId('task-edit-prompt'));
    expect(props.oneditprompt).toHaveBeenCalledOnce();
    expect(screen.queryByTestId('task-progress')).toBeNull();
  });

  it('shows timed out with a next step', () => {
    renderCard(makeView({ status: 'timed_out' }), { canRetry: true });
    expect(screen.getByTestId('task-state').textContent).toBe('Timed out');
    expect(screen.getByTestId('task-retry')).toBeTruthy();
  });

  it('lays out a finished grid: image, four cropped singles, U and V rows, then the rest', async () => {
    const { props } = renderCard(
      makeView({ id: 'g1', status: 'succeeded', actions: gridActions() }, { media: gridMedia }),
    );
    expect(screen.getByTestId('task-state').textContent).toBe('Done');
    expect(screen.getByTestId('task-grid')).toBeTruthy();
    const singles = screen.getAllByTestId('task-single');
    expect(singles.map((s) => s.dataset.index)).toEqual(['1', '2', '3', '4']);
    const crop = singles[1].querySelector('span') as HTMLElement;
    expect(crop.style.backgroundPosition).toBe('100% 0%');

    const rows = screen.getAllByRole('group').filter((g) => g.classList.contains('four'));
    expect(rows).toHaveLength(2);
    expect(
      within(rows[0])
        .getAllByRole('button')
        .map((b) => b.textContent?.trim()),
    ).toEqual(['U1', 'U2', 'U3', 'U4']);
    expect(
      within(rows[1])
        .getAllByRole('button')
        .map((b) => b.textContent?.trim()),
    ).toEqual(['V1', 'V2', 'V3', 'V4']);

    const u2 = screen.getByTestId('action-U2');
    expect(u2.dataset.actionId).toBe('MJ::JOB::upsample::2::abc');
    await fireEvent.mouseEnter(u2);
    expect(singles[1].classList.contains('lit')).toBe(true);
    await fireEvent.click(u2);
    expect(props.onaction).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'MJ::JOB::upsample::2::abc' }),
      null,
    );
    expect(screen.getByTestId('action-Reroll').getAttribute('aria-label')).toBe('Reroll');
  });

  it('shows a single result and its buttons; Vary (Region) is disabled with a reason', async () => {
    const { props } = renderCard(
      makeView(
        {
          status: 'succeeded',
          kind: { type: 'upscale', index: 2 },
          kindLabel: 'Upscale 2',
          parentId: 'g1',
          // LinkrAPI cannot take a mask: the core says so on the button.
          actions: singleActions().map((a) =>
            a.kind?.type === 'varyRegion'
              ? {
                  ...a,
                  unavailable: 'LinkrAPI cannot take a mask: choose JourneyAPI for Vary (Region).',
                }
              : a,
          ),
        },
        {
          media: media({
            grid: null,
            singles: [],
            single: 'http://127.0.0.1:1/u2.png',
            singlesFromGrid: false,
          }),
          parentLabel: 'a red fox',
        },
      ),
      { hasParent: true },
    );
    expect(screen.getByTestId('task-card').dataset.parentId).toBe('g1');
    expect(screen.getByTestId('task-card').dataset.kind).toBe('upscale');
    expect(screen.getByTestId('task-image')).toBeTruthy();
    expect(screen.getByText(/Upscale 2/)).toBeTruthy();
    await fireEvent.click(screen.getByTestId('task-parent-link'));
    expect(props.onshowparent).toHaveBeenCalledOnce();

    // A button that cannot be sent stays focusable and says why (on hover and on focus).
    const region = screen.getByTestId('action-Vary-Region') as HTMLButtonElement;
    expect(region.disabled).toBe(false);
    expect(region.getAttribute('aria-disabled')).toBe('true');
    const reason = region.querySelector('[data-testid="action-reason"]');
    expect(reason?.textContent).toMatch(/cannot take a mask/);
    expect(region.getAttribute('aria-describedby')).toBe(reason?.id);
    await fireEvent.click(region);
    expect(props.onaction).not.toHaveBeenCalled();

    const pan = screen.getByTestId('action-Pan-left');
    // A drawn arrow, not the emoji (which needs an emoji font the machine may not have).
    expect(pan.querySelector('svg')).not.toBeNull();
    expect(pan.textContent).not.toContain('⬅️');
    expect(pan.getAttribute('aria-label')).toBe('Pan left');
  });

  it('asks for a prompt and a zoom ratio before sending Custom Zoom', async () => {
    const { props } = renderCard(
      makeView(
        { status: 'succeeded', prompt: 'a red fox', actions: singleActions() },
        {
          media: media({ grid: null, singles: [], single: 'x.png', singlesFromGrid: false }),
        },
      ),
    );
    await fireEvent.click(screen.getByTestId('action-Custom-Zoom'));
    expect(props.onaction).not.toHaveBeenCalled();
    const input = screen.getByTestId('zoom-prompt') as HTMLTextAreaElement;
    expect(input.value).toBe('a red fox');
    await fireEvent.input(input, { target: { value: 'a red fox in a wide field' } });
    await fireEvent.input(screen.getByTestId('zoom-ratio'), { target: { value: '1.8' } });
    await fireEvent.click(screen.getByTestId('zoom-confirm'));
    expect(props.onaction).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'MJ::CustomZoom::abc' }),
      { prompt: 'a red fox in a wide field', mask: null, zoomRatio: 1.8, aspectRatio: null },
    );
    expect(screen.queryByTestId('zoom-dialog')).toBeNull();
  });

  it('offers Check again on a task Atelier stopped waiting for, and says it keeps checking', async () => {
    const until = new Date(Date.now() + 20 * 3600_000).toISOString();
    const { props } = renderCard(
      makeView({ status: 'timed_out', recheckUntil: until, error: 'Stopped waiting.' }),
    );
    expect(screen.getByTestId('task-timed-out-hint').textContent).toMatch(
      /checks again quietly until .*checking is free.*Retry would start, and charge for, a new job/s,
    );
    await fireEvent.click(screen.getByTestId('task-check-again'));
    expect(props.oncheckagain).toHaveBeenCalledOnce();
  });

  it('offers no Check again when the provider itself gave up, and marks a late result', () => {
    renderCard(makeView({ status: 'timed_out', recheckUntil: null }));
    expect(screen.queryByTestId('task-check-again')).toBeNull();
    expect(screen.getByTestId('task-timed-out-hint').textContent).toMatch(/did not finish in time/);
  });

  it('says when a result arrived late', () => {
    renderCard(makeView({ status: 'succeeded', finishedLate: true }));
    expect(screen.getByTestId('task-state').textContent).toBe('Done (late)');
    expect(screen.getByTestId('task-late').textContent).toBe('Finished late');
  });

  it('shows an action error on the card', () => {
    renderCard(makeView({ status: 'succeeded' }), { error: 'That button has expired.' });
    expect(screen.getByTestId('task-error').textContent).toBe('That button has expired.');
  });
});
