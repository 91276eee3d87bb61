import { describe, expect, it } from 'vitest';
import {
  createRequest,
  isCreateMode,
  MODES,
  modeUnavailable,
  requestUrls,
  type CreateInputs,
} from './creation';

const A = 'https://cdn.example.com/a.png';
const B = 'https://cdn.example.com/b.png';

function inputs(over: Partial<CreateInputs> = {}): CreateInputs {
  return {
    blendUrls: [],
    dimension: 'square',
    describeUrls: [],
    shortenPrompt: '',
    videoUrls: [],
    videoPrompt: '',
    motion: 'low',
    ...over,
  };
}

describe('creation modes', () => {
  it('lists the five modes in the switch order', () => {
    expect(MODES.map((m) => m.label)).toEqual(['Imagine', 'Blend', 'Describe', 'Shorten', 'Video']);
    expect(isCreateMode('blend')).toBe(true);
    expect(isCreateMode('remix')).toBe(false);
  });

  it('says in one sentence that only JourneyAPI makes the new modes', () => {
    expect(modeUnavailable('imagine', 'linkr', 'LinkrAPI')).toBeNull();
    expect(modeUnavailable('blend', 'journey', 'JourneyAPI')).toBeNull();
    expect(modeUnavailable('blend', 'linkr', 'LinkrAPI')).toBe(
      'LinkrAPI cannot blend images: choose JourneyAPI.',
    );
    expect(modeUnavailable('video', 'linkr', 'LinkrAPI')).toBe(
      'LinkrAPI cannot make videos: choose JourneyAPI.',
    );
  });
});

describe('createRequest', () => {
  it('blends 2 to 5 images with a shape', () => {
    expect(createRequest('blend', inputs({ blendUrls: [A] }))).toEqual({
      problem: 'Blend takes 2 to 5 images: add 1 more.',
    });
    expect(createRequest('blend', inputs({ blendUrls: [A, B, A, B, A, B] }))).toEqual({
      problem: 'Blend takes 2 to 5 images: remove 1.',
    });
    expect(createRequest('blend', inputs({ blendUrls: [A, 'file:///x.png'] }))).toEqual({
      problem:
        '“file:///x.png” is not an image address. Use a web address that starts with http:// or https://.',
    });
    expect(createRequest('blend', inputs({ blendUrls: [A, B], dimension: 'portrait' }))).toEqual({
      request: { mode: 'blend', imageUrls: [A, B], dimension: 'portrait' },
    });
  });

  it('describes one image', () => {
    expect(createRequest('describe', inputs())).toEqual({
      problem: expect.stringMatching(/^Add the image to describe/),
    });
    expect(createRequest('describe', inputs({ describeUrls: [A] }))).toEqual({
      request: { mode: 'describe', imageUrl: A },
    });
  });

  it('shortens a prompt', () => {
    expect(createRequest('shorten', inputs({ shortenPrompt: '  ' }))).toEqual({
      problem: 'The prompt is empty. Type the prompt to shorten.',
    });
    expect(createRequest('shorten', inputs({ shortenPrompt: ' a long prompt ' }))).toEqual({
      request: { mode: 'shorten', prompt: 'a long prompt' },
    });
  });

  it('makes a video from a start image, a prompt and a motion', () => {
    expect(createRequest('video', inputs({ videoPrompt: 'waves' }))).toEqual({
      problem: expect.stringMatching(/^Add a start image/),
    });
    expect(createRequest('video', inputs({ videoUrls: [A] }))).toEqual({
      problem: 'The prompt is empty. Say what should happen in the video.',
    });
    const made = createRequest(
      'video',
      inputs({ videoUrls: [A], videoPrompt: 'waves roll in', motion: 'high' }),
    );
    expect(made).toEqual({
      request: { mode: 'video', prompt: 'waves roll in', imageUrl: A, motion: 'high' },
    });
    expect('request' in made && requestUrls(made.request)).toEqual([A]);
    expect(requestUrls({ mode: 'shorten', prompt: 'x' })).toEqual([]);
  });
});
