/**
 * The department report as one self-contained HTML document (the email body to the
 * avdelningschef and the HR partner, and the file under <dataDir>/reports/). Written with the
 * `html` tag, so every piece of plan text and every answer is escaped: plans and comments are
 * untrusted.
 */
import { html, joinHtml, type SafeHtml } from '../../domain/html';
import { plural } from '../../domain/swedish';
import { ROW_STATUS_LABEL, type DepartmentReport, type Light, type ReportRow } from './model';

const LIGHT_COLOUR: Record<Light, string> = { grön: '#1b7f3b', gul: '#b58900', röd: '#b3261e' };

const percent = (share: number) => `${Math.round(share * 100)} %`;

export function lightBadge(light: Light): SafeHtml {
  return html`<span class="light light-${light === 'grön' ? 'gron' : light === 'röd' ? 'rod' : 'gul'}" style="background:${LIGHT_COLOUR[light]}">${light}</span>`;
}

export function renderReportHtml(r: DepartmentReport): string {
  const t = r.totals;
  const sections = r.sections.map(
    (s) => html`<section>
<h2>${s.name} ${lightBadge(s.counts.light)}</h2>
<p class="counts">${plural(s.counts.total, 'aktivitet', 'aktiviteter')}: ${s.counts.done} Klar, ${s.counts.inProgress} Pågår, ${s.counts.late} Försenad, ${s.counts.notStarted} Ej påbörjad, ${s.counts.notReported} ej rapporterade; ${s.counts.overdue} med passerat måldatum; ${percent(s.counts.share)} i tid.</p>
${joinHtml(
  s.goals.map((g) => html`<h3>${g.text}</h3>\n${rowsTable(g.rows)}`),
  html`\n`,
)}
</section>`,
  );
  const nonResponders = r.nonResponders.length
    ? html`<ul>${r.nonResponders.map((n) => html`<li>${n.text} <span class="owner">(${n.owners || 'ingen ansvarig'})</span></li>`)}</ul>`
    : html`<p>Alla har rapporterat.</p>`;
  const indicators = r.indicators.length
    ? html`<section>
<h2>Indikatorer</h2>
<table>
<thead><tr><th scope="col">Mål</th><th scope="col">Indikator</th><th scope="col">Värde</th><th scope="col">Årsmål</th><th scope="col">KF:s årsmål</th><th scope="col">Periodicitet</th><th scope="col">Kommentar</th><th scope="col">Ansvarig</th></tr></thead>
<tbody>
${joinHtml(
  r.indicators.map(
    (i) =>
      html`<tr${i.notReported ? html` class="not-reported"` : ''}><td>${i.goal}</td><td>${i.name}</td><td class="value">${i.value !== undefined ? i.value : html`<strong>Ej rapporterad</strong>`}</td><td>${i.annualTarget || '–'}</td><td>${i.kfAnnualTarget || '–'}</td><td>${i.periodicity}</td><td>${i.comment}</td><td>${i.owners}${i.reportedBy ? html`<br><small>rapporterat av ${i.reportedBy}</small>` : ''}</td></tr>`,
  ),
  html`\n`,
)}
</tbody>
</table>
</section>`
    : '';
  return html`<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${`Uppföljning ${r.label} – ${r.departmentName}`}</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1a1a1a}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border:1px solid #c8c8c8;padding:.3rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}
th{background:#f0f0f0}
.light{color:#fff;border-radius:.3rem;padding:.05rem .45rem;font-size:.8rem;font-weight:600}
tr.not-reported td{background:#fff4e5}
.overdue{color:#b3261e;font-weight:600}
</style></head>
<body><main>
<h1>${`Uppföljning ${r.label}`}: ${r.departmentName}</h1>
<p>Rapportfönstret öppnade ${r.opensOn}, sista svarsdag ${r.due}, sammanställd ${r.closedOn}.</p>
<p class="rule">${r.lightRule}</p>
<p class="totals">Totalt ${plural(t.total, 'aktivitet', 'aktiviteter')}: ${t.done} Klar, ${t.inProgress} Pågår, ${t.late} Försenad, ${t.notStarted} Ej påbörjad, <strong>${t.notReported} ej rapporterade</strong>; ${t.overdue} med passerat måldatum; ${percent(t.share)} i tid ${lightBadge(t.light)}.${t.indicators ? ` Indikatorer: ${t.indicatorsReported} av ${t.indicators} rapporterade.` : ''}</p>
<h2>Har inte rapporterat</h2>
${nonResponders}
${joinHtml(sections, html`\n`)}
${indicators}
</main></body></html>
`.value;
}

function rowsTable(rows: ReportRow[]): SafeHtml {
  return html`<table>
<thead><tr><th scope="col">Aktivitet</th><th scope="col">Ansvarig</th><th scope="col">Måldatum</th><th scope="col">Status</th><th scope="col">Kommentar</th><th scope="col">Försenad</th><th scope="col">Rapporterad</th></tr></thead>
<tbody>
${joinHtml(
  rows.map((row) => {
    const comment = joinHtml(
      [row.comment, row.proposedDate ? `Nytt datum: ${row.proposedDate}` : '', ...row.corrections].filter(Boolean),
      html`<br>`,
    );
    return html`<tr data-activity="${row.activityId}"${row.notReported ? html` class="not-reported"` : ''}><td>${row.text}</td><td>${row.owners}</td><td>${row.deadline ?? row.deadlineRaw}</td><td class="status">${row.notReported ? ROW_STATUS_LABEL.notReported : row.statusLabel}</td><td>${comment}</td><td>${row.overdue ? html`<span class="overdue">Ja</span>` : 'Nej'}</td><td>${row.reportedBy ? `${row.reportedBy}, ${row.reportedOn ?? ''}` : html`<strong>Ej rapporterad</strong>`}</td></tr>`;
  }),
  html`\n`,
)}
</tbody>
</table>`;
}
