import { describe, expect, it } from 'vitest';
import type { LineageNode } from './bindings/LineageNode';
import {
  branchSource,
  countText,
  inputsLabel,
  inputTiles,
  isLineageKey,
  isVideoNode,
  lineageKeyTarget,
  lineageLayout,
  lineageRows,
  linkHost,
  MAX_INDENT,
  nodeTexts,
  promptChange,
  textsLabel,
} from './lineage';
import { makeImage } from './testing/fixtures';

/** A task of a lineage: `id` made from `parent` (depth given by the caller). */
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
    kindLabel: parent ? 'Upscale 1' : 'Imagine',
    prompt: 'a red fox in the snow',
    promptChanged: false,
    referenceImage: null,
    createdAt: '2026-03-01T10:00:00Z',
    image: null,
    current: false,
    ...over,
  };
}

/**
 *   a
 *   ├ b
 *   │ ├ c
 *   │ └ d
 *   └ e
 *     └ f
 */
const tree = [
  node('a', null, 0),
  node('b', 'a', 1),
  node('c', 'b', 2),
  node('d', 'b', 2),
  node('e', 'a', 1),
  node('f', 'e', 2),
];

/** A chain of `n` tasks, each made from the one before. */
const chain = (n: number) =>
  Array.from({ length: n }, (_, i) => node(`t${i}`, i === 0 ? null : `t${i - 1}`, i));

describe('lineageRows', () => {
  it('indents by depth and knows parents and children', () => {
    const rows = lineageRows(tree);
    expect(rows.map((r) => r.level)).toEqual([0, 1, 2, 2, 1, 2]);
    expect(rows.map((r) => r.parent)).toEqual([null, 0, 1, 1, 0, 4]);
    expect(rows[0].children).toEqual([1, 4]);
    expect(rows[1].children).toEqual([2, 3]);
    expect(rows[5].children).toEqual([]);
  });

  it('ends the elbow on the last child and draws a stem under parents', () => {
    const rows = lineageRows(tree);
    expect(rows.map((r) => r.last)).toEqual([true, false, false, true, true, true]);
    expect(rows.map((r) => r.stem)).toEqual([true, true, false, false, true, false]);
  });

  it('carries the line of an ancestor that has later siblings through the rows between', () => {
    const rows = lineageRows(tree);
    // c and d sit under b, which has a later sibling (e): column 0 carries a line.
    expect(rows[2].guides).toEqual([true]);
    expect(rows[3].guides).toEqual([true]);
    // f sits under e, the last child of a: nothing passes through column 0.
    expect(rows[5].guides).toEqual([false]);
    expect(rows[0].guides).toEqual([]);
    expect(rows[1].guides).toEqual([]);
  });

  it('counts depth from the rows, not from the numbers it is given', () => {
    const rows = lineageRows([node('a', null, 0), node('b', 'a', 7), node('x', 'gone', 3)]);
    expect(rows.map((r) => r.depth)).toEqual([0, 1, 0]);
    expect(rows[2].parent).toBeNull();
  });

  it('stops indenting at MAX_INDENT and hangs deeper tasks from the last drawn level', () => {
    const rows = lineageRows(chain(MAX_INDENT + 5));
    expect(Math.max(...rows.map((r) => r.level))).toBe(MAX_INDENT);
    const deep = rows[MAX_INDENT + 3];
    expect(deep.level).toBe(MAX_INDENT);
    expect(deep.clamped).toBe(true);
    expect(deep.depth).toBe(MAX_INDENT + 3);
    expect(deep.guides).toHaveLength(MAX_INDENT - 1);
    expect(rows[MAX_INDENT].clamped).toBe(false);
    // The deep ones line up as the children of the task at level MAX_INDENT - 1: only the
    // last has its elbow ended, and none of them draws a stem of its own.
    const under = rows.slice(MAX_INDENT);
    expect(under.map((r) => r.last)).toEqual([false, false, false, false, true]);
    expect(under.every((r) => !r.stem)).toBe(true);
    expect(rows[MAX_INDENT - 1].stem).toBe(true);
    // The real tree is kept for the keys.
    expect(deep.parent).toBe(MAX_INDENT + 2);
  });

  it('shows what changed in the prompt only where it changed', () => {
    const rows = lineageRows([
      node('a', null, 0, { prompt: 'a red fox in the snow' }),
      node('b', 'a', 1, { prompt: 'a red fox in the snow at dawn', promptChanged: true }),
      node('c', 'b', 2, { prompt: 'a red fox in the snow at dawn' }),
    ]);
    expect(rows[0].change).toBeNull();
    expect(rows[1].change).toEqual({ type: 'diff', added: ['at dawn'], removed: [] });
    expect(rows[2].change).toBeNull();
  });

  it('shows the whole new prompt of a top whose parent is not here', () => {
    const rows = lineageRows([node('a', 'elsewhere', 0, { promptChanged: true })]);
    expect(rows[0].change).toEqual({ type: 'new', text: 'a red fox in the snow' });
  });
});

