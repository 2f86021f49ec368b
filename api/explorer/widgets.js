// Pieces the views share: status badges, hashes, chain references, tables and sections.

import { h, shortHex } from './dom.js';
import { label, t } from './i18n.js';

const GOOD = new Set(['active', 'effective', 'dismissed', 'admitted', 'approved']);
const BAD = new Set(['revoked', 'rejected', 'cancelled', 'upheld', 'suspended', 'refused']);

/** good | warn | bad | neutral: how a status reads to someone deciding whether to rely on it. */
export function tone(status) {
  if (GOOD.has(status)) return 'good';
  if (BAD.has(status) || status?.endsWith('-revoked')) return 'bad';
  if (!status || status === 'none' || status === 'not-applicable') return 'neutral';
  return 'warn';
}

const MARK = { good: '✓', warn: '⚠', bad: '✕', neutral: '•' };

/** A status as a badge: colour, a symbol (so colour is never the only cue) and the word. */
export function badge(status) {
  const kind = tone(status);
  return h('span', { class: `badge ${kind}`, dataset: { status } }, `${MARK[kind]} `,
    label('status', status));
}

const SVG = 'http://www.w3.org/2000/svg';

/** Two overlapping sheets, drawn rather than taken from a font that may lack the glyph. */
function copyIcon() {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '12');
  svg.setAttribute('height', '12');
  svg.setAttribute('aria-hidden', 'true');
  for (const [x, y] of [[1, 4], [5, 1]]) {
    const sheet = document.createElementNS(SVG, 'rect');
    for (const [name, value] of Object.entries({ x, y, width: 10, height: 11, rx: 1.5 })) {
      sheet.setAttribute(name, String(value));
    }
    sheet.setAttribute('fill', x === 5 ? '#ffffff' : 'none');
    sheet.setAttribute('stroke', 'currentColor');
    sheet.setAttribute('stroke-width', '1.5');
    svg.append(sheet);
  }
  return svg;
}

/** A hash or address, shortened, with the full value in the title and a copy button. */
export function hashText(value, { link } = {}) {
  if (!value) return h('span', { class: 'muted' }, '—');
  const shown = link
    ? h('a', { href: link, class: 'hash', title: value }, shortHex(value))
    : h('code', { class: 'hash', title: value }, shortHex(value));
  const copy = h('button', {
    type: 'button',
    class: 'copy',
    title: t('action.copy'),
    'aria-label': `${t('action.copy')} ${value}`,
    onclick: () => navigator.clipboard?.writeText(value),
  }, copyIcon());
  return h('span', { class: 'hash-with-copy' }, shown, copy);
}

export function assetLink(asset, text) {
  return h('a', { href: `#/asset/${asset}` }, text ?? shortHex(asset));
}

export function partyLink(account) {
  if (!account) return h('span', { class: 'muted' }, '—');
  return h('a', { href: `#/party/${account}`, class: 'hash', title: account }, shortHex(account, 4));
}

/** "block N · tx 0x…": the proof of a fact on chain, linking to the timeline filtered to it. */
export function chainRef(ref, asset) {
  if (!ref || !ref.block) return h('span', { class: 'muted' }, '—');
  const base = asset ? `#/history/${asset}` : null;
  const block = base ? h('a', { href: `${base}?block=${ref.block}` }, ref.block) : ref.block;
  return h('span', { class: 'chain-ref' },
    `${t('word.block')} `, block, ` · ${t('word.tx')} `,
    hashText(ref.tx_hash, { link: base ? `${base}?tx=${ref.tx_hash}` : undefined }));
}

/** A <section> with a heading; `id` names it for in-page links and tests. */
export function section(id, titleKey, ...content) {
  return h('section', { id, class: 'panel', 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, t(titleKey)), ...content);
}

/** A definition list of [labelKey, value] pairs. */
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.flatMap(([key, value]) => [
    h('dt', {}, t(key)),
    h('dd', {}, value ?? '—'),
  ]));
}

