/**
 * The department report as one self-contained HTML document (the email body to the
 * avdelningschef and the HR partner, and the file under <dataDir>/reports/). Every piece of plan
 * text and every answer is escaped: plans and comments are untrusted.
 */
import { escapeHtml as e } from '../../domain/escape';
import { ROW_STATUS_LABEL, type DepartmentReport, type Light, type ReportRow } from './model';

const LIGHT_COLOUR: Record<Light, string> = { grön: '#1b7f3b', gul: '#b58900', röd: '#b3261e' };

const percent = (share: number) => `${Math.round(share * 100)} %`;

export function lightBadge(light: Light): string {
  return `<span class="light light-${light === 'grön' ? 'gron' : light === 'röd' ? 'rod' : 'gul'}" style="background:${LIGHT_COLOUR[light]}">${e(light)}</span>`;
}

export function renderReportHtml(r: DepartmentReport): string {
  const t = r.totals;
  const sections = r.sections
    .map(
      (s) => `<section>
<h2>${e(s.name)} ${lightBadge(s.counts.light)}</h2>
<p class="counts">${s.counts.total} aktiviteter: ${s.counts.done} Klar, ${s.counts.inProgress} Pågår, ${s.counts.late} Försenad, ${s.counts.notStarted} Ej påbörjad, ${s.counts.notReported} ej rapporterade; ${s.counts.overdue} med passerat måldatum; ${percent(s.counts.share)} i tid.</p>
${s.goals.map((g) => `<h3>${e(g.text)}</h3>\n${rowsTable(g.rows)}`).join('\n')}
</section>`,
    )
    .join('\n');
  const nonResponders = r.nonResponders.length
    ? `<ul>${r.nonResponders.map((n) => `<li>${e(n.text)} <span class="owner">(${e(n.owners || 'ingen ansvarig')})</span></li>`).join('')}</ul>`
    : '<p>Alla har rapporterat.</p>';
  const indicators = r.indicators.length
    ? `<section>
<h2>Indikatorer</h2>
<table>
<thead><tr><th scope="col">Mål</th><th scope="col">Indikator</th><th scope="col">Värde</th><th scope="col">Årsmål</th><th scope="col">KF:s årsmål</th><th scope="col">Periodicitet</th><th scope="col">Kommentar</th><th scope="col">Ansvarig</th></tr></thead>
<tbody>
${r.indicators
  .map(
    (i) =>
      `<tr${i.notReported ? ' class="not-reported"' : ''}><td>${e(i.goal)}</td><td>${e(i.name)}</td><td class="value">${i.value !== undefined ? e(i.value) : '<strong>Ej rapporterad</strong>'}</td><td>${e(i.annualTarget || '–')}</td><td>${e(i.kfAnnualTarget || '–')}</td><td>${e(i.periodicity)}</td><td>${e(i.comment)}</td><td>${e(i.owners)}${i.reportedBy ? `<br><small>rapporterat av ${e(i.reportedBy)}</small>` : ''}</td></tr>`,
  )
  .join('\n')}
</tbody>
</table>
</section>`
    : '';
  return `<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(`Uppföljning ${r.label} – ${r.departmentName}`)}</title>
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
<h1>${e(`Uppföljning ${r.label}`)}: ${e(r.departmentName)}</h1>
<p>Rapportfönstret öppnade ${e(r.opensOn)}, sista svarsdag ${e(r.due)}, sammanställd ${e(r.closedOn)}.</p>
<p class="rule">${e(r.lightRule)}</p>
<p class="totals">Totalt ${t.total} aktiviteter: ${t.done} Klar, ${t.inProgress} Pågår, ${t.late} Försenad, ${t.notStarted} Ej påbörjad, <strong>${t.notReported} ej rapporterade</strong>; ${t.overdue} med passerat måldatum; ${percent(t.share)} i tid ${lightBadge(t.light)}.${t.indicators ? ` Indikatorer: ${t.indicatorsReported} av ${t.indicators} rapporterade.` : ''}</p>
<h2>Har inte rapporterat</h2>
${nonResponders}
${sections}
${indicators}
</main></body></html>
`;
}

function rowsTable(rows: ReportRow[]): string {
  return `<table>
<thead><tr><th scope="col">Aktivitet</th><th scope="col">Ansvarig</th><th scope="col">Måldatum</th><th scope="col">Status</th><th scope="col">Kommentar</th><th scope="col">Försenad</th><th scope="col">Rapporterad</th></tr></thead>
<tbody>
${rows
  .map((row) => {
    const comment = [row.comment, row.proposedDate ? `Nytt datum: ${row.proposedDate}` : '', ...row.corrections].filter(Boolean).map(e).join('<br>');
    return `<tr data-activity="${e(row.activityId)}"${row.notReported ? ' class="not-reported"' : ''}><td>${e(row.text)}</td><td>${e(row.owners)}</td><td>${e(row.deadline ?? row.deadlineRaw)}</td><td class="status">${e(row.notReported ? ROW_STATUS_LABEL.notReported : row.statusLabel)}</td><td>${comment}</td><td>${row.overdue ? '<span class="overdue">Ja</span>' : 'Nej'}</td><td>${row.reportedBy ? `${e(row.reportedBy)}, ${e(row.reportedOn ?? '')}` : '<strong>Ej rapporterad</strong>'}</td></tr>`;
  })
  .join('\n')}
</tbody>
</table>`;
}
