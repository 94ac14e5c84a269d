// Browser test of the operator dashboard, in headless Chromium (Debian's `chromium` package) driven by
// playwright-core. It signs in with the operator key, loads a program's analytics and checks every figure the page
// shows equals the API's answer for the same period; with MERCHANT_KEY and MEMBER_PHONE set, it also looks the member
// up by phone and checks the statement rows shown, page by page, equal the API's; then it keeps a screenshot.
//
//   DASHBOARD_URL=http://127.0.0.1:3000/dashboard/ LOYALTY_OPERATOR_KEY=lko_... PROGRAM_ID=prg_... \
//   FROM=2026-11-01 TO=2026-12-31 [MERCHANT_KEY=lk_... MEMBER_PHONE=+3736900001] \
//   SCREENSHOT=target/dashboard.png node test/dashboard.test.mjs
//
// Exit 0: passed; 1: a figure differs or the page failed; 77: Chromium is absent (one line says so; skipped).
// The whole run is bounded by TEST_TIMEOUT_MS (default 90 s).
import { existsSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const SKIPPED = 77;
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.log(`SKIPPED: no Chromium at ${executablePath}; install it with \`apt-get install -y chromium\` (README, Operator dashboard) to run the dashboard browser test`);
  process.exit(SKIPPED);
}

const required = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set`);
    process.exit(1);
  }
  return value;
};
const dashboardUrl = required('DASHBOARD_URL');
const operatorKey = required('LOYALTY_OPERATOR_KEY');
const programId = required('PROGRAM_ID');
const from = required('FROM');
const to = required('TO');
const merchantKey = process.env.MERCHANT_KEY;
const memberPhone = process.env.MEMBER_PHONE;
const STATEMENT_ROWS = 10;
const screenshot = resolve(process.env.SCREENSHOT || 'target/dashboard.png');
const timeout = Number(process.env.TEST_TIMEOUT_MS || 90000);

const watchdog = setTimeout(() => {
  console.error(`FAILED: the browser test took more than ${timeout} ms`);
  process.exit(1);
}, timeout);

/** A GET of the API with the merchant key, as JSON; anything but 200 is an Error. */
async function merchantGet(origin, path) {
  const response = await fetch(`${origin}${path}`, { headers: { Authorization: `Bearer ${merchantKey}` } });
  if (response.status !== 200) {
    throw new Error(`GET ${path}: the API answered ${response.status}: ${await response.text()}`);
  }
  return response.json();
}

/** The statement table's rows as the API's fields they show: entry id, instant, kind, reason, points. */
async function statementRowsShown(page) {
  return page.$$eval('#statement-table tbody tr', (rows) => rows.map((row) => [0, 1, 2, 3, 4].map((i) => row.cells[i].textContent)));
}

function statementRowsOf(statement) {
  return statement.entries.map((e) => [e.entryId, e.at, e.kind, e.reason, String(e.points)]);
}

/**
 * Member lookup and statement: finds the member by phone through the page, compares the member read and every
 * statement page (going older until the last page, at most 5, then one newer) with the API's answers for the same
 * cursor. Answers the number of statement pages compared.
 */
async function checkMemberLookup(page, origin, failures) {
  const found = await merchantGet(origin, `/v1/members?${new URLSearchParams({ phone: memberPhone })}`);
  if (found.members.length !== 1) {
    failures.push(`the API finds ${found.members.length} members with phone ${memberPhone}`);
    return 0;
  }
  const memberId = found.members[0].memberId;
  await page.selectOption('#lookup-by', 'phone');
  await page.fill('#lookup-value', memberPhone);
  await page.fill('#merchant-key', merchantKey);
  await page.selectOption('#statement-limit', String(STATEMENT_ROWS));
  await page.click('#member-lookup button[type=submit]');
  await page.waitForSelector('body[data-statement=page-1]', { timeout: 15000 });
  const shownId = await page.$eval('#member-table', (t) => t.dataset.memberId);
  if (shownId !== memberId) {
    failures.push(`member lookup by phone: page shows ${shownId}, API ${memberId}`);
  }
  const statuses = await page.$eval('#member-status', (el) => ({ error: el.classList.contains('error'), text: el.textContent }));
  if (statuses.error) {
    failures.push(`member lookup: ${statuses.text}`);
  }
  const pages = [];
  let cursor = null;
  for (let number = 1; number <= 5; number++) {
    const params = new URLSearchParams({ limit: String(STATEMENT_ROWS) });
    if (cursor) {
      params.set('cursor', cursor);
    }
    const statement = await merchantGet(origin, `/v1/members/${memberId}/statement?${params}`);
    pages.push(statement);
    const shown = await statementRowsShown(page);
    const expected = statementRowsOf(statement);
    if (JSON.stringify(shown) !== JSON.stringify(expected)) {
      failures.push(`statement page ${number}: page ${JSON.stringify(shown)}, API ${JSON.stringify(expected)}`);
    }
    const olderEnabled = await page.$eval('#statement-older', (b) => !b.disabled);
    if (olderEnabled !== Boolean(statement.nextCursor)) {
      failures.push(`statement page ${number}: 'Older' enabled ${olderEnabled}, API nextCursor ${statement.nextCursor}`);
    }
    if (!statement.nextCursor || number === 5) {
      break;
    }
    cursor = statement.nextCursor;
    await page.click('#statement-older');
    await page.waitForSelector(`body[data-statement=page-${number + 1}]`, { timeout: 15000 });
  }
  if (pages.length > 1) {
    await page.click('#statement-newer');
    await page.waitForSelector(`body[data-statement=page-${pages.length - 1}]`, { timeout: 15000 });
    const back = await statementRowsShown(page);
    if (JSON.stringify(back) !== JSON.stringify(statementRowsOf(pages[pages.length - 2]))) {
      failures.push(`statement 'Newer' from page ${pages.length}: rows differ from the API's page ${pages.length - 1}`);
    }
  }
  if (pages.flatMap((p) => p.entries).length === 0) {
    failures.push(`member ${memberId} has no statement entries: the test compares nothing`);
  }
  return pages.length;
}

