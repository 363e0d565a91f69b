/**
 * Reading the service directory: localised names, a site's contact line, the site serving
 * a commune.
 */
import type { KnowledgeBase } from './load';
import type { LocalisedText, Service } from './schema';

/** A localised text in a language, falling back to French. */
export function localised(text: LocalisedText, lang: string): string {
  return (text as Record<string, string | undefined>)[lang] ?? text.fr;
}

/** The site a service sits at (itself for a site). */
export function siteOf(kb: KnowledgeBase, service: Service): Service | undefined {
  return service.kind === 'site' ? service : service.site ? kb.services.get(service.site) : undefined;
}

/** The préfecture's main site: the site whose id starts with `prefecture`, else the first site. */
export function mainSite(kb: KnowledgeBase): Service | undefined {
  const sites = [...kb.services.values()].filter((s) => s.kind === 'site');
  return sites.find((s) => s.id.startsWith('prefecture')) ?? sites[0];
}

/**
 * One line saying how to reach a service: its name, the site's address and web page or
 * phone. Undefined when the service is unknown.
 */
export function directoryContact(kb: KnowledgeBase, serviceId: string, lang: string): string | undefined {
  const service = kb.services.get(serviceId);
  if (!service) return undefined;
  const site = siteOf(kb, service);
  const parts = [localised(service.name, lang)];
  if (site && site !== service) parts.push(localised(site.name, lang));
  if (site?.address) parts.push(`${site.address.street}, ${site.address.postcode} ${site.address.city}`);
  const phone = service.phone ?? site?.phone;
  if (phone) parts.push(phone);
  const url = service.contactUrl ?? service.url ?? site?.contactUrl ?? site?.url;
  if (url) parts.push(url);
  return parts.join(' · ');
}

/** The site serving an arrondissement (INSEE code), from the sites' `arrondissements`. */
export function siteForArrondissement(kb: KnowledgeBase, arrondissement: string): Service | undefined {
  return [...kb.services.values()].find((s) => s.kind === 'site' && s.arrondissements.includes(arrondissement));
}

/** How to reach the préfecture's main site, in one line (empty when the directory has no site). */
export function mainContact(kb: KnowledgeBase, lang: string): string {
  const site = mainSite(kb);
  return (site && directoryContact(kb, site.id, lang)) ?? '';
}
