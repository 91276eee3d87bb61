// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { app } from '../state.svelte';
import { makeSettings } from '../testing/fixtures';
import GeneralSettings from './GeneralSettings.svelte';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function names(kind: string): string {
  return kind === 'linkr' ? 'LinkrAPI' : kind === 'journey' ? 'JourneyAPI' : kind;
}

async function setNumber(input: HTMLInputElement, value: string) {
  input.value = value;
  await fireEvent.input(input);
  await fireEvent.change(input);
}

describe('GeneralSettings: jobs at once', () => {
  it('has a field per provider, named as the core names it, with what the number means', () => {
    vi.spyOn(app, 'providerName').mockImplementation(names);
    render(GeneralSettings, {
      props: { settings: makeSettings({ linkrJobsAtOnce: 3, journeyJobsAtOnce: 12 }) },
    });
    const linkr = screen.getByLabelText('LinkrAPI jobs at once') as HTMLInputElement;
    const journey = screen.getByLabelText('JourneyAPI jobs at once') as HTMLInputElement;
    expect(linkr.dataset.testid).toBe('jobs-at-once-linkr');
    expect(journey.dataset.testid).toBe('jobs-at-once-journey');
    expect(linkr.value).toBe('3');
    expect(journey.value).toBe('12');
    expect([linkr.min, linkr.max, linkr.step]).toEqual(['1', '12', '1']);
    const hint = document.getElementById(linkr.getAttribute('aria-describedby') ?? '');
    expect(hint?.textContent).toBe(
      "3 on most Midjourney plans, 12 on Pro. More wait in Atelier's queue.",
    );
  });

  it('saves a whole number from 1 to 12 on change, and says what to choose otherwise', async () => {
    const save = vi.spyOn(app, 'saveSettings').mockResolvedValue();
    render(GeneralSettings, { props: { settings: makeSettings() } });
    const linkr = screen.getByTestId('jobs-at-once-linkr') as HTMLInputElement;
    const journey = screen.getByTestId('jobs-at-once-journey') as HTMLInputElement;

    for (const bad of ['0', '13', '2.5', '']) {
      await setNumber(linkr, bad);
      expect(linkr.getAttribute('aria-invalid')).toBe('true');
      expect(linkr.closest('label')?.textContent).toContain('Choose a whole number from 1 to 12.');
    }
    expect(save).not.toHaveBeenCalled();

    await setNumber(linkr, '1');
    expect(linkr.hasAttribute('aria-invalid')).toBe(false);
    expect(save).toHaveBeenLastCalledWith({ linkrJobsAtOnce: 1 });
    await setNumber(journey, '12');
    expect(save).toHaveBeenLastCalledWith({ journeyJobsAtOnce: 12 });
    await vi.waitFor(() =>
      expect(screen.getByTestId('settings-message').textContent).toContain('Saved.'),
    );

    // The number already saved is not saved again.
    save.mockClear();
    await setNumber(linkr, '3');
    expect(save).not.toHaveBeenCalled();
  });

  it('shows why a save failed', async () => {
    vi.spyOn(app, 'saveSettings').mockRejectedValue({
      code: 'invalid_input',
      message: 'Jobs at once must be 1 to 12.',
    });
    render(GeneralSettings, { props: { settings: makeSettings() } });
    await setNumber(screen.getByTestId('jobs-at-once-journey') as HTMLInputElement, '5');
    await vi.waitFor(() =>
      expect(screen.getByTestId('settings-message').textContent).toContain(
        'Jobs at once must be 1 to 12.',
      ),
    );
  });
});