describe('promptChange', () => {
  it('says the phrases added and taken out', () => {
    expect(
      promptChange('a red fox in the snow --ar 1:1', 'a blue fox in the snow --ar 1:1'),
    ).toEqual({ type: 'diff', added: ['blue'], removed: ['red'] });
    expect(promptChange('a red fox in the snow', 'a fox in the snow')).toEqual({
      type: 'diff',
      added: [],
      removed: ['red'],
    });
  });

  it('gives the new prompt when most of it changed', () => {
    expect(promptChange('a red fox in the snow', 'an old lighthouse at night')).toEqual({
      type: 'new',
      text: 'an old lighthouse at night',
    });
    // Five separate changes are too many for a short line.
    expect(promptChange('a b c d e f g h i j k', 'a X c X e X g X i X k')).toEqual({
      type: 'new',
      text: 'a X c X e X g X i X k',
    });
  });

  it('gives the new prompt when there is nothing to compare with', () => {
    expect(promptChange(null, ' a fox ')).toEqual({ type: 'new', text: 'a fox' });
    expect(promptChange('a fox', null)).toEqual({ type: 'new', text: '' });
    // Only the spacing differs: no word changed, so the prompt itself.
    expect(promptChange('a  fox', 'a fox')).toEqual({ type: 'new', text: 'a fox' });
  });
});

describe('lineageLayout', () => {
  it('counts the tasks and finds the current one', () => {
    const layout = lineageLayout({
      nodes: tree.map((n) => (n.taskId === 'd' ? { ...n, current: true } : n)),
      missingParent: null,
      truncated: false,
    });
    expect(layout.count).toBe('6 tasks');
    expect(layout.currentIndex).toBe(3);
    expect(layout.missingNote).toBeNull();
    expect(layout.truncatedNote).toBeNull();
  });

  it('says when the top came from elsewhere and when the list was cut', () => {
    const layout = lineageLayout({ nodes: chain(400), missingParent: 'mj-77', truncated: true });
    expect(layout.missingNote).toBe('Made from task mj-77, which is not in this library.');
    expect(layout.truncatedNote).toBe('Only the first 400 tasks are shown.');
    expect(layout.count).toBe('400+ tasks');
    expect(layout.currentIndex).toBe(0);
  });

  it('words the count', () => {
    expect(countText(1, false)).toBe('1 task');
    expect(countText(0, false)).toBe('0 tasks');
  });
});

describe('lineageKeyTarget', () => {
  const rows = lineageRows(tree);

  it('moves up and down in reading order, to the parent and to the first child', () => {
    expect(lineageKeyTarget(rows, 1, 'ArrowDown')).toBe(2);
    expect(lineageKeyTarget(rows, 2, 'ArrowUp')).toBe(1);
    expect(lineageKeyTarget(rows, 3, 'ArrowLeft')).toBe(1);
    expect(lineageKeyTarget(rows, 0, 'ArrowRight')).toBe(1);
    expect(lineageKeyTarget(rows, 4, 'ArrowRight')).toBe(5);
    expect(lineageKeyTarget(rows, 3, 'Home')).toBe(0);
    expect(lineageKeyTarget(rows, 0, 'End')).toBe(5);
  });

  it('goes nowhere past the ends or for other keys', () => {
    expect(lineageKeyTarget(rows, 0, 'ArrowUp')).toBeNull();
    expect(lineageKeyTarget(rows, 5, 'ArrowDown')).toBeNull();
    expect(lineageKeyTarget(rows, 0, 'ArrowLeft')).toBeNull();
    expect(lineageKeyTarget(rows, 2, 'ArrowRight')).toBeNull();
    expect(lineageKeyTarget(rows, 0, 'Home')).toBeNull();
    expect(lineageKeyTarget(rows, 0, 'Enter')).toBeNull();
    expect(lineageKeyTarget([], 0, 'ArrowDown')).toBeNull();
  });
});

describe('isLineageKey', () => {
  const key = (k: string, mods: Partial<Record<string, boolean>> = {}) => ({
    key: k,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    shiftKey: false,
    ...mods,
  });

  it('is L without modifiers, not while typing', () => {
    expect(isLineageKey(key('l'), false)).toBe(true);
    expect(isLineageKey(key('L'), false)).toBe(true);
    expect(isLineageKey(key('l'), true)).toBe(false);
    expect(isLineageKey(key('l', { ctrlKey: true }), false)).toBe(false);
    expect(isLineageKey(key('L', { shiftKey: true }), false)).toBe(false);
    expect(isLineageKey(key('k'), false)).toBe(false);
  });
});

