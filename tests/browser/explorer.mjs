// End-to-end run of the registry explorer in headless Chromium, driven by playwright-core.
//
//   node tests/browser/explorer.mjs CONFIG.json
//
// CONFIG names the running API (baseUrl), the browser, where screenshots go, the supply chain's
// assets and files. The script walks through the explorer as a buyer and an arbitrator would and
// prints what it observed as one line `RESULT {json}` for the test to assert. When it reaches the
// live-update step it prints `STEP live` and waits for a line on stdin: by then the test has
// written to the chain and indexed it.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const config = JSON.parse(await readFile(process.argv[2], 'utf8'));
const { assets, files } = config;
const observed = { screenshots: [], consoleErrors: [] };
const stdinLines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
let step = 'start';

async function shot(page, name) {
  const file = path.join(config.artifactsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  observed.screenshots.push(file);
}

async function view(page, name) {
  await page.waitForSelector(`main[data-ready="true"][data-view="${name}"]`, { timeout: 15000 });
}

/** Do `action`, then wait until the page has rendered view `name` anew (not the one before). */
async function after(page, name, action) {
  const before = Number(await page.getAttribute('main', 'data-generation') ?? 0);
  await action();
  await page.waitForFunction(([view, generation]) => {
    const main = document.querySelector('main');
    return main.dataset.ready === 'true' && main.dataset.view === view
      && Number(main.dataset.generation) > generation;
  }, [name, before], { timeout: 15000 });
}

async function go(page, hash, name) {
  await after(page, name, () => page.evaluate((target) => { window.location.hash = target; }, hash));
}

const texts = (page, selector) => page.$$eval(selector, (els) => els.map((e) => e.textContent.trim()));
const attributes = (page, selector, name) => page.$$eval(selector,
  (els, attribute) => els.map((e) => e.getAttribute(attribute)), name);

function watchConsole(page) {
  page.on('pageerror', (error) => observed.consoleErrors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') {
      observed.consoleErrors.push(`${message.text()} [${message.location()?.url ?? ''}]`);
    }
  });
}

async function searchByKeyboard(page) {
  step = 'search';
  await page.keyboard.press('/');
  await page.keyboard.type(config.search.text);
  await after(page, 'search', () => page.keyboard.press('Enter'));
  observed.search = {
    results: await texts(page, '#results tbody tr td:first-child a'),
    matched: await texts(page, '#results tbody tr td:last-child'),
  };
  await shot(page, 'search');
  await page.keyboard.press('Tab'); // from the focused heading to the first result
  observed.search.focused = await page.evaluate(() => document.activeElement.textContent.trim());
  await after(page, 'asset', () => page.keyboard.press('Enter'));
}

async function assetPage(page) {
  step = 'asset';
  observed.asset = {
    title: (await texts(page, 'main h1'))[0],
    rights: await attributes(page, '#rights article', 'data-right'),
    certificates: Object.fromEntries(await Promise.all(['holding', 'processing', 'operating']
      .map(async (right) => [right, (await page.$$(`#certificates-${right} tbody tr`)).length]))),
    grantsReceived: await attributes(page, '#grants-received-table tbody tr', 'data-grant'),
    grantsGiven: (await page.$$('#grants-given-table tbody tr')).length,
    certificateEvents: await texts(page, '#certificate-events tbody tr td:nth-child(3)'),
    evidence: (await page.$$('#evidence-table tbody tr')).length,
    classification: await texts(page, '#classification dd'),
  };
  await shot(page, 'asset');
  await go(page, `#/asset/${assets.S.key}`, 'asset');
  observed.revokedAsset = {
    title: (await texts(page, 'main h1'))[0],
    disputes: await attributes(page, '#disputes-table tbody tr', 'data-status'),
  };
}

async function graphState(page) {
  return page.evaluate(() => {
    const cy = document.querySelector('#graph').cy;
    const byClass = (cls) => cy.nodes(`.${cls}`).map((n) => n.id()).sort();
    return {
      nodes: cy.nodes().map((n) => n.id()).sort(),
      edges: cy.edges().length,
      tainted: byClass('status-tainted'),
      revoked: byClass('status-revoked'),
      active: byClass('status-active'),
      badEdges: cy.edges('.now-bad').map((e) => `${e.source().id()}>${e.target().id()}`),
      edgeLabels: cy.edges().map((e) => e.data('label')),
      rows: [...document.querySelectorAll('#lineage-nodes tbody tr')].map((r) => r.dataset.status),
    };
  });
}

async function clickNode(page, asset) {
  const point = await page.evaluate((id) => {
    const graph = document.querySelector('#graph');
    const box = graph.getBoundingClientRect();
    const position = graph.cy.getElementById(id).renderedPosition();
    return { x: box.left + position.x, y: box.top + position.y };
  }, asset);
  await page.mouse.click(point.x, point.y);
  await page.waitForFunction((id) => document.querySelector('#graph').cy.getElementById(id).selected(),
    asset);
}

