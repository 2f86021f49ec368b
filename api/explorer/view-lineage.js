// The lineage graph: sources upstream, products downstream, the grant behind every edge.
// Drawn with cytoscape (served by the API from node_modules); the same data is listed in
// tables below the graph for keyboard and screen-reader use.

import { assetPath, getJSON } from './api.js';
import { append, clear, h } from './dom.js';
import { label, t } from './i18n.js';
import { assetLink, badge, chainRef, errorBox, partyLink, section, table } from './widgets.js';

const LIBRARY = '/explorer/vendor/cytoscape.esm.min.mjs';
const DIRECTIONS = ['both', 'up', 'down'];
const DEPTHS = [1, 2, 3, 5, 10];

const STYLE = [
  { selector: 'node', style: {
    label: 'data(label)', 'text-wrap': 'wrap', 'text-valign': 'center', 'text-halign': 'center',
    'font-size': 11, color: '#1b1f24', width: 170, height: 46, shape: 'round-rectangle',
    'background-color': '#e6f4ea', 'border-color': '#1a7f37', 'border-width': 2,
  } },
  { selector: 'node.kind-product', style: { shape: 'ellipse', width: 190, height: 52 } },
  { selector: 'node.status-tainted', style: {
    'background-color': '#fff1e0', 'border-color': '#b35900', 'border-style': 'dashed',
    'border-width': 3,
  } },
  { selector: 'node.status-revoked', style: {
    'background-color': '#fde8e8', 'border-color': '#a4161a', 'border-style': 'double',
    'border-width': 6,
  } },
  { selector: 'node.root', style: { 'font-weight': 'bold', 'border-width': 5 } },
  { selector: 'node:selected', style: {
    'underlay-color': '#0a58ca', 'underlay-opacity': 0.3, 'underlay-padding': 7,
    'underlay-shape': 'round-rectangle',
  } },
  { selector: 'node.kind-product:selected', style: { 'underlay-shape': 'ellipse' } },
  { selector: 'edge', style: {
    label: 'data(label)', 'font-size': 10, 'text-wrap': 'wrap', color: '#1b1f24',
    'text-background-color': '#ffffff', 'text-background-opacity': 1,
    'text-background-padding': 2, width: 2, 'line-color': '#57606a',
    'target-arrow-color': '#57606a', 'target-arrow-shape': 'triangle', 'curve-style': 'bezier',
  } },
  { selector: 'edge.now-bad', style: {
    'line-color': '#a4161a', 'target-arrow-color': '#a4161a', 'line-style': 'dashed',
    color: '#a4161a',
  } },
];

/** The graph's data, merged across traces as nodes are expanded. */
class Lineage {
  constructor(root) {
    this.root = root;
    this.nodes = new Map();
    this.edges = new Map();
    this.expanded = new Set();
  }

  merge(trace) {
    for (const node of trace.nodes) {
      const known = this.nodes.get(node.asset);
      // Depth stays relative to the traced asset of the first trace that found the node.
      this.nodes.set(node.asset, known ? { ...node, depth: known.depth } : node);
    }
    for (const edge of trace.edges) this.edges.set(`${edge.input_asset}>${edge.product}`, edge);
  }

  sortedNodes() {
    return [...this.nodes.values()].sort((x, y) => x.depth - y.depth
      || x.registration_number.localeCompare(y.registration_number));
  }
}

function nodeLabel(node) {
  const status = node.derived_status;
  const mark = status === 'revoked' ? '✕ ' : status === 'tainted' ? '⚠ ' : '';
  const word = status === 'active' ? label('kind', node.kind) : label('status', status);
  return `${node.registration_number}\n${mark}${word}`;
}

function edgeLabel(edge) {
  const auth = edge.auth_kind === 'grant' ? t('graph.grant') : t('graph.certificate');
  const valid = edge.valid_at_derivation ? '✓' : '✕';
  const now = edge.status_now === 'effective' ? '' : `\n${t('graph.now')} ${label('status', edge.status_now)}`;
  return `${auth} #${edge.auth_id} ${valid}${now}`;
}

function elements(lineage) {
  const nodes = lineage.sortedNodes().map((n) => ({
    group: 'nodes',
    data: { id: n.asset, label: nodeLabel(n), status: n.derived_status },
    classes: [`kind-${n.kind}`, `status-${n.derived_status}`, n.asset === lineage.root ? 'root' : '']
      .join(' '),
  }));
  const edges = [...lineage.edges.entries()].map(([id, e]) => ({
    group: 'edges',
    data: { id, source: e.input_asset, target: e.product, label: edgeLabel(e) },
    classes: e.status_now === 'effective' ? '' : 'now-bad',
  }));
  return [...nodes, ...edges];
}

const COLUMN = 230;
const ROW = 150;

