/** In-process servers the channel tests talk to, all on 127.0.0.1 with a free port. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';

export interface TestSmtp {
  port: number;
  mails: ParsedMail[];
  envelopes: string[][];
  close(): Promise<void>;
}

/**
 * A real SMTP server; `onRcptTo` may reject a recipient with an SMTP reply code. `port` brings it
 * back where a closed one was (an outage test); 0 takes a free one.
 */
export async function startSmtp(
  onRcptTo?: (address: string) => { code: number; message: string } | undefined,
  port = 0,
): Promise<TestSmtp> {
  const mails: ParsedMail[] = [];
  const envelopes: string[][] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    disableReverseLookup: true,
    onRcptTo(address: SMTPServerAddress, _s: SMTPServerSession, cb: (err?: Error | null) => void) {
      const reject = onRcptTo?.(address.address);
      if (!reject) return cb();
      cb(Object.assign(new Error(reject.message), { responseCode: reject.code }));
    },
    onData(stream, session, cb) {
      simpleParser(stream).then(
        (mail) => {
          mails.push(mail);
          envelopes.push(session.envelope.rcptTo.map((r) => r.address));
          cb();
        },
        (e: Error) => cb(e),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    mails,
    envelopes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * An SMTP server that counts a message only when it answers 250 to the DATA. With `hold`, it
 * keeps the answer back: a client that dies meanwhile never got an acceptance, and the message
 * is discarded, as a real relay does. `receiving` holds the sessions whose DATA is arriving and
 * not yet answered or held.
 */
export async function startHoldingSmtp() {
  const accepted: { to: string; messageId: string }[] = [];
  const held: string[] = [];
  const discarded: string[] = [];
  const receiving = new Set<string>();
  /** `holdAfter`: hold from the moment this many messages have been accepted. */
  const state: { hold: boolean; holdAfter?: number } = { hold: false };
  const pending = new Map<string, () => void>();
  const answers = new Map<string, () => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    disableReverseLookup: true,
    onData(stream, session, cb) {
      receiving.add(session.id);
      simpleParser(stream).then(
        (mail) => {
          if (!receiving.delete(session.id)) return; // the client left before the end of the DATA
          const entry = {
            to: session.envelope.rcptTo.map((r) => r.address).join(','),
            messageId: mail.messageId ?? '',
          };
          if (state.holdAfter !== undefined && accepted.length >= state.holdAfter) state.hold = true;
          if (!state.hold) {
            accepted.push(entry);
            return cb();
          }
          held.push(session.id);
          pending.set(session.id, () => discarded.push(session.id));
          answers.set(session.id, () => {
            accepted.push(entry);
            cb();
          });
        },
        (e: Error) => {
          receiving.delete(session.id);
          cb(e);
        },
      );
    },
    onClose(session) {
      receiving.delete(session.id);
      answers.delete(session.id);
      pending.get(session.id)?.();
      pending.delete(session.id);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    accepted,
    held,
    discarded,
    receiving,
    state,
    /** Stops holding and answers 250 to every held DATA whose client is still there. */
    release() {
      state.hold = false;
      state.holdAfter = undefined;
      for (const [id, answer] of answers) {
        pending.delete(id);
        answer();
      }
      answers.clear();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type HoldingSmtp = Awaited<ReturnType<typeof startHoldingSmtp>>;

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface TestHttp {
  url: string;
  requests: RecordedRequest[];
  /** Replies for the next requests to a path, in order; afterwards the default for that path. */
  queue(path: string, ...replies: Reply[]): void;
  close(): Promise<void>;
}

/** Speaks the token endpoint, Graph's sendActivityNotification and a Workflows webhook. */
export async function startFakeMicrosoft(): Promise<TestHttp> {
  const requests: RecordedRequest[] = [];
  const queued = new Map<string, Reply[]>();
  const defaults = (path: string): Reply => {
    if (path === '/tenant/token')
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ access_token: 'token-1', expires_in: 3600, token_type: 'Bearer' }),
      };
    if (path.endsWith('/teamwork/sendActivityNotification')) return { status: 204 };
    if (path.startsWith('/webhook')) return { status: 202 };
    return { status: 404 };
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      requests.push({
        method: req.method ?? '',
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const reply = queued.get(path)?.shift() ?? defaults(path);
      res.writeHead(reply.status, reply.headers).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    queue(path, ...replies) {
      queued.set(path, [...(queued.get(path) ?? []), ...replies]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** RFC 2047 encoded-words, as nodemailer writes non-ASCII custom headers (mailparser leaves those encoded). */
export function decodeWords(value: unknown): string {
  return String(value)
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
    );
}
