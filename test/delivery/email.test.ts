import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmailChannel, emailSettingsFromEnv, smtpDeliveryError } from '../../src/delivery/email';
import { DeliveryError } from '../../src/delivery/errors';
import { HOSTILE, item, message } from './fixtures';
import { decodeWords, startSmtp, type TestSmtp } from './servers';

let smtp: TestSmtp;
let channel: EmailChannel;

beforeAll(async () => {
  smtp = await startSmtp((address) => {
    if (address.startsWith('finns.inte')) return { code: 550, message: '5.1.1 Mailbox does not exist' };
    if (address.startsWith('tillfalligt')) return { code: 451, message: '4.3.2 Try again later' };
    return undefined;
  });
  channel = new EmailChannel(
    emailSettingsFromEnv({
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      SMTP_SECURE: 'false',
      MAIL_FROM: 'Planvakt <planvakt@kommun.se>',
    })!,
  );
});

afterAll(async () => {
  channel.close();
  await smtp.close();
});

async function sendAndReceive(msg: Parameters<EmailChannel['send']>[0]) {
  const before = smtp.mails.length;
  await channel.send(msg);
  expect(smtp.mails).toHaveLength(before + 1);
  return smtp.mails[before]!;
}

describe('EmailChannel against a real SMTP server', () => {
  it('delivers subject, sender, recipient and both parts', async () => {
    const mail = await sendAndReceive(message());
    expect(mail.subject).toBe('Påminnelse: Erbjuda chefer utbildning i arbetsmiljö');
    expect(mail.from?.value).toEqual([{ name: 'Planvakt', address: 'planvakt@kommun.se' }]);
    expect(smtp.envelopes.at(-1)).toEqual(['anna.andersson@kommun.se']);
    const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
    expect(to?.value).toEqual([{ name: 'Anna Andersson', address: 'anna.andersson@kommun.se' }]);
    expect(mail.text).toContain('Hej Anna!');
    expect(mail.text).toContain('Klar: https://planvakt.kommun.se/checkin/abc?s=done&sig=1');
    expect(mail.html).toContain('<a href="https://planvakt.kommun.se/checkin/abc?s=done&amp;sig=1"');
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.headers.get('content-language')).toBe('sv');
  });

  it('delivers hostile plan text inert in HTML and intact in text', async () => {
    const mail = await sendAndReceive(message({ items: [item({ activityText: HOSTILE })], subject: undefined }));
    expect(mail.html).not.toBe(false);
    expect(mail.html as string).not.toContain('<script');
    expect(mail.html as string).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;citat&quot; *fet* {{mall}} =SUMMA(A1)',
    );
    expect(mail.text).toContain(HOSTILE);
    expect(mail.subject).toContain('<script>alert(1)</script> & "citat"');
  });

  it('sends threading headers that tie one activity’s messages together', async () => {
    const first = await sendAndReceive(message());
    const second = await sendAndReceive(message({ kind: 'escalation', eventKey: 'escalation-1', date: '2026-01-10' }));
    const root = first.inReplyTo;
    expect(root).toMatch(/^<activity-[0-9a-f]{32}@planvakt\.kommun\.se>$/);
    expect(second.inReplyTo).toBe(root);
    expect(first.references).toBe(root);
    expect(second.references).toBe(root);
    expect(first.messageId).toMatch(/^<pv1-[0-9a-f]{40}@planvakt\.kommun\.se>$/);
    expect(second.messageId).not.toBe(first.messageId);
    expect(decodeWords(first.headers.get('thread-topic'))).toBe('Erbjuda chefer utbildning i arbetsmiljö');
    expect(second.headers.get('thread-index')).toBe(first.headers.get('thread-index'));
  });

  it('classifies a rejected mailbox as permanent and a 4xx as retryable', async () => {
    const gone = message({ recipient: { id: 'p-x', name: 'X', email: 'finns.inte@kommun.se' } });
    await expect(channel.send(gone)).rejects.toMatchObject({
      name: 'DeliveryError',
      code: 'invalidRecipient',
      retryable: false,
      status: 550,
    });
    const later = message({ recipient: { id: 'p-y', name: 'Y', email: 'tillfalligt@kommun.se' } });
    await expect(channel.send(later)).rejects.toMatchObject({ code: 'serverError', retryable: true, status: 451 });
    await expect(channel.send(message({ recipient: { id: 'p-z', name: 'Z' } }))).rejects.toMatchObject({
      code: 'invalidRecipient',
      retryable: false,
    });
  });

  it('classifies a refused connection as retryable', async () => {
    const closed = await startSmtp();
    await closed.close();
    const nowhere = new EmailChannel({
      host: '127.0.0.1',
      port: closed.port,
      secure: false,
      from: 'planvakt@kommun.se',
    });
    const error = await nowhere.send(message()).catch((e: unknown) => e);
    nowhere.close();
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ code: 'network', retryable: true });
  });
});

describe('email settings', () => {
  it('are absent without SMTP_HOST and name the wrong variable without echoing secrets', () => {
    expect(emailSettingsFromEnv({})).toBeUndefined();
    expect(() =>
      emailSettingsFromEnv({ SMTP_HOST: 'smtp.office365.com', SMTP_PORT: 'x', SMTP_PASSWORD: 'hemligt' }),
    ).toThrow(/SMTP_PORT[\s\S]*MAIL_FROM/);
    expect(() =>
      emailSettingsFromEnv({ SMTP_HOST: 'h', MAIL_FROM: 'a@b.se', SMTP_PASSWORD: 'hemligt', SMTP_SECURE: 'kanske' }),
    ).toThrow(/^(?![\s\S]*hemligt)[\s\S]*SMTP_SECURE/);
    expect(
      emailSettingsFromEnv({
        SMTP_HOST: 'smtp.office365.com',
        MAIL_FROM: 'a@b.se',
        SMTP_USER: 'u',
        SMTP_PASSWORD: 'p',
      }),
    ).toEqual({
      host: 'smtp.office365.com',
      port: 587,
      secure: false,
      user: 'u',
      password: 'p',
      from: 'a@b.se',
    });
  });

  it('maps SMTP failures without a reply code by their nodemailer code', () => {
    expect(smtpDeliveryError({ code: 'EAUTH', message: 'Invalid login' })).toMatchObject({
      code: 'unauthorized',
      retryable: false,
    });
    expect(smtpDeliveryError({ code: 'ETIMEDOUT' })).toMatchObject({ code: 'network', retryable: true });
    expect(smtpDeliveryError({ code: 'EMESSAGE', responseCode: 554, command: 'DATA' })).toMatchObject({
      code: 'rejected',
      retryable: false,
    });
  });
});