/**
 * Positions for a layered drawing of the DAG: sources on top, each product one row below its
 * lowest input (the longest path from a source), and within a row ordered by the mean column of
 * its inputs so that edges cross as little as a single pass can arrange.
 */
function layered(lineage) {
  const inputs = new Map([...lineage.nodes.keys()].map((id) => [id, []]));
  for (const edge of lineage.edges.values()) inputs.get(edge.product)?.push(edge.input_asset);
  const level = new Map();
  const levelOf = (id, seen = new Set()) => {
    if (level.has(id)) return level.get(id);
    if (seen.has(id)) return 0; // lineage is acyclic; this only guards against bad data
    seen.add(id);
    const known = inputs.get(id).filter((i) => lineage.nodes.has(i));
    const value = known.length ? Math.max(...known.map((i) => levelOf(i, seen))) + 1 : 0;
    level.set(id, value);
    return value;
  };
  const consumers = new Map([...lineage.nodes.keys()].map((id) => [id, []]));
  for (const [product, list] of inputs) list.forEach((i) => consumers.get(i)?.push(product));
  // Pull each asset down to just above its nearest product, so no edge skips rows needlessly
  // (products on higher levels first: their own level is final when their inputs move).
  const byLevel = [...lineage.nodes.keys()].sort((a, b) => levelOf(b) - levelOf(a));
  for (const id of byLevel) {
    const below = consumers.get(id).map((c) => level.get(c));
    if (below.length) level.set(id, Math.max(level.get(id), Math.min(...below) - 1));
  }
  const rows = [];
  for (const node of lineage.sortedNodes()) {
    const row = level.get(node.asset);
    (rows[row] ??= []).push(node.asset);
  }
  const column = new Map();
  for (const row of rows.filter(Boolean)) {
    const mean = (id) => {
      const placed = inputs.get(id).filter((i) => column.has(i)).map((i) => column.get(i));
      return placed.length ? placed.reduce((a, b) => a + b, 0) / placed.length : 0;
    };
    row.sort((a, b) => mean(a) - mean(b));
    row.forEach((id, i) => column.set(id, i - (row.length - 1) / 2));
  }
  return (node) => ({ x: column.get(node.id()) * COLUMN, y: level.get(node.id()) * ROW });
}

async function trace(ref, direction, depth) {
  return getJSON(assetPath(ref, '/lineage'), { direction, depth });
}

function controls(ref, direction, depth) {
  const go = () => {
    window.location.hash = `#/lineage/${ref}?direction=${dirSelect.value}&depth=${depthSelect.value}`;
  };
  const dirSelect = h('select', { id: 'lineage-direction', onchange: go },
    DIRECTIONS.map((d) => h('option', { value: d, selected: d === direction }, t(`graph.dir.${d}`))));
  const depthSelect = h('select', { id: 'lineage-depth', onchange: go },
    DEPTHS.map((d) => h('option', { value: d, selected: d === depth }, String(d))));
  return h('div', { class: 'controls' },
    h('label', {}, t('graph.direction'), ' ', dirSelect),
    h('label', {}, t('graph.depth'), ' ', depthSelect),
    h('a', { class: 'button secondary', href: `#/asset/${ref}` }, t('action.backToAsset')));
}

function legend() {
  const item = (cls, key) => h('li', {}, h('span', { class: `swatch ${cls}`, 'aria-hidden': 'true' }), t(key));
  return h('ul', { class: 'legend', 'aria-label': t('graph.legend') },
    item('active', 'graph.legend.active'), item('tainted', 'graph.legend.tainted'),
    item('revoked', 'graph.legend.revoked'), item('edge-bad', 'graph.legend.edgeBad'),
    h('li', {}, t('graph.legend.shapes')));
}

