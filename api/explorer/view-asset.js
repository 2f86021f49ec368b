// One asset: what it is, who holds which right, the grants, evidence and disputes around it.

import { assetPath, getAll, getJSON } from './api.js';
import { append, formatTime, h, shortHex } from './dom.js';
import { label, language, t } from './i18n.js';
import {
  asciiWord,
  assetLink,
  badge,
  chainRef,
  facts,
  formatTerm,
  grantTable,
  hashText,
  linkIfWeb,
  partyLink,
  section,
  table,
} from './widgets.js';

const CERTIFICATE_EVENT = /^(Certificate|Objection)|^Transfer$/;

function version(record, asset) {
  return chainRef({ block: record.version.from_block, tx_hash: record.version.tx_hash }, asset);
}

function header(a) {
  const key = a.asset;
  return [
    h('h1', { tabindex: '-1' }, a.registration_number, ' ', badge(a.effective_status)),
    a.status_cause ? h('p', { class: 'notice warn' }, t('asset.cause', {
      kind: label('subject', a.status_cause_kind), id: a.status_cause,
    })) : null,
    h('nav', { class: 'actions', 'aria-label': t('asset.actions') },
      h('a', { class: 'button', href: `#/lineage/${key}` }, t('action.lineage')),
      h('a', { class: 'button', href: `#/history/${key}` }, t('action.history')),
      h('a', { class: 'button secondary', href: `#/verify?asset=${key}` }, t('action.verify'))),
  ];
}

function summary(a) {
  return section('summary', 'asset.summary', facts([
    ['field.kind', label('kind', a.kind)],
    ['field.contentHash', hashText(a.asset)],
    ['field.merkleRoot', h('span', {}, hashText(a.merkle_root), ' ',
      t('asset.leaves', { count: a.leaf_count, mode: label('leaf', a.leaf_mode) }))],
    ['field.metadataUri', linkIfWeb(a.metadata_uri)],
    ['field.metadataHash', hashText(a.metadata_hash)],
    ['field.registrant', partyLink(a.registrant)],
    ['field.registered', h('span', {}, formatTime(a.registered_at, language()), ' · ',
      t('word.block'), ' ', h('a', { href: `#/history/${a.asset}?block=${a.registered_block}` },
        a.registered_block))],
    ['field.version', version(a, a.asset)],
  ]));
}

function classification(a) {
  const c = a.classification;
  return section('classification', 'asset.classification', facts([
    ['field.category', label('category', c.category)],
    ['field.grade', label('grade', c.grade)],
    ['field.openClass', label('open', c.open_class)],
    ['field.domain', String(c.domain)],
    ['field.updateCycle', a.update_cycle ? t('unit.days', { n: (a.update_cycle / 86400).toFixed(1) })
      : t('word.none')],
  ]));
}

function rights(a) {
  return section('rights', 'asset.rights', h('div', { class: 'cards' }, a.rights.map((r) =>
    h('article', { class: 'card', dataset: { right: r.right } },
      h('h3', {}, label('right', r.right)),
      h('p', {}, t('asset.holders'), ' ',
        r.holders.length ? r.holders.map((x) => [partyLink(x), ' ']) : h('span', { class: 'muted' },
          t('asset.noHolder'))),
      table(`certificates-${r.right}`,
        ['col.certificate', 'col.holder', 'col.status', 'col.term', 'col.lastAction'],
        r.certificates.map((c) => [
          `#${c.certificate_id}`,
          partyLink(c.holder),
          h('span', {}, badge(c.effective_status),
            c.open_objections ? h('div', {}, t('asset.objections', { n: c.open_objections }))
              : null),
          formatTerm(c.terms.issued_at, c.terms.valid_until, language()),
          h('span', {}, c.last_action, h('div', {}, version(c, a.asset))),
        ]), 'empty.certificates')))));
}

function argsText(args) {
  const shown = (v) => asciiWord(v) ?? (typeof v === 'string' && v.length > 20 ? shortHex(v, 4) : v);
  return Object.entries(args)
    .filter(([, v]) => typeof v !== 'object' || v === null)
    .map(([k, v]) => `${k}=${shown(v)}`)
    .join(' ');
}