describe('branchSource', () => {
  const fallback = { provider: 'linkr' as const, model: 'midjourney' };

  it('takes the provider and model of the node image', () => {
    const image = makeImage(5, { provider: 'journey', model: 'niji' });
    expect(branchSource({ prompt: ' a fox ', image, referenceImage: null }, fallback)).toEqual({
      prompt: 'a fox',
      provider: 'journey',
      model: 'niji',
      referenceImage: null,
    });
  });

  it('falls back to the shown image without a picture, and gives nothing without a prompt', () => {
    expect(branchSource({ prompt: 'a fox', image: null, referenceImage: null }, fallback)).toEqual({
      prompt: 'a fox',
      ...fallback,
      referenceImage: null,
    });
    expect(branchSource({ prompt: '  ', image: null, referenceImage: null }, fallback)).toBeNull();
    expect(branchSource({ prompt: null, image: null, referenceImage: null }, fallback)).toBeNull();
  });

  it('carries the reference image the prompt was sent with', () => {
    const source = branchSource(
      { prompt: 'a fox', image: null, referenceImage: 'https://example.com/fox.png' },
      fallback,
    );
    expect(source?.referenceImage).toBe('https://example.com/fox.png');
  });
});

describe('the creation modes in a lineage', () => {
  const fox = makeImage(5, { taskId: 'up', kindLabel: 'Upscale 2', prompt: 'a red fox --ar 1:1' });
  const blend = node('blend', null, 0, {
    kindLabel: 'Blend',
    prompt: null,
    inputs: [
      { url: 'https://cdn.example.com/a/fox.png', taskId: 'up', image: fox },
      { url: 'https://www.pics.example.org/owl.png?x=1', taskId: null, image: null },
      { url: 'not a link at all, just words', taskId: null, image: null },
    ],
  });

  it('gives a blend its several parents: library pictures to open, other links by host', () => {
    const [row] = lineageRows([blend]);
    expect(row.inputsLabel).toBe('Blended from');
    expect(row.inputs.map((t) => [t.image?.item.imageId ?? null, t.host])).toEqual([
      [5, 'cdn.example.com'],
      [null, 'pics.example.org'],
      [null, 'not a link at all, just…'],
    ]);
    expect(row.inputs[0].label).toBe('Open input 1 of 3: Upscale 2: a red fox');
    expect(row.inputs[1].label).toBe('Input 2 of 3: pics.example.org (not in the library)');
    expect(row.texts).toEqual([]);
    expect(row.textsLabel).toBeNull();
    expect(row.video).toBe(false);
  });

  it('has no inputs for imagines and buttons', () => {
    const rows = lineageRows([node('a', null, 0), node('b', 'a', 1, { inputs: [] })]);
    expect(rows.map((r) => [r.inputs.length, r.inputsLabel])).toEqual([
      [0, null],
      [0, null],
    ]);
  });

  it('names what the inputs are to each mode', () => {
    expect(inputsLabel('Blend', 2)).toBe('Blended from');
    expect(inputsLabel('Describe', 1)).toBe('Described from');
    expect(inputsLabel('Video', 1)).toBe('Start frame');
    expect(inputsLabel('Face swap', 1)).toBe('Made from');
    expect(inputsLabel('Face swap', 2)).toBe('Made from these');
    expect(
      inputTiles({ inputs: [{ url: 'https://x.test/1.png', taskId: null, image: null }] })[0].label,
    ).toBe('Input: x.test (not in the library)');
    expect(inputTiles({})).toEqual([]);
  });

  it('reads hosts tolerantly', () => {
    expect(linkHost('https://www.example.com/a.png')).toBe('example.com');
    expect(linkHost('http://192.168.1.9:8080/a.png')).toBe('192.168.1.9');
    expect(linkHost('   ')).toBe('link');
    expect(linkHost('short words')).toBe('short words');
  });

  it('gives a describe its prompts and a shorten its variants, the blank ones left out', () => {
    const describe = node('d', null, 0, {
      kindLabel: 'Describe',
      prompt: null,
      text: [' 1️⃣ a red fox in snow ', '', '2️⃣ a fox, watercolor', '  '],
      inputs: [{ url: 'https://cdn.example.com/a/fox.png', taskId: 'up', image: fox }],
    });
    const shorten = node('s', null, 0, { kindLabel: 'Shorten', text: ['a fox', 'fox'] });
    const [d, s] = lineageRows([describe, shorten]);
    expect(d.texts).toEqual(['1️⃣ a red fox in snow', '2️⃣ a fox, watercolor']);
    expect(d.textsLabel).toBe('2 prompts');
    expect(d.inputsLabel).toBe('Described from');
    expect(s.textsLabel).toBe('2 short versions');
    expect(nodeTexts({})).toEqual([]);
    expect(textsLabel('Describe', 1)).toBe('1 prompt');
    expect(textsLabel('Seed', 1)).toBe('Seed');
    expect(textsLabel('Other', 3)).toBe('3 texts');
    expect(textsLabel('Describe', 0)).toBeNull();
  });

  it('knows a video by its kind or by its picture', () => {
    expect(isVideoNode({ kindLabel: 'Video', image: null })).toBe(true);
    const clip = makeImage(8, { kind: 'video', slot: 'video-1', path: '/library/8.mp4' });
    expect(isVideoNode({ kindLabel: 'Other', image: clip })).toBe(true);
    expect(isVideoNode({ kindLabel: 'Imagine', image: fox })).toBe(false);
    const [row] = lineageRows([node('v', null, 0, { kindLabel: 'Video', image: clip })]);
    expect(row.video).toBe(true);
  });
});
