// @vitest-environment jsdom
import { fireEvent, render, screen } from '@testing-library/svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AppState } from '../bindings/AppState';
import { app } from '../state.svelte';
import ParamChips from './ParamChips.svelte';

// The aspect presets come from the core's rules, with the app state.
beforeEach(() => {
  app.appState = {
    rules: {
      aspectRatios: ['1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3'],
      minPollSecs: 5,
      maxPollSecs: 10,
    },
  } as AppState;
});

describe('ParamChips', () => {
  it('shows one chip per parameter in the prompt', () => {
    render(ParamChips, {
      props: { prompt: 'a fox --ar 16:9 --s 250 --style raw', onchange: () => {} },
    });
    expect(screen.getByTestId('param-chip-ar').textContent?.trim()).toBe('--ar 16:9');
    expect(screen.getByTestId('param-chip-stylize').textContent?.trim()).toBe('--s 250');
    expect(screen.getByTestId('param-chip-raw').textContent?.trim()).toBe('--style raw');
  });

  it('marks an invalid value', () => {
    render(ParamChips, { props: { prompt: 'a fox --chaos 500', onchange: () => {} } });
    const chip = screen.getByTestId('param-chip-chaos');
    expect(chip.classList.contains('invalid')).toBe(true);
    expect(chip.title).toBe('Chaos must be a whole number from 0 to 100.');
  });

  it('edits the prompt from a chip control and from the + Parameter menu', async () => {
    const changes: string[] = [];
    render(ParamChips, {
      props: { prompt: 'a fox --ar 1:1', onchange: (p: string) => changes.push(p) },
    });
    await fireEvent.click(screen.getByTestId('param-chip-ar'));
    await fireEvent.click(screen.getByRole('button', { name: '16:9' }));
    expect(changes.at(-1)).toBe('a fox --ar 16:9');

    await fireEvent.click(screen.getByTestId('add-param-button'));
    await fireEvent.click(screen.getByTestId('add-param-v'));
    expect(changes.at(-1)).toBe('a fox --ar 1:1 --v 7');
  });

  it('removes a parameter from its control', async () => {
    const changes: string[] = [];
    render(ParamChips, {
      props: { prompt: 'a fox --tile --v 7', onchange: (p: string) => changes.push(p) },
    });
    await fireEvent.click(screen.getByTestId('param-chip-tile'));
    await fireEvent.click(screen.getByRole('button', { name: 'Remove' }));
    expect(changes.at(-1)).toBe('a fox --v 7');
  });
});
