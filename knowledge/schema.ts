/**
 * The schema of the knowledge content. Every file under `knowledge/content/` is checked
 * against it before anything is indexed: a base that does not validate is never loaded.
 */
import { z } from 'zod';

/** Languages the content may be written in. `fr` is the reference, `en` is required too. */
export const CONTENT_LOCALES = ['fr', 'en', 'es', 'ar', 'pt'] as const;
export type ContentLocale = (typeof CONTENT_LOCALES)[number];
/** Languages every entry must have in full. */
export const REQUIRED_LOCALES = ['fr', 'en'] as const;

const id = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lower-case words joined by hyphens');
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'is not a real date');
const url = z
  .string()
  .url('must be an absolute URL')
  .refine((u) => u.startsWith('https://'), 'must use https');
const text = z.string().trim().min(1, 'must not be empty');
const textList = z.array(text);
const hhmm = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;
const timeRange = z
  .string()
  .regex(hhmm, 'must be a time range written HH:MM-HH:MM')
  .refine((r) => r.slice(0, 5) < r.slice(6), 'must end after it starts');

/** A localised string map: `{fr, en}` required, other languages optional. */
export const localisedText = z.object({
  fr: text,
  en: text,
  es: text.optional(),
  ar: text.optional(),
  pt: text.optional(),
});
export type LocalisedText = z.infer<typeof localisedText>;

