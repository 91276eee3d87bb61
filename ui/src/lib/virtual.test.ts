import { describe, expect, it } from 'vitest';
import {
  anchorScrollTop,
  cellSlot,
  recycledRange,
  recycleSlots,
  columnCount,
  gridKeyTarget,
  gridWindow,
  needsMore,
  scrollToReveal,
} from './virtual';

const base = {
  scrollTop: 0,
  viewportHeight: 800,
  containerWidth: 1000,
  itemCount: 1000,
  cellSize: 200,
  gap: 8,
  overscanRows: 2,
};

describe('columnCount', () => {
  it('fits as many cells of at least the wanted size as the width allows', () => {
    expect(columnCount(1000, 200, 8)).toBe(4); // 4*200 + 3*8 = 824 <= 1000 < 5*200 + 4*8
    expect(columnCount(1032, 200, 8)).toBe(5); // exactly 5*200 + 4*8
    expect(columnCount(1031, 200, 8)).toBe(4);
    expect(columnCount(100, 200, 8)).toBe(1);
    expect(columnCount(0, 200, 8)).toBe(1);
    expect(columnCount(NaN, 200, 8)).toBe(1);
  });
});

describe('gridWindow', () => {
  it('stretches cells to fill the width and measures rows', () => {
    const w = gridWindow(base);
    expect(w.columns).toBe(4);
    expect(w.cellSize).toBe((1000 - 3 * 8) / 4); // 244
    expect(w.rowHeight).toBe(252);
    expect(w.rows).toBe(250);
    expect(w.totalHeight).toBe(250 * 252 - 8);
    // the last cell of a row ends exactly at the container's edge
    expect(3 * w.rowHeight + w.cellSize).toBe(1000);
  });

  it('renders the rows in view plus overscan at the top', () => {
    const w = gridWindow(base);
    expect(w.firstRow).toBe(0);
    expect(w.lastRow).toBe(Math.ceil(800 / 252) + 2); // 4 visible rows + 2 overscan
    expect(w.firstIndex).toBe(0);
    expect(w.lastIndex).toBe(w.lastRow * 4);
    expect(w.offsetTop).toBe(0);
  });

  it('moves the window with the scroll position', () => {
    const w = gridWindow({ ...base, scrollTop: 252 * 100 + 10 });
    expect(w.firstRow).toBe(98);
    expect(w.lastRow).toBe(Math.ceil((252 * 100 + 10 + 800) / 252) + 2);
    expect(w.firstIndex).toBe(98 * 4);
    expect(w.offsetTop).toBe(98 * 252);
  });

  it('clamps at the end and for scroll positions past it', () => {
    const w = gridWindow({ ...base, itemCount: 10, scrollTop: 99_999 });
    expect(w.rows).toBe(3);
    expect(w.lastRow).toBe(3);
    expect(w.lastIndex).toBe(10);
    expect(w.firstIndex).toBeLessThanOrEqual(w.lastIndex);
  });

  it('handles nothing at all', () => {
    const w = gridWindow({ ...base, itemCount: 0 });
    expect(w).toMatchObject({ rows: 0, totalHeight: 0, firstIndex: 0, lastIndex: 0 });
    const narrow = gridWindow({ ...base, containerWidth: 0, viewportHeight: 0 });
    expect(narrow.columns).toBe(1);
    expect(narrow.cellSize).toBeGreaterThan(0);
  });

  it('keeps the rendered cells bounded at 100,000 items, wherever the scroll is', () => {
    const itemCount = 100_000;
    const top = gridWindow({ ...base, itemCount });
    const bound = (Math.ceil(800 / top.rowHeight) + 1 + 2 * 2) * top.columns;
    expect(top.totalHeight).toBeGreaterThan(6_000_000);
    for (const scrollTop of [0, 1234, 3_000_000, top.totalHeight / 2, top.totalHeight, 1e12]) {
      const w = gridWindow({ ...base, itemCount, scrollTop });
      const rendered = w.lastIndex - w.firstIndex;
      expect(rendered).toBeGreaterThan(0);
      expect(rendered).toBeLessThanOrEqual(bound);
      expect(w.lastIndex).toBeLessThanOrEqual(itemCount);
    }
    // the smallest thumbnails on a wide screen are still a few hundred cells at most
    const small = gridWindow({
      ...base,
      itemCount,
      cellSize: 120,
      containerWidth: 2560,
      viewportHeight: 1440,
      scrollTop: 5_000_000,
    });
    expect(small.lastIndex - small.firstIndex).toBeLessThan(400);
  });
});

describe('scrollToReveal', () => {
  const layout = gridWindow(base);
  it('leaves the scroll alone when the cell is in view', () => {
    expect(scrollToReveal(5, 0, 800, layout)).toBe(0);
  });
  it('scrolls up to a cell above', () => {
    expect(scrollToReveal(0, 500, 800, layout)).toBe(0);
    expect(scrollToReveal(40, 252 * 20, 800, layout)).toBe(252 * 10);
  });
  it('scrolls down just enough for a cell below', () => {
    const top = scrollToReveal(40, 0, 800, layout); // row 10
    expect(top).toBe(10 * 252 + layout.cellSize - 800);
  });
});

