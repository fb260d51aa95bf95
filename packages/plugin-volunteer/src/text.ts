import { volunteerMessages } from './messages.js';

/** Text clients type in (titles, names, reports, skills), as the plugin stores it. */

/** Trims a required text input; BAD_USER_INPUT naming it when empty. */
export function requireText(value: string, field: string): string {
  const text = value.trim();
  if (!text) throw volunteerMessages.textEmpty.error({ field }, field);
  return text;
}

/** Cleans a list of skill names: trimmed, no empties, no duplicates. */
export function cleanSkills(skills: readonly string[] | null | undefined): string[] {
  return [...new Set((skills ?? []).map((s) => s.trim()).filter(Boolean))];
}
