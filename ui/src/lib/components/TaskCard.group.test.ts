// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TaskView } from '../bindings/TaskView';
import { app } from '../state.svelte';
import { makeImage, makeQueued, makeView } from '../testing/fixtures';
import GalleryLightboxDetails from './GalleryLightboxDetails.svelte';
import QueueCard from './QueueCard.svelte';
import TaskCard from './TaskCard.svelte';

function renderCard(view: TaskView) {
  return render(TaskCard, {
    props: {
      view,
      onaction: vi.fn(),
      onretry: vi.fn(),
      oneditprompt: vi.fn(),
      oncancel: vi.fn(),
      onshowparent: vi.fn(),
    },
  });
}

const group = { id: 'g-1', position: 2, count: 4, choices: ['red', '16:9'] };

afterEach(() => {
  cleanup();
  app.closeContactSheet();
});

describe('a task of a permutation group', () => {
  it('shows its place and choices, and opens the contact sheet', async () => {
    renderCard(makeView({ prompt: 'a red bird --ar 16:9' }, { group }));
    expect(screen.getByTestId('task-group').textContent).toBe('2 of 4 · red · 16:9');
    const open = screen.getByTestId('open-contact-sheet');
    expect(open.tagName).toBe('BUTTON');
    expect(open.textContent).toBe('Contact sheet');
    await fireEvent.click(open);
    expect(app.sheetGroupId).toBe('g-1');
  });

  it('shows nothing of a group for a task without one', () => {
    renderCard(makeView());
    expect(screen.queryByTestId('task-group')).toBeNull();
    expect(screen.queryByTestId('open-contact-sheet')).toBeNull();
  });

  it('a waiting job of a group shows the same words', () => {
    render(QueueCard, { props: { job: makeQueued({ group }) } });
    expect(screen.getByTestId('queue-group').textContent).toBe('2 of 4 · red · 16:9');
  });

  it("the gallery lightbox says its image's task is in a group, and opens the sheet", async () => {
    const oncontactsheet = vi.fn();
    const props = {
      item: makeImage(3).item,
      prompt: 'a red bird',
      oncopy: vi.fn(),
      onreuse: vi.fn(),
    };
    const { unmount } = render(GalleryLightboxDetails, {
      props: { ...props, group, oncontactsheet },
    });
    expect(screen.getByTestId('lightbox-group').textContent).toContain('In a group of 4 prompts');
    await fireEvent.click(screen.getByTestId('lightbox-contact-sheet'));
    expect(oncontactsheet).toHaveBeenCalledWith('g-1');
    unmount();
    render(GalleryLightboxDetails, { props });
    expect(screen.queryByTestId('lightbox-contact-sheet')).toBeNull();
  });
});
