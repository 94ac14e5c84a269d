// Operator dashboard: plain JavaScript, no framework. Calls the loyalty API on this page's own origin (/v1/...):
// the local runtime serves the page at /dashboard/, CloudFront at / with /v1/* routed to the HTTP API.
'use strict';

const KEY_STORE = 'loyalty.operatorKey';
const MERCHANT_KEY_STORE = 'loyalty.merchantKey';
const PROGRAM_STORE = 'loyalty.programId';
const charts = {};
let lastReport = null;

const $ = (id) => document.getElementById(id);

function operatorKey() {
  return sessionStorage.getItem(KEY_STORE);
}

/** A GET of the API with a bearer key; a problem+json answer becomes an Error carrying its detail. */
async function api(path, key, accept = 'application/json') {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${key}`, Accept: accept } });
  if (!response.ok) {
    let detail = `${response.status}`;
    try {
      const problem = await response.json();
      detail = `${response.status} ${problem.title || ''}: ${problem.detail || problem.message || ''}`;
    } catch (notJson) {
      // the status alone says it
    }
    const error = new Error(detail);
    error.status = response.status;
    throw error;
  }
  return accept === 'text/csv' ? response.text() : response.json();
}

function showSignedIn(signedIn) {
  $('sign-in-panel').hidden = signedIn;
  $('app').hidden = !signedIn;
  $('sign-out').hidden = !signedIn;
}

function money(minorUnits, currency) {
  return `${(minorUnits / 100).toFixed(2)} ${currency}`;
}

function percent(bp) {
  return bp === undefined || bp === null ? '–' : `${(bp / 100).toFixed(2)} %`;
}

function kpi(name, label, value, text) {
  const card = document.createElement('div');
  card.className = 'kpi';
  card.id = `kpi-${name}`;
  card.dataset.value = value === undefined || value === null ? '' : String(value);
  card.innerHTML = '<div class="label"></div><div class="value"></div>';
  card.querySelector('.label').textContent = label;
  card.querySelector('.value').textContent = text;
  return card;
}

function table(element, head, rows) {
  element.replaceChildren();
  const header = element.createTHead().insertRow();
  head.forEach((title) => {
    const th = document.createElement('th');
    th.textContent = title;
    header.appendChild(th);
  });
  const body = element.createTBody();
  rows.forEach((row) => {
    const tr = body.insertRow();
    row.forEach((cell) => {
      tr.insertCell().textContent = cell === undefined || cell === null ? '' : String(cell);
    });
  });
}

function chart(id, config) {
  if (charts[id]) {
    charts[id].destroy();
  }
  config.options = Object.assign({ animation: false, responsive: true }, config.options || {});
  charts[id] = new Chart($(id), config);
}

function render(report) {
  const t = report.totals;
  const c = report.currency;
  // Monthly figures (distinct members) do not add up over a period: the cards show the latest month with purchases.
  const last = [...report.months].reverse().find((m) => m.purchases > 0) || report.months[report.months.length - 1] || {};
  $('kpis').replaceChildren(
    kpi('enrolled', 'Enrolled members', t.enrolled, String(t.enrolled)),
    kpi('activeMembers', `Active members (${last.month || ''})`, last.activeMembers, String(last.activeMembers ?? '–')),
    kpi('purchases', 'Purchases', t.purchases, String(t.purchases)),
    kpi('revenue', 'Revenue', t.revenue, money(t.revenue, c)),
    kpi('returnedAmount', `Returned (${t.returns} returns)`, t.returnedAmount, money(t.returnedAmount, c)),
    kpi('netRevenue', 'Net revenue', t.netRevenue, money(t.netRevenue, c)),
    kpi('averageCheck', 'Average check (net)', t.averageCheck, money(t.averageCheck, c)),
    kpi('repeatRateBp', `Repeat-purchase rate (${last.month || ''})`, last.repeatRateBp, percent(last.repeatRateBp)),
    kpi('pointsIssued', 'Points issued', t.pointsIssued, String(t.pointsIssued)),
    kpi('pointsRedeemed', 'Points redeemed', t.pointsRedeemed, String(t.pointsRedeemed)),
    kpi('pointsExpired', 'Points expired', t.pointsExpired, String(t.pointsExpired)),
    kpi('pointsReversed', 'Points reversed', t.pointsReversed, String(t.pointsReversed)),
    kpi('pointsRestored', 'Points given back by returns', t.pointsRestored, String(t.pointsRestored)),
    kpi('pointsAdjustedIn', 'Points given by the operator', t.pointsAdjustedIn, String(t.pointsAdjustedIn)),
    kpi('pointsAdjustedOut', 'Points taken by the operator', t.pointsAdjustedOut, String(t.pointsAdjustedOut)),
    kpi('redemptionRateBp', 'Redemption rate', t.redemptionRateBp, percent(t.redemptionRateBp)),
    kpi('outstandingPoints', `Outstanding points (${report.liability.asOf})`, report.liability.outstandingPoints,
      String(report.liability.outstandingPoints)),
    kpi('outstandingValue', 'Liability', report.liability.outstandingValue, money(report.liability.outstandingValue, c)),
    kpi('discountCost', 'Discount cost', t.discountCost, money(t.discountCost, c)),
    kpi('roiBp', 'ROI estimate', report.roi.roiBp, percent(report.roi.roiBp)),
  );

  const days = report.days.map((d) => d.date);
  chart('chart-days', {
    data: {
      labels: days,
      datasets: [
        { type: 'bar', label: 'Revenue', data: report.days.map((d) => d.revenue / 100), yAxisID: 'money' },
        { type: 'line', label: 'Purchases', data: report.days.map((d) => d.purchases), yAxisID: 'count' },
      ],
    },
    options: { scales: { money: { position: 'left' }, count: { position: 'right', grid: { drawOnChartArea: false } } } },
  });
  chart('chart-points', {
    type: 'line',
    data: {
      labels: days,
      datasets: ['pointsIssued', 'pointsRedeemed', 'pointsExpired', 'pointsReversed', 'pointsRestored', 'pointsAdjustedIn',
        'pointsAdjustedOut'].map((name) => ({
        label: name.replace('points', 'Points '), data: report.days.map((d) => d[name]),
      })),
    },
  });
  chart('chart-months', {
    type: 'bar',
    data: {
      labels: report.months.map((m) => m.month),
      datasets: [
        { label: 'Active members', data: report.months.map((m) => m.activeMembers) },
        { label: 'Repeat purchasers', data: report.months.map((m) => m.repeatMembers) },
      ],
    },
  });

  table($('months-table'), ['Month', 'Enrolled', 'Active', 'Repeat', 'Repeat rate', 'Purchases', 'Revenue', 'Returned',
    'Net revenue', 'Average check'],
  report.months.map((m) => [m.month, m.enrolled, m.activeMembers, m.repeatMembers, percent(m.repeatRateBp), m.purchases,
    money(m.revenue, c), money(m.returnedAmount, c), money(m.netRevenue, c), money(m.averageCheck, c)]));
  const months = report.months.map((m) => m.month);
  table($('cohorts-table'), ['Cohort', 'Size', ...months],
    report.cohorts.map((cohort) => [cohort.cohort, cohort.size, ...months.map((month) => {
      const cell = cohort.active.find((a) => a.month === month);
      return cell ? `${cell.members} (${percent(cell.retentionBp)})` : '';
    })]));
  const roi = report.roi;
  table($('roi-table'), ['Figure', 'Value'], [
    ['Gross margin assumed', percent(roi.marginBp)],
    ['Incremental share of members\' revenue assumed', percent(roi.upliftBp)],
    ['Members\' revenue (net of returns)', money(roi.memberRevenue, c)],
    ['Incremental margin', money(roi.incrementalMargin, c)],
    ['Cost of rewards', money(roi.rewardCost, c)],
    ['Net return', money(roi.netReturn, c)],
    ['ROI', percent(roi.roiBp)],
  ]);
  table($('days-table'), ['Date', 'Enrolled', 'Purchases', 'Revenue', 'Returned', 'Checkout discount', 'Issued', 'Redeemed',
    'Expired', 'Reversed', 'Restored', 'Adjusted +', 'Adjusted -'],
  report.days.map((d) => [d.date, d.enrolled, d.purchases, money(d.revenue, c), money(d.returnedAmount, c),
    money(d.checkoutDiscount, c), d.pointsIssued, d.pointsRedeemed, d.pointsExpired, d.pointsReversed, d.pointsRestored,
    d.pointsAdjustedIn, d.pointsAdjustedOut]));
}

function reportPath(format) {
  const params = new URLSearchParams({
    from: $('from').value, to: $('to').value, marginBp: $('margin-bp').value, upliftBp: $('uplift-bp').value,
  });
  if (format) {
    params.set('format', format);
  }
  return `/v1/programs/${encodeURIComponent($('program-id').value.trim())}/analytics?${params}`;
}

async function loadReport(event) {
  if (event) {
    event.preventDefault();
  }
  const status = $('status');
  status.className = '';
  status.textContent = 'Loading…';
  sessionStorage.setItem(PROGRAM_STORE, $('program-id').value.trim());
  try {
    lastReport = await api(reportPath(), operatorKey());
    render(lastReport);
    $('csv').disabled = false;
    status.textContent = `Figures of ${lastReport.programId} from ${lastReport.from} to ${lastReport.to}`;
    document.body.dataset.loaded = 'analytics';
    loadCampaigns(lastReport.programId);
  } catch (error) {
    status.className = 'error';
    status.textContent = error.message;
    if (error.status === 401 || error.status === 403) {
      status.textContent += ' (is the operator key right? Sign out and in again.)';
    }
  }
}

/** The program's campaigns and their results (GET /v1/programs/{programId}/campaigns, newest page only). */
async function loadCampaigns(programId) {
  const status = $('campaigns-status');
  status.className = '';
  try {
    const page = await api(`/v1/programs/${encodeURIComponent(programId)}/campaigns`, operatorKey());
    table($('campaigns-table'), ['Campaign', 'Status', 'Send at', 'Targeted', 'Sent', 'Skipped (no consent)', 'Failed'],
      page.items.map((c) => [c.name, c.status, c.sendAt, c.results.targeted, c.results.sent, c.results.skippedNoConsent,
        c.results.failed]));
    status.textContent = page.items.length ? '' : 'No campaigns in this program yet.';
  } catch (error) {
    status.className = 'error';
    status.textContent = error.status === 404 ? 'No campaigns route on this API.' : error.message;
  }
}

async function downloadCsv() {
  const csv = await api(reportPath('csv'), operatorKey(), 'text/csv');
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
  link.download = `analytics-${$('program-id').value.trim()}-${$('from').value}-${$('to').value}.csv`;
  link.click();
  URL.revokeObjectURL(link.href);
}

/** The member found by the lookup and where its statement is: the cursors of the pages shown so far (the first is null). */
const statementState = { memberId: null, merchantKey: null, cursors: [null], page: 0, nextCursor: null };

/**
 * The member's id from the lookup form: a memberId as typed, else GET /v1/members?email=|phone=|externalId= (the
 * server normalises and keyed-hashes the value as at enrolment; the answer is a page of zero or one member).
 */
async function findMemberId(by, value, merchantKey) {
  if (by === 'memberId') {
    return value;
  }
  const page = await api(`/v1/members?${new URLSearchParams({ [by]: value })}`, merchantKey);
  return page.members.length ? page.members[0].memberId : null;
}

async function lookUpMember(event) {
  event.preventDefault();
  const status = $('member-status');
  status.className = '';
  status.textContent = 'Looking up…';
  delete document.body.dataset.statement;
  const by = $('lookup-by').value;
  const value = $('lookup-value').value.trim();
  const merchantKey = $('merchant-key').value.trim();
  sessionStorage.setItem(MERCHANT_KEY_STORE, merchantKey);
  try {
    const memberId = await findMemberId(by, value, merchantKey);
    if (!memberId) {
      ['member-table', 'statement-table', 'messages-table'].forEach((id) => $(id).replaceChildren());
      showPager(false);
      status.textContent = `No member with ${by} ${value} in this merchant's program`;
      document.body.dataset.statement = 'none';
      return;
    }
    const member = await api(`/v1/members/${encodeURIComponent(memberId)}`, merchantKey);
    table($('member-table'), ['Field', 'Value'], Object.entries(member)
      .map(([name, field]) => [name, typeof field === 'object' ? JSON.stringify(field) : field]));
    $('member-table').dataset.memberId = memberId;
    Object.assign(statementState, { memberId, merchantKey, cursors: [null], page: 0, nextCursor: null });
    await loadStatementPage();
    await loadMessages(memberId);
    status.textContent = `Member ${memberId}`;
  } catch (error) {
    status.className = 'error';
    status.textContent = error.message;
  }
}

