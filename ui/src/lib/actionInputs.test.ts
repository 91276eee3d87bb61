import { describe, expect, it } from 'vitest';
import {
  customZoomInput,
  maskInput,
  NO_INPUT,
  parseZoomRatio,
  promptInput,
  promptProblem,
  ZOOM_RATIO_DEFAULT,
} from './actionInputs';

describe('the zoom ratio', () => {
  it('takes a number more than 1 and at most 2', () => {
    expect(parseZoomRatio('1.5')).toEqual({ ok: true, value: 1.5 });
    expect(parseZoomRatio(' 2 ')).toEqual({ ok: true, value: 2 });
    expect(parseZoomRatio('1,8')).toEqual({ ok: true, value: 1.8 });
    expect(parseZoomRatio(1.01)).toEqual({ ok: true, value: 1.01 });
    expect(parseZoomRatio(String(ZOOM_RATIO_DEFAULT))).toEqual({ ok: true, value: 1.5 });
  });

  it('says what is wrong with anything else', () => {
    for (const bad of ['1', '0.5', '2.01', '3', '-1.5']) {
      const check = parseZoomRatio(bad);
      expect(check.ok, bad).toBe(false);
      if (!check.ok) expect(check.message).toMatch(/more than 1 and at most 2/);
    }
    for (const bad of ['', 'abc', '1.5x', 'NaN', 'Infinity']) {
      const check = parseZoomRatio(bad);
      expect(check.ok, bad).toBe(false);
      if (!check.ok) expect(check.message).toMatch(/^Type a zoom ratio/);
    }
  });
});

describe('what the buttons send', () => {
  it('builds each input', () => {
    expect(NO_INPUT).toEqual({ prompt: null });
    expect(promptInput('  a fox  ')).toEqual({
      prompt: 'a fox',
      mask: null,
      zoomRatio: null,
      aspectRatio: null,
    });
    expect(maskInput('a fox', 'data:image/png;base64,AA')).toEqual({
      prompt: 'a fox',
      mask: 'data:image/png;base64,AA',
      zoomRatio: null,
      aspectRatio: null,
    });
    expect(customZoomInput('a fox ', 1.5, '16:9')).toEqual({
      prompt: 'a fox',
      mask: null,
      zoomRatio: 1.5,
      aspectRatio: '16:9',
    });
    expect(customZoomInput('a fox', 2, '').aspectRatio).toBeNull();
  });

  it('needs a prompt', () => {
    expect(promptProblem('  ')).toBe('Type a prompt first.');
    expect(promptProblem('a fox')).toBeNull();
  });
});
