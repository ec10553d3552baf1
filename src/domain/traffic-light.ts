/**
 * The traffic light of Översikt and of the follow-up reports: one rule, so a department's colour
 * on the dashboard is the colour its report gives. In time means reported Klar or Pågår.
 */
export type Light = 'grön' | 'gul' | 'röd';

export const LIGHT_RULE =
  'grön = minst 80 % av aktiviteterna är Klar eller Pågår i tid; gul = 50–79 %; röd = under 50 %. ' +
  'Försenad, Ej påbörjad, passerat måldatum och ej rapporterad räknas inte som i tid.';

export function lightFor(shareInTime: number): Light {
  return shareInTime >= 0.8 ? 'grön' : shareInTime >= 0.5 ? 'gul' : 'röd';
}