describe('anchorScrollTop', () => {
  const layout = { columns: 4, rowHeight: 100 };
  it('stays at the top so new images show', () => {
    expect(anchorScrollTop(0, 3, layout)).toBe(0);
  });
  it('keeps the images in view in place when rows were added above', () => {
    expect(anchorScrollTop(1000, 4, layout)).toBe(1100);
    expect(anchorScrollTop(1000, 8, layout)).toBe(1200);
    // the first visible image (index 40) moves to index 42: same row
    expect(anchorScrollTop(1000, 2, layout)).toBe(1000);
    // index 40 -> 43: still row 10; 40 -> 44: row 11
    expect(anchorScrollTop(1050, 3, layout)).toBe(1050);
    expect(anchorScrollTop(1050, 4, layout)).toBe(1150);
  });
  it('does nothing when nothing was added', () => {
    expect(anchorScrollTop(500, 0, layout)).toBe(500);
  });
});

describe('needsMore', () => {
  it('asks for the next page when the window nears the end of what is loaded', () => {
    expect(needsMore({ lastRow: 10, columns: 4 }, 200, true)).toBe(false);
    expect(needsMore({ lastRow: 44, columns: 4 }, 200, true)).toBe(true);
    expect(needsMore({ lastRow: 50, columns: 4 }, 200, true)).toBe(true);
  });
  it('never when there is no next page', () => {
    expect(needsMore({ lastRow: 50, columns: 4 }, 200, false)).toBe(false);
  });
});

describe('gridKeyTarget', () => {
  it('moves by one, by a row, by pages and to the ends', () => {
    expect(gridKeyTarget('ArrowRight', 5, 4, 100)).toBe(6);
    expect(gridKeyTarget('ArrowLeft', 5, 4, 100)).toBe(4);
    expect(gridKeyTarget('ArrowDown', 5, 4, 100)).toBe(9);
    expect(gridKeyTarget('ArrowUp', 5, 4, 100)).toBe(1);
    expect(gridKeyTarget('PageDown', 5, 4, 100)).toBe(17);
    expect(gridKeyTarget('Home', 50, 4, 100)).toBe(0);
    expect(gridKeyTarget('End', 5, 4, 100)).toBe(99);
  });
  it('stops at the edges', () => {
    expect(gridKeyTarget('ArrowLeft', 0, 4, 100)).toBe(0);
    expect(gridKeyTarget('ArrowRight', 99, 4, 100)).toBe(99);
    expect(gridKeyTarget('ArrowUp', 2, 4, 100)).toBe(2);
    expect(gridKeyTarget('ArrowDown', 97, 4, 100)).toBe(99);
  });
  it('ignores other keys and empty grids', () => {
    expect(gridKeyTarget('a', 1, 4, 100)).toBeNull();
    expect(gridKeyTarget('ArrowRight', 0, 4, 0)).toBeNull();
  });
});

describe('cell recycling', () => {
  const geometry = { containerWidth: 1180, viewportHeight: 860, cellSize: 200, gap: 6 };
  const windowAt = (scrollTop: number, itemCount = 40_000) =>
    gridWindow({ ...geometry, scrollTop, itemCount });
  const keysAt = (scrollTop: number, itemCount = 40_000) => {
    const w = windowAt(scrollTop, itemCount);
    const slots = recycleSlots({ viewportHeight: geometry.viewportHeight, ...w });
    const { first, last } = recycledRange(w, slots, itemCount);
    expect(first).toBeLessThanOrEqual(w.firstIndex);
    expect(last).toBeGreaterThanOrEqual(w.lastIndex);
    const keys: number[] = [];
    for (let i = first; i < last; i++) keys.push(cellSlot(i, slots));
    return keys;
  };

  it('gives every cell of any window its own slot', () => {
    const { rowHeight } = windowAt(0);
    for (let top = 0; top < 1000 * rowHeight; top += 37) {
      const keys = keysAt(top);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it('builds no cell while scrolling: the cells scrolled out come back in as the next images', () => {
    const { rowHeight } = windowAt(0);
    const cellsAt = (top: number) =>
      keysAt(top)
        .sort((a, b) => a - b)
        .join(',');
    const steady = cellsAt(0);
    const changed: number[] = [];
    for (const step of [7, 37, 100, 333]) {
      for (let top = 0; top < 1000 * rowHeight; top += step) {
        if (cellsAt(top) !== steady) changed.push(top);
      }
    }
    expect(changed).toEqual([]);
  });

  it('counts the rows a viewport touches, the overscan and the columns', () => {
    expect(recycleSlots({ viewportHeight: 860, rowHeight: 206, columns: 5 })).toBe((5 + 1 + 4) * 5);
    expect(recycleSlots({ viewportHeight: 0, rowHeight: 0, columns: 0 })).toBe(5);
  });
});
