// The explorer's shell: hash routes to views, the search box, the language toggle and the
// "indexed up to block N" line.

import { clear, h } from './dom.js';
import { applyStatic, language, setLanguage, t } from './i18n.js';
import { watchIndexing } from './live.js';
import { renderAsset } from './view-asset.js';
import { renderHistory } from './view-history.js';
import { renderLineage } from './view-lineage.js';
import { renderParty } from './view-party.js';
import { renderHome, renderSearch } from './view-search.js';
import { renderVerify } from './view-verify.js';
import { errorBox } from './widgets.js';

const ROUTES = [
  { name: 'home', pattern: /^$/, render: renderHome },
  { name: 'search', pattern: /^search$/, render: renderSearch },
  { name: 'asset', pattern: /^asset\/([^/]+)$/, keys: ['ref'], render: renderAsset },
  { name: 'lineage', pattern: /^lineage\/([^/]+)$/, keys: ['ref'], render: renderLineage },
  { name: 'history', pattern: /^history\/([^/]+)$/, keys: ['ref'], render: renderHistory },
  { name: 'party', pattern: /^party\/([^/]+)$/, keys: ['address'], render: renderParty },
  { name: 'verify', pattern: /^verify$/, render: renderVerify },
];

const main = document.getElementById('main');
const line = document.getElementById('indexed-line');
const freshness = document.getElementById('freshness');
const shell = { generation: 0, cleanup: null, renderedAt: null, live: true, indexing: null };

function parseHash() {
  const raw = window.location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?');
  const params = Object.fromEntries(new URLSearchParams(query));
  for (const route of ROUTES) {
    const match = route.pattern.exec(decodeURIComponent(path));
    if (!match) continue;
    (route.keys ?? []).forEach((key, i) => { params[key] = match[i + 1]; });
    return { route, params };
  }
  return { route: null, params };
}

async function show({ focus = true } = {}) {
  const generation = ++shell.generation;
  shell.cleanup?.();
  shell.cleanup = null;
  const { route, params } = parseHash();
  const view = h('div', { class: 'view' });
  main.dataset.view = route?.name ?? 'unknown';
  main.dataset.ready = 'false';
  main.setAttribute('aria-busy', 'true');
  const loading = h('p', { class: 'muted' }, t('app.loading'));
  clear(main).append(loading, view); // attached while it renders: the graph needs its size
  let outcome = {};
  if (!route) {
    view.append(h('h1', { tabindex: '-1' }, t('error.noPage')),
      h('p', {}, h('a', { href: '#/' }, t('nav.home'))));
  } else {
    try {
      outcome = (await route.render(view, params)) ?? {};
    } catch (error) {
      view.append(h('h1', { tabindex: '-1' }, t('error.title')), errorBox(error));
    }
  }
  if (generation !== shell.generation) {
    outcome.cleanup?.();
    return;
  }
  loading.remove();
  shell.cleanup = outcome.cleanup ?? null;
  shell.live = outcome.live !== false;
  shell.renderedAt = shell.indexing?.indexed ?? null;
  freshness.hidden = true;
  document.title = `${outcome.title ? `${outcome.title} · ` : ''}${t('app.name')}`;
  main.removeAttribute('aria-busy');
  main.dataset.generation = String(generation); // (lets tests tell a new rendering from the last)
  main.dataset.ready = 'true';
  if (focus) (main.querySelector('h1') ?? main).focus({ preventScroll: false });
}

function showIndexing(state) {
  shell.indexing = state;
  line.dataset.mode = state.mode;
  line.dataset.block = state.indexed ?? '';
  if (state.indexed === null) {
    line.textContent = state.error ? t('indexed.unreachable') : t('indexed.nothing');
  } else {
    const head = state.head === null ? t('indexed.headUnknown')
      : t('indexed.head', { head: state.head, lag: state.lag ?? 0 });
    line.textContent = `${t('indexed.upTo', { block: state.indexed })} · ${head} · ${t(`indexed.mode.${state.mode}`)}`;
  }
  if (shell.renderedAt === null && state.indexed !== null) shell.renderedAt = state.indexed;
  if (shell.live && state.indexed !== null && shell.renderedAt !== null
    && state.indexed > shell.renderedAt) {
    freshness.hidden = false;
    freshness.querySelector('[data-text]').textContent = t('fresh.text', { block: state.indexed });
  }
}

function setUpShell() {
  applyStatic(document);
  const form = document.getElementById('search-form');
  const input = document.getElementById('q');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = input.value.trim();
    if (q) window.location.hash = `#/search?q=${encodeURIComponent(q)}`;
  });
  document.addEventListener('keydown', (event) => {
    const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement?.tagName ?? '');
    if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      input.focus();
      input.select();
    }
  });
  document.getElementById('skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    main.focus();
  });
  const toggle = document.getElementById('lang-toggle');
  toggle.addEventListener('click', () => {
    setLanguage(language() === 'zh' ? 'en' : 'zh');
    applyStatic(document);
    if (shell.indexing) showIndexing(shell.indexing);
    show({ focus: false });
  });
  freshness.querySelector('button').addEventListener('click', () => show());
  window.addEventListener('hashchange', () => show());
  const { params } = parseHash();
  if (params.q) input.value = params.q;
}

setUpShell();
watchIndexing(showIndexing);
show({ focus: false });
