/**
 * The frame of every page: `lang="sv"`, a skip link, the navigation (what the signed-in person
 * may use), who is signed in and how, and one stylesheet served from /app.css (no inline styles or
 * scripts, so the Content-Security-Policy can forbid both). Colours are chosen for at least 4.5:1
 * contrast; focus is always visible; traffic lights always carry their word beside the colour.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SignedIn } from '../../organisation';
import { html, links, ROUTES, type Light, type Renderable, type SafeHtml } from '../../domain';

export interface PageOptions {
  title: string;
  user?: SignedIn;
  /** CSRF token for the sign-out form and any form on the page. */
  csrf?: string;
  /** Path of the navigation item to mark as current. */
  active?: string;
  outbox?: boolean;
  body: Renderable;
  status?: number;
}

export function navItems(user: SignedIn | undefined, outbox: boolean): { href: string; label: string }[] {
  if (!user) return [];
  const items = [];
  if (user.departments.length > 0) items.push({ href: links.overview(), label: 'Översikt' });
  if (user.admin) {
    items.push({ href: ROUTES.import, label: 'Importera' });
    items.push({ href: ROUTES.preview, label: 'Förhandsvisning' });
    items.push({ href: ROUTES.settings, label: 'Inställningar' });
  }
  if (user.departments.length > 0) items.push({ href: links.reports(), label: 'Rapporter' });
  items.push({ href: links.calendar(), label: 'Kalender' });
  if (outbox && user.admin) items.push({ href: ROUTES.outbox, label: 'Utkorg' });
  return items;
}

export function layout(opts: PageOptions): SafeHtml {
  const { user } = opts;
  const nav = navItems(user, opts.outbox ?? false);
  return html`<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} – Planvakt</title>
<link rel="stylesheet" href="${ROUTES.stylesheet}">
</head><body>
<a class="skip" href="#innehall">Hoppa till innehållet</a>
<header class="top">
<p class="brand"><a href="${links.overview()}">Planvakt</a></p>
${
  nav.length
    ? html`<nav aria-label="Huvudmeny"><ul>${nav.map(
        (n) =>
          html`<li><a href="${n.href}"${n.href === opts.active ? html` aria-current="page"` : ''}>${n.label}</a></li>`,
      )}</ul></nav>`
    : ''
}
${
  user
    ? html`<div class="who"><span>Inloggad: ${user.person.name}</span>${user.via === 'dev' ? html` <strong class="devmark">Utvecklingsinloggning</strong>` : ''}
<form method="post" action="${ROUTES.signOut}"><input type="hidden" name="_csrf" value="${opts.csrf ?? ''}"><button type="submit" class="link">Logga ut</button></form></div>`
    : ''
}
</header>
<main id="innehall" tabindex="-1">
<h1>${opts.title}</h1>
${opts.body}
</main>
<footer><p>Planvakt håller förvaltningens handlingsplaner levande. <a href="${ROUTES.health}">Driftstatus</a></p></footer>
</body></html>`;
}

/** What a handler says about its page; who is signed in, the CSRF token and the Utkorg item come from {@link pageFor}. */
export type PageContent = Omit<PageOptions, 'user' | 'csrf' | 'outbox'>;

/** One response's page: the signed-in person, the CSRF token (made once, on first use) and whether Utkorg exists. */
export interface Page {
  readonly user: SignedIn | undefined;
  /** The token for the page's forms; the same value the layout puts in the sign-out form. */
  readonly csrf: string;
  send(content: PageContent): FastifyReply;
}

/**
 * The page helper every signed-in handler uses: `pageFor(ctx, req, reply).send({ title, body })`.
 * The CSRF token is made once per response, on first use: by a form that reads `csrf` or, at the
 * latest, by `send` for the sign-out form, so the forms and the frame carry the same token.
 */
export function pageFor(ctx: { outbox: boolean }, req: FastifyRequest, reply: FastifyReply): Page {
  let csrf: string | undefined;
  const token = () => (csrf ??= reply.generateCsrf());
  return {
    user: req.user,
    get csrf() {
      return token();
    },
    send: (content) => sendPage(reply, { ...content, user: req.user, csrf: token(), outbox: ctx.outbox }),
  };
}

/**
 * The frame around a body, sent. Handlers use {@link pageFor}; only the pages that show no one as
 * signed in call this directly: the sign-in pages and the 401 (a signed-in person on /logga-in still
 * sees the plain sign-in frame).
 */
export function sendPage(reply: FastifyReply, opts: PageOptions) {
  return reply
    .code(opts.status ?? 200)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(layout(opts).value);
}

/** Traffic light with its word: never colour alone. */
export function lightBadge(light: Light): SafeHtml {
  return html`<span class="light light-${LIGHT_CLASS[light]}"><span aria-hidden="true">●</span> ${LIGHT_WORD[light]}</span>`;
}
const LIGHT_CLASS: Record<Light, string> = { grön: 'green', gul: 'yellow', röd: 'red' };
const LIGHT_WORD: Record<Light, string> = { grön: 'Grön', gul: 'Gul', röd: 'Röd' };