const { chromium } = await import('playwright-core');
const profile = mkdtempSync(join(tmpdir(), 'dashboard-chromium-'));
let context;
let failures = [];
try {
  const started = Date.now();
  // A fresh profile per run (--user-data-dir through launchPersistentContext) and no background traffic.
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 1000 },
  });
  const launchedMs = Date.now() - started;
  const page = context.pages()[0] || await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));

  const origin = new URL(dashboardUrl).origin;
  const query = new URLSearchParams({ from, to });
  const apiResponse = await fetch(`${origin}/v1/programs/${programId}/analytics?${query}`,
    { headers: { Authorization: `Bearer ${operatorKey}` } });
  if (apiResponse.status !== 200) {
    throw new Error(`The API answered ${apiResponse.status}: ${await apiResponse.text()}`);
  }
  const report = await apiResponse.json();

  await page.goto(`${dashboardUrl}?${new URLSearchParams({ programId, from, to })}`);
  await page.fill('#operator-key', operatorKey);
  await page.click('#sign-in button[type=submit]');
  await page.waitForSelector('body[data-loaded=analytics]', { timeout: 30000 });
  // The key lives in sessionStorage only.
  const stored = await page.evaluate(() => [sessionStorage.getItem('loyalty.operatorKey'), localStorage.length]);
  if (stored[0] !== operatorKey || stored[1] !== 0) {
    failures.push(`the key should be in sessionStorage only: ${JSON.stringify(stored)}`);
  }

  const lastMonth = [...report.months].reverse().find((m) => m.purchases > 0) || report.months[report.months.length - 1];
  const expected = {
    enrolled: report.totals.enrolled,
    activeMembers: lastMonth.activeMembers,
    purchases: report.totals.purchases,
    revenue: report.totals.revenue,
    returnedAmount: report.totals.returnedAmount,
    netRevenue: report.totals.netRevenue,
    averageCheck: report.totals.averageCheck,
    repeatRateBp: lastMonth.repeatRateBp,
    pointsIssued: report.totals.pointsIssued,
    pointsRedeemed: report.totals.pointsRedeemed,
    pointsExpired: report.totals.pointsExpired,
    pointsReversed: report.totals.pointsReversed,
    pointsRestored: report.totals.pointsRestored,
    pointsAdjustedIn: report.totals.pointsAdjustedIn,
    pointsAdjustedOut: report.totals.pointsAdjustedOut,
    redemptionRateBp: report.totals.redemptionRateBp,
    outstandingPoints: report.liability.outstandingPoints,
    outstandingValue: report.liability.outstandingValue,
    discountCost: report.totals.discountCost,
    roiBp: report.roi.roiBp ?? '',
  };
  const shown = await page.$$eval('.kpi', (cards) => Object.fromEntries(
    cards.map((card) => [card.id.replace('kpi-', ''), { value: card.dataset.value, text: card.querySelector('.value').textContent }])));
  for (const [name, value] of Object.entries(expected)) {
    if (!shown[name] || shown[name].value !== String(value)) {
      failures.push(`${name}: page ${JSON.stringify(shown[name])}, API ${value}`);
    }
  }
  const revenueText = `${(report.totals.revenue / 100).toFixed(2)} ${report.currency}`;
  if (shown.revenue && shown.revenue.text !== revenueText) {
    failures.push(`revenue text: page '${shown.revenue.text}', expected '${revenueText}'`);
  }
  const dayRows = await page.$$eval('#days-table tbody tr', (rows) => rows.map((row) => row.cells[0].textContent));
  if (JSON.stringify(dayRows) !== JSON.stringify(report.days.map((d) => d.date))) {
    failures.push(`days table: ${dayRows.length} rows, API ${report.days.length} days`);
  }
  const cohortRows = await page.$$eval('#cohorts-table tbody tr', (rows) => rows.map((row) => [row.cells[0].textContent, row.cells[1].textContent]));
  const cohortsExpected = report.cohorts.map((c) => [c.cohort, String(c.size)]);
  if (JSON.stringify(cohortRows) !== JSON.stringify(cohortsExpected)) {
    failures.push(`cohorts table: ${JSON.stringify(cohortRows)}, API ${JSON.stringify(cohortsExpected)}`);
  }
  const charts = await page.$$eval('canvas', (canvases) => canvases.map((c) => Boolean(window.Chart && window.Chart.getChart(c))));
  if (charts.length !== 3 || charts.some((drawn) => !drawn)) {
    failures.push(`charts drawn by Chart.js: ${JSON.stringify(charts)}`);
  }
  // Campaign results: the program's campaigns (none in the test's program) answered without an error.
  await page.waitForFunction(() => document.getElementById('campaigns-status').textContent !== ''
    || document.querySelector('#campaigns-table tbody'), null, { timeout: 15000 });
  const campaigns = await page.$eval('#campaigns-status', (el) => ({ error: el.classList.contains('error'), text: el.textContent }));
  if (campaigns.error) {
    failures.push(`campaign results: ${campaigns.text}`);
  }
  let statementPages = 0;
  if (merchantKey && memberPhone) {
    statementPages = await checkMemberLookup(page, origin, failures);
  }
  failures.push(...errors.map((message) => `page error: ${message}`));

  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify({ result: failures.length ? 'FAILED' : 'PASSED', figures: Object.keys(expected).length,
    days: report.days.length, statementPages, screenshot, chromiumLaunchMs: launchedMs, totalMs: Date.now() - started }));
} catch (error) {
  failures.push(error.stack || String(error));
} finally {
  if (context) {
    await context.close();
  }
  rmSync(profile, { recursive: true, force: true });
  clearTimeout(watchdog);
}
if (failures.length) {
  console.error(`FAILED:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
