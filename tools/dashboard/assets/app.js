// Smith dashboard: polls api/cluster once a second and renders nodes, the supervision tree,
// agents by state, and message rates and restarts over the last samples. No dependencies.
'use strict';

const POLL_MS = 1000;
const WINDOW = 120; // samples kept for the charts
const LOG_MAX = 50; // restart log entries kept

const history = []; // {t, rate, restarts}
let previous = null; // {handled: Map, restarts: Map, t}

// -- helpers ---------------------------------------------------------------------------------
const $ = (id) => document.getElementById(id);
const num = (x) => Number(x || 0);
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}
const stateName = (s) => String(s || '').replace(/^LIFECYCLE_STATE_/, '').toLowerCase() || 'unknown';
const healthName = (h) => String(h || '').replace(/^HEALTH_/, '').toLowerCase();
const clock = (ms) => new Date(ms).toISOString().substring(11, 19);
// A protobuf JSON Duration ("93.5s") as "1m 33s".
function human(duration) {
  const s = Math.floor(parseFloat(duration || '0'));
  const parts = [[Math.floor(s / 86400), 'd'], [Math.floor(s / 3600) % 24, 'h'], [Math.floor(s / 60) % 60, 'm'], [s % 60, 's']];
  const first = parts.findIndex(([v]) => v > 0);
  return first < 0 ? '0s' : parts.slice(first, first + 2).map(([v, u]) => `${v}${u}`).join(' ');
}

// -- derived figures -------------------------------------------------------------------------
// Every child of every tree as [key, child, node, supervisor path].
function children(trees) {
  const out = [];
  const walk = (node, sup) => {
    for (const c of sup.children || []) {
      out.push([`${node}/${sup.path}/${c.id}`, c, node, sup.path]);
      if (c.supervisor) walk(node, c.supervisor);
    }
  };
  for (const t of trees) if (t.root) walk(t.node, t.root);
  return out;
}

// Messages handled per second since the previous sample (a restarted incarnation counts from 0).
function messageRate(snap, handled) {
  if (!previous) return 0;
  let delta = 0;
  for (const [key, h] of handled) {
    const before = previous.handled.get(key);
    delta += before && before.instance === h.instance ? Math.max(0, h.count - before.count) : h.count;
  }
  const dt = (snap.sampled_at_ms - previous.t) / 1000;
  return dt > 0 ? delta / dt : 0;
}

function sample(snap) {
  const handled = new Map();
  for (const s of snap.stats)
    for (const a of s.agents || [])
      handled.set(`${s.node}/${a.domain}/${a.name}`, { instance: a.instance, count: num(a.handled) });
  const restarts = new Map();
  let total = 0;
  for (const [key, c, node, path] of children(snap.trees)) {
    const n = num(c.restarts);
    restarts.set(key, n);
    total += n;
    const before = previous ? previous.restarts.get(key) : undefined;
    if (before !== undefined && n > before) logRestart(snap.sampled_at_ms, node, path, c, n - before);
  }
  history.push({ t: snap.sampled_at_ms, rate: messageRate(snap, handled), restarts: total });
  while (history.length > WINDOW) history.shift();
  previous = { handled, restarts, t: snap.sampled_at_ms };
}

function logRestart(t, node, path, child, count) {
  const log = $('restart-log');
  const entry = el('li', { class: 'restart', 'data-child': child.id, 'data-node': node },
    `${clock(t)} ${child.id} on ${node} restarted${count > 1 ? ` ${count}×` : ''} ` +
    `(${path}, restarts ${num(child.restarts)}, incarnation ${num(child.incarnation)})`);
  log.prepend(entry);
  while (log.children.length > LOG_MAX) log.lastChild.remove();
}

// -- rendering -------------------------------------------------------------------------------
function renderNodes(snap) {
  const body = $('nodes').tBodies[0];
  body.replaceChildren(...snap.nodes.map((n) => el('tr', { 'data-node': n.node },
    el('td', {}, n.node), el('td', {}, n.status), el('td', {}, n.version),
    el('td', {}, human(n.uptime)), el('td', {}, num(n.agents)), el('td', {}, (n.domains || []).join(', ')))));
  for (const s of snap.silent)
    body.append(el('tr', { 'data-node': s, class: 'silent' }, el('td', {}, s), el('td', {}, 'not answering')));
}

function renderChart(svg, values) {
  const max = Math.max(1, ...values);
  const step = 300 / Math.max(1, WINDOW - 1);
  const offset = WINDOW - values.length;
  const points = values.map((v, i) => `${((offset + i) * step).toFixed(1)},${(78 - (v / max) * 74).toFixed(1)}`);
  svg.replaceChildren();
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
  line.setAttribute('points', points.join(' '));
  svg.append(line);
  svg.setAttribute('data-max', String(max));
}

