/**
 * The dev outbox ("Utkorg"): an SMTP catcher and a local Teams sink on 127.0.0.1, so a newcomer
 * sees what Planvakt sends without an Office 365 tenant. Its `env` points the real channels at
 * it, so the code that runs in dev is the code that runs in production.
 * Messages are kept in memory and appended to a JSON-lines file, which the web app (possibly
 * another process) reads with readOutboxFile.
 */
import { readJsonLines } from './json-lines';
import { withFileLock } from './file-lock';
import { randomUUID } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { Env } from './env';
import type { Channel } from './message';
import type { AdaptiveCard } from './templates/adaptive-card';
import { unescapeCardMarkdown } from '../domain';
import type { TeamsActivityNotification } from './templates/teams-notification';

export interface OutboxEntry {
  id: string;
  receivedAt: string;
  channel: Channel;
  /** Email address, Teams user id/UPN, or the webhook's name. */
  to: string;
  subject: string;
  /** Email only. */
  text?: string;
  html?: string;
  headers?: Record<string, string>;
  /** Teams personal only: the Graph request body. */
  notification?: TeamsActivityNotification;
  /** Teams channel only: the card as posted. */
  card?: AdaptiveCard;
}

export interface DevOutboxOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  smtpPort?: number;
  httpPort?: number;
  /** JSON-lines file; entries already in it are loaded on start. */
  file?: string;
}

const MAX_BODY_BYTES = 1 << 20;