/** The timeline's events about this asset's own certificates (its neighbours' are left out). */
function certificateEvents(a, history) {
  const certificates = new Set(a.rights.flatMap((r) => r.certificates.map((c) => c.certificate_id)));
  // Certificate and objection events name the certificate; ERC-721 transfers name the token.
  const ours = (e) => certificates.has(Number(e.args.certificateId ?? e.args.tokenId));
  return history.items.filter((e) => CERTIFICATE_EVENT.test(e.event) && ours(e));
}

function certificateHistory(a, history) {
  const events = certificateEvents(a, history);
  return section('certificate-history', 'asset.certificateHistory',
    table('certificate-events', ['col.when', 'col.event', 'col.details'], events.map((e) => [
      chainRef({ block: e.block, tx_hash: e.tx_hash }, a.asset),
      label('event', e.event),
      h('code', { class: 'args' }, argsText(e.args)),
    ]), 'empty.events'),
    history.complete ? null : h('p', { class: 'muted' }, t('history.truncated')),
    h('p', {}, h('a', { href: `#/history/${a.asset}` }, t('action.fullHistory'))));
}

function grantsReceived(a, received) {
  if (a.kind !== 'product') return null;
  const certificateInputs = a.inputs.filter((e) => e.auth_kind !== 'grant');
  return section('grants-received', 'asset.grantsReceived',
    h('p', { class: 'muted' }, t('asset.grantsReceivedHelp')),
    grantTable('grants-received-table', received, language()),
    certificateInputs.length ? table('certificate-inputs', ['col.input', 'col.certificate'],
      certificateInputs.map((e) => [assetLink(e.input_asset), `#${e.auth_id}`])) : null);
}

function evidence(a, anchors, batches) {
  const rows = [
    ...anchors.map((x) => [label('evidence', x.evidence_type), hashText(x.document_hash),
      partyLink(x.submitter), formatTime(x.anchored_at, language()), linkIfWeb(x.uri),
      version(x, a.asset)]),
    ...batches.map((x) => [`${label('evidence', x.evidence_type)} (${t('asset.batchOf', { n: x.count })})`,
      hashText(x.root), partyLink(x.submitter), formatTime(x.anchored_at, language()),
      linkIfWeb(x.uri), version(x, a.asset)]),
  ];
  return section('evidence', 'asset.evidence', table('evidence-table',
    ['col.type', 'col.document', 'col.submitter', 'col.anchoredAt', 'col.uri', 'col.when'], rows,
    'empty.evidence'));
}

function disputes(a, list) {
  return section('disputes', 'asset.disputes', table('disputes-table',
    ['col.dispute', 'col.subject', 'col.parties', 'col.status', 'col.raisedAt', 'col.when'],
    list.map((d) => h('tr', { dataset: { status: d.status } },
      h('td', {}, `#${d.dispute_id}`, d.ownership ? h('div', {}, t('dispute.ownership')) : null),
      h('td', {}, label('subject', d.kind), ' ',
        d.kind === 'asset' ? assetLink(d.subject) : `#${BigInt(d.subject)}`),
      h('td', {}, partyLink(d.claimant), ' ↔ ', partyLink(d.respondent),
        h('div', { class: 'muted' }, t('dispute.arbitrator'), ' ', partyLink(d.arbitrator))),
      h('td', {}, badge(d.status)),
      h('td', {}, formatTime(d.raised_at, language())),
      h('td', {}, version(d, a.asset)))),
    'empty.disputes'));
}

export async function renderAsset(main, { ref }) {
  const a = await getJSON(assetPath(ref));
  const key = a.asset;
  const [given, anchors, batches, list, history, received] = await Promise.all([
    getAll('/grants', { asset: key }),
    getAll('/evidence', { subject: key }),
    getAll('/evidence/batches', { subject: key }),
    getAll('/disputes', { asset: key }),
    getAll(assetPath(key, '/history'), {}, { pageSize: 500, maxPages: 4 }),
    Promise.all(a.inputs.filter((e) => e.auth_kind === 'grant')
      .map((e) => getJSON(`/grants/${e.auth_id}`))),
  ]);
  append(main, [
    ...header(a),
    summary(a),
    classification(a),
    rights(a),
    certificateHistory(a, history),
    section('grants-given', 'asset.grantsGiven',
      grantTable('grants-given-table', given.items, language(), { asset: key })),
    grantsReceived(a, received),
    evidence(a, anchors.items, batches.items),
    disputes(a, list.items),
  ]);
  return { title: a.registration_number };
}
