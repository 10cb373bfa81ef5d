// Drives the dashboard of a running cluster in headless Chromium (Debian's /usr/bin/chromium
// through playwright-core; no browser is downloaded): the page must show the nodes, the
// supervision tree and the agents by state, then a crash caused with `smithctl agent kill`
// must show up on the page (the child's restart count and the restart log) within a deadline;
// traffic sent with `smithctl send` must show as a message rate.
//
// usage: node dashboard.test.mjs <dashboard url> <smithctl> <nats url> <agent> <node_modules dir>
// Exit 0 when every check passed; 1 with the reason (and the page's text) otherwise.
// SMITH_DASHBOARD_SCREENSHOT=<file.png> saves the page as it was at the end.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const [url, smithctl, natsUrl, agent, modules] = process.argv.slice(2);
if (!modules) {
  console.error('usage: node dashboard.test.mjs <url> <smithctl> <nats url> <agent> <node_modules dir>');
  process.exit(64);
}
// playwright-core is installed with the interop client's npm packages (tools/lib/common.sh).
const { chromium } = createRequire(path.join(modules, 'package.json'))('playwright-core');

const DEADLINE_MS = 8000; // for each thing the page must show; the page polls once a second
const errors = [];

function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
  console.log(`ok: ${what}`);
}

async function restartsOf(page, key) {
  return Number(await page.getAttribute(`li[data-child="${key}"]`, 'data-restarts'));
}

async function run(page) {
  await page.goto(url);
  // The first snapshot: 3 nodes, 3 trees, 9 agents, all active.
  await page.waitForFunction(() => document.querySelectorAll('#nodes tbody tr[data-node]').length === 3
    && document.querySelectorAll('#tree .tree').length === 3
    && document.querySelectorAll('#agents .agent').length === 9, null, { timeout: DEADLINE_MS });
  check(true, 'the page lists 3 nodes, 3 supervision trees and 9 agents');
  const groups = await page.$$eval('#agents .state-group', (gs) => gs.map((g) => [g.dataset.state, g.querySelectorAll('.agent').length]));
  check(JSON.stringify(groups) === JSON.stringify([['active', 9]]), `agents grouped by state: ${JSON.stringify(groups)}`);
  const node = agent.split('-')[1];
  const key = `${node}/root/examples/counter/${agent}`;
  check(await page.isVisible(`li[data-child="${key}"]`), `the tree shows ${key}`);
  check(await page.isVisible(`li[data-child="${node}/root/examples"]`), 'the tree shows the domain supervisor');
  // Two samples exist before the crash, so the crash is seen as a change between samples.
  await page.waitForFunction(() => document.querySelectorAll('#restart-chart polyline').length === 1
    && document.querySelector('#restart-chart polyline').getAttribute('points').split(' ').length >= 2, null, { timeout: DEADLINE_MS });
  // Message rates: traffic through the bridge shows as messages per second.
  execFileSync(smithctl, ['--server', natsUrl, '--timeout', '5s', 'send', `echo-${node}-1`, 'echo', '--json', '{"text": "hi"}']);
  await page.waitForFunction(() => Number(document.getElementById('rate-now').dataset.rate) > 0, null, { timeout: DEADLINE_MS });
  check(true, `the message rate shows the traffic: ${await page.textContent('#rate-now')}`);
  const before = await restartsOf(page, key);
  const totalBefore = Number(await page.getAttribute('#restarts-now', 'data-total'));
  check(before === 0, `${agent} has restarted ${before} times before the crash`);

  const out = execFileSync(smithctl, ['--server', natsUrl, '--timeout', '5s', '--json', 'agent', 'kill', agent],
    { encoding: 'utf8' });
  check(JSON.parse(out).op === 'kill', `smithctl agent kill ${agent}: ${out.trim()}`);

  const t0 = Date.now();
  await page.waitForFunction(([k, b, a]) => {
    const li = document.querySelector(`li[data-child="${k}"]`);
    return li && Number(li.dataset.restarts) > b
      && document.querySelector(`#restart-log li[data-child="${a}"]`) !== null;
  }, [key, before, agent], { timeout: DEADLINE_MS });
  check(true, `the crash shows on the page after ${Date.now() - t0} ms`);
  check(await restartsOf(page, key) === before + 1, `${agent} restarted exactly once`);
  const entry = await page.textContent(`#restart-log li[data-child="${agent}"]`);
  check(entry.includes(`${agent} on ${node} restarted`), `restart log: "${entry.trim()}"`);
  const totalAfter = Number(await page.getAttribute('#restarts-now', 'data-total'));
  check(totalAfter === totalBefore + 1, `restarts over time: total ${totalBefore} -> ${totalAfter}`);
  check(errors.length === 0, `no page errors (${errors.join('; ')})`);
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
let rc = 0;
const page = await browser.newPage();
page.on('pageerror', (e) => errors.push(e.message));
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
try {
  await run(page);
} catch (err) {
  rc = 1;
  console.error(err.stack || String(err));
  console.error('--- page text ---\n' + await page.innerText('body').catch((e) => e.message));
}
if (process.env.SMITH_DASHBOARD_SCREENSHOT)
  await page.screenshot({ path: process.env.SMITH_DASHBOARD_SCREENSHOT, fullPage: true }).catch((e) => console.error(e.message));
await browser.close();
process.exit(rc);
