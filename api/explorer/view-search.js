// The front page (search box and the catalogue) and search results.

import { getJSON } from './api.js';
import { append, h } from './dom.js';
import { label, t } from './i18n.js';
import { assetLink, badge, errorBox, hashText, partyLink, section, table } from './widgets.js';

const PAGE = 25;

function assetRow(summary, extra = []) {
  const c = summary.classification;
  return h('tr', { dataset: { asset: summary.asset, status: summary.effective_status } },
    h('td', {}, assetLink(summary.asset, summary.registration_number)),
    h('td', {}, label('kind', summary.kind)),
    h('td', {}, `${label('category', c.category)} · ${label('grade', c.grade)}`),
    h('td', {}, badge(summary.effective_status)),
    h('td', {}, hashText(summary.asset)),
    extra.map((cell) => h('td', {}, cell)));
}

const HEADERS = ['col.number', 'col.kind', 'col.classification', 'col.status', 'col.hash'];

/**
 * A table that grows page by page: `load(cursor)` returns `{rows, next_cursor}`; a "more"
 * button fetches the next page while there is one.
 */
async function pagedTable(id, headers, load) {
  const first = await load(null);
  const shown = table(id, headers, first.rows, 'empty.results');
  if (first.rows.length === 0) return shown;
  const body = shown.querySelector('tbody');
  let cursor = first.next_cursor;
  const more = h('button', {
    type: 'button',
    class: 'secondary',
    hidden: !cursor,
    onclick: async () => {
      more.disabled = true;
      try {
        const page = await load(cursor);
        body.append(...page.rows);
        cursor = page.next_cursor;
        more.hidden = !cursor;
      } catch (error) {
        more.after(errorBox(error));
      } finally {
        more.disabled = false;
      }
    },
  }, t('action.more'));
  return h('div', {}, shown, more);
}

export async function renderHome(main) {
  const catalogue = await pagedTable('catalogue', HEADERS, async (cursor) => {
    const page = await getJSON('/assets', { limit: PAGE, cursor });
    return { rows: page.items.map((s) => assetRow(s)), next_cursor: page.next_cursor };
  });
  append(main, [
    h('h1', { tabindex: '-1' }, t('home.title')),
    h('p', { class: 'lead' }, t('home.lead')),
    h('ul', { class: 'hints' },
      ['home.hint.number', 'home.hint.hash', 'home.hint.address', 'home.hint.name']
        .map((key) => h('li', {}, t(key)))),
    section('catalogue-section', 'home.catalogue', catalogue),
  ]);
}

export async function renderSearch(main, { q }) {
  main.append(h('h1', { tabindex: '-1' }, t('search.title', { q })));
  let first;
  try {
    first = await getJSON('/search', { q, limit: PAGE });
  } catch (error) {
    main.append(errorBox(error));
    return;
  }
  main.append(h('p', { class: 'muted', id: 'interpreted' }, t('search.readAs'), ' ',
    first.interpreted_as.map((m) => label('match', m)).join(' · ')));
  if (first.parties.length > 0) {
    main.append(section('party-hits', 'search.parties', table('party-table',
      ['col.account', 'col.partyKind', 'col.status'],
      first.parties.map((p) => [partyLink(p.account), label('party', p.kind),
        badge(p.suspended ? 'suspended' : p.admitted ? 'admitted' : 'none')]))));
  }
  let pending = first;
  const results = await pagedTable('results', [...HEADERS, 'col.matched'], async (cursor) => {
    const page = pending ?? (await getJSON('/search', { q, limit: PAGE, cursor }));
    pending = null;
    return {
      rows: page.items.map((hit) => assetRow(hit.asset,
        [hit.matched.map((m) => label('match', m)).join(', ')])),
      next_cursor: page.next_cursor,
    };
  });
  main.append(section('results-section', 'search.assets', results));
}
