// @vitest-environment jsdom
import { cleanup, createEvent, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { app } from '../state.svelte';
import { DRAG_TYPE } from '../workbench';
import Rail from './Rail.svelte';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  app.view = 'create';
});

const drag = { dataTransfer: { types: [DRAG_TYPE], getData: () => '' } };

describe('Rail: dragging a gallery image onto Create', () => {
  it('opens Create after a short rest, so the image can be dropped on an input', async () => {
    vi.useFakeTimers();
    app.view = 'gallery';
    render(Rail);
    await fireEvent.dragEnter(screen.getByTestId('nav-create'), drag);
    vi.advanceTimersByTime(300);
    expect(app.view).toBe('gallery');
    vi.advanceTimersByTime(400);
    expect(app.view).toBe('create');
  });

  it('does nothing when the drag leaves first, or carries no image', async () => {
    vi.useFakeTimers();
    app.view = 'gallery';
    render(Rail);
    const create = screen.getByTestId('nav-create');
    await fireEvent.dragEnter(create, drag);
    await fireEvent.dragLeave(create, { relatedTarget: document.body });
    vi.advanceTimersByTime(1000);
    expect(app.view).toBe('gallery');
    await fireEvent.dragEnter(create, {
      dataTransfer: { types: ['text/plain'], getData: () => '' },
    });
    vi.advanceTimersByTime(1000);
    expect(app.view).toBe('gallery');
  });

  it('keeps counting while the pointer rests on Create, though WebKit says the drag left', async () => {
    vi.useFakeTimers();
    app.view = 'gallery';
    render(Rail);
    const create = screen.getByTestId('nav-create');
    create.getBoundingClientRect = () => new DOMRect(8, 60, 66, 52);
    await fireEvent.dragEnter(create, drag);
    // WebKitGTK: the label's dragenter, then the button's dragleave with no relatedTarget.
    await fireEvent.dragEnter(create.querySelector('span')!, drag);
    const leave = createEvent.dragLeave(create, drag);
    Object.defineProperties(leave, { clientX: { value: 40 }, clientY: { value: 90 } });
    await fireEvent(create, leave);
    vi.advanceTimersByTime(700);
    expect(app.view).toBe('create');
  });
});
