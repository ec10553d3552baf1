/**
 * The email channel: nodemailer over SMTP (Exchange Online, or any relay). Settings come from the
 * environment; the rendered message carries its own threading headers.
 */
import { Context } from '@temporalio/activity';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { z } from 'zod';
import type { DeliveryChannel, SendReceipt } from './channel';
import { envBoolean, envOptional, envString, parseEnv, type Env } from './env';
import { DeliveryError } from './errors';
import type { Message } from './message';
import { Pacer, type PaceLimits } from './pace';
import { renderEmail } from './templates/email';

export interface EmailSettings {
  host: string;
  port: number;
  /** Implicit TLS (port 465). Otherwise STARTTLS is used whenever the server offers it. */
  secure: boolean;
  user?: string;
  password?: string;
  /** `Planvakt <planvakt@kommun.se>` */
  from: string;
  /** The relay's limits this worker keeps to (SMTP_MAX_PER_MINUTE, SMTP_MAX_RECIPIENTS_PER_DAY); none: as fast as it takes them. */
  limits?: PaceLimits;
}

const smtpEnvSchema = z.object({
  SMTP_HOST: envString,
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  SMTP_SECURE: envBoolean,
  SMTP_USER: envOptional,
  SMTP_PASSWORD: envOptional,
  MAIL_FROM: envString,
  // The relay's limits, for this worker (several workers: each its share). Exchange Online: 30 and 10000.
  SMTP_MAX_PER_MINUTE: z.coerce.number().int().min(1).optional(),
  SMTP_MAX_RECIPIENTS_PER_DAY: z.coerce.number().int().min(1).optional(),
});

/** Undefined when SMTP_HOST is unset: the dev outbox takes over then. */
export function emailSettingsFromEnv(env: Env = process.env): EmailSettings | undefined {
  if (!env.SMTP_HOST?.trim()) return undefined;
  const e = parseEnv('email', smtpEnvSchema, env);
  return {
    host: e.SMTP_HOST,
    port: e.SMTP_PORT,
    secure: e.SMTP_SECURE,
    ...(e.SMTP_USER ? { user: e.SMTP_USER } : {}),
    ...(e.SMTP_PASSWORD ? { password: e.SMTP_PASSWORD } : {}),
    from: e.MAIL_FROM,
    ...(e.SMTP_MAX_PER_MINUTE || e.SMTP_MAX_RECIPIENTS_PER_DAY
      ? {
          limits: {
            ...(e.SMTP_MAX_PER_MINUTE ? { perMinute: e.SMTP_MAX_PER_MINUTE } : {}),
            ...(e.SMTP_MAX_RECIPIENTS_PER_DAY ? { recipientsPerDay: e.SMTP_MAX_RECIPIENTS_PER_DAY } : {}),
          },
        }
      : {}),
  };
}

/** An attempt that ran out of waiting while sends were under way comes back this much later. */
const RETRY_WHILE_UNDER_WAY_MS = 30_000;

/** How long an attempt may wait for its slot outside a Temporal activity (the CLI, tests). */
const DEFAULT_MAX_WAIT_MS = 40_000;

/**
 * How long this attempt may wait in the process for its slot: the activity's attempt timeout less
 * a margin for the send itself (20 s: the SMTP connection and greeting time out at 15).
 */
function maxWaitMs(): number {
  try {
    return Math.max(0, Context.current().info.startToCloseTimeoutMs - 20_000);
  } catch {
    return DEFAULT_MAX_WAIT_MS;
  }
}

export class EmailChannel implements DeliveryChannel {
  readonly channel = 'email' as const;
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>;
  private readonly from: string;
  private readonly pacer: Pacer | undefined;

  constructor(
    settings: EmailSettings,
    private readonly clock: { now(): number; sleep(ms: number): Promise<void> } = {
      now: () => Date.now(),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    },
  ) {
    this.from = settings.from;
    this.pacer = settings.limits ? new Pacer(settings.limits) : undefined;
    this.transport = nodemailer.createTransport({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
      // A hung relay must fail the attempt well within the Temporal activity's timeout.
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
    });
  }

