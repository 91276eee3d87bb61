import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { app as appState } from './lib/state.svelte';
import { markStartup } from './lib/startup';

markStartup('script');

// Ask the core for everything the first screen needs before rendering it, so the round trips
// overlap the first paint.
void appState.init();

const target = document.getElementById('app');
if (!target) throw new Error('The page has no #app element.');

const app = mount(App, { target });
markStartup('mounted');
export default app;
