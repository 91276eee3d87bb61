// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PromptPlan } from '../bindings/PromptPlan';

const ipcMock = vi.hoisted(() => ({
  hasBackend: vi.fn(() => true),
  planPrompt: vi.fn(),
  submitImagine: vi.fn(),
}));
vi.mock('../ipc', () => ipcMock);

import { app } from '../state.svelte';
import Composer from './Composer.svelte';

const PROMPTS = [
  'a red bird --ar 1:1',
  'a red bird --ar 16:9',
  'a blue bird --ar 1:1',
  'a blue bird --ar 16:9',
];

function plan(over: Partial<PromptPlan> = {}): PromptPlan {
  return {
    prompts: PROMPTS.map((prompt) => ({ prompt, choices: [] })),
    sets: [
      ['red', 'blue'],
      ['1:1', '16:9'],
    ],
    credits: 16,
    summary: '4 prompts · 16 credits',
    problem: null,
    ...over,
  };
}

beforeEach(() => {
  for (const fn of Object.values(ipcMock)) fn.mockReset();
  ipcMock.hasBackend.mockReturnValue(true);
  app.prompt = '';
  app.plan = null;
  app.composerError = null;
});

afterEach(() => {
  cleanup();
  app.prompt = '';
  app.plan = null;
});

describe('Composer: permutation prompts', () => {
  it('shows what a prompt with braces makes, its prompts on request, and "Imagine 4"', async () => {
    ipcMock.planPrompt.mockResolvedValue(plan());
    render(Composer);
    const input = screen.getByTestId('prompt-input');
    await fireEvent.input(input, { target: { value: 'a {red, blue} bird --ar {1:1, 16:9}' } });
    await waitFor(() =>
      expect(screen.getByTestId('permutation-summary').textContent).toBe('4 prompts · 16 credits'),
    );
    expect(ipcMock.planPrompt).toHaveBeenCalledWith(
      app.provider,
      'a {red, blue} bird --ar {1:1, 16:9}',
      app.model || null,
    );
    expect(screen.getByTestId('submit-button').textContent?.trim()).toBe('Imagine 4');

    const toggle = screen.getByTestId('permutation-toggle');
    const list = screen.getByTestId('permutation-prompts');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(list.hidden).toBe(true);
    await fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(list.hidden).toBe(false);
    expect(screen.getAllByTestId('permutation-prompt').map((li) => li.textContent)).toEqual(
      PROMPTS,
    );

    // Without braces there is no plan, at once.
    await fireEvent.input(input, { target: { value: 'a red bird' } });
    expect(screen.queryByTestId('permutation-summary')).toBeNull();
    expect(screen.getByTestId('submit-button').textContent?.trim()).toBe('Imagine');
    expect(ipcMock.planPrompt).toHaveBeenCalledTimes(1);
  });

  it("shows why the core's plan cannot be sent", async () => {
    const problem = 'A brace is not closed: add “}” after “blue”.';
    ipcMock.planPrompt.mockResolvedValue(
      plan({ prompts: [{ prompt: 'a {red, blue bird', choices: [] }], summary: '', problem }),
    );
    render(Composer);
    await fireEvent.input(screen.getByTestId('prompt-input'), {
      target: { value: 'a {red, blue bird' },
    });
    await waitFor(() =>
      expect(screen.getByTestId('permutation-problem').textContent?.trim()).toBe(problem),
    );
    expect(screen.queryByTestId('permutation-summary')).toBeNull();
    await fireEvent.click(screen.getByTestId('submit-button'));
    await waitFor(() => expect(screen.getByTestId('composer-error').textContent).toBe(problem));
    expect(ipcMock.submitImagine).not.toHaveBeenCalled();
  });
});
