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

/** A translation function fixed to one language. */
export function translator(lang: string | undefined): TFunction {
  return getI18n().getFixedT(uiLanguage(lang));
}