/** A table from header keys and rows of cells; a line of text when there are no rows. */
export function table(id, headerKeys, rows, emptyKey = 'empty.none') {
  if (rows.length === 0) return h('p', { class: 'muted', id }, t(emptyKey));
  return h('div', { class: 'table-scroll' },
    h('table', { id },
      h('thead', {}, h('tr', {}, headerKeys.map((key) => h('th', { scope: 'col' }, t(key))))),
      h('tbody', {}, rows.map((row) => (row instanceof Node ? row
        : h('tr', {}, row.map((cell) => h('td', {}, cell))))))));
}

/** A notice for an API error (problem+json detail) or any other failure. */
export function errorBox(error) {
  return h('div', { class: 'notice bad', role: 'alert' },
    h('strong', {}, error.problem?.title ?? t('error.title')), ' ',
    error.problem?.detail ?? error.message);
}

export function formatTerm(from, until, language) {
  const day = (s) => (s ? new Date(s * 1000).toLocaleDateString(language === 'zh' ? 'zh-CN' : 'en-GB') : '—');
  return `${day(from)} – ${day(until)}`;
}

/** A URI as a link when it is a web address, as code otherwise. */
export function linkIfWeb(uri) {
  if (!uri) return h('span', { class: 'muted' }, '—');
  return /^https?:\/\//i.test(uri)
    ? h('a', { href: uri, rel: 'noopener noreferrer', target: '_blank' }, uri)
    : h('code', {}, uri);
}

/** Grants as a table: who to whom, which right, purpose, scenario, scope, term, status. */
export function grantTable(id, grants, language, { asset } = {}) {
  return table(id,
    ['col.grant', 'col.right', 'col.parties', 'col.purposeScope', 'col.term', 'col.status'],
    grants.map((g) => h('tr', { dataset: { grant: g.grant_id, status: g.effective_status } },
      h('td', {}, `#${g.grant_id}`, asset ? null : h('div', {}, assetLink(g.asset))),
      h('td', {}, label('right', g.right),
        g.sub_grantable ? h('div', { class: 'muted' }, t('grant.subGrantable')) : null),
      h('td', {}, partyLink(g.grantor), ' → ', partyLink(g.grantee)),
      h('td', {}, h('dl', { class: 'mini' },
        h('dt', {}, t('grant.purpose')), h('dd', {}, hashText(g.terms.purpose_hash)),
        h('dt', {}, t('grant.scenario')), h('dd', {}, hashText(g.terms.scenario_hash)),
        h('dt', {}, t('grant.scope')), h('dd', {}, hashText(g.terms.scope_hash)),
        h('dt', {}, t('grant.termsDoc')), h('dd', {}, linkIfWeb(g.terms.terms_uri)))),
      h('td', {}, formatTerm(g.terms.valid_from, g.terms.valid_until, language),
        h('div', { class: 'muted' }, t('grant.endOfTerm'), ' ', label('end', g.terms.end_of_term))),
      h('td', {}, badge(g.effective_status),
        g.revoke_reason ? h('div', { class: 'muted' }, g.revoke_reason) : null,
        h('div', {}, chainRef({ block: g.version.from_block, tx_hash: g.version.tx_hash },
          asset ?? g.asset))))),
    'empty.grants');
}

/** A bytes32 that holds a short ASCII word (an action like ISSUE), as that word; else null. */
export function asciiWord(value) {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(value)) return null;
  const bytes = value.slice(2).match(/../g).map((pair) => Number.parseInt(pair, 16));
  const end = bytes.indexOf(0);
  const word = bytes.slice(0, end < 0 ? bytes.length : end);
  if (word.length === 0 || bytes.slice(word.length).some((b) => b !== 0)) return null;
  return word.every((b) => b >= 0x20 && b < 0x7f) ? String.fromCharCode(...word) : null;
}
