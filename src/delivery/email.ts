/**
 * The email channel: nodemailer over SMTP (Exchange Online, or any relay). Settings come from the
 * environment; the rendered message carries its own threading headers.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { z } from 'zod';
import type { DeliveryChannel, SendReceipt } from './channel';
import { envBoolean, envOptional, envString, parseEnv, type Env } from './env';
import { DeliveryError } from './errors';
import type { Message } from './message';
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
}

const smtpEnvSchema = z.object({
  SMTP_HOST: envString,
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  SMTP_SECURE: envBoolean,
  SMTP_USER: envOptional,
  SMTP_PASSWORD: envOptional,
  MAIL_FROM: envString,
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
  };
}

export class EmailChannel implements DeliveryChannel {
  readonly channel = 'email' as const;
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>;
  private readonly from: string;

  constructor(settings: EmailSettings) {
    this.from = settings.from;
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
