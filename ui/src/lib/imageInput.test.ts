import { describe, expect, it } from 'vitest';
import {
  addUrl,
  CARD_IMAGE_TYPE,
  carriesImage,
  hostOf,
  LOCAL_FILES_MESSAGE,
  parseCardImage,
  readDrop,
  urlProblem,
  type DropData,
} from './imageInput';
import { DRAG_TYPE } from './workbench';

function data(entries: Record<string, string>, extraTypes: string[] = []): DropData {
  return {
    types: [...Object.keys(entries), ...extraTypes],
    getData: (type: string) => entries[type] ?? '',
  };
}

describe('reading a drop', () => {
  it('takes gallery images by id, from the drag data or the running system drag', () => {
    expect(readDrop(data({ [DRAG_TYPE]: '{"kind":"images","ids":[7]}' }))).toEqual({
      type: 'gallery',
      imageIds: [7],
    });
    // The system drag of files this window started is the gallery's, not the desktop's.
    expect(readDrop(data({}, ['Files']), { kind: 'images', ids: [3, 4] })).toEqual({
      type: 'gallery',
      imageIds: [3, 4],
    });
    expect(readDrop(data({ [DRAG_TYPE]: '{"kind":"selection"}' }))).toEqual({ type: 'selection' });
  });

  it('takes a card image with its provider address and local copy', () => {
    const card = { url: 'https://cdn.example.com/1.png', thumb: 'asset://1.png' };
    expect(readDrop(data({ [CARD_IMAGE_TYPE]: JSON.stringify(card) }))).toEqual({
      type: 'card',
      image: card,
    });
    expect(parseCardImage('{"url":"file:///etc/passwd"}')).toBeNull();
    expect(parseCardImage('not json')).toBeNull();
  });

  it('knows files from the desktop, and addresses dragged from elsewhere', () => {
    expect(readDrop(data({}, ['Files']))).toEqual({ type: 'files' });
    expect(readDrop(data({ 'text/uri-list': '# a comment\nhttps://x.test/a.png\n' }))).toEqual({
      type: 'url',
      url: 'https://x.test/a.png',
    });
    expect(readDrop(data({ 'text/plain': '  https://x.test/b.png ' }))).toEqual({
      type: 'url',
      url: 'https://x.test/b.png',
    });
    expect(readDrop(data({}))).toEqual({ type: 'none' });
    expect(readDrop(null)).toEqual({ type: 'none' });
    expect(LOCAL_FILES_MESSAGE).toMatch(/cannot be sent.*no upload host/);
  });

  it('says which drags it may take', () => {
    expect(carriesImage(['Files'], null)).toBe(true);
    expect(carriesImage([DRAG_TYPE], null)).toBe(true);
    expect(carriesImage(['application/x-other'], null)).toBe(false);
    expect(carriesImage([], { kind: 'selection' })).toBe(true);
  });
});

describe('image addresses', () => {
  it('checks an address before it is asked for', () => {
    expect(urlProblem('')).toMatch(/first/);
    expect(urlProblem('ftp://x.test/a.png')).toBe(
      'Use a web address that starts with http:// or https://.',
    );
    expect(urlProblem('https://x.test/a.png')).toBeNull();
  });

  it('adds to a list up to its size; a one-image input replaces', () => {
    expect(addUrl([], 'https://a.test/1.png', 5)).toEqual({ urls: ['https://a.test/1.png'] });
    expect(addUrl(['https://a.test/1.png'], 'https://a.test/2.png', 1)).toEqual({
      urls: ['https://a.test/2.png'],
    });
    expect(addUrl(['https://a.test/1.png'], 'https://a.test/1.png', 5)).toEqual({
      problem: 'That image is already here.',
    });
    expect(addUrl(['1', '2'], 'https://a.test/3.png', 2)).toEqual({
      problem: 'This takes at most 2 images: remove one first.',
    });
    expect(hostOf('https://cdn.example.com/a.png')).toBe('cdn.example.com');
    expect(hostOf('nonsense')).toBe('nonsense');
  });
});
