/**
 * Every Swedish word Planvakt sends, in one place, so HR can review the tone in one file and a
 * wording change never has to be made twice (email, card and notification read from here).
 */
import { plural } from '../../domain';
import { MESSAGE_KINDS, type MessageKind } from '../message';

export const SV = {
  labels: {
    goal: 'Mål',
    department: 'Avdelning',
    deadline: 'Måldatum',
    noDeadline: 'Löpande',
    reason: 'Varför du får detta',
    openActivity: 'Öppna aktiviteten',
    openReport: 'Öppna rapporten',
    checkIn: 'Lämna status',
    chooseStatus: 'Välj status',
    activities: 'Aktiviteter',
    acknowledge: 'Kvittera förseningen',
    checkInAll: (n: number) =>
      n === 1 ? 'Lämna status med ett klick' : 'Lämna status för alla aktiviteter med ett klick',
  },
  greeting: (name: string) => `Hej ${name}!`,
  greetingChannel: (department: string) => `Hej alla på ${department}!`,
  intro: {
    reminder: (n: number) =>
      n === 1
        ? 'Det här är en påminnelse om en aktivitet som du är ansvarig för.'
        : `Det här är en påminnelse om ${n} aktiviteter som du är ansvarig för.`,
    statusRequest: (n: number) =>
      `Det är dags att lämna status för ${n === 1 ? 'den här aktiviteten' : `de här ${n} aktiviteterna`}. ` +
      'Välj en status nedan – det räcker med ett klick.',
    escalation: (n: number) =>
      `${n === 1 ? 'Den här aktiviteten har' : `De här ${n} aktiviteterna har`} passerat måldatum utan att ha rapporterats som klar. ` +
      'Du får meddelandet som ansvarig chef.',
    report: (n: number) =>
      `Här är en sammanställning av ${n === 1 ? 'en aktivitet' : `${n} aktiviteter`} inför uppföljningen.`,
    gap: (n: number) =>
      `Planvakt behöver hjälp med ${n === 1 ? 'en aktivitet' : `${n} aktiviteter`}: det saknas en mottagare, eller så nådde meddelandet ingen kanal. ` +
      'Åtgärda luckan så att inget faller mellan stolarna.',
  } satisfies Record<MessageKind, (n: number) => string>,
  subjectOne: (kind: MessageKind, title: string) => `${MESSAGE_KINDS[kind]}: ${title}`,
  subjectMany: (kind: MessageKind, n: number, date: string) =>
    `${MESSAGE_KINDS[kind]}: ${plural(n, 'aktivitet', 'aktiviteter')} den ${date}`,
  /** Thread-Topic of a digest that spans several activities. */
  digestTopic: (municipality: string) => `Planvakt ${municipality}: dagens sammanställning`,
  footer: (municipality: string) =>
    `Skickat automatiskt av Planvakt för ${municipality}. Svara inte på meddelandet – använd länkarna ovan.`,
  notificationTitleMany: (kind: MessageKind, n: number) =>
    `${MESSAGE_KINDS[kind]}: ${plural(n, 'aktivitet', 'aktiviteter')}`,
} as const;
