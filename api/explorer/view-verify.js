// Verify a file: its SHA-256 is computed here in the browser and only the hash is sent to
// POST /verify; the provenance report comes back as a checklist with a clear verdict.

import { postJSON } from './api.js';
import { append, clear, formatBytes, h } from './dom.js';
import { fileSha256 } from './file-hash.js';
import { label, t } from './i18n.js';
import { assetLink, badge, chainRef, errorBox, hashText, partyLink } from './widgets.js';

const HASH = /^(0x)?[0-9a-fA-F]{64}$/;

function check(id, result, titleKey, ...details) {
  const mark = { pass: '✓', fail: '✕', warn: '⚠', info: 'ℹ' }[result];
  return h('li', { class: `check-item ${result}`, dataset: { check: id, result } },
    h('span', { class: 'check-mark', 'aria-hidden': 'true' }, mark),
    h('div', {},
      h('strong', {}, t(titleKey), h('span', { class: 'sr-only' }, ` (${t(`result.${result}`)})`)),
      ...details));
}

function numberOf(report, asset) {
  return report.lineage?.nodes.find((n) => n.asset === asset)?.registration_number ?? asset;
}

function bytesCheck(report) {
  return check('bytes', report.bytes.matches ? 'pass' : 'fail', 'verify.check.bytes',
    h('p', {}, report.registered
      ? t('verify.bytes.match', { number: report.asset.registration_number })
      : t('verify.bytes.noMatch')),
    h('p', { class: 'muted' }, report.bytes.reason),
    h('p', {}, 'SHA-256 ', hashText(report.sha256)));
}

function statusCheck(report) {
  const a = report.asset;
  return check('asset-status', a.derived_status === 'active' ? 'pass' : 'fail', 'verify.check.status',
    h('p', {}, assetLink(a.asset, a.registration_number), ' ', badge(a.derived_status), ' ',
      label('kind', a.kind)),
    h('p', {}, t('field.registered'), ' ', chainRef(a.registered, a.asset)));
}

function rightsCheck(report) {
  return check('rights', 'info', 'verify.check.rights', h('ul', {}, report.rights.map((r) =>
    h('li', {}, label('right', r.right), ` #${r.certificate_id}: `, partyLink(r.holder), ' ',
      badge(r.status), ' ', t('verify.since'), ' ', chainRef(r.since, report.asset.asset)))));
}

function sellerCheck(report) {
  const s = report.seller;
  if (!s) {
    const holders = report.rights.filter((r) => r.right === 'operating' && r.status === 'effective');
    return check('seller', 'info', 'verify.check.seller',
      h('p', {}, t('verify.seller.none')),
      holders.length ? h('p', {}, t('verify.seller.holders'), ' ',
        holders.map((r) => [partyLink(r.holder), ' '])) : h('p', {}, t('verify.seller.nobody')));
  }
  return check('seller', s.active ? 'pass' : 'fail', 'verify.check.seller',
    h('p', {}, partyLink(s.seller), ' — ', s.reason),
    s.since ? h('p', {}, t('verify.since'), ' ', chainRef(s.since, report.asset.asset)) : null);
}

function lineageCheck(report) {
  const edges = report.lineage?.edges ?? [];
  if (edges.length === 0) {
    return check('upstream', 'pass', 'verify.check.upstream', h('p', {}, t('verify.upstream.none')));
  }
  const allValid = edges.every((e) => e.valid_at_derivation);
  return check('upstream', allValid ? 'pass' : 'fail', 'verify.check.upstream',
    h('p', {}, t('verify.upstream.count', { n: edges.length })),
    h('ul', {}, edges.map((e) => h('li', { dataset: { valid: e.valid_at_derivation } },
      assetLink(e.input_asset, numberOf(report, e.input_asset)), ' → ',
      assetLink(e.product, numberOf(report, e.product)), ': ',
      `${label('auth', e.auth_kind)} #${e.auth_id} `,
      t('verify.upstream.atUse'), ' ', badge(e.valid_at_derivation ? 'effective' : e.status_at_derivation),
      ' ', t('verify.upstream.now'), ' ', badge(e.status_now), ' ',
      chainRef(e.derived, e.product)))));
}

function disputesCheck(report) {
  const list = report.disputes;
  if (list.length === 0) {
    return check('disputes', 'pass', 'verify.check.disputes', h('p', {}, t('verify.disputes.none')));
  }
  const upheld = list.some((d) => d.status === 'upheld');
  return check('disputes', upheld ? 'fail' : 'warn', 'verify.check.disputes',
    h('ul', {}, list.map((d) => h('li', {},
      `#${d.dispute_id} `, badge(d.status), ' ', label('subject', d.subject_kind), ' ',
      d.subject_kind === 'asset' ? assetLink(d.subject, numberOf(report, d.subject)) : `#${d.subject}`,
      ' · ', t('verify.disputes.on'), ' ', assetLink(d.asset, numberOf(report, d.asset)),
      ' · ', t('verify.disputes.raised'), ' ', chainRef(d.raised, d.asset),
      ' · ', t('verify.disputes.latest'), ' ', chainRef(d.latest, d.asset)))));
}