async function lineage(page) {
  step = 'lineage';
  await go(page, `#/asset/${assets.P2.key}`, 'asset');
  await after(page, 'lineage', () => page.click('a[href^="#/lineage/"]'));
  observed.lineage = await graphState(page);
  await shot(page, 'lineage');
  // From P1 one edge each way, then expand P2 by clicking it in the graph.
  await go(page, `#/lineage/${assets.P1.key}?direction=both&depth=1`, 'lineage');
  const before = await graphState(page);
  await clickNode(page, assets.P2.key);
  const panel = (await texts(page, '#node-panel h2'))[0];
  await page.click('#expand-node');
  await page.waitForFunction((n) => document.querySelector('#graph').cy.nodes().length > n,
    before.nodes.length);
  observed.expand = { before: before.nodes, panel, after: (await graphState(page)).nodes };
  await after(page, 'asset', () => page.click('#open-node'));
  observed.expand.opened = (await texts(page, 'main h1'))[0];
}

async function history(page) {
  step = 'history';
  await go(page, `#/history/${assets.P2.key}`, 'history');
  const api = await page.evaluate(async (key) => {
    const counts = {};
    let cursor = null;
    do {
      const query = new URLSearchParams({ limit: '500', ...(cursor ? { cursor } : {}) });
      const body = await (await fetch(`/assets/${key}/history?${query}`)).json();
      for (const e of body.items) counts[e.event] = (counts[e.event] ?? 0) + 1;
      cursor = body.next_cursor;
    } while (cursor);
    return counts;
  }, assets.P2.key);
  const all = (await page.$$('#timeline li')).length;
  await page.click('#event-filter button.secondary >> nth=1'); // none
  await page.check(`#event-filter input[value="${config.history.event}"]`);
  const filtered = await attributes(page, '#timeline li', 'data-event');
  await shot(page, 'history');
  // The first entry's block: the timeline of that block alone.
  await after(page, 'history', () => page.click('#timeline li .chain-ref a >> nth=0'));
  const blocks = await attributes(page, '#timeline li', 'data-block');
  observed.history = { api, all, filtered, blocks, url: await page.evaluate(() => window.location.hash) };
}

async function verifyFile(page, file, seller, name) {
  await go(page, `#/verify?run=${name}`, 'verify'); // a fresh page for each file
  await page.fill('#seller', seller ?? '');
  await page.setInputFiles('#file-input', file);
  await page.waitForSelector('#verdict, #verify-result [role=alert]', { timeout: 15000 });
  const result = await page.evaluate(() => {
    const verdict = document.querySelector('#verdict');
    return {
      verdict: verdict?.dataset.verdict ?? null,
      background: verdict ? getComputedStyle(verdict).backgroundColor : null,
      sha256: document.querySelector('#file-hash')?.dataset.sha256 ?? null,
      method: document.querySelector('#file-hash')?.dataset.method ?? null,
      checks: Object.fromEntries([...document.querySelectorAll('#checklist > li')]
        .map((li) => [li.dataset.check, li.dataset.result])),
    };
  });
  await shot(page, name);
  return result;
}

async function verification(page) {
  step = 'verify';
  observed.verify = {
    genuine: await verifyFile(page, files.genuine, config.sellers.genuine, 'verify-genuine'),
    tampered: await verifyFile(page, files.tampered, config.sellers.genuine, 'verify-tampered'),
    clean: await verifyFile(page, files.clean, config.sellers.clean, 'verify-clean'),
  };
  // The streaming SHA-256 (for large files and pages without WebCrypto) agrees with WebCrypto.
  observed.streaming = await page.evaluate(async () => {
    const { fileSha256 } = await import('/explorer/file-hash.js');
    const results = [];
    for (const size of [0, 1, 55, 56, 63, 64, 65, 1000, (1 << 20) + 3]) {
      const bytes = new Uint8Array(size);
      for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
      const blob = new Blob([bytes]);
      const streaming = await fileSha256(blob, { method: 'streaming' });
      const webcrypto = await fileSha256(blob, { method: 'webcrypto' });
      results.push({ size, equal: streaming.sha256 === webcrypto.sha256 });
    }
    return results;
  });
}

async function liveUpdate(page) {
  step = 'live';
  await go(page, '#/', 'home');
  const rows = (await page.$$('#catalogue tbody tr')).length;
  const before = Number(await page.getAttribute('#indexed-line', 'data-block'));
  console.log('STEP live');
  await stdinLines.next();
  await page.waitForFunction((b) => Number(document.querySelector('#indexed-line').dataset.block) > b,
    before, { timeout: 20000 });
  await page.waitForSelector('#freshness:not([hidden])', { timeout: 5000 });
  const reached = Number(await page.getAttribute('#indexed-line', 'data-block'));
  const mode = await page.getAttribute('#indexed-line', 'data-mode');
  await after(page, 'home', () => page.click('#freshness button'));
  observed.live = { before, after: reached, mode, rows, rowsAfter: (await page.$$('#catalogue tbody tr')).length };
}

