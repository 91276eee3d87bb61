// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { dragLeft } from './dragLeave';

/** A `dragleave` as the handler of `element` sees it (jsdom has no DragEvent). */
function leave(element: Element, init: { x?: number; y?: number; to?: Node | null }): DragEvent {
  return {
    currentTarget: element,
    relatedTarget: init.to ?? null,
    clientX: init.x ?? 0,
    clientY: init.y ?? 0,
  } as unknown as DragEvent;
}

describe('dragLeft', () => {
  const row = document.createElement('button');
  const name = document.createElement('span');
  row.append(name);
  document.body.append(row);
  row.getBoundingClientRect = () => new DOMRect(100, 80, 160, 30);

  it('trusts relatedTarget when there is one', () => {
    expect(dragLeft(leave(row, { to: name, x: 0, y: 0 }))).toBe(false);
    expect(dragLeft(leave(row, { to: document.body, x: 150, y: 90 }))).toBe(true);
  });

  it('without one (WebKitGTK), asks where the pointer is', () => {
    expect(dragLeft(leave(row, { x: 150, y: 90 }))).toBe(false);
    expect(dragLeft(leave(row, { x: 100, y: 80 }))).toBe(false);
    expect(dragLeft(leave(row, { x: 260, y: 90 }))).toBe(true);
    expect(dragLeft(leave(row, { x: 150, y: 110 }))).toBe(true);
    expect(dragLeft(leave(row, { x: 99, y: 90 }))).toBe(true);
  });
});
