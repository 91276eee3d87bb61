/** Errors the UI shows: always a code and a plain sentence, never raw JSON. */
import type { ErrorCode } from './bindings/ErrorCode';

export const GENERIC_MESSAGE =
  'Something went wrong inside Atelier. Try again; if it keeps happening, restart the app.';

export const NO_BACKEND_MESSAGE =
  "Atelier's core isn't running, so nothing can be made from this page. Start the app with " +
  '"npm run tauri dev" from the project folder (this browser tab shows only the interface).';

export class AppError extends Error {
  /** One of the core's codes (the generated `ErrorCode`: the UI keeps no list of its own). */
  readonly code: ErrorCode;
  /** What we actually received, for the console; never shown to people. */
  readonly detail: unknown;

  constructor(code: ErrorCode, message: string, detail?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.detail = detail;
  }

  static noBackend(): AppError {
    return new AppError('no_backend', NO_BACKEND_MESSAGE);
  }
}

function looksLikeSentence(s: string): boolean {
  const t = s.trim();
  return t.length > 0 && t.length <= 600 && !/^[[{]/.test(t) && !t.includes('\n    at ');
}

function fromObject(value: unknown): AppError | null {
  if (typeof value !== 'object' || value === null) return null;
  const { code, message } = value as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && typeof message === 'string' && looksLikeSentence(message)) {
    // The core sends only `ErrorCode`s; the type is the contract, not a runtime check.
    return new AppError(code as ErrorCode, message.trim(), value);
  }
  return null;
}

/**
 * Turns whatever `invoke` rejected with into an AppError. The shell sends
 * `{ code, message }`; a JSON string of that shape is accepted too. Anything
 * else becomes a generic sentence (the original is kept in `detail`).
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const direct = fromObject(error);
  if (direct) return direct;
  if (typeof error === 'string') {
    try {
      const parsed = fromObject(JSON.parse(error));
      if (parsed) return parsed;
    } catch {
      // not JSON: fall through to the generic sentence
    }
  }
  return new AppError('internal', GENERIC_MESSAGE, error);
}

/** The sentence to show for any thrown value. */
export function errorMessage(error: unknown): string {
  return toAppError(error).message;
}
