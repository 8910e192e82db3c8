// Renderer entry: mounts the Vue app with a fresh Pinia. Talks to the outside only through window.tokenry.
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { mark } from './lib/perf.js';
import './styles.css';

mark('tokenry:boot');
const root = document.getElementById('app');
if (typeof (window as Partial<Window>).tokenry?.accounts !== 'function') {
  // Without the bridge nothing works; say so instead of failing on the first call.
  if (root !== null) root.textContent = 'Tokenry cannot reach its core: the window.tokenry bridge is missing.';
} else {
  createApp(App).use(createPinia()).mount('#app');
}
