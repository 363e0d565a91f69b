/**
 * Every string a person reads goes through i18next. `fr` is the reference; `en`, `es` and
 * `ar` are complete; any other language falls back to French.
 */
import * as fs from 'fs';
import * as path from 'path';
import i18next, { i18n, TFunction } from 'i18next';
import { projectRoot } from '../knowledge/paths';

/** Languages the bot answers in. */
export const UI_LANGUAGES = ['fr', 'en', 'es', 'ar'] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];

let instance: i18n | undefined;

/** The initialised i18next instance (resources read once from `locales/`). */
export function getI18n(): i18n {
  if (instance) return instance;
  const dir = path.join(projectRoot(), 'locales');
  const resources: Record<string, { translation: Record<string, unknown> }> = {};
  for (const lng of UI_LANGUAGES) {
    resources[lng] = { translation: JSON.parse(fs.readFileSync(path.join(dir, lng, 'translation.json'), 'utf8')) as Record<string, unknown> };
  }
  const created = i18next.createInstance();
  // No promotional notice on standard output: the service's output is JSON log lines.
  const options = { resources, lng: 'fr', fallbackLng: 'fr', initAsync: false, interpolation: { escapeValue: false }, returnNull: false, showSupportNotice: false };
  void created.init(options);
  instance = created;
  return created;
}

/** The reply language for a language code or locale ("en-US" gives "en"; unknown gives "fr"). */
export function uiLanguage(lang: string | undefined): UiLanguage {
  const l = (lang ?? '').slice(0, 2).toLowerCase();
  return (UI_LANGUAGES as readonly string[]).includes(l) ? (l as UiLanguage) : 'fr';
}

const fixed = new Map<UiLanguage, TFunction>();
/** Strings kept per language; far more than the keys of `locales/` (a guard, not a limit). */
const MAX_MEMOISED = 5000;

/** The memo key of a call: the key, and its options when they are all plain values. */
function memoKey(args: readonly unknown[]): string | undefined {
  const key = args[0];
  if (typeof key !== 'string' || args.length > 2) return undefined;
  if (args.length === 1) return key;
  const options = args[1];
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return undefined;
  for (const v of Object.values(options)) if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return undefined;
  return `${key}\u0000${JSON.stringify(options)}`;
}

/**
 * `t`, remembering the strings it gave (labels, buttons, headings, and the same sentences
 * with the same values: a commune, a contact, a link). An answer turn asks for a dozen, and
 * i18next resolves each again (fallbacks, nesting, interpolation) for the same result: the
 * resources never change while the process runs (issue 8, a turn's CPU). Calls with other
 * options (objects, functions) are passed through; the memo starts again when full, since
 * some values come from the person (a place name).
 */
function memoised(t: TFunction): TFunction {
  const memo = new Map<string, unknown>();
  const call = t as unknown as (...args: unknown[]) => unknown;
  const f = (...args: unknown[]): unknown => {
    const key = memoKey(args);
    if (key === undefined) return call(...args);
    let value = memo.get(key);
    if (value === undefined) {
      value = call(...args);
      if (typeof value === 'string') {
        if (memo.size >= MAX_MEMOISED) memo.clear();
        memo.set(key, value);
      }
    }
    return value;
  };
  // The fixed language and namespace, as i18next's own fixed `t` carries them.
  return Object.assign(f, { lng: (t as { lng?: string }).lng, ns: (t as { ns?: string }).ns }) as unknown as TFunction;
}

/**
 * A translation function fixed to one language. Made once per language: a turn asks for
 * one several times, and the resources never change while the process runs.
 */
export function translator(lang: string | undefined): TFunction {
  const ui = uiLanguage(lang);
  let t = fixed.get(ui);
  if (!t) fixed.set(ui, (t = memoised(getI18n().getFixedT(ui))));
  return t;
}
