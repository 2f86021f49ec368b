// The arbitrator's view: every event touching an asset and its neighbourhood, in chain order,
// filterable by event type, block or transaction; each entry with its block and transaction.

import { assetPath, getAll, getJSON } from './api.js';
import { append, clear, h, shortHex } from './dom.js';
import { label, t } from './i18n.js';
import { asciiWord, chainRef, hashText, partyLink, section } from './widgets.js';

const MAX_PAGES = 20; // 20 pages of 500 events; the page says so when there are more

const ASSET_ARGS = new Set(['asset', 'product', 'input', 'inputAsset']);

function argValue(name, value) {
  const word = asciiWord(value);
  if (word !== null) return h('code', { title: value }, word);
  if (typeof value === 'string' && /^0x[0-9a-fA-F]{40}$/.test(value)) return partyLink(value);
  if (typeof value === 'string' && /^0x[0-9a-fA-F]{64}$/.test(value)) {
    return hashText(value, { link: ASSET_ARGS.has(name) ? `#/asset/${value}` : undefined });
  }
  if (value !== null && typeof value === 'object') {
    const text = JSON.stringify(value);
    return h('code', { title: text }, text.length > 80 ? `${text.slice(0, 80)}…` : text);
  }
  return h('code', {}, String(value));
}

function entry(event, asset) {
  return h('li', { class: 'event', dataset: { event: event.event, block: event.block } },
    h('div', { class: 'event-head' },
      h('strong', {}, label('event', event.event)),
      label('event', event.event) === event.event ? null : h('code', { class: 'muted' }, event.event),
      h('span', { class: 'event-ref' }, chainRef({ block: event.block, tx_hash: event.tx_hash }, asset),
        ` · ${t('word.log')} ${event.log_index} · `,
        h('span', { title: event.address }, `${t('word.contract')} ${shortHex(event.address, 4)}`))),
    h('dl', { class: 'args' }, Object.entries(event.args).flatMap(([name, value]) => [
      h('dt', {}, name), h('dd', {}, argValue(name, value)),
    ])));
}

export async function renderHistory(main, { ref, event = '', block = '', tx = '' }) {
  const asset = await getJSON(assetPath(ref));
  const key = asset.asset;
  const { items, complete } = await getAll(assetPath(key, '/history'), {},
    { pageSize: 500, maxPages: MAX_PAGES });
  const counts = new Map();
  for (const e of items) counts.set(e.event, (counts.get(e.event) ?? 0) + 1);
  const names = [...counts.keys()].sort();
  const chosen = new Set(event ? event.split(',').filter((n) => counts.has(n)) : names);
  const filters = { block: block ? Number(block) : null, tx: tx ? tx.toLowerCase() : null };

  const list = h('ol', { id: 'timeline', class: 'timeline' });
  const shown = h('p', { id: 'timeline-count', class: 'muted', 'aria-live': 'polite' });
  const chips = h('div', { class: 'chips' });

  function update() {
    const visible = items.filter((e) => chosen.has(e.event)
      && (filters.block === null || e.block === filters.block)
      && (filters.tx === null || e.tx_hash.toLowerCase() === filters.tx));
    clear(list).append(...visible.map((e) => entry(e, key)));
    shown.textContent = t('history.shown', { shown: visible.length, total: items.length });
    clear(chips);
    for (const [name, value] of Object.entries(filters)) {
      if (value === null) continue;
      chips.append(h('button', {
        type: 'button', class: 'chip', 'aria-label': t('history.removeFilter', { value }),
        onclick: () => { filters[name] = null; update(); },
      }, `${t(`word.${name}`)} ${name === 'tx' ? shortHex(value) : value} ✕`));
    }
    const query = new URLSearchParams();
    if (chosen.size !== names.length) query.set('event', [...chosen].join(','));
    if (filters.block !== null) query.set('block', filters.block);
    if (filters.tx !== null) query.set('tx', filters.tx);
    const suffix = query.toString() ? `?${query}` : '';
    window.history.replaceState(null, '', `#/history/${key}${suffix}`);
  }

  const boxes = names.map((name) => h('label', { class: 'check' },
    h('input', {
      type: 'checkbox', value: name, checked: chosen.has(name),
      onchange: (e) => { if (e.target.checked) chosen.add(name); else chosen.delete(name); update(); },
    }),
    ` ${label('event', name)} (${counts.get(name)})`));
  const setAll = (on) => {
    for (const box of boxes) box.querySelector('input').checked = on;
    chosen.clear();
    if (on) names.forEach((n) => chosen.add(n));
    update();
  };

  append(main, [
    h('h1', { tabindex: '-1' }, t('history.title', { number: asset.registration_number })),
    h('p', { class: 'lead' }, t('history.lead')),
    h('nav', { class: 'actions' },
      h('a', { class: 'button secondary', href: `#/asset/${key}` }, t('action.backToAsset')),
      h('a', { class: 'button secondary', href: `#/lineage/${key}` }, t('action.lineage'))),
    h('fieldset', { id: 'event-filter', class: 'panel' },
      h('legend', {}, t('history.filter')),
      h('div', { class: 'checks' }, boxes),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => setAll(true) }, t('action.all')),
        h('button', { type: 'button', class: 'secondary', onclick: () => setAll(false) }, t('action.none')))),
    chips,
    complete ? null : h('p', { class: 'notice warn' }, t('history.truncated')),
    section('timeline-section', 'history.timeline', shown, list),
  ]);
  update();
  return { title: asset.registration_number };
}
