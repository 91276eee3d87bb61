import { describe, expect, it } from 'vitest';
import { AppError, errorMessage, GENERIC_MESSAGE, toAppError } from './errors';

describe('toAppError', () => {
  it('keeps the core’s code and sentence', () => {
    const e = toAppError({ code: 'unauthorized', message: 'The API key was rejected.' });
    expect(e).toBeInstanceOf(AppError);
    expect(e.code).toBe('unauthorized');
    expect(e.message).toBe('The API key was rejected.');
  });

  it('reads the same shape sent as a JSON string', () => {
    const e = toAppError('{"code":"rate_limited","message":"Too many requests. Wait a minute."}');
    expect(e.code).toBe('rate_limited');
    expect(e.message).toBe('Too many requests. Wait a minute.');
  });

  it('never shows raw JSON, stack traces or odd values', () => {
    for (const odd of [
      '{"weird":true}',
      { code: 'x', message: '{"nested":"json"}' },
      { message: 'no code' },
      new Error('TypeError: x is undefined'),
      'Command get_app_state not found',
      42,
      null,
      undefined,
    ]) {
      const e = toAppError(odd);
      expect(e.code).toBe('internal');
      expect(e.message).toBe(GENERIC_MESSAGE);
    }
    expect(errorMessage({ code: 'a', message: '' })).toBe(GENERIC_MESSAGE);
  });

  it('passes an AppError through', () => {
    const e = new AppError('no_key', 'Add a key in Settings.');
    expect(toAppError(e)).toBe(e);
  });
});