export async function renderLineage(main, { ref, direction = 'both', depth = '2' }) {
  const dir = DIRECTIONS.includes(direction) ? direction : 'both';
  const levels = Number.parseInt(depth, 10) || 2;
  const first = await trace(ref, dir, levels);
  const lineage = new Lineage(first.root);
  lineage.merge(first);
  const rootNode = lineage.nodes.get(first.root);

  const panel = h('aside', { id: 'node-panel', class: 'panel', 'aria-live': 'polite' },
    h('p', { class: 'muted' }, t('graph.pick')));
  const graph = h('div', {
    id: 'graph', class: 'graph', tabindex: '0', role: 'application',
    'aria-label': t('graph.aria'), 'aria-describedby': 'graph-keys',
  });
  const nodeList = h('div', {});
  const edgeList = h('div', {});
  append(main, [
    h('h1', { tabindex: '-1' }, t('graph.title', { number: rootNode.registration_number })),
    controls(first.root, dir, levels),
    legend(),
    h('div', { class: 'graph-layout' }, graph, panel),
    h('p', { id: 'graph-keys', class: 'muted' }, t('graph.keys')),
    section('lineage-nodes-section', 'graph.nodes', nodeList),
    section('lineage-edges-section', 'graph.edges', edgeList),
  ]);

  let cy = null;
  try {
    const { default: cytoscape } = await import(LIBRARY);
    cy = cytoscape({
      container: graph, elements: elements(lineage), style: STYLE, minZoom: 0.2, maxZoom: 3,
      boxSelectionEnabled: false, autounselectify: false,
    });
    graph.cy = cy; // for the browser tests and the console
  } catch (error) {
    graph.append(errorBox(new Error(t('graph.noLibrary', { detail: error.message }))));
  }

  const layout = () => cy?.layout({
    name: 'preset', positions: layered(lineage), fit: true, padding: 24,
  }).run();

  const order = () => lineage.sortedNodes().map((n) => n.asset);
  let selected = null;

  async function expand(asset) {
    let more;
    try {
      more = await trace(asset, 'both', 1);
    } catch (error) {
      panel.append(errorBox(error));
      return;
    }
    lineage.expanded.add(asset);
    lineage.merge(more);
    if (cy) {
      for (const element of elements(lineage)) {
        const existing = cy.getElementById(element.data.id);
        if (existing.nonempty()) existing.data(element.data);
        else cy.add(element);
      }
      layout();
    }
    renderTables();
    select(asset);
  }

  function select(asset) {
    selected = asset;
    const node = lineage.nodes.get(asset);
    if (cy) {
      cy.$(':selected').unselect();
      cy.getElementById(asset).select();
    }
    clear(panel).append(
      h('h2', {}, node.registration_number),
      h('p', {}, badge(node.derived_status), ' ', label('kind', node.kind)),
      h('p', {}, t('field.registrant'), ' ', partyLink(node.registrant)),
      h('p', {}, t('field.registered'), ' ', chainRef(node.registered, asset)),
      h('div', { class: 'actions' },
        h('a', { class: 'button', id: 'open-node', href: `#/asset/${asset}` }, t('action.open')),
        h('button', {
          type: 'button', class: 'secondary', id: 'expand-node', disabled: lineage.expanded.has(asset),
          onclick: () => expand(asset),
        }, t('action.expand'))),
    );
  }

  function renderTables() {
    clear(nodeList).append(table('lineage-nodes',
      ['col.number', 'col.kind', 'col.status', 'col.depth', 'col.actions'],
      lineage.sortedNodes().map((n) => h('tr', { dataset: { asset: n.asset, status: n.derived_status } },
        h('td', {}, assetLink(n.asset, n.registration_number)),
        h('td', {}, label('kind', n.kind)),
        h('td', {}, badge(n.derived_status)),
        h('td', {}, String(n.depth)),
        h('td', {},
          h('button', { type: 'button', class: 'secondary', onclick: () => select(n.asset) },
            t('action.show')), ' ',
          h('button', {
            type: 'button', class: 'secondary', disabled: lineage.expanded.has(n.asset),
            onclick: () => expand(n.asset),
          }, t('action.expand')))))));
    const number = (asset) => lineage.nodes.get(asset)?.registration_number ?? asset;
    clear(edgeList).append(table('lineage-edges',
      ['col.input', 'col.product', 'col.authorization', 'col.validAtUse', 'col.statusNow', 'col.when'],
      [...lineage.edges.values()].map((e) => h('tr', { dataset: { valid: e.valid_at_derivation, now: e.status_now } },
        h('td', {}, assetLink(e.input_asset, number(e.input_asset))),
        h('td', {}, assetLink(e.product, number(e.product))),
        h('td', {}, `${label('auth', e.auth_kind)} #${e.auth_id}`),
        h('td', {}, badge(e.valid_at_derivation ? 'effective' : e.status_at_derivation)),
        h('td', {}, badge(e.status_now)),
        h('td', {}, chainRef(e.derived, e.product)))), 'empty.edges'));
  }

  lineage.expanded.add(first.root);
  renderTables();
  if (cy) {
    layout();
    cy.on('tap', 'node', (event) => select(event.target.id()));
    graph.addEventListener('keydown', (event) => {
      const ids = order();
      const at = Math.max(ids.indexOf(selected), 0);
      if (event.key === 'ArrowRight' || event.key === 'ArrowDown') select(ids[(at + 1) % ids.length]);
      else if (event.key === 'ArrowLeft' || event.key === 'ArrowUp') select(ids[(at - 1 + ids.length) % ids.length]);
      else if (event.key === 'Enter' && selected) window.location.hash = `#/asset/${selected}`;
      else if (event.key === 'e' && selected) expand(selected);
      else return;
      event.preventDefault();
    });
  }
  select(first.root);
  return { title: rootNode.registration_number, cleanup: () => cy?.destroy() };
}
