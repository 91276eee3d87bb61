import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { markStartup } from './lib/startup';

markStartup('script');

const target = document.getElementById('app');
if (!target) throw new Error('The page has no #app element.');

const app = mount(App, { target });
markStartup('mounted');
export default app;
