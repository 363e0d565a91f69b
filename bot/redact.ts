/**
 * Removes personal identifiers from text before it is logged: e-mail addresses, phone
 * numbers, IBANs, social security numbers (NIR), long file numbers, dates of birth.
 */
const PATTERNS: Array<[RegExp, string]> = [
  [/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '[email]'],
  [/\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b/gi, '[iban]'],
  [/\b[12][ .]?\d{2}[ .]?\d{2}[ .]?(?:\d{2}|2[AB])[ .]?\d{3}[ .]?\d{3}(?:[ .]?\d{2})?\b/gi, '[nir]'],
  [/(?:\+33 ?|0033 ?|\b0)[1-9](?:[ .-]?\d{2}){4}\b/g, '[phone]'],
  [/\b\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}\b/g, '[date]'],
  [/\b\d{8,}\b/g, '[number]'],
];

/** The text with identifiers replaced by their kind in brackets. */
export function redact(text: string): string {
  let out = text;
  for (const [re, label] of PATTERNS) out = out.replace(re, label);
  return out;
}

/** A short, non-reversible reference to an identifier (conversation or user id) for logs. */
export function pseudonym(id: string | undefined): string | undefined {
  if (!id) return undefined;
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
