// A party: its admission, credit record, the rights it holds now, the grants it gave and got.

import { getJSON } from './api.js';
import { append, formatTime, h } from './dom.js';
import { label, language, t } from './i18n.js';
import { assetLink, badge, facts, grantTable, hashText, section, table } from './widgets.js';

export async function renderParty(main, { address }) {
  const p = await getJSON(`/parties/${encodeURIComponent(address)}`);
  const status = p.suspended ? 'suspended' : p.admitted ? 'admitted' : 'none';
  append(main, [
    h('h1', { tabindex: '-1' }, t('party.title'), ' ', h('code', { class: 'break' }, p.account)),
    section('party-summary', 'party.summary', facts([
      ['col.partyKind', p.kind ? label('party', p.kind) : '—'],
      ['col.status', badge(status)],
      ['party.admittedAt', formatTime(p.admitted_at, language())],
      ['party.identity', hashText(p.identity_commitment)],
      ['party.disputesLost', String(p.credit.disputes_lost ?? 0)],
      ['party.objectionsUpheld', String(p.credit.objections_upheld ?? 0)],
    ])),
    section('party-rights', 'party.rights', table('party-rights-table',
      ['col.certificate', 'col.asset', 'col.right', 'col.status'],
      p.rights_now.map((r) => [`#${r.certificate_id}`, assetLink(r.asset), label('right', r.right),
        badge(r.effective_status)]), 'empty.certificates')),
    section('party-given', 'party.grantsGiven',
      grantTable('party-given-table', p.grants_given, language())),
    section('party-received', 'party.grantsReceived',
      grantTable('party-received-table', p.grants_received, language())),
  ]);
  return { title: p.account };
}