function showPager(shown) {
  $('statement-newer').disabled = !shown || statementState.page === 0;
  $('statement-older').disabled = !shown || !statementState.nextCursor;
  $('statement-page').textContent = shown ? `page ${statementState.page + 1}` : '';
}

/** One page of GET /v1/members/{memberId}/statement, newest first; the page's cursor is the one kept for its number. */
async function loadStatementPage() {
  const params = new URLSearchParams({ limit: $('statement-limit').value });
  const cursor = statementState.cursors[statementState.page];
  if (cursor) {
    params.set('cursor', cursor);
  }
  const page = await api(`/v1/members/${encodeURIComponent(statementState.memberId)}/statement?${params}`,
    statementState.merchantKey);
  statementState.nextCursor = page.nextCursor || null;
  statementState.cursors[statementState.page + 1] = statementState.nextCursor;
  table($('statement-table'), ['Entry', 'When', 'Kind', 'Reason', 'Points', 'Order', 'By', 'Lots'],
    page.entries.map((e) => [e.entryId, e.at, e.kind, e.reason, e.points, e.orderId, `${e.actor} ${e.actorId}`,
      e.lots.map((lot) => `${lot.lotId}: ${lot.points}`).join(', ')]));
  showPager(true);
  // What a test waits for: the page number shown and loaded.
  document.body.dataset.statement = `page-${statementState.page + 1}`;
}