/** Channel through which a procedure is done. */
export const CHANNEL_TYPES = ['online', 'appointment', 'counter', 'post', 'phone', 'email'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

const channel = z
  .object({
    type: z.enum(CHANNEL_TYPES),
    /** Official address of the online service, booking page, or information page. */
    url: url.optional(),
    /** The directory service where this channel leads (counter, appointment, post). */
    service: id.optional(),
    /** The external body operating the channel, when it is not the préfecture. */
    body: id.optional(),
    /** Phone number as people dial it. */
    phone: z.string().regex(/^[0-9 +()]{4,20}$/, 'must be a phone number').optional(),
    /** Optional note on this channel, per language. */
    note: localisedText.optional(),
  })
  .strict()
  .refine((c) => c.type !== 'online' || c.url !== undefined, {
    message: 'an online channel needs its official url',
    path: ['url'],
  });

const source = z
  .object({
    url,
    title: text,
    /** service-public.fr fiche id such as F1050, where one exists. */
    fiche: z.string().regex(/^[FNR]\d{1,6}$/, 'must be a service-public.fr fiche id such as F1050').optional(),
  })
  .strict();

const handler = z
  .object({
    /** A service of the préfecture's directory (`knowledge/content/services/`). */
    service: id.optional(),
    /** An external body (`knowledge/content/bodies/`). */
    body: id.optional(),
  })
  .strict()
  .refine((h) => (h.service === undefined) !== (h.body === undefined), {
    message: 'give exactly one of service or body',
  });

/** The text of an entry in one language. */
const entryText = z
  .object({
    title: text,
    /** Plain-language summary: what it is and what to do, two to four sentences. */
    summary: text,
    /** What to prepare (documents, information, payment). */
    prepare: textList.default([]),
    /** Steps to follow, in order. */
    steps: textList.default([]),
    /** Legal delay or usual processing time, or where to check it. */
    delays: text.optional(),
    /** What it costs (timbre fiscal, taxes, free), with where to check the current amount. */
    fees: text.optional(),
    /** Error entries: how the droit à l'erreur applies (good faith, first time, regularised). */
    rightToError: text.optional(),
    /** Error entries: where the droit à l'erreur does not apply. */
    limits: text.optional(),
    /** Error entries: how to avoid the mistake next time. */
    avoid: textList.default([]),
  })
  .strict();
export type EntryText = z.infer<typeof entryText>;

/** Words people use for an entry, per language: synonyms, abbreviations, misspellings. */
const terms = z
  .object({
    fr: z.array(text).min(3, 'needs at least three words people use'),
    en: z.array(text).min(3, 'needs at least three words people use'),
    es: textList.optional(),
    ar: textList.optional(),
    pt: textList.optional(),
  })
  .strict();

export const ENTRY_KINDS = ['procedure', 'error', 'external'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** One knowledge entry: a procedure, a common error, or another administration. */
export const entrySchema = z
  .object({
    id,
    kind: z.enum(ENTRY_KINDS),
    reviewed: isoDate,
    handler,
    channels: z.array(channel).min(1, 'needs at least one channel'),
    sources: z.array(source).min(1, 'needs at least one official source'),
    /** Common-error entries related to this procedure. */
    relatedErrors: z.array(id).default([]),
    /** Other entries worth mentioning alongside. */
    see: z.array(id).default([]),
    /** Error entries: the procedure the mistake belongs to. */
    procedure: id.optional(),
    terms,
    text: z
      .object({
        fr: entryText,
        en: entryText,
        es: entryText.optional(),
        ar: entryText.optional(),
        pt: entryText.optional(),
      })
      .strict(),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (e.kind === 'error') {
      for (const lang of REQUIRED_LOCALES) {
        const t = e.text[lang];
        if (!t.rightToError) ctx.addIssue({ code: 'custom', path: ['text', lang, 'rightToError'], message: 'an error entry must say how the droit à l\'erreur applies' });
        if (!t.limits) ctx.addIssue({ code: 'custom', path: ['text', lang, 'limits'], message: 'an error entry must say where the droit à l\'erreur does not apply' });
        if (t.steps.length === 0) ctx.addIssue({ code: 'custom', path: ['text', lang, 'steps'], message: 'an error entry must give the steps to put it right' });
        if (t.avoid.length === 0) ctx.addIssue({ code: 'custom', path: ['text', lang, 'avoid'], message: 'an error entry must say how to avoid it next time' });
      }
    }
    if (e.kind === 'external' && e.handler.body === undefined) {
      ctx.addIssue({ code: 'custom', path: ['handler', 'body'], message: 'an external entry is handled by an external body' });
    }
  });
export type Entry = z.infer<typeof entrySchema>;

const weekday = z.array(timeRange).default([]);
/** A weekly opening schedule; days absent or empty are closed. */
export const weeklyHours = z
  .object({
    mon: weekday,
    tue: weekday,
    wed: weekday,
    thu: weekday,
    fri: weekday,
    sat: weekday,
    sun: weekday,
  })
  .strict();
export type WeeklyHours = z.infer<typeof weeklyHours>;

/** A service of the préfecture's directory: a site, a bureau, a reception point. */
export const serviceSchema = z
  .object({
    id,
    reviewed: isoDate,
    name: localisedText,
    /** What the service does, in a sentence. */
    description: localisedText,
    /** The site (another service of kind `site`) where a bureau sits. */
    site: id.optional(),
    kind: z.enum(['site', 'bureau', 'reception']),
    /** Postal address, for sites. */
    address: z
      .object({ street: text, postcode: z.string().regex(/^\d{5}$/, 'must be a 5-digit postcode'), city: text })
      .strict()
      .optional(),
    /** Arrondissement codes (INSEE) this site serves, for sites. */
    arrondissements: z.array(z.string().regex(/^\d{3}$/)).default([]),
    phone: z.string().regex(/^[0-9 +()]{4,20}$/, 'must be a phone number').optional(),
    url: url.optional(),
    contactUrl: url.optional(),
    appointmentUrl: url.optional(),
    /** Public opening hours; absent means the site's hours apply. */
    hours: weeklyHours.optional(),
    /** Phone reception hours, where they differ. */
    phoneHours: weeklyHours.optional(),
    /** What is uncertain and where to check it. */
    note: localisedText.optional(),
    sources: z.array(source).min(1, 'needs at least one source'),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.kind === 'site' && !s.address) ctx.addIssue({ code: 'custom', path: ['address'], message: 'a site needs its address' });
    if (s.kind === 'site' && !s.hours) ctx.addIssue({ code: 'custom', path: ['hours'], message: 'a site needs its opening hours' });
    if (s.kind !== 'site' && !s.site) ctx.addIssue({ code: 'custom', path: ['site'], message: 'a bureau or reception point names its site' });
  });
export type Service = z.infer<typeof serviceSchema>;

/** An external body: ANTS, ANEF, a mairie, the CAF... */
export const bodySchema = z
  .object({
    id,
    reviewed: isoDate,
    name: localisedText,
    description: localisedText,
    url,
    phone: z.string().regex(/^[0-9 +()]{4,20}$/, 'must be a phone number').optional(),
    sources: z.array(source).min(1, 'needs at least one source'),
  })
  .strict();
export type Body = z.infer<typeof bodySchema>;

/** The communes of the département, each mapped to its arrondissement. */
export const communesSchema = z
  .object({
    departement: z.string().regex(/^\d{2,3}$/),
    source: text,
    reviewed: isoDate,
    arrondissements: z.array(z.object({ code: z.string().regex(/^\d{3}$/), name: text }).strict()).min(1),
    communes: z
      .array(
        z
          .object({
            code: z.string().regex(/^\d{5}$/),
            name: text,
            postcodes: z.array(z.string().regex(/^\d{5}$/)).min(1),
            arrondissement: z.string().regex(/^\d{3}$/),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type Communes = z.infer<typeof communesSchema>;

/** Phrases that are not about a procedure: asking for a human, greetings, thanks. */
export const intentsSchema = z
  .object({
    reviewed: isoDate,
    /**
     * The entry that answers "where do I go?": a message naming where the person lives and
     * asking where to go, or naming nothing else a procedure could be found from, gets it
     * (and the card then shows the site serving that commune).
     */
    placeEntry: id.optional(),
    /** Words for the préfecture's offices ("préfecture", "guichet", "rattaché") that, with a commune, ask where to go. */
    placeWords: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)).default({}),
    handoff: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)),
    /**
     * Words that, together, ask for a person without a set phrase: a word for a person
     * ("conseiller", "human") with a word asking for contact ("passez-moi", "talk"), or a
     * person word alone with nothing else but qualifiers ("quelqu'un de réel ?").
     */
    handoffWords: z
      .object({
        people: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)),
        asks: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)),
        qualifiers: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)),
      })
      .strict(),
    /** Words of someone confessing or fearing a mistake: they favour the common-error entries. */
    mistake: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)),
    /**
     * Follow-up questions about the current topic ("et quels papiers ?"), by the part of the
     * entry they ask for.
     */
    followUps: z
      .object({
        prepare: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)),
        delays: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)),
        where: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)),
        steps: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)),
        fees: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)),
        /** The same question for someone else ("et pour mon fils ?"). */
        someoneElse: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)),
      })
      .strict(),
    /**
     * Commands understood at any point, said alone: help, start again, change the language,
     * a new topic. Language names choose a language.
     */
    commands: z
      .object({
        help: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)),
        restart: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)),
        language: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)),
        newTopic: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)),
        /** Erase this conversation (the person's right to erasure, `dialogs/erasure-dialog.ts`). */
        erase: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)).optional(),
      })
      .strict(),
    /**
     * Words that already answer a droit à l'erreur question: the mistake happened before
     * ("encore", "deuxième fois"), was on purpose, or is already put right.
     */
    rightToError: z
      .object({
        repeated: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)),
        firstTime: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)),
        deliberate: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)),
        fixed: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)),
        unsure: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)),
        yes: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)),
        no: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)),
      })
      .strict(),
    /** Names of the languages the bot speaks, as people write them, by language code. */
    languageNames: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)),
    smalltalk: z.object({
      greeting: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)),
      thanks: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)),
      goodbye: z.record(z.enum(CONTENT_LOCALES), z.array(text).min(1)),
    }).strict(),
  })
  .strict();
export type Intents = z.infer<typeof intentsSchema>;