export class DevOutbox {
  private readonly entries: OutboxEntry[] = [];
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly smtp: SMTPServer,
    private readonly http: Server,
    readonly host: string,
    private readonly file: string | undefined,
  ) {}

  static async start(options: DevOutboxOptions = {}): Promise<DevOutbox> {
    const host = options.host ?? '127.0.0.1';
    let outbox: DevOutbox | undefined;
    const smtp = new SMTPServer({
      authOptional: true,
      allowInsecureAuth: true,
      // Local only: without STARTTLS the client needs no certificate trust.
      disabledCommands: ['STARTTLS'],
      logger: false,
      // Local only: a reverse DNS lookup of 127.0.0.1 would only cost time (or leave the machine).
      disableReverseLookup: true,
      size: 10 * 1024 * 1024,
      onAuth: (auth, _session, cb) => cb(null, { user: auth.username ?? 'dev' }),
      onData: (stream, _session, cb) => {
        simpleParser(stream)
          .then((mail) => {
            const headers: Record<string, string> = {};
            for (const [name, value] of mail.headers)
              headers[name] = typeof value === 'string' ? value : JSON.stringify(value);
            return outbox?.add({
              channel: 'email',
              to: addressText(mail.to),
              subject: mail.subject ?? '',
              ...(mail.text ? { text: mail.text } : {}),
              ...(typeof mail.html === 'string' ? { html: mail.html } : {}),
              headers,
            });
          })
          .then(
            () => cb(),
            (e: Error) => cb(e),
          );
      },
    });
    const http = createServer((req, res) => {
      if (!outbox) return void res.writeHead(503).end();
      outbox.handleHttp(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    await listen((cb) => smtp.listen(options.smtpPort ?? 0, host, cb), smtp.server);
    await listen((cb) => http.listen(options.httpPort ?? 0, host, cb), http);
    outbox = new DevOutbox(smtp, http, host, options.file);
    if (options.file) await outbox.load(options.file);
    return outbox;
  }

  get smtpPort(): number {
    return (this.smtp.server.address() as AddressInfo).port;
  }

  get httpUrl(): string {
    return `http://${this.host}:${(this.http.address() as AddressInfo).port}`;
  }

  /** Environment that points channelsFromEnv at this outbox. The credentials are placeholders. */
  get env(): Env {
    return {
      SMTP_HOST: this.host,
      SMTP_PORT: String(this.smtpPort),
      SMTP_SECURE: 'false',
      MAIL_FROM: 'Planvakt <planvakt@planvakt.invalid>',
      GRAPH_TENANT_ID: 'dev',
      GRAPH_CLIENT_ID: 'dev',
      GRAPH_CLIENT_SECRET: 'dev',
      GRAPH_BASE_URL: this.httpUrl,
      GRAPH_TOKEN_URL: `${this.httpUrl}/token`,
      TEAMS_WEBHOOK_URL: `${this.httpUrl}/webhook`,
    };
  }

  /** Newest first, as an outbox page lists them. */
  listOutbox(): OutboxEntry[] {
    return [...this.entries].reverse();
  }

  async stop(): Promise<void> {
    await Promise.all([
      new Promise<void>((resolve) => this.smtp.close(() => resolve())),
      new Promise<void>((resolve) => {
        this.http.close(() => resolve());
        this.http.closeAllConnections();
      }),
    ]);
    await this.writes;
  }

  private async add(entry: Omit<OutboxEntry, 'id' | 'receivedAt'>): Promise<void> {
    const full: OutboxEntry = { id: randomUUID(), receivedAt: new Date().toISOString(), ...entry };
    this.entries.push(full);
    const file = this.file;
    if (!file) return;
    const write = this.writes.then(async () => {
      // Locked: the retention prune and `planvakt erase` rewrite this file.
      await withFileLock(file, () => appendFile(file, `${JSON.stringify(full)}\n`));
    });
    this.writes = write.catch(() => undefined);
    await write;
  }

  private async load(file: string): Promise<void> {
    this.entries.push(...(await readOutboxFile(file)).reverse());
  }

  /** Reads the file again after the retention prune or an erasure rewrote it. */
  async reload(): Promise<void> {
    if (!this.file) return;
    await this.writes;
    this.entries.splice(0, this.entries.length, ...(await readOutboxFile(this.file)).reverse());
  }

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.httpUrl);
    if (req.method === 'GET' && url.pathname === '/outbox') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(this.listOutbox()));
      return;
    }
    if (req.method !== 'POST') return void res.writeHead(405).end();
    const body = await readBody(req);
    if (url.pathname === '/token') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ token_type: 'Bearer', expires_in: 3600, access_token: 'dev-token' }));
      return;
    }
    const graph = /^\/v1\.0\/users\/([^/]+)\/teamwork\/sendActivityNotification$/.exec(url.pathname);
    if (graph) {
      const notification = JSON.parse(body) as TeamsActivityNotification;
      await this.add({
        channel: 'teams',
        to: decodeURIComponent(graph[1]!),
        subject:
          notification.templateParameters.find((p) => p.name === 'title')?.value ?? notification.previewText.content,
        notification,
      });
      res.writeHead(204).end();
      return;
    }
    const webhook = /^\/webhook(?:\/([^/]+))?$/.exec(url.pathname);
    if (webhook) {
      const payload = JSON.parse(body) as { attachments?: { content?: AdaptiveCard }[] };
      const card = payload.attachments?.[0]?.content;
      if (!card) return void res.writeHead(400).end('no card');
      const title = card.body.find((b) => b.type === 'TextBlock' && b.weight === 'Bolder');
      await this.add({
        channel: 'teamsChannel',
        to: webhook[1] ? decodeURIComponent(webhook[1]) : 'kanal',
        subject: title && title.type === 'TextBlock' ? unescapeCardMarkdown(title.text) : '',
        card,
      });
      res.writeHead(202).end();
      return;
    }
    res.writeHead(404).end();
  }
}

/** The outbox as stored by a DevOutbox with a file, newest first; empty when there is no file yet. */
export async function readOutboxFile(file: string): Promise<OutboxEntry[]> {
  return (await readJsonLines<OutboxEntry>(file)).reverse();
}

function addressText(to: AddressObject | AddressObject[] | undefined): string {
  if (!to) return '';
  return (Array.isArray(to) ? to : [to]).map((a) => a.text).join(', ');
}

function listen(start: (cb: () => void) => void, server: Server | import('node:net').Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    start(() => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