function renderCharts() {
  const last = history[history.length - 1];
  $('window').textContent = WINDOW;
  $('rate-now').textContent = last ? `now ${last.rate.toFixed(1)}` : '';
  $('rate-now').setAttribute('data-rate', last ? last.rate.toFixed(3) : '0');
  $('restarts-now').textContent = last ? `total ${last.restarts}` : '';
  $('restarts-now').setAttribute('data-total', last ? String(last.restarts) : '0');
  renderChart($('rate-chart'), history.map((h) => h.rate));
  renderChart($('restart-chart'), history.map((h) => h.restarts));
}

function renderAgents(snap) {
  const groups = new Map();
  for (const a of snap.agents) {
    const s = stateName(a.state);
    if (!groups.has(s)) groups.set(s, []);
    groups.get(s).push(a);
  }
  const handled = new Map();
  for (const s of snap.stats) for (const a of s.agents || []) handled.set(`${a.domain}/${a.name}`, a);
  const out = [...groups.keys()].sort().map((state) => el('div', { class: 'state-group', 'data-state': state },
    el('h3', {}, state, ' ', el('span', {}, `(${groups.get(state).length})`)),
    ...groups.get(state).map((a) => {
      const st = handled.get(`${a.id.domain}/${a.id.name}`);
      const title = `${a.id.domain}/${a.id.name} on ${a.node}, ${healthName(a.health)}` +
        (st ? `, handled ${num(st.handled)}, mailbox ${num(st.mailbox_depth)}` : '');
      return el('span', { class: 'agent', title, 'data-agent': a.id.name, 'data-node': a.node },
        `${a.id.name}@${a.node}`);
    })));
  $('agents').replaceChildren(...out);
  $('agent-total').textContent = `(${snap.agents.length})`;
}

function renderSupervisor(node, sup) {
  return el('ul', {}, ...(sup.children || []).map((c) => {
    const key = `${node}/${sup.path}/${c.id}`;
    const label = el('span', { class: 'label' }, c.id);
    const meta = el('span', { class: 'meta' }, ` ${c.type}, ${c.status}, ${c.restart}, incarnation ${num(c.incarnation)}, `);
    const restarts = el('span', { class: 'restarts', 'data-count': String(num(c.restarts)) }, `restarts ${num(c.restarts)}`);
    const li = el('li', { class: c.supervisor ? 'child sup' : 'child', 'data-child': key,
      'data-status': c.status, 'data-restarts': String(num(c.restarts)) }, label, meta, restarts);
    if (c.supervisor) {
      li.append(el('span', { class: 'meta' }, ` — ${c.supervisor.strategy} ${c.supervisor.intensity}/${c.supervisor.period}`));
      li.append(renderSupervisor(node, c.supervisor));
    }
    return li;
  }));
}

function renderTree(snap) {
  $('tree').replaceChildren(...snap.trees.map((t) => el('div', { class: 'tree', 'data-node': t.node },
    el('h3', {}, `${t.node}: ${t.root.path} `, el('span', { class: 'meta' },
      `${t.root.strategy} ${t.root.intensity}/${t.root.period}, restarts ${num(t.root.restarts)}`)),
    renderSupervisor(t.node, t.root))));
}

function render(snap) {
  sample(snap);
  renderNodes(snap);
  renderCharts();
  renderAgents(snap);
  renderTree(snap);
  $('errors').textContent = snap.errors.map((e) => `${e.node || 'cluster'} ${e.verb}: ${e.code} ${e.message}`).join('\n');
  const ok = snap.nodes.length > 0;
  $('status').setAttribute('data-state', ok ? 'ok' : 'error');
  $('status').textContent = ok ? `${snap.nodes.length} node(s), updated ${clock(snap.sampled_at_ms)}` : 'no node answers';
}

// -- polling ---------------------------------------------------------------------------------
async function poll() {
  try {
    const res = await fetch('api/cluster', { cache: 'no-store', signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`api/cluster: HTTP ${res.status}`);
    render(await res.json());
  } catch (err) {
    $('status').setAttribute('data-state', 'error');
    $('status').textContent = `cannot reach the node: ${err.message}`;
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

fetch('api/node', { cache: 'no-store' }).then((r) => r.json())
  .then((n) => { $('served-by').textContent = `served by ${n.node}`; }).catch(() => {});
poll();