/** genuine | problems | other-asset | mismatch, and the checklist items behind it. */
function assess(report, expected) {
  if (!report.registered || !report.bytes.matches) return { verdict: 'mismatch', items: [bytesCheck(report)] };
  const items = [bytesCheck(report), statusCheck(report), rightsCheck(report), sellerCheck(report),
    lineageCheck(report), disputesCheck(report)];
  if (expected && expected.toLowerCase() !== report.asset.asset.toLowerCase()) {
    return { verdict: 'other-asset', items };
  }
  const failed = items.some((item) => ['fail', 'warn'].includes(item.dataset.result));
  return { verdict: failed ? 'problems' : 'genuine', items };
}

function verdictBox(verdict, report) {
  const tones = { genuine: 'good', problems: 'warn', 'other-asset': 'bad', mismatch: 'bad' };
  const marks = { good: '✓', warn: '⚠', bad: '✕' };
  const tone = tones[verdict];
  return h('div', {
    id: 'verdict', class: `verdict ${tone}`, role: 'status', tabindex: '-1', dataset: { verdict },
  },
    h('span', { class: 'verdict-mark', 'aria-hidden': 'true' }, marks[tone]),
    h('div', {},
      h('strong', {}, t(`verify.verdict.${verdict}`, { number: report.asset?.registration_number ?? '' })),
      h('p', {}, t(`verify.verdict.${verdict}.help`))));
}

export function renderReport(report, { expected } = {}) {
  const { verdict, items } = assess(report, expected);
  return h('div', { id: 'report' },
    verdictBox(verdict, report),
    h('ol', { id: 'checklist', class: 'checklist' }, items),
    h('p', { class: 'muted' }, t('verify.indexed', { block: report.indexed_block })));
}

export async function renderVerify(main, { asset: expected }) {
  const result = h('div', { id: 'verify-result', 'aria-live': 'polite' });
  const progress = h('progress', { id: 'hash-progress', max: '1', value: '0', hidden: true });
  const progressText = h('span', { id: 'hash-status', class: 'muted' });
  const seller = h('input', { id: 'seller', type: 'text', inputmode: 'text', autocomplete: 'off',
    spellcheck: 'false', placeholder: '0x…', pattern: '0x[0-9a-fA-F]{40}' });
  const fileInput = h('input', { id: 'file-input', type: 'file', class: 'file-input' });
  const hashInput = h('input', { id: 'hash-input', type: 'text', autocomplete: 'off',
    spellcheck: 'false', placeholder: '0x…' });

  async function verify(sha256, source) {
    clear(result).append(h('p', {}, t('verify.asking')));
    const body = { sha256 };
    if (seller.value.trim()) body.seller = seller.value.trim();
    try {
      const report = await postJSON('/verify', body);
      clear(result).append(source, renderReport(report, { expected }));
    } catch (error) {
      clear(result).append(source, errorBox(error));
    }
    result.querySelector('#verdict, [role=alert]')?.focus?.();
  }

  async function hashAndVerify(file) {
    progress.hidden = false;
    progress.value = 0;
    progressText.textContent = t('verify.hashing', { name: file.name, size: formatBytes(file.size) });
    clear(result);
    try {
      const { sha256, method } = await fileSha256(file, {
        onProgress: (done, total) => { progress.value = total ? done / total : 1; },
      });
      progressText.textContent = t('verify.hashed', { name: file.name });
      const source = h('p', { id: 'file-hash', dataset: { sha256, method } },
        t('verify.fileHash', { name: file.name, size: formatBytes(file.size) }), ' ',
        hashText(sha256), ' ', h('span', { class: 'muted' }, t(`verify.method.${method}`)));
      await verify(sha256, source);
    } catch (error) {
      clear(result).append(errorBox(error));
    } finally {
      progress.hidden = true;
    }
  }

  fileInput.addEventListener('change', () => {
    if (fileInput.files?.[0]) hashAndVerify(fileInput.files[0]);
  });
  const drop = h('label', { for: 'file-input', id: 'dropzone', class: 'dropzone' },
    h('span', { class: 'dropzone-title' }, t('verify.drop')),
    h('span', { class: 'muted' }, t('verify.privacy')));
  drop.addEventListener('dragover', (event) => { event.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    const file = event.dataTransfer?.files?.[0];
    if (file) hashAndVerify(file);
  });
  const hashForm = h('form', {
    class: 'inline-form',
    onsubmit: (event) => {
      event.preventDefault();
      const value = hashInput.value.trim();
      if (!HASH.test(value)) {
        clear(result).append(errorBox(new Error(t('verify.badHash'))));
        return;
      }
      const sha256 = value.startsWith('0x') ? value.toLowerCase() : `0x${value.toLowerCase()}`;
      verify(sha256, h('p', { id: 'file-hash', dataset: { sha256 } }, t('verify.givenHash'), ' ',
        hashText(sha256)));
    },
  }, h('label', { for: 'hash-input' }, t('verify.orHash')), hashInput,
  h('button', { type: 'submit', class: 'secondary' }, t('action.check')));

  append(main, [
    h('h1', { tabindex: '-1' }, t('verify.title')),
    h('p', { class: 'lead' }, t('verify.lead')),
    expected ? h('p', { class: 'notice' }, t('verify.expected'), ' ', assetLink(expected)) : null,
    h('div', { class: 'panel verify-form' },
      h('label', { for: 'seller' }, t('verify.seller')), seller,
      drop, fileInput,
      h('div', { class: 'progress-line' }, progress, ' ', progressText),
      hashForm),
    result,
  ]);
  return { title: t('verify.title'), live: false };
}
