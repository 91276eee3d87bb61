import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import * as ipc from './lib/ipc';
import { app as appState } from './lib/state.svelte';
import { markStartup, startApp, startupPhases } from './lib/startup';

markStartup('script');

const target = document.getElementById('app');
if (!target) throw new Error('The page has no #app element.');

void startApp({
  load: () => appState.init(),
  render: () => void mount(App, { target }),
  // Only builds made for tests and the startup benchmark have `ui_ready` (AppState says so).
  reportReady: () => {
    if (appState.appState?.reportsStartup) void ipc.uiReady(startupPhases()).catch(() => {});
  },
});