export const APP_CSS = `
:root{--ink:#1a1a1a;--muted:#4a4a4a;--link:#0b4f94;--line:#c7ccd1;--bg:#ffffff;--soft:#f2f4f7;--focus:#b34700}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg);margin:0;line-height:1.5}
a{color:var(--link)}
a:hover{text-decoration-thickness:2px}
:focus-visible,a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem;z-index:10}
.skip:focus{left:1rem;top:.5rem}
header.top{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.5rem;padding:.6rem 1.25rem;background:var(--soft);border-bottom:1px solid var(--line)}
.brand{margin:0;font-weight:700;font-size:1.2rem}
.brand a{color:var(--ink);text-decoration:none}
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:0;padding:0}
nav a[aria-current="page"]{font-weight:700;text-decoration-thickness:3px}
.who{margin-left:auto;display:flex;gap:.75rem;align-items:center;flex-wrap:wrap}
.who form{margin:0}
.devmark{background:#7a3e00;color:#fff;padding:.1rem .5rem;border-radius:4px;font-size:.9rem}
main{max-width:78rem;margin:0 auto;padding:1rem 1.25rem 3rem}
main:focus{outline:none}
footer{border-top:1px solid var(--line);padding:.5rem 1.25rem;color:var(--muted);font-size:.9rem}
h1{font-size:1.7rem;margin:.5rem 0 1rem}
h2{font-size:1.3rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
thead th{background:var(--soft)}
td.num,th.num{text-align:right}
.light{display:inline-block;padding:.05rem .55rem;border-radius:1rem;font-weight:600;white-space:nowrap}
.light-green{background:#1e6b34;color:#fff}
.light-yellow{background:#f5d742;color:#1a1a1a}
.light-red{background:#a4161a;color:#fff}
.status{font-weight:600}
.meta{color:var(--muted)}
.notice{background:#eef4fb;border-left:4px solid var(--link);padding:.5rem 1rem;margin:1rem 0}
.warning{background:#fff4e0;border-left:4px solid #8a4b00;padding:.5rem 1rem;margin:1rem 0}
.error{background:#fdecec;border-left:4px solid #a4161a;padding:.5rem 1rem;margin:1rem 0}
.devbox{border:3px dashed #7a3e00;padding:1rem;margin:1rem 0}
form.inline{display:inline}
fieldset{border:1px solid var(--line);margin:1rem 0;padding:.75rem 1rem;min-width:0}
legend{font-weight:600}
label{font-weight:600}
.field{margin:.5rem 0}
.field label{display:block}
.filters{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-end}
.filters .field{margin:0}
input,select,textarea,button{font:inherit}
input[type=text],input[type=email],input[type=number],input[type=date],input[type=time],select,textarea{border:1px solid #6b7178;border-radius:3px;padding:.3rem .4rem;max-width:100%}
button{background:var(--link);color:#fff;border:1px solid var(--link);border-radius:4px;padding:.4rem .9rem;cursor:pointer}
button.secondary{background:#fff;color:var(--link)}
button.link{background:none;border:none;color:var(--link);text-decoration:underline;padding:0}
dl.facts{display:grid;grid-template-columns:minmax(9rem,max-content) 1fr;gap:.25rem 1rem}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0}
.pager{display:flex;gap:1rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
pre.plain{white-space:pre-wrap;background:var(--soft);padding:.5rem}
.checkin main{max-width:42rem}
.checkin fieldset{border-radius:6px;background:var(--soft);padding:1rem}
.checkin legend{float:left;width:100%;padding:0;margin-bottom:.25rem;font-size:1.1rem}
.checkin legend+*{clear:both}
.checkin textarea,.checkin input[type=text]{width:100%;background:var(--bg)}
.checkin input[type=date]{min-height:2.5rem;background:var(--bg)}
.statuses{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:.75rem}
.statuses button{flex:1 1 8rem;min-height:2.75rem;font-weight:600}
form.undo{margin:1rem 0}
form.undo button{min-height:2.75rem}
a.button{display:inline-block;background:var(--link);color:#fff;border:1px solid var(--link);border-radius:4px;padding:.6rem 1rem;min-height:2.75rem;text-decoration:none;font-weight:600}
a.button:hover{text-decoration:underline}
table.people button{min-height:2.75rem;min-width:2.75rem}
@media (max-width:48rem){
main{padding:.75rem .75rem 2rem}
header.top{padding:.5rem .75rem}
h1{font-size:1.4rem;overflow-wrap:anywhere}
nav ul{gap:0 .25rem}
nav a,.who button.link{display:inline-flex;align-items:center;min-height:2.75rem;padding:0 .4rem}
button{min-height:2.75rem}
.who{margin-left:0}
dd,li,p,label,legend{overflow-wrap:anywhere}
th,td{overflow-wrap:break-word}
dl.facts{grid-template-columns:1fr}
dl.facts dd{margin-bottom:.5rem}
.filters .field,.filters select,.filters input{width:100%}
.devbox{padding:.75rem;border-width:2px}
table{display:block;max-width:100%;overflow-x:auto;position:relative}
table.people,table.people caption,table.people tbody,table.people tr,table.people th,table.people td{display:block;border:none;padding:0}
table.people{overflow:visible}
table.people thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
table.people tr{border:1px solid var(--line);border-radius:6px;padding:.6rem .75rem;margin:.5rem 0}
table.people th{font-size:1.05rem}
table.people button{width:100%;margin-top:.4rem}
}
`;