async function turnStatementPage(step) {
  const status = $('member-status');
  statementState.page += step;
  try {
    await loadStatementPage();
  } catch (error) {
    statementState.page -= step;
    status.className = 'error';
    status.textContent = error.message;
  }
}

/** The messages sent to the member (operator route), when a program is chosen above. */
async function loadMessages(memberId) {
  const programId = $('program-id').value.trim();
  if (!programId) {
    $('messages-table').replaceChildren();
    return;
  }
  const log = await api(`/v1/programs/${encodeURIComponent(programId)}/members/${encodeURIComponent(memberId)}/messages`,
    operatorKey());
  table($('messages-table'), ['When', 'Event', 'Channel', 'Outcome'],
    log.items.map((m) => [m.occurredAt, m.eventType, m.channel, m.outcome]));
}

function init() {
  const today = new Date().toISOString().slice(0, 10);
  const params = new URLSearchParams(location.search);
  $('to').value = params.get('to') || today;
  $('from').value = params.get('from') || `${today.slice(0, 8)}01`;
  $('program-id').value = params.get('programId') || sessionStorage.getItem(PROGRAM_STORE) || '';
  $('merchant-key').value = sessionStorage.getItem(MERCHANT_KEY_STORE) || '';
  $('sign-in').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY_STORE, $('operator-key').value.trim());
    $('operator-key').value = '';
    showSignedIn(true);
    if ($('program-id').value) {
      loadReport();
    }
  });
  $('sign-out').addEventListener('click', () => {
    sessionStorage.clear();
    showSignedIn(false);
  });
  $('period').addEventListener('submit', loadReport);
  $('csv').addEventListener('click', () => downloadCsv().catch((error) => { $('status').textContent = error.message; }));
  $('member-lookup').addEventListener('submit', lookUpMember);
  $('statement-older').addEventListener('click', () => turnStatementPage(1));
  $('statement-newer').addEventListener('click', () => turnStatementPage(-1));
  showSignedIn(Boolean(operatorKey()));
  if (operatorKey() && $('program-id').value) {
    loadReport();
  }
}

document.addEventListener('DOMContentLoaded', init);