async function language(page) {
  step = 'language';
  await go(page, `#/asset/${assets.P2.key}`, 'asset');
  await after(page, 'asset', () => page.click('#lang-toggle'));
  const read = async () => ({
    lang: await page.evaluate(() => document.documentElement.lang),
    nav: (await texts(page, '.site-nav a[href="#/verify"]'))[0],
    line: (await texts(page, '#indexed-line'))[0],
    headings: await texts(page, 'main h2'),
  });
  const zh = await read();
  await shot(page, 'asset-zh');
  await page.reload();
  await view(page, 'asset');
  const reloaded = await read();
  await after(page, 'asset', () => page.click('#lang-toggle'));
  observed.language = { zh, reloaded, back: await read() };
}

async function contrast(page) {
  return page.evaluate(() => {
    const rgb = (text) => text.match(/[\d.]+/g).map(Number);
    const luminance = ([r, g, b]) => {
      const channel = (c) => { const s = c / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const background = (el) => {
      for (let node = el; node; node = node.parentElement) {
        const color = getComputedStyle(node).backgroundColor;
        const parts = rgb(color);
        if (parts.length < 4 || parts[3] > 0) return parts.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const ratios = {};
    for (const el of document.querySelectorAll('body *')) {
      if (!el.childNodes.length || ![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
      if (el.closest('[hidden], .sr-only') || el.closest('#graph')) continue;
      const l1 = luminance(rgb(getComputedStyle(el).color));
      const l2 = luminance(background(el));
      const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
      const key = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
      ratios[key] = Math.min(ratios[key] ?? Infinity, Math.round(ratio * 100) / 100);
    }
    return ratios;
  });
}

async function accessibility(page) {
  step = 'contrast';
  const pages = [['#/', 'home'], [`#/asset/${assets.P2.key}`, 'asset'],
    [`#/history/${assets.P2.key}`, 'history']];
  const ratios = {};
  for (const [hash, name] of pages) {
    await go(page, hash, name);
    Object.assign(ratios, await contrast(page));
  }
  await verifyFile(page, files.tampered, '', 'verify-tampered-again');
  Object.assign(ratios, await contrast(page));
  observed.contrast = ratios;
  observed.i18n = await page.evaluate(async () => {
    const { STRINGS, missingKeys } = await import('/explorer/i18n.js');
    const en = Object.keys(STRINGS.en);
    const zh = new Set(Object.keys(STRINGS.zh));
    return {
      missing: [...missingKeys],
      onlyEnglish: en.filter((k) => !zh.has(k)),
      onlyChinese: [...zh].filter((k) => !(k in STRINGS.en)),
    };
  });
}

async function mobile(browser) {
  step = 'mobile';
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  });
  const page = await context.newPage();
  watchConsole(page);
  await page.goto(`${config.baseUrl}/#/asset/${assets.P2.key}`);
  await view(page, 'asset');
  const overflow = {};
  const measure = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  overflow.asset = await measure();
  await shot(page, 'mobile-asset');
  await go(page, `#/lineage/${assets.P2.key}`, 'lineage');
  overflow.lineage = await measure();
  await shot(page, 'mobile-lineage');
  await go(page, '#/verify', 'verify');
  overflow.verify = await measure();
  await go(page, `#/history/${assets.P2.key}`, 'history');
  overflow.history = await measure();
  observed.mobile = overflow;
  await context.close();
}

async function main() {
  const browser = await chromium.launch({ executablePath: config.chromium, headless: true });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const page = await context.newPage();
    watchConsole(page);
    step = 'home';
    await page.goto(`${config.baseUrl}/`);
    await view(page, 'home');
    await page.waitForFunction(() => Number(document.querySelector('#indexed-line').dataset.block) > 0);
    observed.home = {
      line: (await texts(page, '#indexed-line'))[0],
      block: Number(await page.getAttribute('#indexed-line', 'data-block')),
      catalogue: (await page.$$('#catalogue tbody tr')).length,
    };
    await shot(page, 'home');
    await searchByKeyboard(page);
    await assetPage(page);
    await lineage(page);
    await history(page);
    await verification(page);
    await liveUpdate(page);
    await language(page);
    await accessibility(page);
    await context.close();
    await mobile(browser);
    observed.ok = true;
  } catch (error) {
    observed.ok = false;
    observed.step = step;
    observed.error = String(error?.stack ?? error);
  } finally {
    await browser.close();
  }
  console.log(`RESULT ${JSON.stringify(observed)}`);
  process.exit(observed.ok ? 0 : 1);
}

await main();