  async send(message: Message): Promise<SendReceipt> {
    const address = message.recipient.email?.trim();
    if (!address) {
      throw new DeliveryError(`email: recipient ${message.recipient.id} has no email address`, {
        code: 'invalidRecipient',
        retryable: false,
        channel: 'email',
      });
    }
    const mail = renderEmail(message);
    if (this.pacer) {
      await this.awaitTurn(message, this.pacer);
      this.pacer.start(message.key, 1);
    }
    try {
      const info = await this.transport.sendMail({
        from: this.from,
        to: { name: message.recipient.name, address },
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.headers.messageId,
        inReplyTo: mail.headers.inReplyTo,
        references: mail.headers.references,
        headers: mail.headers.other,
      });
      return { providerMessageId: info.messageId };
    } catch (e) {
      throw smtpDeliveryError(e);
    } finally {
      this.pacer?.end(message.key, this.clock.now());
    }
  }

  /**
   * Waits for this message's turn under the relay's limits: first its reserved slot, then until
   * what the relay has accepted leaves room (Pacer.blockedFor). A turn further off than the attempt
   * can wait is a retryable failure whose retry Temporal schedules half a wait before the slot
   * (nextRetryDelay); that attempt finds the same place (reserved by the delivery key) and waits
   * the rest here, so the message goes at its turn and not at the mercy of a timer.
   */
  private async awaitTurn(message: Message, pacer: Pacer): Promise<void> {
    const canWait = maxWaitMs();
    const started = this.clock.now();
    const paced = (wait: number) =>
      new DeliveryError(`email: the relay's limit gives this message a slot in ${Math.ceil(wait / 1000)} s`, {
        code: 'paced',
        retryable: true,
        channel: 'email',
        retryAfterMs: Math.max(1_000, wait - canWait / 2),
      });
    const wait = pacer.reserve(message.key, 1, started) - started;
    if (wait > canWait) throw paced(wait);
    if (wait > 0) await this.clock.sleep(wait);
    for (;;) {
      const now = this.clock.now();
      const blocked = pacer.blockedFor(1, now);
      if (blocked === 0) return;
      const left = canWait - (now - started);
      if (blocked > left && blocked !== Infinity) throw paced(blocked);
      if (left <= 0) throw paced(RETRY_WHILE_UNDER_WAY_MS);
      // A send under way that ends, or the oldest acceptance leaving its window: look again.
      await Promise.race([pacer.changed(), this.clock.sleep(Math.min(blocked, left))]);
    }
  }

  close(): void {
    this.transport.close();
  }
}

interface SmtpFailure {
  code?: string;
  responseCode?: number;
  command?: string;
  message?: string;
}

/**
 * SMTP says it with the reply code: 4xx is "try later" (Exchange Online's throttling included),
 * 5xx is final. A 5xx on RCPT means the mailbox does not exist: permanent, so the message goes to
 * the fallback channel at once instead of burning retries.
 */
export function smtpDeliveryError(e: unknown): DeliveryError {
  const f = (typeof e === 'object' && e !== null ? e : {}) as SmtpFailure;
  const detail = `email: ${f.message ?? String(e)}`;
  const opts = { channel: 'email' as const, cause: e, ...(f.responseCode ? { status: f.responseCode } : {}) };
  const rc = f.responseCode;
  if (rc !== undefined && rc >= 400 && rc < 500)
    return new DeliveryError(detail, { ...opts, code: 'serverError', retryable: true });
  if (rc !== undefined && rc >= 500) {
    if (f.code === 'EAUTH' || f.command?.startsWith('AUTH'))
      return new DeliveryError(detail, { ...opts, code: 'unauthorized', retryable: false });
    if (f.code === 'EENVELOPE' || f.command?.startsWith('RCPT'))
      return new DeliveryError(detail, { ...opts, code: 'invalidRecipient', retryable: false });
    return new DeliveryError(detail, { ...opts, code: 'rejected', retryable: false });
  }
  switch (f.code) {
    case 'EAUTH':
      return new DeliveryError(detail, { ...opts, code: 'unauthorized', retryable: false });
    case 'EENVELOPE':
      return new DeliveryError(detail, { ...opts, code: 'invalidRecipient', retryable: false });
    case 'EMESSAGE':
      return new DeliveryError(detail, { ...opts, code: 'invalidMessage', retryable: false });
    case 'ECONFIG':
      return new DeliveryError(detail, { ...opts, code: 'notConfigured', retryable: false });
    default:
      // Connection refused, timeouts, TLS and DNS trouble, and anything unknown: worth another try.
      return new DeliveryError(detail, { ...opts, code: 'network', retryable: true });
  }
}
