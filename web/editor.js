/*
 * The knowledge editor (/editeur): préfecture staff change the bot's entries and the
 * directory's services in a draft, see the answer card as a user will, try questions, check
 * every test question before publishing, publish, read the history and roll back, and turn
 * the questions the bot could not answer into words of an entry. The API is described in
 * docs/editor-api.md.
 *
 * Sign-in: Teams single sign-on inside Teams when the service allows it, a local account
 * form elsewhere. The session ({token, editor, expiresAt}) is kept in sessionStorage and sent
 * as a Bearer header; any 401 goes back to the sign-in.
 *
 * Every text the editors typed is put in the page with textContent or value, never as HTML.
 * No inline script, style or handler: everything is wired here (strict CSP).
 *
 * Stable selectors (end-to-end tests):
 *   #login-username, #login-password, #login-submit     sign-in form (outside Teams)
 *   #sign-out, #editor-name
 *   #nav-entries, #nav-services, #nav-publish, #nav-history, #nav-unanswered   the parts
 *   #entry-search, #entry-filter                         filters of the entry list
 *   #entry-list [data-entry-id="<id>"]                   one entry (the item's button opens it)
 *   #entry-new                                           new entry
 *   #entry-form [name="<dotted path>"]                   every field of an entry, named by its
 *                                                        path in the entry: name="id", "kind",
 *                                                        "reviewed", "handler.service",
 *                                                        "handler.body", "channels.0.type",
 *                                                        "channels.0.url", "channels.0.note.fr",
 *                                                        "sources.0.url", "sources.0.fiche",
 *                                                        "relatedErrors", "see", "procedure",
 *                                                        "terms.fr", "text.fr.title",
 *                                                        "text.fr.prepare", "text.fr.delays"...
 *   #field-error-<path, dots as dashes>                  the error of a field, e.g.
 *                                                        #field-error-sources-0-url (also linked
 *                                                        to the field by aria-describedby)
 *   #entry-problems                                      all the problems after a refused save
 *   #entry-save, #entry-revert, #entry-retire, #entry-restore, #entry-use-published
 *   #conflict-message, #conflict-reload, #conflict-keep  the conflict (409) and its choices
 *   #preview, #preview-lang, #preview-webchat .ac-adaptiveCard, #preview-fallback
 *   #service-list [data-service-id="<id>"], #service-form [name="<dotted path>"] (name.fr,
 *   hours.mon, address.street...), #service-save, #service-field-error-<path>, #service-conflict
 *   #try-text, #try-lang, #try-submit, #try-results (#try-draft, #try-published)
 *   #draft-changes, #draft-discard
 *   #regression-run, #regression-results (#regression-figures, #regression-changes)
 *   #publish-message, #publish-submit, #publish-result (#publish-done, #publish-nochange,
 *   #publish-problems)
 *   #history-list [data-revision-id="<n>"], #history-diff, #history-restore, #export-button,
 *   #revision-export
 *   #unanswered-list [data-group-key="<key>"] with [data-action="add-words"] and
 *   [data-action="dismiss"]; #words-entry, #words-lang, #words-text, #words-submit
 *   #confirm-dialog (#confirm-dialog-input, #confirm-dialog-ok, #confirm-dialog-cancel)
 */
(function () {
  'use strict';

  const API = '/api/editor';
  const SESSION_KEY = 'prefecture-editor.session';
  const NOTICE_MS = 10000;
  /** A stored session this close to its expiry is not reused. */
  const EXPIRY_MARGIN_MS = 60 * 1000;
  /** Teams' initialisation never answers outside Teams: give up after this. */
  const TEAMS_INIT_TIMEOUT_MS = 10000;
  const TEAMS_LIBRARY = '/vendor/teams-js/MicrosoftTeams.min.js';
  const WEBCHAT_LIBRARY = '/vendor/webchat/webchat.js';
  const WEBCHAT_TIMEOUT_MS = 30000;
  /** How long the preview waits for Web Chat to draw the card before showing the texts. */
  const CARD_RENDER_TIMEOUT_MS = 8000;
  const VALIDATE_DELAY_MS = 400;
  const PREVIEW_DELAY_MS = 700;
  const BASE_TITLE = "Éditeur des fiches — Préfecture du Val-d'Oise";
  const FICHE_BASE = 'https://www.service-public.fr/particuliers/vosdroits/';

  /**
   * The nonce the service gives this script under a nonce-based Content-Security-Policy: the
   * scripts loaded later (Teams, Web Chat) and Web Chat's style elements carry it.
   */
  const NONCE = (document.currentScript && document.currentScript.nonce) || undefined;

  /** Content languages; the configuration replaces them (GET /config). */
  let LANGS = ['fr', 'en', 'es', 'ar', 'pt'];
  let REQUIRED = ['fr', 'en'];
  const LANG_NAMES = { fr: 'français', en: 'anglais', es: 'espagnol', ar: 'arabe', pt: 'portugais' };
  const RTL = { ar: true };

  const KINDS = [
    ['procedure', 'Démarche'],
    ['error', 'Erreur courante'],
    ['external', 'Autre administration']
  ];
  const CHANNEL_TYPES = [
    ['online', 'En ligne'],
    ['appointment', 'Sur rendez-vous'],
    ['counter', 'Au guichet'],
    ['post', 'Par courrier'],
    ['phone', 'Par téléphone'],
    ['email', 'Par courriel']
  ];
  const SERVICE_KINDS = [
    ['site', 'Site (préfecture, sous-préfecture)'],
    ['bureau', 'Bureau'],
    ['reception', "Point d'accueil"]
  ];
  const WEEKDAYS = [
    ['mon', 'Lundi'],
    ['tue', 'Mardi'],
    ['wed', 'Mercredi'],
    ['thu', 'Jeudi'],
    ['fri', 'Vendredi'],
    ['sat', 'Samedi'],
    ['sun', 'Dimanche']
  ];
  const STATUS = {
    published: { label: 'publié', cls: 'fr-badge--success' },
    changed: { label: 'modifié', cls: 'fr-badge--warning' },
    new: { label: 'nouveau', cls: 'fr-badge--new' },
    retired: { label: 'retiré', cls: '' }
  };
  const FLAG_LABELS = { reviewOverdue: 'revue dépassée', ficheChanged: 'fiche modifiée depuis la revue' };
  const DECISIONS = {
    answer: 'Répond avec une fiche',
    clarify: 'Propose un choix entre plusieurs fiches',
    fallback: 'Ne sait pas répondre',
    handoff: 'Propose de parler à un agent',
    smalltalk: 'Échange de politesse'
  };
  const CHANGES = {
    better: { label: 'Mieux', cls: 'fr-badge--success' },
    worse: { label: 'Moins bien', cls: 'fr-badge--error' },
    different: { label: 'Différent', cls: 'fr-badge--info' }
  };
  const FILE_CHANGES = { added: 'ajouté', changed: 'modifié', removed: 'supprimé', retired: 'retiré' };

  /** The text of an entry in one language, in the order of the card. */
  const TEXT_FIELDS = [
    { key: 'title', label: 'Titre', type: 'line', required: true, hint: 'Court, avec les mots des usagers.' },
    { key: 'summary', label: 'Résumé', type: 'text', required: true, rows: 5, hint: "Deux à quatre phrases : ce que c'est et ce qu'il faut faire." },
    { key: 'prepare', label: 'À préparer', type: 'list', rows: 5, hint: 'Documents, informations, paiement. Un élément par ligne.' },
    { key: 'steps', label: 'Étapes', type: 'list', rows: 5, hint: "Dans l'ordre, une étape par ligne." },
    { key: 'delays', label: 'Délais', type: 'text', rows: 3, hint: 'Délai légal ou habituel, ou où le vérifier.' },
    { key: 'fees', label: 'Coût', type: 'text', rows: 3, hint: 'Gratuit, timbre fiscal, taxe… et où vérifier le montant.' },
    { key: 'rightToError', label: "Droit à l'erreur", type: 'text', rows: 3, hint: "Fiches « erreur courante » (obligatoire en français et en anglais) : comment il s'applique." },
    { key: 'limits', label: "Limites du droit à l'erreur", type: 'text', rows: 3, hint: "Fiches « erreur courante » (obligatoire) : quand il ne s'applique pas." },
    { key: 'avoid', label: "Pour éviter l'erreur", type: 'list', rows: 3, hint: "Fiches « erreur courante » (obligatoire) : un conseil par ligne." }
  ];
  const SERVICE_TEXT_FIELDS = [
    { key: 'name', label: 'Nom', type: 'line', required: true },
    { key: 'description', label: 'Description', type: 'text', rows: 3, required: true, hint: 'Ce que fait le service, en une phrase.' },
    { key: 'note', label: 'Remarque', type: 'text', rows: 3, hint: "Ce qui est incertain et où le vérifier (facultatif ; si elle est donnée : français et anglais)." }
  ];

  /** The server's messages (English) as editors should read them. */
  const MESSAGES = [
    [/^Required$/, 'obligatoire'],
    [/^must not be empty$/, 'ne doit pas être vide'],
    [/^must be lower-case words joined by hyphens$/, 'en minuscules sans accents, mots séparés par des tirets (par exemple : carte-grise)'],
    [/^must be a date written YYYY-MM-DD$/, 'doit être une date (jour, mois, année)'],
    [/^is not a real date$/, "n'est pas une date qui existe"],
    [/^must be an absolute URL$/, 'doit être une adresse web complète, qui commence par https://'],
    [/^must use https$/, 'doit commencer par https:// (adresse sécurisée)'],
    [/^an online channel needs its official url$/, 'un canal « en ligne » doit avoir son adresse officielle'],
    [/^must be a phone number$/, 'doit être un numéro de téléphone (chiffres, espaces, +, parenthèses)'],
    [/^must be a service-public\.fr fiche id such as F1050$/, 'doit être un numéro de fiche service-public.fr, par exemple F1050'],
    [/^give exactly one of service or body$/, 'indiquez un service de la préfecture ou un organisme extérieur (un seul des deux)'],
    [/^needs at least three words people use$/, 'il faut au moins trois mots ou expressions, un par ligne'],
    [/^needs at least one channel$/, 'il faut au moins un canal'],
    [/^needs at least one (official )?source$/, 'il faut au moins une source officielle'],
    [/^an error entry must say how the droit à l'erreur applies$/, "une fiche « erreur courante » doit dire comment le droit à l'erreur s'applique"],
    [/^an error entry must say where the droit à l'erreur does not apply$/, "une fiche « erreur courante » doit dire quand le droit à l'erreur ne s'applique pas"],
    [/^an error entry must give the steps to put it right$/, "une fiche « erreur courante » doit donner les étapes pour corriger l'erreur"],
    [/^an error entry must say how to avoid it next time$/, "une fiche « erreur courante » doit dire comment éviter l'erreur"],
    [/^an external entry is handled by an external body$/, 'une fiche « autre administration » est traitée par un organisme extérieur'],
    [/^unknown service "(.+)"$/, "le service « $1 » n'existe pas dans l'annuaire"],
    [/^unknown body "(.+)"$/, "l'organisme « $1 » n'est pas connu"],
    [/^"(.+)" is not an error entry$/, "« $1 » n'est pas une fiche « erreur courante »"],
    [/^unknown entry "(.+)"$/, "la fiche « $1 » n'existe pas"],
    [/^"(.+)" is not a procedure entry$/, "« $1 » n'est pas une fiche « démarche »"],
    [/^"(.+)" is not a site of the directory$/, "« $1 » n'est pas un site de l'annuaire"],
    [/^must match the file name/, 'doit correspondre au nom du fichier'],
    [/^must be "(.+)" in (.+)$/, 'doit être « $1 » dans $2'],
    [/^duplicates the id of (.+)$/, 'cet identifiant est déjà utilisé ($1)'],
    [/^must be a time range written HH:MM-HH:MM$/, 'plage horaire à écrire HH:MM-HH:MM, par exemple 09:00-12:00'],
    [/^must end after it starts$/, 'une plage horaire doit finir après son début'],
    [/^must be a 5-digit postcode$/, 'code postal à 5 chiffres'],
    [/^a site needs its address$/, 'un site doit avoir son adresse'],
    [/^a site needs its opening hours$/, "un site doit avoir ses horaires d'ouverture"],
    [/^a bureau or reception point names its site$/, "un bureau ou un point d'accueil indique son site"],
    [/^Invalid enum value/, "cette valeur n'est pas prévue"],
    [/^Unrecognized key\(s\) in object: (.+)$/, 'champ non prévu : $1'],
    [/^Expected (\w+), received (\w+)$/, "la valeur n'a pas la forme attendue"],
    [/^Array must contain at least (\d+) element/, 'il faut au moins $1 élément(s)'],
    [/^Invalid$/, "le format n'est pas valide"]
  ];

  /** Web Chat's look, as on the website (web/app.js), without the send box. */
  const STYLE_OPTIONS = {
    accent: '#000091',
    backgroundColor: '#ffffff',
    primaryFont: 'Marianne, arial, sans-serif',
    fontSizeSmall: '87.5%',
    subtle: '#666666',
    paddingRegular: 12,
    avatarSize: 0,
    bubbleBackground: '#f6f6f6',
    bubbleBorderColor: '#dddddd',
    bubbleBorderRadius: 4,
    bubbleTextColor: '#161616',
    bubbleFromUserBackground: '#000091',
    bubbleFromUserBorderColor: '#000091',
    bubbleFromUserBorderRadius: 4,
    bubbleFromUserTextColor: '#ffffff',
    bubbleMaxWidth: 640,
    bubbleMinWidth: 200,
    bubbleMinHeight: 40,
    hideUploadButton: true,
    hideSendBox: true,
    notificationText: '#3a3a3a',
    transcriptVisualKeyboardIndicatorColor: '#0a76f6',
    transcriptVisualKeyboardIndicatorWidth: 2,
    transcriptActivityVisualKeyboardIndicatorColor: '#0a76f6',
    transcriptActivityVisualKeyboardIndicatorWidth: 2,
    cardEmphasisBackgroundColor: '#eeeeee'
  };
  const FONT_SIZES = { small: 14, default: 16, medium: 18, large: 22, extraLarge: 26 };
  const ADAPTIVE_CARDS_HOST_CONFIG = {
    supportsInteractivity: true,
    fontFamily: STYLE_OPTIONS.primaryFont,
    fontTypes: {
      default: { fontFamily: STYLE_OPTIONS.primaryFont, fontSizes: FONT_SIZES, fontWeights: { lighter: 300, default: 400, bolder: 700 } },
      monospace: { fontFamily: "'Courier New', Courier, monospace", fontSizes: FONT_SIZES, fontWeights: { lighter: 300, default: 400, bolder: 700 } }
    },
    fontSizes: FONT_SIZES,
    fontWeights: { lighter: 300, default: 400, bolder: 700 },
    containerStyles: {
      default: {
        foregroundColors: {
          default: { default: '#161616', subtle: '#666666' },
          accent: { default: '#000091', subtle: '#000091' },
          attention: { default: '#ce0500', subtle: '#ce0500' },
          dark: { default: '#000000', subtle: '#3a3a3a' },
          good: { default: '#18753c', subtle: '#18753c' },
          light: { default: '#ffffff', subtle: '#eeeeee' },
          warning: { default: '#b34000', subtle: '#b34000' }
        }
      },
      emphasis: { backgroundColor: '#eeeeee', foregroundColors: { default: { default: '#161616', subtle: '#3a3a3a' } } },
      accent: { backgroundColor: '#e3e3fd', foregroundColors: { default: { default: '#161616', subtle: '#3a3a3a' } } },
      good: { backgroundColor: '#b8fec9', foregroundColors: { default: { default: '#161616', subtle: '#3a3a3a' } } },
      attention: { backgroundColor: '#ffe9e9', foregroundColors: { default: { default: '#161616', subtle: '#3a3a3a' } } },
      warning: { backgroundColor: '#ffe9e6', foregroundColors: { default: { default: '#161616', subtle: '#3a3a3a' } } }
    },
    imageSizes: { small: 40, medium: 80, large: 160 },
    actions: {
      actionAlignment: 'stretch',
      actionsOrientation: 'vertical',
      buttonSpacing: 8,
      maxActions: 100,
      showCard: { actionMode: 'inline', inlineTopMargin: 8 },
      spacing: 'default'
    },
    adaptiveCard: { allowCustomStyle: false },
    imageSet: { imageSize: 'medium', maxImageHeight: 100 },
    factSet: {
      title: { color: 'default', size: 'default', isSubtle: false, weight: 'bolder', wrap: true, maxWidth: 160 },
      value: { color: 'default', size: 'default', isSubtle: false, weight: 'default', wrap: true },
      spacing: 8
    },
    textBlock: { headingLevel: 3 }
  };

  const state = {
    session: undefined,
    config: undefined,
    inTeams: false,
    teamsReady: false,
    ssoRetried: false,
    /** Bumped at sign-in and sign-out: answers to an earlier session's calls are ignored. */
    generation: 0,
    view: 'entries',
    busy: false,
    statusTimer: undefined,
    announceTimer: undefined,
    /** GET /entries. */
    entries: [],
    entriesLoaded: false,
    publishedRevision: undefined,
    draftChanges: 0,
    services: [],
    /** Body ids seen in the entries opened (there is no list of bodies in the API). */
    bodies: new Set(),
    /** The entry open in the form. */
    entry: undefined,
    entryForm: newFormState(),
    /** The service open in its form. */
    service: undefined,
    serviceForm: newFormState(),
    revisions: [],
    selectedRevision: undefined,
    groups: [],
    lastRegression: undefined
  };

  function newFormState() {
    return { touched: new Set(), showAll: false, problems: [], checked: false, checkSeq: 0, checkTimer: undefined, baseline: '', errored: [] };
  }

  const els = {};

  // ---- Small helpers ----

  function byId(id) {
    return document.getElementById(id);
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function setText(node, text) {
    if (node && node.textContent !== text) node.textContent = text;
  }

  function show(node, visible) {
    if (node) node.hidden = !visible;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  /** A dotted path as it can appear in an element id. */
  function pathId(path) {
    return String(path).replace(/\./g, '-').replace(/[^A-Za-z0-9_-]/g, '_');
  }

  /** Lower case, without accents, for searching. */
  function norm(s) {
    return String(s || '')
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase();
  }

  function langName(code) {
    return LANG_NAMES[code] || code;
  }

  function labelOf(pairs, value) {
    const found = pairs.find((p) => p[0] === value);
    return found ? found[1] : value;
  }

  function formatDateTime(iso) {
    const d = new Date(iso);
    if (isNaN(d.getTime())) return String(iso || '');
    try {
      return new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Paris' }).format(d);
    } catch (e) {
      return d.toLocaleString('fr-FR');
    }
  }

  /** A calendar day (YYYY-MM-DD) in words. */
  function formatDay(day) {
    if (!/^\d{4}-\d{2}-\d{2}/.test(String(day || ''))) return String(day || '');
    const d = new Date(String(day).slice(0, 10) + 'T12:00:00Z');
    if (isNaN(d.getTime())) return String(day);
    return new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(d);
  }

  function today() {
    const d = new Date();
    const pad = (n) => (n < 10 ? '0' : '') + n;
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
  }

  function percent(x) {
    if (typeof x !== 'number' || !isFinite(x)) return '—';
    return new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 1 }).format(x);
  }

  /** A difference of two ratios, in percentage points. */
  function points(delta) {
    const n = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 }).format(Math.abs(delta) * 100);
    return (delta > 0 ? '+' : '−') + n + (Math.abs(delta) * 100 >= 2 ? ' points' : ' point');
  }

  function score(x) {
    if (typeof x !== 'number' || !isFinite(x)) return '—';
    return new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 3, minimumFractionDigits: 2 }).format(x);
  }

  function plural(n, one, many) {
    return n + ' ' + (n === 1 ? one : many);
  }

  function lines(text) {
    return String(text || '')
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  }

  /** Key-order independent text of a value, to compare a form with what was loaded. */
  function canonical(value) {
    if (Array.isArray(value)) return '[' + value.map(canonical).join(',') + ']';
    if (value && typeof value === 'object') {
      return '{' + Object.keys(value).sort().filter((k) => value[k] !== undefined).map((k) => JSON.stringify(k) + ':' + canonical(value[k])).join(',') + '}';
    }
    return JSON.stringify(value === undefined ? null : value);
  }

  function frMessage(message) {
    const m = String(message || '');
    for (const [re, fr] of MESSAGES) {
      if (re.test(m)) return m.replace(re, fr);
    }
    return m;
  }

  /** One message per field where the schema says the same twice (an empty address is not https). */
  function tidyProblems(problems) {
    const list = Array.isArray(problems) ? problems : [];
    const absolute = new Set(list.filter((p) => p.message === 'must be an absolute URL').map((p) => (p.file || '') + '|' + p.field));
    return list.filter((p) => !(p.message === 'must use https' && absolute.has((p.file || '') + '|' + p.field)));
  }

  function badge(label, cls) {
    return el('span', 'fr-badge fr-badge--sm fr-badge--no-icon' + (cls ? ' ' + cls : ''), label);
  }

  function entryTitleOf(id) {
    const e = state.entries.find((x) => x.id === id);
    return e ? e.title : undefined;
  }

  function entryIdOfPath(p) {
    const m = /^(procedures|errors|external)\/([a-z0-9-]+)\.ya?ml$/.exec(String(p || ''));
    return m ? m[2] : undefined;
  }

  function serviceIdOfPath(p) {
    const m = /^services\/([a-z0-9-]+)\.ya?ml$/.exec(String(p || ''));
    return m ? m[1] : undefined;
  }

  /** What a dotted path names, in words (problems, history). */
  function fieldLabel(path) {
    const p = String(path || '').split('.');
    const n = (i) => Number(p[i]) + 1;
    const lang = (code) => (LANG_NAMES[code] ? ' (' + LANG_NAMES[code] + ')' : '');
    const line = (i) => (p[i] !== undefined && /^\d+$/.test(p[i]) ? ', ligne ' + n(i) : '');
    const simple = {
      '-': 'Le fichier entier',
      id: 'Identifiant',
      kind: 'Type',
      reviewed: 'Date de relecture',
      handler: "Qui s'en occupe",
      'handler.service': "Qui s'en occupe : service de la préfecture",
      'handler.body': "Qui s'en occupe : organisme extérieur",
      channels: 'Canaux',
      sources: 'Sources',
      relatedErrors: 'Erreurs courantes liées',
      see: 'Voir aussi',
      procedure: 'Démarche concernée',
      terms: 'Mots des usagers',
      text: 'Textes',
      site: 'Site',
      address: 'Adresse',
      'address.street': 'Adresse : rue',
      'address.postcode': 'Adresse : code postal',
      'address.city': 'Adresse : commune',
      arrondissements: 'Arrondissements desservis',
      phone: 'Téléphone',
      url: 'Site web',
      contactUrl: 'Page de contact',
      appointmentUrl: 'Prise de rendez-vous',
      hours: "Horaires d'ouverture",
      phoneHours: "Horaires de l'accueil téléphonique"
    };
    const whole = p.join('.');
    if (simple[whole]) return simple[whole];
    const channelFields = { type: 'type', url: 'adresse web', service: 'service', body: 'organisme', phone: 'téléphone', note: 'remarque' };
    const sourceFields = { url: 'adresse', title: 'titre', fiche: 'numéro de fiche' };
    if (p[0] === 'channels' && p.length >= 2) {
      return 'Canal ' + n(1) + (p[2] ? ' : ' + (channelFields[p[2]] || p[2]) + (p[3] ? lang(p[3]) : '') : '');
    }
    if (p[0] === 'sources' && p.length >= 2) return 'Source ' + n(1) + (p[2] ? ' : ' + (sourceFields[p[2]] || p[2]) : '');
    if ((p[0] === 'relatedErrors' || p[0] === 'see' || p[0] === 'arrondissements') && p.length === 2) return simple[p[0]] + line(1);
    if (p[0] === 'terms' && p.length >= 2) return 'Mots des usagers' + lang(p[1]) + line(2);
    if (p[0] === 'text' && p.length >= 2) {
      const field = TEXT_FIELDS.find((f) => f.key === p[2]);
      return (field ? field.label : p[2] ? p[2] : 'Textes') + lang(p[1]) + line(3);
    }
    if ((p[0] === 'name' || p[0] === 'description' || p[0] === 'note') && p.length >= 2) {
      const field = SERVICE_TEXT_FIELDS.find((f) => f.key === p[0]);
      return field.label + lang(p[1]);
    }
    if ((p[0] === 'hours' || p[0] === 'phoneHours') && p.length >= 2) {
      return simple[p[0]] + ' : ' + labelOf(WEEKDAYS, p[1]).toLowerCase() + (p[2] ? ', plage ' + n(2) : '');
    }
    return whole;
  }

  /** A value of the history's diffs, as editors read it. */
  function valueNode(value) {
    if (value === undefined || value === null) return el('em', 'editor-muted', '(absent)');
    if (Array.isArray(value)) {
      if (value.length === 0) return el('em', 'editor-muted', '(liste vide)');
      const ul = el('ul', 'editor-value-list');
      value.forEach((v) => {
        const li = el('li');
        li.appendChild(valueNode(v));
        ul.appendChild(li);
      });
      return ul;
    }
    if (typeof value === 'object') {
      const ul = el('ul', 'editor-value-list editor-value-list--object');
      Object.keys(value).forEach((k) => {
        const li = el('li');
        li.appendChild(el('span', 'editor-value-key', k + ' : '));
        li.appendChild(valueNode(value[k]));
        ul.appendChild(li);
      });
      return ul;
    }
    const span = el('span', 'editor-value', String(value));
    span.setAttribute('dir', 'auto');
    return span;
  }

  // ---- Session storage (can be unavailable: private modes, policies) ----

  function readSession() {
    try {
      const raw = window.sessionStorage.getItem(SESSION_KEY);
      if (!raw) return undefined;
      const s = JSON.parse(raw);
      if (s && typeof s.token === 'string' && s.editor && typeof s.editor.id === 'string' && typeof s.expiresAt === 'number') return s;
    } catch (e) {
      /* unreadable: dropped below */
    }
    writeSession(undefined);
    return undefined;
  }

  function writeSession(session) {
    try {
      if (session) window.sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
      else window.sessionStorage.removeItem(SESSION_KEY);
    } catch (e) {
      /* not kept: a reload asks to sign in again */
    }
  }

  function usable(session) {
    return !!session && session.expiresAt - Date.now() > EXPIRY_MARGIN_MS;
  }

  // ---- Notices and errors ----

  /** Announces a short notice (polite live region). */
  function announce(text) {
    els.status.textContent = '';
    window.clearTimeout(state.statusTimer);
    window.clearTimeout(state.announceTimer);
    state.announceTimer = window.setTimeout(() => {
      els.status.textContent = text;
      state.statusTimer = window.setTimeout(() => {
        els.status.textContent = '';
      }, NOTICE_MS);
    }, 50);
  }

  function showError(text) {
    setText(els.errorText, text);
    show(els.error, true);
  }

  function clearError() {
    show(els.error, false);
    setText(els.errorText, '');
  }

  /** What to tell the editor about a failed call, in French. */
  function errorMessage(err) {
    if (!err || err.network) return 'Le service ne répond pas. Vérifiez votre connexion puis réessayez.';
    switch (err.code) {
      case 'BadCredentials':
        return 'Identifiant ou mot de passe incorrect.';
      case 'TooManyRequests':
        return 'Trop de tentatives de connexion : patientez une minute avant de réessayer.';
      case 'BadToken':
        return "Votre connexion Microsoft Teams n'a pas pu être vérifiée, ou votre compte n'a pas le rôle de rédacteur. Connectez-vous avec votre identifiant de rédacteur.";
      case 'NotConfigured':
        return "La connexion par Microsoft Teams n'est pas configurée. Connectez-vous avec votre identifiant de rédacteur.";
      case 'NotFound':
        return "Ce que vous cherchez n'existe plus (peut-être retiré ou supprimé entre-temps).";
      case 'NoChange':
        return 'Il n’y a aucun changement à publier.';
      case 'MessageRequired':
        return 'Dites en quelques mots pourquoi vous publiez.';
      case 'Busy':
        return 'Le service démarre : réessayez dans un instant.';
      case 'Invalid':
        return 'Le contenu contient des erreurs : corrigez-les avant de continuer.';
      case 'InternalError':
        return "Une erreur inattendue s'est produite côté serveur. Réessayez ; si cela se reproduit, prévenez l'équipe technique.";
      default:
        return "L'opération n'a pas abouti (erreur " + err.status + (err.message ? ' : ' + err.message : '') + ').';
    }
  }

  /** Errors of a call the editor did not ask for by name: shown at the top. */
  function reportError(err, prefix) {
    if (!err || err.stale || err.signedOut) return;
    showError((prefix ? prefix + ' ' : '') + errorMessage(err));
  }

  // ---- The API ----

  class ApiError extends Error {
    constructor(status, body) {
      const error = (body && body.error) || {};
      super(typeof error.message === 'string' ? error.message : '');
      this.status = status;
      this.code = error.code || 'Error';
      this.body = body || {};
    }
  }

  function request(method, path, body, options) {
    const generation = state.generation;
    const headers = { accept: (options && options.accept) || 'application/json' };
    const authed = !(options && options.anonymous);
    if (authed) {
      if (!state.session) return Promise.reject({ signedOut: true });
      headers.authorization = 'Bearer ' + state.session.token;
    }
    if (body !== undefined) headers['content-type'] = 'application/json';
    return window
      .fetch(API + path, {
        method: method,
        headers: headers,
        credentials: 'same-origin',
        cache: 'no-store',
        body: body === undefined ? undefined : JSON.stringify(body)
      })
      .catch(() => {
        throw { network: true };
      })
      .then((res) => {
        if (generation !== state.generation) throw { stale: true };
        if (authed && res.status === 401) {
          sessionEnded();
          throw { signedOut: true };
        }
        return res;
      });
  }

  /**
   * Calls the editor API. Resolves with the JSON body; rejects with an ApiError (status, code,
   * message, body), {network: true} when the service cannot be reached, {signedOut: true}
   * after a 401 (the sign-in is shown again), or {stale: true} after a sign-out.
   */
  function api(method, path, body, options) {
    return request(method, path, body, options).then((res) =>
      res.text().then((text) => {
        let json;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch (e) {
          json = undefined;
        }
        if (res.ok) return json || {};
        throw new ApiError(res.status, json);
      })
    );
  }

  function getConfig() {
    if (state.config) return Promise.resolve(state.config);
    return api('GET', '/config', undefined, { anonymous: true }).then((config) => {
      state.config = {
        teamsSso: !!(config && config.teamsSso),
        languages: Array.isArray(config.languages) && config.languages.length ? config.languages : LANGS,
        required: Array.isArray(config.required) && config.required.length ? config.required : REQUIRED,
        reviewMaxDays: config.reviewMaxDays
      };
      LANGS = state.config.languages;
      REQUIRED = state.config.required;
      return state.config;
    });
  }

  // ---- Sign-in ----

  function showSignin(message, teamsPending) {
    show(els.workspace, false);
    show(els.editorBar, false);
    show(els.signin, true);
    show(els.signinTeams, !!teamsPending);
    show(els.signinForm, !teamsPending);
    setSigninError(message);
    document.title = BASE_TITLE;
    if (!teamsPending) (els.username.value ? els.password : els.username).focus();
  }

  function setSigninError(message) {
    setText(els.signinErrorText, message || '');
    show(els.signinError, !!message);
    [els.username, els.password].forEach((input) => {
      if (message) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    });
  }

  function signedIn(grant) {
    if (!grant || typeof grant.token !== 'string' || !grant.editor || typeof grant.editor.id !== 'string') {
      throw new ApiError(500, { error: { code: 'Error', message: 'réponse de connexion invalide' } });
    }
    const ttl = typeof grant.expires_in === 'number' && grant.expires_in > 0 ? grant.expires_in : 3600;
    const session = { token: grant.token, editor: { id: grant.editor.id, name: String(grant.editor.name || '') }, expiresAt: Date.now() + ttl * 1000 };
    writeSession(session);
    enterWorkspace(session);
  }

  function submitSignin(event) {
    event.preventDefault();
    if (state.busy) return;
    const username = els.username.value.trim();
    const password = els.password.value;
    if (!username || !password) {
      setSigninError('Indiquez votre identifiant et votre mot de passe.');
      (username ? els.password : els.username).focus();
      return;
    }
    state.busy = true;
    els.signinSubmit.disabled = true;
    setSigninError(undefined);
    api('POST', '/login', { username: username, password: password }, { anonymous: true })
      .then((grant) => {
        els.password.value = '';
        signedIn(grant);
      })
      .catch((err) => {
        if (err && err.stale) return;
        els.password.value = '';
        setSigninError(errorMessage(err));
        els.password.focus();
      })
      .then(() => {
        state.busy = false;
        els.signinSubmit.disabled = false;
      });
  }

  function signOut() {
    if (isDirty()) {
      confirmDialog({
        title: 'Se déconnecter ?',
        text: 'Des modifications ne sont pas enregistrées : elles seront perdues.',
        ok: 'Se déconnecter quand même'
      }).then((ok) => {
        if (ok) doSignOut();
      });
      return;
    }
    doSignOut();
  }

  function doSignOut() {
    state.generation++;
    state.session = undefined;
    writeSession(undefined);
    resetWorkspace();
    clearError();
    // Also in Teams: the form, to sign in with a local account (Teams would sign them back in).
    showSignin(undefined, false);
    announce('Vous êtes déconnecté·e.');
  }

  /** A 401: the session is over (expired, or the service's key changed). */
  function sessionEnded() {
    state.generation++;
    state.session = undefined;
    writeSession(undefined);
    resetWorkspace();
    clearError();
    if (state.inTeams && state.teamsReady && state.config && state.config.teamsSso && !state.ssoRetried) {
      state.ssoRetried = true;
      teamsSignIn();
      return;
    }
    showSignin('Votre session a expiré ou n’est plus valable : connectez-vous de nouveau. Les modifications non enregistrées sont perdues.');
  }

  // ---- Teams ----

  function inTeams() {
    try {
      return window.parent !== window;
    } catch (e) {
      return true;
    }
  }

  function withTimeout(promise, ms) {
    return new Promise((resolve, reject) => {
      const timer = window.setTimeout(() => reject(new Error('timeout')), ms);
      promise.then(
        (v) => {
          window.clearTimeout(timer);
          resolve(v);
        },
        (e) => {
          window.clearTimeout(timer);
          reject(e);
        }
      );
    });
  }

  function loadScript(src, ready) {
    return new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.async = true;
      if (NONCE) script.nonce = NONCE;
      script.addEventListener('load', () => {
        const library = ready();
        if (library) resolve(library);
        else reject(new Error(src + ' did not define its library'));
      });
      script.addEventListener('error', () => reject(new Error(src + ' did not load')));
      document.head.appendChild(script);
    });
  }

  /**
   * Loads the Teams library (served by the service). Only inside Teams: as soon as it loads,
   * it fetches Teams' valid domains from Microsoft's CDN.
   */
  function loadTeamsLibrary() {
    if (window.microsoftTeams && window.microsoftTeams.app) return Promise.resolve(window.microsoftTeams);
    return loadScript(TEAMS_LIBRARY, () => (window.microsoftTeams && window.microsoftTeams.app ? window.microsoftTeams : undefined));
  }

  function startTeams() {
    let teams;
    showSignin(undefined, true);
    Promise.all([getConfig(), loadTeamsLibrary().catch(() => Promise.reject({ library: true }))])
      .then((both) => {
        teams = both[1];
        return withTimeout(Promise.resolve(teams.app.initialize()), TEAMS_INIT_TIMEOUT_MS);
      })
      .then(() => {
        state.teamsReady = true;
        try {
          if (typeof teams.app.notifySuccess === 'function') teams.app.notifySuccess();
        } catch (e) {
          /* not needed when the tab shows no loading indicator */
        }
        const kept = readSession();
        if (usable(kept)) enterWorkspace(kept);
        else teamsSignIn();
      })
      .catch((err) => {
        showSignin(
          err && err.library
            ? "La bibliothèque Microsoft Teams n'a pas pu être chargée : connectez-vous avec votre identifiant de rédacteur."
            : err && (err.network || err instanceof ApiError)
              ? errorMessage(err)
              : "La connexion automatique avec Microsoft Teams n'a pas abouti : connectez-vous avec votre identifiant de rédacteur."
        );
      });
  }

  function teamsSignIn() {
    const teams = window.microsoftTeams;
    showSignin(undefined, true);
    getConfig()
      .then((config) => {
        if (!config.teamsSso) {
          showSignin(undefined);
          return undefined;
        }
        return Promise.resolve(teams.authentication.getAuthToken()).then(
          (token) => api('POST', '/sso', { token: token }, { anonymous: true }).then(signedIn),
          () => {
            throw new ApiError(0, { error: { code: 'BadToken' } });
          }
        );
      })
      .catch((err) => {
        if (err && err.stale) return;
        showSignin(errorMessage(err));
      });
  }

  // ---- The work space ----

  function enterWorkspace(session) {
    state.generation++;
    state.session = session;
    resetWorkspace();
    setSigninError(undefined);
    show(els.signin, false);
    setText(els.editorName, session.editor.name);
    show(els.editorBar, true);
    show(els.workspace, true);
    fillLanguageSelects();
    els.workspaceTitle.focus();
    switchView('entries', false);
    loadEntries().catch((err) => reportError(err, 'La liste des fiches n’a pas pu être chargée.'));
    loadServices().catch(() => undefined);
    loadUnanswered(false).catch(() => undefined);
  }

  function resetWorkspace() {
    state.entries = [];
    state.entriesLoaded = false;
    state.services = [];
    state.entry = undefined;
    state.service = undefined;
    state.entryForm = newFormState();
    state.serviceForm = newFormState();
    state.revisions = [];
    state.selectedRevision = undefined;
    state.groups = [];
    state.lastRegression = undefined;
    state.busy = false;
    [els.entryList, els.serviceList, els.historyList, els.unansweredList, els.draftChanges, els.regressionChanges, els.regressionFigures, els.tryDraft, els.tryPublished, els.revisionDiffFiles].forEach(clear);
    els.entrySearch.value = '';
    els.entryFilter.value = 'all';
    show(els.entryForm, false);
    show(els.entryEmpty, true);
    show(els.entryLoading, false);
    show(els.serviceForm, false);
    show(els.serviceEmpty, true);
    show(els.tryResults, false);
    show(els.regressionResults, false);
    show(els.publishResult, false);
    show(els.publishWorse, false);
    els.publishMessage.value = '';
    els.tryText.value = '';
    showRevisionDiff(false);
    setText(els.draftSummary, '');
    show(els.unansweredCount, false);
  }

  function fillLanguageSelects() {
    const fill = (select, withAuto) => {
      const current = select.value;
      clear(select);
      if (withAuto) select.appendChild(new Option('Détection automatique', ''));
      LANGS.forEach((l) => select.appendChild(new Option(langName(l), l)));
      select.value = current && Array.prototype.some.call(select.options, (o) => o.value === current) ? current : withAuto ? '' : 'fr';
    };
    fill(els.previewLang, false);
    fill(els.tryLang, true);
    fill(els.wordsLang, false);
  }

  const VIEWS = ['entries', 'services', 'publish', 'history', 'unanswered'];

  function switchView(view, focus) {
    if (VIEWS.indexOf(view) < 0) return;
    // The services' fields are named like the entries' (name="sources.0.url"): a service form
    // left without changes is emptied when leaving, so that names stay unique on the page.
    if (state.view === 'services' && view !== 'services' && state.service && !serviceDirty()) closeServiceForm();
    state.view = view;
    VIEWS.forEach((v) => {
      show(byId('view-' + v), v === view);
      const button = byId('nav-' + v);
      if (v === view) button.setAttribute('aria-current', 'page');
      else button.removeAttribute('aria-current');
    });
    const headings = { entries: 'entries-title', services: 'services-title', publish: 'publish-view-title', history: 'history-title', unanswered: 'unanswered-title' };
    if (focus) byId(headings[view]).focus();
    if (view === 'services') loadServices().catch((err) => reportError(err, 'La liste des services n’a pas pu être chargée.'));
    if (view === 'publish') {
      loadDraft().catch((err) => reportError(err, 'Le brouillon n’a pas pu être chargé.'));
      if (!state.entriesLoaded) loadEntries().catch(() => undefined);
    }
    if (view === 'history') loadRevisions().catch((err) => reportError(err, 'L’historique n’a pas pu être chargé.'));
    if (view === 'unanswered') loadUnanswered(true).catch((err) => reportError(err, 'Les questions sans réponse n’ont pas pu être chargées.'));
  }

  function renderDraftSummary() {
    const parts = [];
    if (state.publishedRevision !== undefined) parts.push('Version en service : révision ' + state.publishedRevision + '.');
    parts.push(
      state.draftChanges === 0
        ? 'Le brouillon ne contient aucun changement.'
        : 'Brouillon : ' + (state.draftChanges === 1 ? '1 fichier changé, pas encore publié' : state.draftChanges + ' fichiers changés, pas encore publiés') + ' (partie « Essayer et publier »).'
    );
    setText(els.draftSummary, parts.join(' '));
  }

  // ---- Entry list ----

  function loadEntries() {
    return api('GET', '/entries').then((answer) => {
      // The session works: a later 401 may sign in with Teams again (once, not in a loop).
      state.ssoRetried = false;
      state.entries = Array.isArray(answer.entries) ? answer.entries : [];
      state.entriesLoaded = true;
      state.publishedRevision = answer.published;
      state.draftChanges = typeof answer.changes === 'number' ? answer.changes : 0;
      renderDraftSummary();
      renderEntryList();
      fillEntryDatalists();
    });
  }

  function fillEntryDatalists() {
    const fill = (list, items) => {
      clear(list);
      items.forEach((e) => {
        const option = document.createElement('option');
        option.value = e.id;
        option.label = e.title || e.id;
        list.appendChild(option);
      });
    };
    const live = state.entries.filter((e) => e.status !== 'retired');
    fill(els.listEntryIds, live);
    fill(els.listProcedureIds, live.filter((e) => e.kind === 'procedure'));
    fill(els.listErrorIds, live.filter((e) => e.kind === 'error'));
  }

  function entryMatches(e, query, filter) {
    if (filter === 'changes' && e.status !== 'changed' && e.status !== 'new') return false;
    if (filter === 'retired' && e.status !== 'retired') return false;
    if (filter === 'flags' && !(e.flags && e.flags.length)) return false;
    if (filter === 'translations' && !(e.missingTranslations && e.missingTranslations.length)) return false;
    if (!query) return true;
    const words = norm(query).split(/\s+/).filter(Boolean);
    const hay = norm(e.id + ' ' + (e.title || ''));
    return words.every((w) => hay.indexOf(w) >= 0);
  }

  function renderEntryList() {
    const query = els.entrySearch.value;
    const filter = els.entryFilter.value;
    const shown = state.entries.filter((e) => entryMatches(e, query, filter));
    const focusedId = document.activeElement && els.entryList.contains(document.activeElement) ? document.activeElement.closest('[data-entry-id]').getAttribute('data-entry-id') : undefined;
    clear(els.entryList);
    shown.forEach((e) => els.entryList.appendChild(entryItem(e)));
    setText(
      els.entriesShown,
      shown.length === state.entries.length ? plural(state.entries.length, 'fiche', 'fiches') : plural(shown.length, 'fiche affichée', 'fiches affichées') + ' sur ' + state.entries.length
    );
    if (focusedId) {
      const again = els.entryList.querySelector('[data-entry-id="' + CSS.escape(focusedId) + '"] button');
      if (again) again.focus();
    }
  }

  function entryItem(e) {
    const li = el('li', 'editor-item');
    li.setAttribute('data-entry-id', e.id);
    const selected = state.entry && state.entry.id === e.id;
    if (selected) {
      li.classList.add('editor-item--selected');
      li.setAttribute('aria-current', 'true');
    }
    const button = el('button', 'editor-item__btn');
    button.type = 'button';
    button.setAttribute('aria-controls', 'entry-form');
    button.appendChild(el('span', 'editor-item__title', e.title || e.id));
    const meta = el('span', 'editor-item__meta');
    meta.appendChild(el('span', 'editor-item__id', e.id));
    meta.appendChild(document.createTextNode(' · ' + labelOf(KINDS, e.kind)));
    button.appendChild(meta);
    const badges = el('span', 'editor-item__badges');
    const st = STATUS[e.status] || { label: e.status, cls: '' };
    badges.appendChild(badge(st.label, st.cls));
    (e.flags || []).forEach((f) => {
      const b = badge(FLAG_LABELS[f.code] || f.code, 'fr-badge--warning');
      if (f.message) b.title = f.message;
      badges.appendChild(b);
    });
    button.appendChild(badges);
    if (e.missingTranslations && e.missingTranslations.length) {
      button.appendChild(el('span', 'editor-item__missing', 'Traductions manquantes : ' + e.missingTranslations.map(langName).join(', ')));
    }
    button.addEventListener('click', () => openEntry(e.id));
    li.appendChild(button);
    return li;
  }

  function markSelectedEntry() {
    Array.prototype.forEach.call(els.entryList.children, (li) => {
      const selected = !!state.entry && li.getAttribute('data-entry-id') === state.entry.id;
      li.classList.toggle('editor-item--selected', selected);
      if (selected) li.setAttribute('aria-current', 'true');
      else li.removeAttribute('aria-current');
    });
  }

  // ---- Form fields (shared by the entry and service forms) ----

  /**
   * The two forms' ways: ids of their fields (`f-` / `s-`), of their errors
   * (`field-error-` / `service-field-error-`), their form state.
   */
  const ENTRY_CTX = {
    prefix: 'f',
    errorPrefix: 'field-error-',
    form: () => els.entryForm,
    fs: () => state.entryForm
  };
  const SERVICE_CTX = {
    prefix: 's',
    errorPrefix: 'service-field-error-',
    form: () => els.serviceForm,
    fs: () => state.serviceForm
  };

  function fieldId(ctx, path) {
    return ctx.prefix + '-' + pathId(path);
  }

  /**
   * A field in its DSFR group: an input, a textarea or a select, named by its dotted path.
   * opts: path, label, hint, tag ('input' | 'textarea' | 'select'), type, value, rows,
   * options ([value, label] pairs), list (datalist id), lang, required, readOnly, disabled,
   * srLabel (label for screen readers only), inputmode, placeholder, spellcheck.
   */
  function field(ctx, opts) {
    const tag = opts.tag || 'input';
    const isSelect = tag === 'select';
    const group = el('div', isSelect ? 'fr-select-group' : 'fr-input-group');
    group.setAttribute('data-field', opts.path);
    const id = fieldId(ctx, opts.path);
    const label = el('label', 'fr-label' + (opts.srLabel ? ' fr-sr-only' : ''));
    label.htmlFor = id;
    label.appendChild(document.createTextNode(opts.label));
    if (opts.required) label.appendChild(el('span', 'editor-required', ' (obligatoire)'));
    const describedBy = [];
    if (opts.hint) {
      const hint = el('span', 'fr-hint-text', opts.hint);
      hint.id = id + '-hint';
      label.appendChild(hint);
      describedBy.push(hint.id);
    }
    group.appendChild(label);
    const input = document.createElement(tag);
    input.id = id;
    input.name = opts.path;
    input.className = isSelect ? 'fr-select' : 'fr-input';
    if (tag === 'input') input.type = opts.type || 'text';
    if (tag === 'textarea') input.rows = opts.rows || 3;
    if (isSelect) {
      (opts.options || []).forEach((pair) => input.appendChild(new Option(pair[1], pair[0])));
    }
    if (opts.list) input.setAttribute('list', opts.list);
    if (opts.inputmode) input.setAttribute('inputmode', opts.inputmode);
    if (opts.placeholder) input.placeholder = opts.placeholder;
    if (opts.spellcheck === false) input.spellcheck = false;
    if (opts.autocomplete !== undefined) input.setAttribute('autocomplete', opts.autocomplete);
    else if (!isSelect) input.setAttribute('autocomplete', 'off');
    if (opts.lang) {
      input.lang = opts.lang;
      input.dir = RTL[opts.lang] ? 'rtl' : 'ltr';
    } else if (tag === 'textarea' || (tag === 'input' && (!opts.type || opts.type === 'text'))) {
      input.dir = 'auto';
    }
    if (opts.required) input.setAttribute('aria-required', 'true');
    if (opts.readOnly) input.readOnly = true;
    if (opts.disabled) input.disabled = true;
    input.value = opts.value === undefined || opts.value === null ? '' : String(opts.value);
    if (describedBy.length) input.setAttribute('aria-describedby', describedBy.join(' '));
    input.setAttribute('data-describedby', describedBy.join(' '));
    group.appendChild(input);
    return { group: group, input: input };
  }

  function col(classes, child) {
    const div = el('div', classes);
    if (child) div.appendChild(child);
    return div;
  }

  function row() {
    return el('div', 'fr-grid-row fr-grid-row--gutters editor-row');
  }

  function smallButton(label, icon, cls) {
    const b = el('button', 'fr-btn fr-btn--sm ' + (cls || 'fr-btn--tertiary') + (icon ? ' fr-btn--icon-left ' + icon : ''), label);
    b.type = 'button';
    return b;
  }

  // ---- Per-language grids (fr | en | es | ar | pt side by side) ----

  /** Languages whose columns the editor chose to hide (never fr or en). */
  const hiddenLangs = new Set();

  /**
   * A grid with one column per language and one row per field. Every cell is a field named
   * `pathOf(lang, key)`; its label (for screen readers) names the field and the language, the
   * columns' headers say which languages are required and which translations are missing.
   */
  function langGrid(ctx, rows, valueOf, pathOf, options) {
    const opts = options || {};
    const grid = el('div', 'editor-langgrid');
    grid.setAttribute('data-langgrid', opts.name || '');
    grid.appendChild(el('div', 'editor-langgrid__corner'));
    LANGS.forEach((lang) => {
      const head = el('div', 'editor-langgrid__head');
      head.setAttribute('data-lang-cell', lang);
      head.setAttribute('data-lang-head', lang);
      const name = el('span', 'editor-langgrid__lang', langName(lang).replace(/^./, (c) => c.toUpperCase()));
      head.appendChild(name);
      head.appendChild(el('span', 'editor-langgrid__code', ' (' + lang + ')'));
      head.appendChild(el('span', 'editor-langgrid__state'));
      head.setAttribute('aria-hidden', 'true');
      grid.appendChild(head);
    });
    rows.forEach((r) => {
      const headId = ctx.prefix + '-' + pathId((opts.name || 'grid') + '.' + r.key) + '-rowhead';
      const rowHead = el('div', 'editor-langgrid__rowhead');
      rowHead.id = headId;
      rowHead.appendChild(el('span', 'editor-langgrid__label', r.label));
      if (r.hint) rowHead.appendChild(el('span', 'fr-hint-text', r.hint));
      grid.appendChild(rowHead);
      // Textareas as tall as the longest text of the row (within reason).
      const longest = LANGS.reduce((n, lang) => {
        const v = String(valueOf(lang, r.key) || '');
        const needed = r.type === 'list' ? v.split('\n').length + 1 : Math.ceil(v.length / 32) + 1;
        return Math.max(n, needed);
      }, 0);
      LANGS.forEach((lang) => {
        const required = !!r.required && REQUIRED.indexOf(lang) >= 0 && !opts.optionalGroup;
        const f = field(ctx, {
          path: pathOf(lang, r.key),
          label: r.label + ' — ' + langName(lang),
          srLabel: true,
          required: required,
          tag: r.type === 'line' ? 'input' : 'textarea',
          rows: Math.min(r.type === 'list' ? 14 : 10, Math.max(r.rows || 2, longest)),
          lang: lang,
          value: valueOf(lang, r.key)
        });
        if (r.hint) {
          f.input.setAttribute('data-describedby', headId + ' ' + (f.input.getAttribute('data-describedby') || ''));
          f.input.setAttribute('aria-describedby', f.input.getAttribute('data-describedby').trim());
        }
        const cell = el('div', 'editor-langgrid__cell');
        cell.setAttribute('data-lang-cell', lang);
        cell.appendChild(f.group);
        grid.appendChild(cell);
      });
    });
    const scroll = el('div', 'editor-langgrid-wrap');
    scroll.appendChild(grid);
    return scroll;
  }

  /** The choice of the optional languages' columns, for a form. */
  function langToggles(ctx, form) {
    const fs = el('fieldset', 'fr-fieldset editor-langtoggles');
    const legendId = ctx.prefix + '-langtoggles-legend';
    fs.setAttribute('aria-labelledby', legendId);
    const legend = el('legend', 'fr-fieldset__legend fr-text--regular', 'Colonnes affichées');
    legend.id = legendId;
    fs.appendChild(legend);
    LANGS.forEach((lang) => {
      const item = el('div', 'fr-fieldset__element fr-fieldset__element--inline');
      const group = el('div', 'fr-checkbox-group fr-checkbox-group--sm');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.id = ctx.prefix + '-show-lang-' + lang;
      box.checked = !hiddenLangs.has(lang);
      box.setAttribute('data-show-lang', lang);
      const required = REQUIRED.indexOf(lang) >= 0;
      if (required) {
        box.disabled = true;
        box.checked = true;
      }
      const label = el('label', 'fr-label', langName(lang).replace(/^./, (c) => c.toUpperCase()) + (required ? ' (toujours affiché)' : ''));
      label.htmlFor = box.id;
      box.addEventListener('change', () => {
        if (box.checked) hiddenLangs.delete(lang);
        else hiddenLangs.add(lang);
        applyLangVisibility(form());
      });
      group.appendChild(box);
      group.appendChild(label);
      item.appendChild(group);
      fs.appendChild(item);
    });
    return fs;
  }

  function applyLangVisibility(form) {
    if (!form) return;
    Array.prototype.forEach.call(form.querySelectorAll('[data-lang-cell]'), (cell) => {
      cell.hidden = hiddenLangs.has(cell.getAttribute('data-lang-cell'));
    });
    Array.prototype.forEach.call(form.querySelectorAll('[data-show-lang]'), (box) => {
      box.checked = !hiddenLangs.has(box.getAttribute('data-show-lang'));
    });
    const shown = LANGS.filter((l) => !hiddenLangs.has(l)).length;
    Array.prototype.forEach.call(form.querySelectorAll('.editor-langgrid'), (grid) => {
      for (let n = 1; n <= LANGS.length; n++) grid.classList.toggle('editor-langgrid--cols-' + n, n === shown);
    });
  }

  function showLang(form, lang) {
    if (!hiddenLangs.has(lang)) return;
    hiddenLangs.delete(lang);
    applyLangVisibility(form);
  }

  // ---- Errors at the fields ----

  function isEmptyValue(v) {
    return v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);
  }

  /** Whether a problem is shown: after a save attempt, or on a field the editor touched. */
  function problemVisible(fs, path) {
    if (fs.showAll) return true;
    for (const t of fs.touched) {
      if (t === path || path.indexOf(t + '.') === 0 || t.indexOf(path + '.') === 0) return true;
    }
    return false;
  }

  /** The field (or the fieldset's error box) that shows a problem at a dotted path. */
  function problemTarget(ctx, path) {
    const form = ctx.form();
    const parts = String(path || '').split('.');
    while (parts.length && parts[0] !== '-' && parts[0] !== '') {
      const name = parts.join('.');
      const input = form.querySelector('[name="' + CSS.escape(name) + '"]');
      if (input && input.type !== 'radio') {
        const cell = input.closest('[data-lang-cell]');
        if (cell && cell.hidden) showLang(form, cell.getAttribute('data-lang-cell'));
        if (!input.closest('[hidden]')) return { kind: 'input', node: input, name: name };
      }
      const box = form.querySelector('[data-error-for="' + CSS.escape(name) + '"]');
      if (box) return { kind: 'box', node: box, name: name };
      parts.pop();
    }
    return undefined;
  }

  function problemText(problem, target) {
    const message = frMessage(problem.message);
    if (!target || target.name === problem.field) return message;
    const rest = problem.field.slice(target.name.length + 1);
    if (/^\d+$/.test(rest)) return (/hours/i.test(target.name) ? 'plage ' : 'ligne ') + (Number(rest) + 1) + ' : ' + message;
    return fieldLabel(problem.field) + ' : ' + message;
  }

  function setDescribedBy(node, extra) {
    const base = (node.getAttribute('data-describedby') || '').trim();
    const ids = (base ? base.split(/\s+/) : []).concat(extra ? [extra] : []);
    if (ids.length) node.setAttribute('aria-describedby', ids.join(' '));
    else node.removeAttribute('aria-describedby');
  }

  function setFieldError(ctx, target, message) {
    const id = ctx.errorPrefix + pathId(target.name);
    if (target.kind === 'input') {
      const input = target.node;
      const group = input.closest('.fr-input-group, .fr-select-group');
      const isSelect = input.tagName === 'SELECT';
      if (group) group.classList.add(isSelect ? 'fr-select-group--error' : 'fr-input-group--error');
      input.classList.add(isSelect ? 'fr-select--error' : 'fr-input--error');
      input.setAttribute('aria-invalid', 'true');
      let p = byId(id);
      if (!p) {
        p = el('p', 'fr-error-text');
        p.id = id;
        (group || input.parentNode).appendChild(p);
      }
      setText(p, message);
      setDescribedBy(input, id);
    } else {
      const box = target.node;
      let p = byId(id);
      if (!p) {
        p = el('p', 'fr-error-text');
        p.id = id;
        box.appendChild(p);
      }
      setText(p, message);
      box.hidden = false;
      const fieldset = box.closest('fieldset');
      if (fieldset) {
        fieldset.classList.add('fr-fieldset--error');
        if (!fieldset.hasAttribute('data-describedby')) fieldset.setAttribute('data-describedby', fieldset.getAttribute('aria-describedby') || '');
        setDescribedBy(fieldset, id);
      }
    }
  }

  function clearFieldError(ctx, target) {
    const id = ctx.errorPrefix + pathId(target.name);
    const p = byId(id);
    if (p) p.parentNode.removeChild(p);
    if (target.kind === 'input') {
      const input = target.node;
      const group = input.closest('.fr-input-group, .fr-select-group');
      if (group) group.classList.remove('fr-input-group--error', 'fr-select-group--error');
      input.classList.remove('fr-input--error', 'fr-select--error');
      input.removeAttribute('aria-invalid');
      setDescribedBy(input);
    } else {
      const box = target.node;
      if (!box.querySelector('.fr-error-text')) box.hidden = true;
      const fieldset = box.closest('fieldset');
      if (fieldset && !box.querySelector('.fr-error-text')) {
        fieldset.classList.remove('fr-fieldset--error');
        setDescribedBy(fieldset);
      }
    }
  }

  /** Shows the form's current problems at their fields; returns those with no field. */
  function applyProblems(ctx, filePath) {
    const fs = ctx.fs();
    fs.errored.forEach((t) => clearFieldError(ctx, t));
    fs.errored = [];
    const unplaced = [];
    const byName = new Map();
    fs.problems.forEach((p) => {
      if (p.file && filePath && p.file !== filePath && p.file !== '-') {
        unplaced.push(p);
        return;
      }
      if (!problemVisible(fs, String(p.field || '-'))) return;
      const target = problemTarget(ctx, p.field);
      if (!target) {
        unplaced.push(p);
        return;
      }
      const key = target.kind + ':' + target.name;
      const entry = byName.get(key) || { target: target, messages: [] };
      const text = problemText(p, target);
      if (entry.messages.indexOf(text) < 0) entry.messages.push(text);
      byName.set(key, entry);
    });
    byName.forEach((v) => {
      setFieldError(ctx, v.target, v.messages.join(' ; '));
      fs.errored.push(v.target);
    });
    return unplaced;
  }

  /**
   * The list of all problems of a refused save, each a link to its field; problems of other
   * files (retiring an entry others refer to) name the file and open it.
   */
  function renderProblemSummary(ctx, box, title, list, problems, filePath, heading) {
    clear(list);
    if (!problems.length) {
      show(box, false);
      return;
    }
    setText(title, heading);
    problems.forEach((p) => {
      const li = el('li');
      const other = p.file && filePath && p.file !== filePath && p.file !== '-';
      const text = (other ? 'Dans ' + p.file + ' — ' : '') + fieldLabel(p.field) + ' : ' + frMessage(p.message);
      const target = other ? undefined : problemTarget(ctx, p.field);
      if (target) {
        const a = el('a', 'fr-link', text);
        const focusNode = target.kind === 'input' ? target.node : target.node.closest('fieldset') || target.node;
        a.href = '#' + (focusNode.id || ctx.form().id);
        a.addEventListener('click', (event) => {
          event.preventDefault();
          const node = target.kind === 'input' ? target.node : focusNode.querySelector('input, select, textarea, button');
          if (!node) return;
          node.focus({ preventScroll: true });
          // Clear of the save bar that stays at the bottom of the screen.
          node.scrollIntoView({ block: 'center' });
        });
        li.appendChild(a);
      } else if (other && entryIdOfPath(p.file)) {
        li.appendChild(document.createTextNode(text + ' '));
        const open = smallButton('Ouvrir ' + entryIdOfPath(p.file), '', 'fr-btn--tertiary-no-outline');
        open.addEventListener('click', () => openEntry(entryIdOfPath(p.file)));
        li.appendChild(open);
      } else {
        li.textContent = text;
      }
      list.appendChild(li);
    });
    show(box, true);
  }

  // ---- The entry form ----

  const FOLDERS = { procedure: 'procedures', error: 'errors', external: 'external' };

  function entryFile(kind, id) {
    return (FOLDERS[kind] || 'procedures') + '/' + id + '.yaml';
  }

  function blankEntry() {
    return {
      id: '',
      kind: 'procedure',
      reviewed: today(),
      handler: { service: '' },
      channels: [{ type: 'online' }],
      sources: [{ url: '', title: '' }],
      terms: { fr: [], en: [] },
      text: { fr: { title: '', summary: '' }, en: { title: '', summary: '' } }
    };
  }

  function isDirty() {
    return entryDirty() || serviceDirty();
  }

  function entryDirty() {
    return !!state.entry && state.entry.status !== 'retired' && canonical(collectEntry()) !== state.entryForm.baseline;
  }

  /** Asks before dropping unsaved changes; resolves true to go on. */
  function confirmLeaveEntry() {
    if (!entryDirty()) return Promise.resolve(true);
    return confirmDialog({
      title: 'Abandonner vos modifications ?',
      text: "Vous avez modifié cette fiche sans l'enregistrer. Si vous continuez, ces modifications seront perdues.",
      ok: 'Abandonner mes modifications'
    });
  }

  function openEntry(id) {
    if (state.entry && state.entry.id === id && !state.entry.isNew) {
      els.entryTitle.focus();
      return Promise.resolve();
    }
    return confirmLeaveEntry().then((ok) => {
      if (ok) return loadEntry(id, true);
      return undefined;
    });
  }

  /** Loads an entry from the draft and shows it in the form. */
  function loadEntry(id, focus) {
    show(els.entryEmpty, false);
    show(els.entryLoading, true);
    clearError();
    return api('GET', '/entries/' + encodeURIComponent(id))
      .then((answer) => {
        show(els.entryLoading, false);
        const entry = answer.entry || answer.published;
        state.entry = {
          id: id,
          isNew: false,
          version: answer.version,
          status: answer.status,
          published: answer.published,
          flags: answer.flags || [],
          fiches: answer.fiches || [],
          loaded: entry
        };
        state.entryForm = newFormState();
        state.entryForm.showAll = true;
        renderEntryForm(entry);
        markSelectedEntry();
        if (focus) els.entryTitle.focus();
      })
      .catch((err) => {
        show(els.entryLoading, false);
        if (!state.entry) show(els.entryEmpty, true);
        reportError(err, 'La fiche « ' + id + ' » n’a pas pu être ouverte.');
        throw err;
      });
  }

  /**
   * After a change of the draft made elsewhere (publish, restore, discard, words added): the
   * open entry is shown again as the draft now holds it, unless the editor is changing it (a
   * save would then meet the conflict check, never overwrite).
   */
  function refreshOpenEntry() {
    const e = state.entry;
    if (!e || e.isNew || entryDirty()) return Promise.resolve();
    return api('GET', '/entries/' + encodeURIComponent(e.id)).then(
      () => loadEntry(e.id, false).catch(() => undefined),
      (err) => {
        if (err && err.code === 'NotFound' && state.entry === e) closeEntryForm();
      }
    );
  }

  function closeEntryForm() {
    state.entry = undefined;
    state.entryForm = newFormState();
    show(els.entryForm, false);
    show(els.entryEmpty, true);
    markSelectedEntry();
  }

  function newEntry() {
    confirmLeaveEntry().then((ok) => {
      if (!ok) return;
      switchView('entries', false);
      state.entry = { id: '', isNew: true, version: null, status: 'new', published: null, flags: [], fiches: [], loaded: null };
      state.entryForm = newFormState();
      show(els.entryEmpty, false);
      renderEntryForm(blankEntry());
      markSelectedEntry();
      const id = els.entryForm.querySelector('[name="id"]');
      els.entryTitle.focus();
      if (id) id.focus();
    });
  }

  function entryHeading() {
    const e = state.entry;
    if (e.isNew) return 'Nouvelle fiche';
    const title = (e.loaded && e.loaded.text && e.loaded.text.fr && e.loaded.text.fr.title) || e.id;
    return 'Fiche : ' + title;
  }

  function renderEntryForm(entry) {
    const e = state.entry;
    const retired = e.status === 'retired';
    hideConflict();
    show(els.entryProblems, false);
    setText(els.entryTitle, entryHeading());
    els.entryReason.value = '';

    // Badges and flags.
    clear(els.entryBadges);
    const st = STATUS[e.status] || { label: e.status, cls: '' };
    els.entryBadges.appendChild(badge(st.label, st.cls));
    els.entryBadges.appendChild(document.createTextNode(' '));
    els.entryBadges.appendChild(badge(labelOf(KINDS, entry.kind), 'fr-badge--info'));
    if (!e.isNew) {
      els.entryBadges.appendChild(document.createTextNode(' '));
      els.entryBadges.appendChild(el('span', 'fr-text--xs editor-muted', 'Identifiant : ' + e.id));
    }
    clear(els.entryFlags);
    e.flags.forEach((f) => {
      const li = el('li', 'editor-flag');
      li.appendChild(badge(FLAG_LABELS[f.code] || f.code, 'fr-badge--warning'));
      li.appendChild(document.createTextNode(' ' + flagText(f)));
      els.entryFlags.appendChild(li);
    });
    show(els.entryFlags, e.flags.length > 0);
    show(els.entryRetiredNotice, retired);

    renderIdent(entry);
    renderHandler(entry);
    renderLinks(entry);
    renderChannels(entry.channels || []);
    renderSources(entry.sources || []);
    renderTexts(entry);
    renderTerms(entry);
    fillBodyList();
    applyLangVisibility(els.entryForm);

    // Retired: read only, with the way back.
    Array.prototype.forEach.call(els.entryForm.querySelectorAll('fieldset.editor-fieldset'), (fs) => {
      fs.disabled = retired;
    });
    show(els.entrySave, !retired);
    show(els.entryRevert, !retired);
    show(els.entryReasonGroup, !retired && !e.isNew);
    show(els.entryRetire, !retired && !e.isNew);
    show(els.entryRestore, retired);
    show(els.entryUsePublished, !retired && e.status === 'changed' && !!e.published);
    setText(els.entrySave, e.isNew ? 'Créer la fiche dans le brouillon' : 'Enregistrer dans le brouillon');

    show(els.entryForm, true);
    state.entryForm.baseline = retired ? '' : canonical(collectEntry());
    updateEntryDirty();
    updateLangHeads(els.entryForm);
    if (!retired) runEntryCheck();
    else schedulePreview(true);
  }

  function flagText(f) {
    if (f.code === 'reviewOverdue') return 'Relue il y a trop longtemps : ' + (f.message || '') + '. Relisez-la et mettez à jour la date de relecture.';
    if (f.code === 'ficheChanged') return 'La fiche service-public.fr ' + (f.fiche || '') + ' a été modifiée' + (f.modified ? ' le ' + formatDay(f.modified) : '') + ', après la dernière relecture : vérifiez le contenu.';
    return f.message || '';
  }

  function renderIdent(entry) {
    const box = els.entryIdentFields;
    clear(box);
    const e = state.entry;
    const r = row();
    const id = field(ENTRY_CTX, {
      path: 'id',
      label: 'Identifiant',
      required: true,
      hint: e.isNew ? 'En minuscules, mots séparés par des tirets (par exemple : carte-grise-perte). Ne pourra plus être changé.' : 'Ne peut pas être changé : créez une nouvelle fiche et retirez celle-ci.',
      value: entry.id,
      readOnly: !e.isNew,
      spellcheck: false
    });
    r.appendChild(col('fr-col-12 fr-col-md-6', id.group));
    const kind = field(ENTRY_CTX, {
      path: 'kind',
      label: 'Type de fiche',
      tag: 'select',
      options: KINDS,
      value: entry.kind,
      disabled: !e.isNew,
      hint: e.isNew ? "Démarche, erreur courante (droit à l'erreur) ou autre administration." : 'Ne peut pas être changé.'
    });
    kind.input.value = entry.kind || 'procedure';
    r.appendChild(col('fr-col-12 fr-col-md-6', kind.group));
    const reviewed = field(ENTRY_CTX, {
      path: 'reviewed',
      label: 'Relue le',
      type: 'date',
      required: true,
      value: entry.reviewed,
      hint: 'Mettez la date du jour quand vous avez vérifié toute la fiche.'
    });
    const todayButton = smallButton("Relue aujourd'hui", 'fr-icon-calendar-line', 'fr-btn--tertiary');
    todayButton.classList.add('fr-mt-1w');
    todayButton.addEventListener('click', () => {
      reviewed.input.value = today();
      fieldChanged(ENTRY_CTX, reviewed.input);
    });
    reviewed.group.appendChild(todayButton);
    r.appendChild(col('fr-col-12 fr-col-md-6', reviewed.group));
    box.appendChild(r);
  }

  function renderHandler(entry) {
    const box = els.entryHandlerFields;
    clear(box);
    const handler = entry.handler || {};
    const kind = handler.body !== undefined && handler.service === undefined ? 'body' : 'service';
    els.handlerService.checked = kind === 'service';
    els.handlerBody.checked = kind === 'body';
    const service = field(ENTRY_CTX, {
      path: 'handler.service',
      label: 'Service de la préfecture',
      hint: "Identifiant d'un service de l'annuaire (partie « Services et horaires »).",
      list: 'list-service-ids',
      value: handler.service || '',
      spellcheck: false
    });
    const body = field(ENTRY_CTX, {
      path: 'handler.body',
      label: 'Organisme extérieur',
      hint: 'Identifiant : ants, anef, mairie, caf, impots, ofii…',
      list: 'list-body-ids',
      value: handler.body || '',
      spellcheck: false
    });
    service.group.hidden = kind !== 'service';
    body.group.hidden = kind !== 'body';
    box.appendChild(service.group);
    box.appendChild(body.group);
    if (handler.body) state.bodies.add(handler.body);
  }

  /**
   * The external bodies for autocompletion: those met in the entries opened so far (the API
   * has no list of bodies), with the usual ones.
   */
  function fillBodyList() {
    ['ants', 'anef', 'mairie', 'caf', 'impots', 'ofii', 'ofpra', 'france-travail', 'service-public'].forEach((b) => state.bodies.add(b));
    const known = new Set(Array.prototype.map.call(els.listBodyIds.options, (o) => o.value));
    [...state.bodies].sort().forEach((b) => {
      if (known.has(b)) return;
      const option = document.createElement('option');
      option.value = b;
      els.listBodyIds.appendChild(option);
    });
  }

  function handlerKind() {
    return els.handlerBody.checked ? 'body' : 'service';
  }

  function onHandlerKind() {
    const kind = handlerKind();
    const service = els.entryForm.querySelector('[name="handler.service"]');
    const body = els.entryForm.querySelector('[name="handler.body"]');
    service.closest('.fr-input-group').hidden = kind !== 'service';
    body.closest('.fr-input-group').hidden = kind !== 'body';
    state.entryForm.touched.add('handler');
    scheduleEntryCheck();
  }

  function renderLinks(entry) {
    const box = els.entryLinksFields;
    clear(box);
    const r = row();
    const related = field(ENTRY_CTX, {
      path: 'relatedErrors',
      label: 'Erreurs courantes liées',
      tag: 'textarea',
      rows: 3,
      hint: 'Identifiants de fiches « erreur courante », un par ligne.',
      value: (entry.relatedErrors || []).join('\n'),
      spellcheck: false
    });
    related.group.appendChild(refsList('relatedErrors'));
    r.appendChild(col('fr-col-12 fr-col-md-6', related.group));
    const see = field(ENTRY_CTX, {
      path: 'see',
      label: 'Voir aussi',
      tag: 'textarea',
      rows: 3,
      hint: "Identifiants d'autres fiches à mentionner, un par ligne.",
      value: (entry.see || []).join('\n'),
      spellcheck: false
    });
    see.group.appendChild(refsList('see'));
    r.appendChild(col('fr-col-12 fr-col-md-6', see.group));
    const procedure = field(ENTRY_CTX, {
      path: 'procedure',
      label: 'Démarche concernée',
      hint: 'Fiches « erreur courante » : la démarche où l’erreur se produit (identifiant).',
      list: 'list-procedure-ids',
      value: entry.procedure || '',
      spellcheck: false
    });
    procedure.group.appendChild(refsList('procedure'));
    r.appendChild(col('fr-col-12 fr-col-md-6', procedure.group));
    box.appendChild(r);
    ['relatedErrors', 'see', 'procedure'].forEach(updateRefs);
  }

  /** Under a field of entry ids: the titles they name, to check them at a glance. */
  function refsList(name) {
    const ul = el('ul', 'editor-refs fr-text--xs');
    ul.setAttribute('data-refs-for', name);
    ul.setAttribute('aria-live', 'off');
    return ul;
  }

  function updateRefs(name) {
    const input = els.entryForm.querySelector('[name="' + name + '"]');
    const ul = els.entryForm.querySelector('[data-refs-for="' + name + '"]');
    if (!input || !ul) return;
    clear(ul);
    lines(input.value).forEach((id) => {
      const title = entryTitleOf(id);
      const li = el('li', title ? '' : 'editor-refs__unknown', id + ' → ' + (title || (state.entriesLoaded ? 'fiche inconnue' : '…')));
      ul.appendChild(li);
    });
  }

  // Channels.

  function renderChannels(channels) {
    const box = els.entryChannelList;
    clear(box);
    channels.forEach((c, i) => box.appendChild(channelBlock(c, i, channels.length)));
    applyLangVisibility(els.entryForm);
  }

  function channelBlock(c, i, count) {
    const base = 'channels.' + i;
    const fs = el('fieldset', 'fr-fieldset editor-subfieldset');
    fs.setAttribute('data-index', String(i));
    const legendId = fieldId(ENTRY_CTX, base) + '-legend';
    fs.setAttribute('aria-labelledby', legendId);
    const legend = el('legend', 'fr-fieldset__legend editor-subfieldset__legend', channelLegend(i, c.type));
    legend.id = legendId;
    fs.appendChild(legend);
    const errorBox = el('div', 'editor-fieldset-error');
    errorBox.setAttribute('data-error-for', base);
    errorBox.hidden = true;
    fs.appendChild(errorBox);

    const r1 = row();
    const type = field(ENTRY_CTX, { path: base + '.type', label: 'Type de canal', tag: 'select', options: CHANNEL_TYPES, required: true });
    type.input.value = c.type || 'online';
    r1.appendChild(col('fr-col-12 fr-col-md-4', type.group));
    const url = field(ENTRY_CTX, {
      path: base + '.url',
      label: 'Adresse web officielle',
      type: 'url',
      inputmode: 'url',
      hint: 'Obligatoire pour un canal en ligne. Commence par https://',
      value: c.url,
      spellcheck: false
    });
    r1.appendChild(col('fr-col-12 fr-col-md-8', url.group));
    fs.appendChild(col('fr-fieldset__element', r1));

    const r2 = row();
    const service = field(ENTRY_CTX, { path: base + '.service', label: "Service de l'annuaire", hint: 'Guichet, rendez-vous, courrier.', list: 'list-service-ids', value: c.service, spellcheck: false });
    r2.appendChild(col('fr-col-12 fr-col-md-4', service.group));
    const body = field(ENTRY_CTX, { path: base + '.body', label: 'Organisme extérieur', hint: "Quand ce n'est pas la préfecture.", list: 'list-body-ids', value: c.body, spellcheck: false });
    r2.appendChild(col('fr-col-12 fr-col-md-4', body.group));
    const phone = field(ENTRY_CTX, { path: base + '.phone', label: 'Téléphone', type: 'tel', hint: 'Tel qu’on le compose.', value: c.phone, autocomplete: 'off' });
    r2.appendChild(col('fr-col-12 fr-col-md-4', phone.group));
    fs.appendChild(col('fr-fieldset__element', r2));
    if (c.body) state.bodies.add(c.body);

    const note = c.note || {};
    const noteTitle = el('p', 'fr-text--sm fr-text--bold fr-mb-1w', 'Remarque sur ce canal (facultative ; si elle est donnée, en français et en anglais)');
    const noteBox = col('fr-fieldset__element');
    noteBox.appendChild(noteTitle);
    noteBox.appendChild(
      langGrid(
        ENTRY_CTX,
        [{ key: 'note', label: 'Remarque', type: 'text', rows: 2 }],
        (lang) => note[lang] || '',
        (lang) => base + '.note.' + lang,
        { name: base, optionalGroup: true }
      )
    );
    fs.appendChild(noteBox);

    fs.appendChild(col('fr-fieldset__element', moveButtons('channel', i, count, 'le canal ' + (i + 1))));
    return fs;
  }

  function channelLegend(i, type) {
    return 'Canal ' + (i + 1) + ' — ' + labelOf(CHANNEL_TYPES, type || 'online').toLowerCase();
  }

  /** Up, down and remove, for an item of a list of blocks. */
  function moveButtons(what, i, count, name) {
    const group = el('div', 'editor-block-actions');
    const up = smallButton('Monter', 'fr-icon-arrow-up-line');
    up.setAttribute('aria-label', 'Monter ' + name);
    up.setAttribute('data-move', what + ':' + i + ':up');
    up.disabled = i === 0;
    const down = smallButton('Descendre', 'fr-icon-arrow-down-line');
    down.setAttribute('aria-label', 'Descendre ' + name);
    down.setAttribute('data-move', what + ':' + i + ':down');
    down.disabled = i === count - 1;
    const remove = smallButton('Supprimer', 'fr-icon-delete-line');
    remove.setAttribute('aria-label', 'Supprimer ' + name);
    remove.setAttribute('data-move', what + ':' + i + ':remove');
    group.appendChild(up);
    group.appendChild(down);
    group.appendChild(remove);
    return group;
  }

  function onMove(button) {
    const [what, index, action] = button.getAttribute('data-move').split(':');
    const i = Number(index);
    const entry = collectEntry();
    const list = what === 'channel' ? entry.channels : entry.sources;
    let focusIndex = i;
    if (action === 'up' && i > 0) {
      list.splice(i - 1, 0, list.splice(i, 1)[0]);
      focusIndex = i - 1;
    } else if (action === 'down' && i < list.length - 1) {
      list.splice(i + 1, 0, list.splice(i, 1)[0]);
      focusIndex = i + 1;
    } else if (action === 'remove') {
      list.splice(i, 1);
      focusIndex = Math.min(i, list.length - 1);
    }
    if (what === 'channel') renderChannels(list);
    else renderSources(list);
    const container = what === 'channel' ? 'channels' : 'sources';
    state.entryForm.touched.add(container);
    // The focus stays with the moved block (or the list's add button).
    const listBox = what === 'channel' ? els.entryChannelList : els.entrySourceList;
    const block = listBox.querySelector('[data-index="' + focusIndex + '"]');
    if (block && action !== 'remove') {
      const same = block.querySelector('[data-move="' + what + ':' + focusIndex + ':' + action + '"]');
      (same && !same.disabled ? same : block.querySelector('select, input')).focus();
    } else if (block) block.querySelector('select, input').focus();
    else (what === 'channel' ? els.entryChannelAdd : els.entrySourceAdd).focus();
    announce(action === 'remove' ? (what === 'channel' ? 'Canal supprimé.' : 'Source supprimée.') : 'Ordre modifié.');
    scheduleEntryCheck();
  }

  function addChannel() {
    const entry = collectEntry();
    entry.channels.push({ type: 'online' });
    renderChannels(entry.channels);
    state.entryForm.touched.add('channels');
    const block = els.entryChannelList.querySelector('[data-index="' + (entry.channels.length - 1) + '"]');
    if (block) block.querySelector('select').focus();
    scheduleEntryCheck();
  }

  // Sources.

  function renderSources(sources) {
    const box = els.entrySourceList;
    clear(box);
    sources.forEach((s, i) => box.appendChild(sourceBlock(s, i, sources.length)));
  }

  function sourceBlock(s, i, count) {
    const base = 'sources.' + i;
    const fs = el('fieldset', 'fr-fieldset editor-subfieldset');
    fs.setAttribute('data-index', String(i));
    const legendId = fieldId(ENTRY_CTX, base) + '-legend';
    fs.setAttribute('aria-labelledby', legendId);
    const legend = el('legend', 'fr-fieldset__legend editor-subfieldset__legend', 'Source ' + (i + 1));
    legend.id = legendId;
    fs.appendChild(legend);
    const errorBox = el('div', 'editor-fieldset-error');
    errorBox.setAttribute('data-error-for', base);
    errorBox.hidden = true;
    fs.appendChild(errorBox);
    const r = row();
    const url = field(ENTRY_CTX, { path: base + '.url', label: 'Adresse', type: 'url', inputmode: 'url', required: true, hint: 'Commence par https://', value: s.url, spellcheck: false });
    r.appendChild(col('fr-col-12 fr-col-md-6', url.group));
    const title = field(ENTRY_CTX, { path: base + '.title', label: 'Titre', required: true, value: s.title, lang: 'fr' });
    r.appendChild(col('fr-col-12 fr-col-md-6', title.group));
    const fiche = field(ENTRY_CTX, { path: base + '.fiche', label: 'Numéro de fiche service-public.fr', hint: 'Par exemple F1050, N358, R12345.', value: s.fiche, spellcheck: false });
    r.appendChild(col('fr-col-12 fr-col-md-4', fiche.group));
    const info = el('div', 'editor-fiche');
    info.setAttribute('data-fiche-for', base);
    r.appendChild(col('fr-col-12 fr-col-md-8', info));
    fs.appendChild(col('fr-fieldset__element', r));
    fs.appendChild(col('fr-fieldset__element', moveButtons('source', i, count, 'la source ' + (i + 1))));
    updateFiche(info, s.fiche);
    return fs;
  }

  /** The service-public.fr fiche of a source: a link, its title and last change. */
  function updateFiche(box, ficheId) {
    clear(box);
    const id = String(ficheId || '').trim();
    if (!/^[FNR]\d{1,6}$/.test(id)) return;
    const info = (state.entry && state.entry.fiches.find((f) => f.id === id)) || {};
    const a = el('a', 'fr-link fr-text--sm', 'Fiche ' + id + ' sur service-public.fr');
    a.href = info.url || FICHE_BASE + id;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    a.title = 'Fiche ' + id + ' sur service-public.fr — nouvelle fenêtre';
    box.appendChild(a);
    if (info.title || info.modified) {
      const p = el('p', 'fr-text--xs fr-mb-0 editor-muted');
      p.textContent = (info.title ? '« ' + info.title + ' »' : '') + (info.modified ? (info.title ? ', ' : '') + 'modifiée le ' + formatDay(info.modified) : '');
      box.appendChild(p);
    }
    const flag = state.entry && state.entry.flags.find((f) => f.code === 'ficheChanged' && f.fiche === id);
    if (flag) {
      const p = el('p', 'fr-text--xs fr-mb-0');
      p.appendChild(badge('modifiée depuis la relecture', 'fr-badge--warning'));
      box.appendChild(p);
    }
  }

  function addSource() {
    const entry = collectEntry();
    entry.sources.push({ url: '', title: '' });
    renderSources(entry.sources);
    state.entryForm.touched.add('sources.' + (entry.sources.length - 1));
    const block = els.entrySourceList.querySelector('[data-index="' + (entry.sources.length - 1) + '"]');
    if (block) block.querySelector('input').focus();
    scheduleEntryCheck();
  }

  // Texts and terms.

  function renderTexts(entry) {
    const box = els.entryTextGrid;
    clear(box);
    const text = entry.text || {};
    box.appendChild(langToggles(ENTRY_CTX, () => els.entryForm));
    box.appendChild(
      langGrid(
        ENTRY_CTX,
        TEXT_FIELDS,
        (lang, key) => {
          const t = text[lang] || {};
          const v = t[key];
          return Array.isArray(v) ? v.join('\n') : v || '';
        },
        (lang, key) => 'text.' + lang + '.' + key,
        { name: 'text' }
      )
    );
  }

  function renderTerms(entry) {
    const box = els.entryTermsGrid;
    clear(box);
    const terms = entry.terms || {};
    box.appendChild(
      langGrid(
        ENTRY_CTX,
        [{ key: 'terms', label: 'Mots des usagers', type: 'list', rows: 8, required: true, hint: 'Un par ligne ; au moins trois en français et en anglais.' }],
        (lang) => (terms[lang] || []).join('\n'),
        (lang) => 'terms.' + lang,
        { name: 'terms' }
      )
    );
  }

  /** The columns' headers: required, translated, or a translation to write. */
  function updateLangHeads(form) {
    if (!form) return;
    const filled = {};
    LANGS.forEach((lang) => {
      filled[lang] = Array.prototype.some.call(form.querySelectorAll('[name^="text.' + lang + '."], [name^="name.' + lang + '"], [name^="description.' + lang + '"]'), (i) => i.value.trim() !== '');
    });
    Array.prototype.forEach.call(form.querySelectorAll('[data-lang-head]'), (head) => {
      const lang = head.getAttribute('data-lang-head');
      const stateBox = head.querySelector('.editor-langgrid__state');
      clear(stateBox);
      if (REQUIRED.indexOf(lang) >= 0) stateBox.appendChild(badge('obligatoire', 'fr-badge--info'));
      else if (filled[lang]) stateBox.appendChild(badge('traduit', 'fr-badge--success'));
      else stateBox.appendChild(badge('traduction manquante', 'fr-badge--warning'));
    });
    const missing = LANGS.filter((l) => REQUIRED.indexOf(l) < 0 && !filled[l]);
    const summary = form === els.entryForm ? els.entryMissing : undefined;
    if (summary) {
      setText(summary, missing.length ? 'Traductions manquantes : ' + missing.map(langName).join(', ') + ' (l’usager verra alors le texte français).' : 'Toutes les langues sont traduites.');
    }
  }

  // Collect.

  function formValue(form, name) {
    const node = form.querySelector('[name="' + CSS.escape(name) + '"]');
    return node && typeof node.value === 'string' ? node.value : '';
  }

  /** The entry as the form holds it, as its YAML file would: empty optional values left out. */
  function collectEntry() {
    const form = els.entryForm;
    const v = (name) => formValue(form, name);
    const t = (name) => v(name).trim();
    const list = (name) => lines(v(name));
    const entry = {};
    entry.id = t('id');
    entry.kind = v('kind') || 'procedure';
    entry.reviewed = t('reviewed');
    const kind = handlerKind();
    const who = t('handler.' + kind);
    entry.handler = {};
    if (who) entry.handler[kind] = who;
    entry.channels = Array.prototype.map.call(els.entryChannelList.querySelectorAll(':scope > [data-index]'), (block) => {
      const base = 'channels.' + block.getAttribute('data-index');
      const c = { type: v(base + '.type') || 'online' };
      ['url', 'service', 'body', 'phone'].forEach((k) => {
        const value = t(base + '.' + k);
        if (value) c[k] = value;
      });
      const note = {};
      LANGS.forEach((lang) => {
        const value = t(base + '.note.' + lang);
        if (value) note[lang] = value;
      });
      if (Object.keys(note).length) c.note = note;
      return c;
    });
    entry.sources = Array.prototype.map.call(els.entrySourceList.querySelectorAll(':scope > [data-index]'), (block) => {
      const base = 'sources.' + block.getAttribute('data-index');
      const s = { url: t(base + '.url'), title: t(base + '.title') };
      const fiche = t(base + '.fiche');
      if (fiche) s.fiche = fiche;
      return s;
    });
    const related = list('relatedErrors');
    if (related.length) entry.relatedErrors = related;
    const see = list('see');
    if (see.length) entry.see = see;
    const procedure = t('procedure');
    if (procedure) entry.procedure = procedure;
    entry.terms = {};
    LANGS.forEach((lang) => {
      const words = list('terms.' + lang);
      if (words.length || REQUIRED.indexOf(lang) >= 0) entry.terms[lang] = words;
    });
    entry.text = {};
    LANGS.forEach((lang) => {
      const text = {};
      let any = false;
      TEXT_FIELDS.forEach((f) => {
        const name = 'text.' + lang + '.' + f.key;
        if (f.type === 'list') {
          const items = list(name);
          if (items.length) {
            text[f.key] = items;
            any = true;
          }
        } else {
          const value = t(name);
          if (value) any = true;
          if (value || f.required) text[f.key] = value;
        }
      });
      if (any || REQUIRED.indexOf(lang) >= 0) entry.text[lang] = text;
    });
    return entry;
  }

  // Changes, validation as they type.

  function fieldChanged(ctx, input) {
    if (input && input.name) ctx.fs().touched.add(input.name);
    if (ctx === ENTRY_CTX) {
      onEntryInput(input);
      scheduleEntryCheck();
    } else {
      scheduleServiceCheck();
    }
  }

  function onEntryInput(input) {
    const name = (input && input.name) || '';
    let m;
    if ((m = /^channels\.(\d+)\.type$/.exec(name))) {
      const legend = byId(fieldId(ENTRY_CTX, 'channels.' + m[1]) + '-legend');
      setText(legend, channelLegend(Number(m[1]), input.value));
    } else if ((m = /^sources\.(\d+)\.fiche$/.exec(name))) {
      updateFiche(els.entryForm.querySelector('[data-fiche-for="sources.' + m[1] + '"]'), input.value);
    } else if (name === 'see' || name === 'relatedErrors' || name === 'procedure') {
      updateRefs(name);
    } else if (name.indexOf('text.') === 0) {
      updateLangHeads(els.entryForm);
      if (name === 'text.fr.title' && state.entry && state.entry.isNew) suggestId(input.value);
    } else if (name === 'id') {
      input.setAttribute('data-typed', 'true');
    }
  }

  /** A new entry's id follows its French title until the editor types one. */
  function suggestId(title) {
    const id = els.entryForm.querySelector('[name="id"]');
    if (!id || id.getAttribute('data-typed') === 'true') return;
    id.value = norm(title)
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60)
      .replace(/-+$/, '');
  }

  function updateEntryDirty() {
    show(els.entryDirty, entryDirty());
  }

  function scheduleEntryCheck() {
    const fs = state.entryForm;
    window.clearTimeout(fs.checkTimer);
    fs.checkSeq++;
    updateEntryDirty();
    fs.checkTimer = window.setTimeout(runEntryCheck, VALIDATE_DELAY_MS);
  }

  function currentEntryFile() {
    const entry = collectEntry();
    return entryFile(entry.kind, entry.id);
  }

  function runEntryCheck() {
    if (!state.entry || state.entry.status === 'retired') return;
    const fs = state.entryForm;
    const seq = ++fs.checkSeq;
    const data = collectEntry();
    api('POST', '/validate', { type: 'entry', data: data })
      .then((answer) => {
        if (fs !== state.entryForm || seq !== fs.checkSeq) return;
        fs.problems = tidyProblems(answer.problems);
        fs.checked = true;
        if (fs.problems.length === 0) fs.lastValid = data;
        showEntryProblems(false);
        // The card is built from a valid entry only: the preview follows each valid state.
        schedulePreview(false);
      })
      .catch((err) => {
        if (err && (err.stale || err.signedOut)) return;
        // The check is a help: a failed one does not stop the editor.
      });
  }

  /** Problems at their fields; the list of them all once a save was refused. */
  function showEntryProblems(focus) {
    const fs = state.entryForm;
    const file = currentEntryFile();
    const unplaced = applyProblems(ENTRY_CTX, file);
    const summaryShown = !els.entryProblems.hidden || focus;
    if (summaryShown) {
      const all = fs.problems.filter((p) => fs.showAll || problemVisible(fs, String(p.field || '-')));
      renderProblemSummary(
        ENTRY_CTX,
        els.entryProblems,
        els.entryProblemsTitle,
        els.entryProblemsList,
        all,
        file,
        all.length === 1 ? 'La fiche n’a pas été enregistrée : 1 problème à corriger' : 'La fiche n’a pas été enregistrée : ' + all.length + ' problèmes à corriger'
      );
    } else if (unplaced.length) {
      renderProblemSummary(ENTRY_CTX, els.entryProblems, els.entryProblemsTitle, els.entryProblemsList, unplaced, file, 'À corriger');
    }
    if (focus && !els.entryProblems.hidden) els.entryProblemsTitle.focus();
  }

  // ---- Preview: the card as users see it, drawn by Web Chat ----

  const preview = { timer: undefined, seq: 0, loading: undefined, directLine: undefined, store: undefined, renderedLang: undefined, failed: false, card: undefined };
  const WEBCHAT_LOCALES = { fr: 'fr-FR', en: 'en-US', es: 'es-ES', ar: 'ar-EG', pt: 'pt-PT' };

  function schedulePreview(now) {
    window.clearTimeout(preview.timer);
    preview.timer = window.setTimeout(runPreview, now ? 0 : PREVIEW_DELAY_MS);
  }

  function runPreview() {
    if (!state.entry || els.entryForm.hidden) return;
    const retired = state.entry.status === 'retired';
    // The last state the check found valid (the card is built from a valid entry only).
    const entry = retired ? state.entry.published : state.entryForm.lastValid;
    if (!retired && (!entry || state.entryForm.problems.length > 0)) {
      if (state.entryForm.checked) setText(els.previewStatus, 'Aperçu pas à jour : la fiche contient des erreurs à corriger (voir les champs signalés).');
      return;
    }
    const lang = els.previewLang.value || 'fr';
    const seq = ++preview.seq;
    els.preview.setAttribute('aria-busy', 'true');
    api('POST', '/preview', { entry: entry, lang: lang })
      .then((answer) => {
        if (seq !== preview.seq) return undefined;
        preview.card = answer.card;
        setText(els.previewStatus, 'Aperçu en ' + langName(lang) + (retired ? ' (version publiée de la fiche retirée).' : '.'));
        return showCard(answer.card, lang, state.entry ? state.entry.id : '');
      })
      .catch((err) => {
        if (seq !== preview.seq || (err && (err.stale || err.signedOut))) return;
        if (err && err.code === 'Invalid') {
          setText(els.previewStatus, 'Aperçu pas à jour : la fiche contient des erreurs à corriger (voir les champs signalés).');
        } else {
          setText(els.previewStatus, 'Aperçu indisponible : ' + errorMessage(err));
        }
      })
      .then(() => {
        if (seq === preview.seq) els.preview.removeAttribute('aria-busy');
      });
  }

  function loadWebChat() {
    if (window.WebChat && typeof window.WebChat.renderWebChat === 'function') return Promise.resolve(window.WebChat);
    if (!preview.loading) {
      preview.loading = withTimeout(
        loadScript(WEBCHAT_LIBRARY, () => (window.WebChat && typeof window.WebChat.renderWebChat === 'function' ? window.WebChat : undefined)),
        WEBCHAT_TIMEOUT_MS
      );
      preview.loading.catch(() => {
        preview.loading = undefined;
      });
    }
    return preview.loading;
  }

  /** A minimal observable: what Web Chat needs from a Direct Line connection. */
  function observable(subscribe) {
    return {
      subscribe(observerOrNext, error, complete) {
        const observer = typeof observerOrNext === 'function' ? { next: observerOrNext, error: error, complete: complete } : observerOrNext || {};
        let closed = false;
        const safe = {
          next: (v) => {
            if (!closed && observer.next) observer.next(v);
          },
          error: (e) => {
            if (!closed && observer.error) observer.error(e);
          },
          complete: () => {
            if (!closed && observer.complete) observer.complete();
          }
        };
        const teardown = subscribe(safe);
        const subscription = {
          closed: false,
          unsubscribe() {
            if (closed) return;
            closed = true;
            subscription.closed = true;
            if (typeof teardown === 'function') teardown();
          }
        };
        return subscription;
      }
    };
  }

  /**
   * An in-page Direct Line: online at once, one bot message holding the card (replaced at each
   * update, same id), what the editor posts (a card's submit) echoed back.
   */
  function mockDirectLine() {
    const activities = [];
    const activityObservers = new Set();
    const statusObservers = new Set();
    let status = 0;
    let posted = 0;
    const setStatus = (s) => {
      status = s;
      statusObservers.forEach((o) => o.next(s));
    };
    const emit = (activity) => {
      const at = activities.findIndex((a) => a.id === activity.id);
      if (at >= 0) activities.splice(at, 1, activity);
      else activities.push(activity);
      activityObservers.forEach((o) => o.next(activity));
    };
    return {
      activity$: observable((observer) => {
        activityObservers.add(observer);
        activities.forEach((a) => observer.next(a));
        if (status === 0) {
          window.setTimeout(() => {
            setStatus(1);
            setStatus(2);
          }, 0);
        }
        return () => activityObservers.delete(observer);
      }),
      connectionStatus$: observable((observer) => {
        statusObservers.add(observer);
        observer.next(status);
        return () => statusObservers.delete(observer);
      }),
      postActivity(activity) {
        const id = 'preview-user-' + ++posted;
        window.setTimeout(() => emit(Object.assign({}, activity, { id: id, timestamp: new Date().toISOString(), from: Object.assign({}, activity.from, { role: 'user' }) })), 0);
        return observable((observer) => {
          window.setTimeout(() => {
            observer.next(id);
            observer.complete();
          }, 0);
        });
      },
      end() {
        /* nothing to close */
      },
      showCard(card, lang) {
        emit({
          type: 'message',
          id: 'preview-card',
          channelId: 'webchat',
          conversation: { id: 'preview' },
          from: { id: 'assistant', name: 'Assistant', role: 'bot' },
          recipient: { id: 'editeur', role: 'user' },
          locale: WEBCHAT_LOCALES[lang] || lang,
          timestamp: new Date().toISOString(),
          attachmentLayout: 'list',
          attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }]
        });
      }
    };
  }

  function showCard(card, lang, key) {
    return loadWebChat()
      .then((WebChat) => {
        if (!preview.directLine) {
          preview.directLine = mockDirectLine();
          preview.store = WebChat.createStore();
        }
        if (preview.renderedLang !== lang) {
          els.previewWebchat.setAttribute('dir', RTL[lang] ? 'rtl' : 'ltr');
          els.previewWebchat.setAttribute('lang', lang);
          WebChat.renderWebChat(
            {
              directLine: preview.directLine,
              store: preview.store,
              userID: 'editeur',
              username: 'Rédacteur',
              locale: WEBCHAT_LOCALES[lang] || 'fr-FR',
              dir: RTL[lang] ? 'rtl' : 'ltr',
              styleOptions: STYLE_OPTIONS,
              adaptiveCardsHostConfig: ADAPTIVE_CARDS_HOST_CONFIG,
              nonce: NONCE
            },
            els.previewWebchat
          );
          preview.renderedLang = lang;
        }
        // The editor's place in a long card is kept from one update to the next (Web Chat
        // would follow the bottom of the conversation); a first card is shown from its top.
        const scroller = els.previewWebchat.querySelector('.webchat__basic-transcript__scrollable');
        const keep = scroller && preview.cardShown === key ? scroller.scrollTop : 0;
        preview.directLine.showCard(card, lang);
        return waitForCard().then(() => {
          preview.cardShown = key;
          const restore = () => {
            const s = els.previewWebchat.querySelector('.webchat__basic-transcript__scrollable');
            if (s) s.scrollTop = keep;
          };
          window.setTimeout(() => {
            restore();
            if (preview.stylesBlocked) showFallback(card);
          }, 50);
          window.setTimeout(restore, 400);
          if (preview.stylesBlocked) throw new Error('Web Chat styles blocked');
        });
      })
      .then(() => {
        preview.failed = false;
        show(els.previewFallback, false);
        show(els.previewWebchat, true);
      })
      .catch(() => showFallback(card));
  }

  /** Web Chat did not load, did not draw, or its styles were refused: the card's texts, plainly. */
  function showFallback(card) {
    preview.failed = true;
    renderFallback(card);
    show(els.previewWebchat, false);
    show(els.previewFallback, true);
  }

  function waitForCard() {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const look = () => {
        if (els.previewWebchat.querySelector('.ac-adaptiveCard')) resolve();
        else if (Date.now() - started > CARD_RENDER_TIMEOUT_MS) reject(new Error('the card was not drawn'));
        else window.setTimeout(look, 100);
      };
      look();
    });
  }

  /** The texts of an Adaptive Card, as a list (when Web Chat cannot draw it). */
  function renderFallback(card) {
    clear(els.previewFallbackList);
    const add = (text, cls) => {
      if (!text) return;
      const li = el('li', cls || '', String(text));
      li.setAttribute('dir', 'auto');
      els.previewFallbackList.appendChild(li);
    };
    const walk = (items) => {
      (items || []).forEach((item) => {
        if (!item || typeof item !== 'object') return;
        switch (item.type) {
          case 'TextBlock':
            add(item.text, item.weight === 'Bolder' ? 'editor-preview__strong' : '');
            break;
          case 'RichTextBlock':
            add((item.inlines || []).map((i) => (typeof i === 'string' ? i : i.text || '')).join(''));
            break;
          case 'FactSet':
            (item.facts || []).forEach((f) => add(f.title + ' : ' + f.value));
            break;
          case 'Container':
            walk(item.items);
            break;
          case 'ColumnSet':
            (item.columns || []).forEach((c) => walk(c.items));
            break;
          case 'ActionSet':
            walkActions(item.actions);
            break;
          default:
            if (item.items) walk(item.items);
        }
      });
    };
    const walkActions = (actions) => {
      (actions || []).forEach((a) => {
        if (a && a.title) add('Bouton : ' + a.title + (a.url ? ' (' + a.url + ')' : ''), 'editor-preview__action');
      });
    };
    try {
      walk(card && card.body);
      walkActions(card && card.actions);
    } catch (e) {
      add('La carte ne peut pas être affichée.');
    }
  }

  // ---- Save, conflicts, retire, restore ----

  function saveEntry(event) {
    if (event) event.preventDefault();
    if (!state.entry || state.entry.status === 'retired' || state.busy) return;
    const e = state.entry;
    const fs = state.entryForm;
    const entry = collectEntry();
    if (!e.isNew && canonical(entry) === fs.baseline) {
      announce('Aucune modification à enregistrer.');
      return;
    }
    state.busy = true;
    els.entrySave.setAttribute('aria-disabled', 'true');
    els.entryForm.setAttribute('aria-busy', 'true');
    hideConflict();
    clearError();
    const reason = els.entryReason.value.trim();
    const call = e.isNew
      ? api('POST', '/entries', { entry: entry })
      : api('PUT', '/entries/' + encodeURIComponent(e.id), Object.assign({ entry: entry, version: e.version }, reason ? { reason: reason } : {}));
    call
      .then(() => {
        const created = e.isNew;
        announce(created ? 'Fiche créée dans le brouillon. Les usagers la verront après la publication.' : 'Fiche enregistrée dans le brouillon. Les usagers la verront après la publication.');
        fs.showAll = false;
        show(els.entryProblems, false);
        // The draft's state of the entry (status, version, flags), the form kept as typed.
        return Promise.all([loadEntry(entry.id, false), loadEntries()]).then(() => {
          if (created) els.entryTitle.focus();
          else els.entrySave.focus();
        });
      })
      .catch((err) => {
        if (err && (err.stale || err.signedOut)) return;
        if (err && err.code === 'Conflict') {
          showConflict(err.body.current, err.message);
          return;
        }
        if (err && err.code === 'Exists') {
          fs.problems = [{ field: 'id', message: 'Une fiche avec cet identifiant existe déjà (une fiche retirée se restaure : elle ne se recrée pas).' }];
          fs.showAll = true;
          showEntryProblems(true);
          return;
        }
        if (err && err.code === 'Invalid' && Array.isArray(err.body.problems)) {
          fs.problems = tidyProblems(err.body.problems);
          fs.showAll = true;
          showEntryProblems(true);
          return;
        }
        if (err && err.code === 'BadArgument') {
          fs.problems = [{ field: '-', message: err.message }];
          fs.showAll = true;
          showEntryProblems(true);
          return;
        }
        reportError(err, 'La fiche n’a pas été enregistrée.');
      })
      .then(() => {
        state.busy = false;
        els.entrySave.removeAttribute('aria-disabled');
        els.entryForm.removeAttribute('aria-busy');
      });
  }

  /** Someone saved this entry meanwhile: nothing was overwritten, say who and when. */
  function showConflict(current, message) {
    const c = current || {};
    let who = c.updatedBy && c.updatedBy.name;
    let when = c.updatedAt ? formatDateTime(c.updatedAt) : '';
    if (!who) {
      const m = /^(.+) saved this in the meantime \(([^)]+)\)/.exec(String(message || ''));
      if (m) {
        who = m[1];
        when = formatDateTime(m[2]);
      }
    }
    // The contract names it `entry`, the service sends `content`; null: the entry was retired.
    const theirs = 'content' in c ? c.content : c.entry;
    const retired = theirs === null;
    let text;
    if (who) {
      text = who + ' a enregistré une autre version de cette fiche' + (when ? ' le ' + when : '') + ', pendant que vous la modifiiez' + (retired ? ' (la fiche a été retirée)' : '') + '. ';
    } else {
      text = 'Cette fiche a changé pendant que vous la modifiiez (une nouvelle version a été publiée). ';
    }
    text +=
      'Vos modifications n’ont pas été enregistrées et rien n’a été écrasé. Chargez la version enregistrée pour repartir d’elle (vos modifications à l’écran seront alors perdues : copiez d’abord ce que vous voulez garder), ou gardez vos modifications à l’écran pour les reporter ensuite.';
    setText(els.conflictText, text);
    state.entry.conflict = c;
    show(els.conflict, true);
    els.conflictTitle.focus();
  }

  function hideConflict() {
    show(els.conflict, false);
    if (state.entry) state.entry.conflict = undefined;
  }

  function reloadAfterConflict() {
    if (!state.entry) return;
    const id = state.entry.id;
    hideConflict();
    loadEntry(id, true)
      .then(() => announce('La version enregistrée est chargée.'))
      .catch(() => undefined);
  }

  function keepAfterConflict() {
    hideConflict();
    announce('Vos modifications restent à l’écran ; elles ne sont pas enregistrées.');
    els.entryTitle.focus();
  }

  function revertEntry() {
    if (!state.entry) return;
    if (!entryDirty()) {
      announce('Aucune modification à annuler.');
      return;
    }
    confirmDialog({ title: 'Annuler vos modifications ?', text: 'La fiche revient à sa version enregistrée dans le brouillon.', ok: 'Annuler mes modifications' }).then((ok) => {
      if (!ok) return;
      if (state.entry.isNew) {
        renderEntryForm(blankEntry());
      } else {
        renderEntryForm(state.entry.loaded);
      }
      announce('Modifications annulées.');
      els.entryTitle.focus();
    });
  }

  function usePublished() {
    if (!state.entry || !state.entry.published) return;
    confirmDialog({
      title: 'Reprendre le texte publié ?',
      text: 'Le formulaire reprend la version que voient les usagers aujourd’hui. Enregistrez ensuite pour annuler les changements du brouillon sur cette fiche.',
      ok: 'Reprendre le texte publié'
    }).then((ok) => {
      if (!ok) return;
      const baseline = state.entryForm.baseline;
      const loaded = state.entry.loaded;
      renderEntryForm(state.entry.published);
      // Still the draft's version to save over; the form now differs from it.
      state.entryForm.baseline = baseline;
      state.entry.loaded = loaded;
      updateEntryDirty();
      announce('Le texte publié est repris dans le formulaire : enregistrez pour l’appliquer au brouillon.');
    });
  }

  function retireEntry() {
    const e = state.entry;
    if (!e || e.isNew || e.status === 'retired') return;
    confirmDialog({
      title: 'Retirer cette fiche ?',
      text: 'La fiche « ' + e.id + ' » ne sera plus proposée aux usagers après la prochaine publication. Vous pourrez la restaurer.' + (entryDirty() ? ' Vos modifications non enregistrées seront perdues.' : ''),
      ok: 'Retirer la fiche'
    }).then((ok) => {
      if (!ok) return;
      api('POST', '/entries/' + encodeURIComponent(e.id) + '/retire', { version: e.version })
        .then(() => {
          announce('Fiche retirée dans le brouillon. Elle disparaîtra pour les usagers à la prochaine publication.');
          return Promise.all([loadEntry(e.id, false), loadEntries()]);
        })
        .then(() => els.entryTitle.focus())
        .catch((err) => {
          if (err && (err.stale || err.signedOut)) return;
          if (err && err.code === 'Conflict') {
            showConflict(err.body.current, err.message);
            return;
          }
          if (err && err.code === 'Invalid' && Array.isArray(err.body.problems)) {
            renderProblemSummary(
              ENTRY_CTX,
              els.entryProblems,
              els.entryProblemsTitle,
              els.entryProblemsList,
              err.body.problems,
              entryFile(e.loaded.kind, e.id),
              'La fiche n’a pas été retirée : d’autres fiches y renvoient. Retirez d’abord ces renvois.'
            );
            els.entryProblemsTitle.focus();
            return;
          }
          reportError(err, 'La fiche n’a pas été retirée.');
        });
    });
  }

  function restoreEntry() {
    const e = state.entry;
    if (!e || e.status !== 'retired') return;
    api('POST', '/entries/' + encodeURIComponent(e.id) + '/restore', {})
      .then(() => {
        announce('Fiche restaurée dans le brouillon.');
        return Promise.all([loadEntry(e.id, false), loadEntries()]);
      })
      .then(() => els.entryTitle.focus())
      .catch((err) => {
        if (err && err.code === 'Invalid' && Array.isArray(err.body.problems)) {
          renderProblemSummary(ENTRY_CTX, els.entryProblems, els.entryProblemsTitle, els.entryProblemsList, err.body.problems, undefined, 'La fiche n’a pas été restaurée');
          els.entryProblemsTitle.focus();
          return;
        }
        reportError(err, 'La fiche n’a pas été restaurée.');
      });
  }

  // ---- Services and opening hours ----

  function loadServices() {
    return api('GET', '/services').then((answer) => {
      state.services = Array.isArray(answer.services) ? answer.services : [];
      const order = { site: 0, bureau: 1, reception: 2 };
      state.services.sort((a, b) => (order[a.kind] ?? 3) - (order[b.kind] ?? 3) || String(a.name).localeCompare(String(b.name), 'fr'));
      renderServiceList();
      const fill = (list, items) => {
        clear(list);
        items.forEach((s) => {
          const option = document.createElement('option');
          option.value = s.id;
          option.label = s.name || s.id;
          list.appendChild(option);
        });
      };
      fill(els.listServiceIds, state.services);
      fill(els.listSiteIds, state.services.filter((s) => s.kind === 'site'));
    });
  }

  function renderServiceList() {
    clear(els.serviceList);
    state.services.forEach((s) => {
      const li = el('li', 'editor-item');
      li.setAttribute('data-service-id', s.id);
      if (state.service && state.service.id === s.id) {
        li.classList.add('editor-item--selected');
        li.setAttribute('aria-current', 'true');
      }
      const button = el('button', 'editor-item__btn');
      button.type = 'button';
      button.setAttribute('aria-controls', 'service-form');
      button.appendChild(el('span', 'editor-item__title', s.name || s.id));
      const meta = el('span', 'editor-item__meta');
      meta.appendChild(el('span', 'editor-item__id', s.id));
      meta.appendChild(document.createTextNode(' · ' + labelOf(SERVICE_KINDS, s.kind).replace(/ \(.*\)$/, '')));
      button.appendChild(meta);
      const badges = el('span', 'editor-item__badges');
      const st = STATUS[s.status] || { label: s.status, cls: '' };
      badges.appendChild(badge(st.label, st.cls));
      button.appendChild(badges);
      button.addEventListener('click', () => openService(s.id));
      li.appendChild(button);
      els.serviceList.appendChild(li);
    });
  }

  function serviceDirty() {
    return !!state.service && !els.serviceForm.hidden && canonical(collectService()) !== state.serviceForm.baseline;
  }

  function openService(id) {
    const go = () => loadService(id, true).catch(() => undefined);
    if (state.service && state.service.id === id) {
      els.serviceTitle.focus();
      return;
    }
    if (!serviceDirty()) {
      go();
      return;
    }
    confirmDialog({ title: 'Abandonner vos modifications ?', text: "Vous avez modifié ce service sans l'enregistrer. Si vous continuez, ces modifications seront perdues.", ok: 'Abandonner mes modifications' }).then((ok) => {
      if (ok) go();
    });
  }

  function loadService(id, focus) {
    show(els.serviceEmpty, false);
    show(els.serviceLoading, true);
    return api('GET', '/services/' + encodeURIComponent(id))
      .then((answer) => {
        show(els.serviceLoading, false);
        state.service = { id: id, version: answer.version, status: answer.status, loaded: answer.service };
        state.serviceForm = newFormState();
        state.serviceForm.showAll = true;
        renderServiceForm(answer.service);
        renderServiceList();
        if (focus) els.serviceTitle.focus();
      })
      .catch((err) => {
        show(els.serviceLoading, false);
        if (!state.service) show(els.serviceEmpty, true);
        reportError(err, 'Le service « ' + id + ' » n’a pas pu être ouvert.');
        throw err;
      });
  }

  /** As refreshOpenEntry, for the open service. */
  function refreshOpenService() {
    if (!state.service || serviceDirty()) return Promise.resolve();
    return loadService(state.service.id, false).catch(() => undefined);
  }

  function closeServiceForm() {
    state.service = undefined;
    state.serviceForm = newFormState();
    [els.serviceIdentFields, els.serviceTextGrid, els.serviceContactFields, els.serviceHoursFields, els.servicePhoneHoursFields, els.serviceSourceList].forEach(clear);
    show(els.serviceForm, false);
    show(els.serviceEmpty, true);
    renderServiceList();
  }

  function renderServiceForm(service) {
    const s = service || {};
    show(els.serviceConflict, false);
    show(els.serviceProblems, false);
    setText(els.serviceTitle, 'Service : ' + ((s.name && s.name.fr) || s.id));
    clear(els.serviceBadges);
    const st = STATUS[state.service.status] || { label: state.service.status, cls: '' };
    els.serviceBadges.appendChild(badge(st.label, st.cls));
    els.serviceBadges.appendChild(document.createTextNode(' '));
    els.serviceBadges.appendChild(el('span', 'fr-text--xs editor-muted', 'Identifiant : ' + s.id));

    // Identity.
    clear(els.serviceIdentFields);
    const r = row();
    const kind = field(SERVICE_CTX, { path: 'kind', label: 'Type', tag: 'select', options: SERVICE_KINDS, required: true });
    kind.input.value = s.kind || 'bureau';
    r.appendChild(col('fr-col-12 fr-col-md-4', kind.group));
    const site = field(SERVICE_CTX, { path: 'site', label: 'Site où il se trouve', hint: 'Pour un bureau ou un point d’accueil : identifiant du site.', list: 'list-site-ids', value: s.site, spellcheck: false });
    r.appendChild(col('fr-col-12 fr-col-md-4', site.group));
    const reviewed = field(SERVICE_CTX, { path: 'reviewed', label: 'Relu le', type: 'date', required: true, value: s.reviewed });
    const todayButton = smallButton("Relu aujourd'hui", 'fr-icon-calendar-line');
    todayButton.classList.add('fr-mt-1w');
    todayButton.addEventListener('click', () => {
      reviewed.input.value = today();
      fieldChanged(SERVICE_CTX, reviewed.input);
    });
    reviewed.group.appendChild(todayButton);
    r.appendChild(col('fr-col-12 fr-col-md-4', reviewed.group));
    const arr = field(SERVICE_CTX, {
      path: 'arrondissements',
      label: 'Arrondissements desservis',
      hint: 'Pour un site : codes INSEE à 3 chiffres, séparés par des virgules (par exemple 951, 952).',
      value: (s.arrondissements || []).join(', '),
      inputmode: 'numeric',
      spellcheck: false
    });
    r.appendChild(col('fr-col-12 fr-col-md-8', arr.group));
    els.serviceIdentFields.appendChild(r);

    // Texts.
    clear(els.serviceTextGrid);
    els.serviceTextGrid.appendChild(langToggles(SERVICE_CTX, () => els.serviceForm));
    els.serviceTextGrid.appendChild(
      langGrid(SERVICE_CTX, SERVICE_TEXT_FIELDS, (lang, key) => (s[key] && s[key][lang]) || '', (lang, key) => key + '.' + lang, { name: 'service' })
    );

    // Address and contacts.
    clear(els.serviceContactFields);
    const address = s.address || {};
    const r2 = row();
    r2.appendChild(col('fr-col-12 fr-col-md-6', field(SERVICE_CTX, { path: 'address.street', label: 'Rue', value: address.street, autocomplete: 'off' }).group));
    r2.appendChild(col('fr-col-12 fr-col-md-2', field(SERVICE_CTX, { path: 'address.postcode', label: 'Code postal', value: address.postcode, inputmode: 'numeric' }).group));
    r2.appendChild(col('fr-col-12 fr-col-md-4', field(SERVICE_CTX, { path: 'address.city', label: 'Commune', value: address.city }).group));
    r2.appendChild(col('fr-col-12 fr-col-md-4', field(SERVICE_CTX, { path: 'phone', label: 'Téléphone', type: 'tel', value: s.phone }).group));
    r2.appendChild(col('fr-col-12 fr-col-md-8', field(SERVICE_CTX, { path: 'url', label: 'Page web du service', type: 'url', inputmode: 'url', hint: 'Commence par https://', value: s.url, spellcheck: false }).group));
    r2.appendChild(col('fr-col-12 fr-col-md-6', field(SERVICE_CTX, { path: 'contactUrl', label: 'Page de contact', type: 'url', inputmode: 'url', value: s.contactUrl, spellcheck: false }).group));
    r2.appendChild(col('fr-col-12 fr-col-md-6', field(SERVICE_CTX, { path: 'appointmentUrl', label: 'Prise de rendez-vous', type: 'url', inputmode: 'url', value: s.appointmentUrl, spellcheck: false }).group));
    els.serviceContactFields.appendChild(r2);

    renderWeek(els.serviceHoursFields, 'hours', s.hours, "Horaires d'ouverture");
    renderWeek(els.servicePhoneHoursFields, 'phoneHours', s.phoneHours, 'Accueil téléphonique');
    renderServiceSources(s.sources || []);
    applyLangVisibility(els.serviceForm);
    updateLangHeads(els.serviceForm);

    show(els.serviceForm, true);
    state.serviceForm.baseline = canonical(collectService());
    updateServiceDirty();
    runServiceCheck();
  }

  function renderWeek(box, key, hours, what) {
    clear(box);
    const week = hours || {};
    const r = row();
    WEEKDAYS.forEach(([day, label]) => {
      const f = field(SERVICE_CTX, {
        path: key + '.' + day,
        label: label,
        value: (week[day] || []).join(', '),
        placeholder: 'fermé',
        spellcheck: false
      });
      f.input.setAttribute('aria-label', what + ' du ' + label.toLowerCase() + ' (plages séparées par des virgules, vide si fermé)');
      r.appendChild(col('fr-col-12 fr-col-sm-6 fr-col-md-4 fr-col-xl-3', f.group));
    });
    box.appendChild(r);
  }

  function renderServiceSources(sources) {
    clear(els.serviceSourceList);
    sources.forEach((src, i) => {
      const base = 'sources.' + i;
      const fs = el('fieldset', 'fr-fieldset editor-subfieldset');
      fs.setAttribute('data-index', String(i));
      const legendId = fieldId(SERVICE_CTX, base) + '-legend';
      fs.setAttribute('aria-labelledby', legendId);
      const legend = el('legend', 'fr-fieldset__legend editor-subfieldset__legend', 'Source ' + (i + 1));
      legend.id = legendId;
      fs.appendChild(legend);
      const errorBox = el('div', 'editor-fieldset-error');
      errorBox.setAttribute('data-error-for', base);
      errorBox.hidden = true;
      fs.appendChild(errorBox);
      const r = row();
      r.appendChild(col('fr-col-12 fr-col-md-5', field(SERVICE_CTX, { path: base + '.url', label: 'Adresse', type: 'url', required: true, value: src.url, spellcheck: false }).group));
      r.appendChild(col('fr-col-12 fr-col-md-5', field(SERVICE_CTX, { path: base + '.title', label: 'Titre', required: true, value: src.title }).group));
      r.appendChild(col('fr-col-12 fr-col-md-2', field(SERVICE_CTX, { path: base + '.fiche', label: 'Fiche', hint: 'F1050…', value: src.fiche, spellcheck: false }).group));
      fs.appendChild(col('fr-fieldset__element', r));
      fs.appendChild(col('fr-fieldset__element', moveButtons('ssource', i, sources.length, 'la source ' + (i + 1))));
      els.serviceSourceList.appendChild(fs);
    });
  }

  function onServiceMove(button) {
    const [, index, action] = button.getAttribute('data-move').split(':');
    const i = Number(index);
    const service = collectService();
    const list = service.sources;
    let focusIndex = i;
    if (action === 'up' && i > 0) {
      list.splice(i - 1, 0, list.splice(i, 1)[0]);
      focusIndex = i - 1;
    } else if (action === 'down' && i < list.length - 1) {
      list.splice(i + 1, 0, list.splice(i, 1)[0]);
      focusIndex = i + 1;
    } else if (action === 'remove') {
      list.splice(i, 1);
      focusIndex = Math.min(i, list.length - 1);
    }
    renderServiceSources(list);
    state.serviceForm.touched.add('sources');
    const block = els.serviceSourceList.querySelector('[data-index="' + focusIndex + '"]');
    if (block) block.querySelector('input').focus();
    else els.serviceSourceAdd.focus();
    announce(action === 'remove' ? 'Source supprimée.' : 'Ordre modifié.');
    scheduleServiceCheck();
  }

  /** "9h-12h", "9:00 - 12:00" → "09:00-12:00"; anything else is kept for the check to explain. */
  function normaliseRange(text) {
    const r = String(text).trim().replace(/\s+/g, '').replace(/[–—]/g, '-');
    const time = '(\\d{1,2})(?:[h:](\\d{2})?)?';
    const m = new RegExp('^' + time + '-' + time + '$', 'i').exec(r);
    if (!m) return String(text).trim();
    const pad = (n) => (String(n).length < 2 ? '0' : '') + n;
    return pad(m[1]) + ':' + (m[2] || '00') + '-' + pad(m[3]) + ':' + (m[4] || '00');
  }

  function collectService() {
    const form = els.serviceForm;
    const v = (name) => formValue(form, name);
    const t = (name) => v(name).trim();
    const s = { id: state.service ? state.service.id : '' };
    s.reviewed = t('reviewed');
    s.kind = v('kind') || 'bureau';
    const site = t('site');
    if (site) s.site = site;
    const loc = (key, required) => {
      const o = {};
      let any = false;
      LANGS.forEach((lang) => {
        const value = t(key + '.' + lang);
        if (value) any = true;
        if (value || (required && REQUIRED.indexOf(lang) >= 0)) o[lang] = value;
      });
      return any || required ? o : undefined;
    };
    s.name = loc('name', true);
    s.description = loc('description', true);
    const street = t('address.street');
    const postcode = t('address.postcode');
    const city = t('address.city');
    if (street || postcode || city) s.address = { street: street, postcode: postcode, city: city };
    const arr = t('arrondissements')
      .split(/[\s,;]+/)
      .filter(Boolean);
    if (arr.length) s.arrondissements = arr;
    ['phone', 'url', 'contactUrl', 'appointmentUrl'].forEach((k) => {
      const value = t(k);
      if (value) s[k] = value;
    });
    const week = (key) => {
      const o = {};
      let any = false;
      WEEKDAYS.forEach(([day]) => {
        const ranges = v(key + '.' + day)
          .split(/[,;]+/)
          .map((x) => x.trim())
          .filter(Boolean)
          .map(normaliseRange);
        if (ranges.length) {
          o[day] = ranges;
          any = true;
        }
      });
      return any ? o : undefined;
    };
    const hours = week('hours');
    if (hours) s.hours = hours;
    const phoneHours = week('phoneHours');
    if (phoneHours) s.phoneHours = phoneHours;
    const note = loc('note', false);
    if (note) s.note = note;
    s.sources = Array.prototype.map.call(els.serviceSourceList.querySelectorAll(':scope > [data-index]'), (block) => {
      const base = 'sources.' + block.getAttribute('data-index');
      const src = { url: t(base + '.url'), title: t(base + '.title') };
      const fiche = t(base + '.fiche');
      if (fiche) src.fiche = fiche;
      return src;
    });
    return s;
  }

  function updateServiceDirty() {
    show(els.serviceDirty, serviceDirty());
  }

  function scheduleServiceCheck() {
    const fs = state.serviceForm;
    window.clearTimeout(fs.checkTimer);
    fs.checkSeq++;
    updateServiceDirty();
    updateLangHeads(els.serviceForm);
    fs.checkTimer = window.setTimeout(runServiceCheck, VALIDATE_DELAY_MS);
  }

  function runServiceCheck() {
    if (!state.service) return;
    const fs = state.serviceForm;
    const seq = ++fs.checkSeq;
    api('POST', '/validate', { type: 'service', data: collectService() })
      .then((answer) => {
        if (fs !== state.serviceForm || seq !== fs.checkSeq) return;
        fs.problems = tidyProblems(answer.problems);
        showServiceProblems(false);
      })
      .catch(() => undefined);
  }

  function showServiceProblems(focus) {
    const fs = state.serviceForm;
    const file = 'services/' + state.service.id + '.yaml';
    const unplaced = applyProblems(SERVICE_CTX, file);
    if (!els.serviceProblems.hidden || focus) {
      const all = fs.problems.filter((p) => fs.showAll || problemVisible(fs, String(p.field || '-')));
      renderProblemSummary(SERVICE_CTX, els.serviceProblems, els.serviceProblemsTitle, els.serviceProblemsList, all, file, 'Le service n’a pas été enregistré : ' + plural(all.length, 'problème', 'problèmes') + ' à corriger');
    } else if (unplaced.length) {
      renderProblemSummary(SERVICE_CTX, els.serviceProblems, els.serviceProblemsTitle, els.serviceProblemsList, unplaced, file, 'À corriger');
    }
    if (focus && !els.serviceProblems.hidden) els.serviceProblemsTitle.focus();
  }

  function saveService(event) {
    if (event) event.preventDefault();
    if (!state.service || state.busy) return;
    const svc = state.service;
    const fs = state.serviceForm;
    const service = collectService();
    if (canonical(service) === fs.baseline) {
      announce('Aucune modification à enregistrer.');
      return;
    }
    state.busy = true;
    els.serviceSave.setAttribute('aria-disabled', 'true');
    show(els.serviceConflict, false);
    clearError();
    api('PUT', '/services/' + encodeURIComponent(svc.id), { service: service, version: svc.version })
      .then(() => {
        announce('Service enregistré dans le brouillon. Les usagers verront ces informations après la publication.');
        show(els.serviceProblems, false);
        return Promise.all([loadService(svc.id, false), loadServices(), loadEntries()]).then(() => els.serviceSave.focus());
      })
      .catch((err) => {
        if (err && (err.stale || err.signedOut)) return;
        if (err && err.code === 'Conflict') {
          const c = err.body.current || {};
          const who = c.updatedBy && c.updatedBy.name;
          setText(
            els.serviceConflictText,
            (who
              ? who + ' a enregistré une autre version de ce service' + (c.updatedAt ? ' le ' + formatDateTime(c.updatedAt) : '') + ', pendant que vous le modifiiez. '
              : 'Ce service a changé pendant que vous le modifiiez (une nouvelle version a été publiée). ') +
              'Vos modifications n’ont pas été enregistrées et rien n’a été écrasé. Chargez la version enregistrée pour repartir d’elle, ou gardez vos modifications à l’écran pour les reporter ensuite.'
          );
          show(els.serviceConflict, true);
          els.serviceConflictTitle.focus();
          return;
        }
        if (err && err.code === 'Invalid' && Array.isArray(err.body.problems)) {
          fs.problems = tidyProblems(err.body.problems);
          fs.showAll = true;
          showServiceProblems(true);
          return;
        }
        reportError(err, 'Le service n’a pas été enregistré.');
      })
      .then(() => {
        state.busy = false;
        els.serviceSave.removeAttribute('aria-disabled');
      });
  }

  function revertService() {
    if (!state.service) return;
    if (!serviceDirty()) {
      announce('Aucune modification à annuler.');
      return;
    }
    confirmDialog({ title: 'Annuler vos modifications ?', text: 'Le service revient à sa version enregistrée dans le brouillon.', ok: 'Annuler mes modifications' }).then((ok) => {
      if (!ok) return;
      renderServiceForm(state.service.loaded);
      announce('Modifications annulées.');
      els.serviceTitle.focus();
    });
  }

  function addServiceSource() {
    if (!state.service) return;
    const service = collectService();
    service.sources.push({ url: '', title: '' });
    renderServiceSources(service.sources);
    state.serviceForm.touched.add('sources.' + (service.sources.length - 1));
    const block = els.serviceSourceList.querySelector('[data-index="' + (service.sources.length - 1) + '"]');
    if (block) block.querySelector('input').focus();
    scheduleServiceCheck();
  }

  // ---- Try a question ----

  function setInlineError(group, input, errorNode, message) {
    setText(errorNode, message || '');
    show(errorNode, !!message);
    group.classList.toggle('fr-input-group--error', !!message);
    input.classList.toggle('fr-input--error', !!message);
    const base = (input.getAttribute('data-describedby') || input.getAttribute('aria-describedby') || '')
      .split(/\s+/)
      .filter((id) => id && id !== errorNode.id);
    if (!input.hasAttribute('data-describedby')) input.setAttribute('data-describedby', base.join(' '));
    if (message) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', base.concat([errorNode.id]).join(' '));
    } else {
      input.removeAttribute('aria-invalid');
      if (base.length) input.setAttribute('aria-describedby', base.join(' '));
      else input.removeAttribute('aria-describedby');
    }
  }

  function submitTry(event) {
    event.preventDefault();
    const text = els.tryText.value.trim();
    if (!text) {
      setInlineError(els.tryTextGroup, els.tryText, els.tryTextError, 'Écrivez une question.');
      els.tryText.focus();
      return;
    }
    setInlineError(els.tryTextGroup, els.tryText, els.tryTextError, undefined);
    const body = { text: text };
    if (els.tryLang.value) body.lang = els.tryLang.value;
    els.trySubmit.setAttribute('aria-disabled', 'true');
    els.tryResults.setAttribute('aria-busy', 'true');
    api('POST', '/try', body)
      .then((answer) => {
        renderRanking(els.tryDraft, answer.draft, answer.published);
        renderRanking(els.tryPublished, answer.published, answer.draft);
        show(els.tryResults, true);
        const same = canonical(answer.draft) === canonical(answer.published);
        announce(same ? 'Même réponse avec le brouillon et avec la version publiée.' : 'La réponse change avec le brouillon.');
      })
      .catch((err) => {
        if (err && err.code === 'Invalid') {
          setInlineError(els.tryTextGroup, els.tryText, els.tryTextError, 'Le brouillon contient des erreurs : corrigez-les (partie « Fiches ») avant d’essayer.');
          return;
        }
        reportError(err, 'La question n’a pas pu être essayée.');
      })
      .then(() => {
        els.trySubmit.removeAttribute('aria-disabled');
        els.tryResults.removeAttribute('aria-busy');
      });
  }

  function renderRanking(box, ranking, other) {
    clear(box);
    const r = ranking || { decision: 'fallback', results: [] };
    const decision = el('p', 'fr-text--sm fr-mb-1w editor-decision');
    decision.appendChild(el('strong', '', 'Décision : '));
    decision.appendChild(document.createTextNode(DECISIONS[r.decision] || r.decision));
    box.appendChild(decision);
    const results = r.results || [];
    if (!results.length) {
      box.appendChild(el('p', 'fr-text--sm editor-muted', 'Aucune fiche trouvée.'));
      return;
    }
    const otherTop = other && other.results && other.results[0] ? other.results[0].id : undefined;
    const ol = el('ol', 'editor-ranking__list');
    results.forEach((res, i) => {
      const li = el('li', 'editor-ranking__item');
      const title = el('span', 'editor-ranking__title', res.title || res.id);
      li.appendChild(title);
      li.appendChild(document.createTextNode(' '));
      li.appendChild(el('span', 'editor-ranking__id', '(' + res.id + ')'));
      li.appendChild(el('span', 'editor-ranking__score', ' — score ' + score(res.score)));
      if (i === 0 && otherTop !== undefined && otherTop !== res.id) {
        li.appendChild(document.createTextNode(' '));
        li.appendChild(badge('première réponse différente', 'fr-badge--info'));
      }
      ol.appendChild(li);
    });
    box.appendChild(ol);
  }

  // ---- The draft ----

  function loadDraft() {
    return api('GET', '/draft').then((answer) => {
      const changes = Array.isArray(answer.changes) ? answer.changes : [];
      state.draftChanges = changes.length;
      state.publishedRevision = answer.base !== undefined ? answer.base : state.publishedRevision;
      renderDraftSummary();
      setText(
        els.draftBase,
        changes.length
          ? 'Le brouillon part de la révision ' + answer.base + ' (celle en service) et contient ' + plural(changes.length, 'fichier changé', 'fichiers changés') + ' :'
          : 'Le brouillon ne contient aucun changement par rapport à la révision ' + answer.base + ' (celle en service).'
      );
      clear(els.draftChanges);
      changes.forEach((c) => {
        const tr = el('tr');
        const file = el('td');
        const entryId = entryIdOfPath(c.path);
        const serviceId = c.change === 'retired' ? undefined : serviceIdOfPath(c.path);
        if (entryId || serviceId) {
          // Opens the entry (retired ones too: they can be restored) or the service.
          const open = el('button', 'fr-link editor-linkbtn', c.path);
          open.type = 'button';
          open.addEventListener('click', () => {
            switchView(entryId ? 'entries' : 'services', false);
            if (entryId) openEntry(entryId);
            else openService(serviceId);
          });
          file.appendChild(open);
        } else {
          file.textContent = c.path;
        }
        tr.appendChild(file);
        tr.appendChild(el('td', '', FILE_CHANGES[c.change] || c.change));
        tr.appendChild(el('td', '', (c.by && c.by.name) || '—'));
        tr.appendChild(el('td', '', c.at ? formatDateTime(c.at) : '—'));
        els.draftChanges.appendChild(tr);
      });
      show(els.draftTableWrap, changes.length > 0);
      show(els.draftDiscard, changes.length > 0);
    });
  }

  function discardDraft() {
    confirmDialog({
      title: 'Abandonner tout le brouillon ?',
      text: 'Tous les changements enregistrés dans le brouillon depuis la dernière publication, par vous et par les autres rédacteurs, seront perdus. Les usagers continuent de voir la version publiée.',
      ok: 'Abandonner le brouillon'
    }).then((ok) => {
      if (!ok) return;
      api('POST', '/draft/discard', {})
        .then(() => {
          announce('Le brouillon a été abandonné.');
          els.draftTitle.focus();
          return Promise.all([loadDraft(), loadEntries(), refreshOpenEntry(), refreshOpenService()]);
        })
        .catch((err) => reportError(err, 'Le brouillon n’a pas été abandonné.'));
    });
  }

  // ---- Regression check ----

  function runRegression() {
    if (els.regressionRun.getAttribute('aria-disabled') === 'true') return;
    els.regressionRun.setAttribute('aria-disabled', 'true');
    setText(els.regressionStatus, 'Vérification en cours : toutes les questions de test passent avec le brouillon et avec la version publiée…');
    show(els.publishWorse, false);
    api('POST', '/regression', {})
      .then((report) => {
        state.lastRegression = report;
        renderRegression(report);
        setText(els.regressionStatus, '');
        els.regressionResults.focus();
      })
      .catch((err) => {
        if (err && (err.stale || err.signedOut)) return;
        if (err && err.code === 'Invalid') {
          setText(els.regressionStatus, 'La vérification est impossible : le brouillon contient des erreurs. ' + problemsText(err.body.problems));
          return;
        }
        setText(els.regressionStatus, 'La vérification n’a pas abouti : ' + errorMessage(err));
      })
      .then(() => els.regressionRun.removeAttribute('aria-disabled'));
  }

  function problemsText(problems) {
    return (problems || [])
      .slice(0, 5)
      .map((p) => (p.file ? p.file + ' — ' : '') + fieldLabel(p.field) + ' : ' + frMessage(p.message))
      .join(' ; ');
  }

  function renderRegression(report) {
    const figures = report.figures || {};
    const pub = figures.published || {};
    const draft = figures.draft || {};
    clear(els.regressionFigures);
    setText(byId('regression-results-title'), 'Résultats sur ' + plural(report.total || 0, 'question de test', 'questions de test'));
    const wrap = el('div', 'fr-table fr-table--sm fr-table--no-caption editor-table editor-figures');
    const inner = el('div', 'fr-table__wrapper');
    const container = el('div', 'fr-table__container');
    const content = el('div', 'fr-table__content');
    const table = el('table');
    table.appendChild(el('caption', '', 'Mesures de la version publiée et du brouillon sur ' + plural(report.total || 0, 'question de test', 'questions de test')));
    const thead = el('thead');
    const htr = el('tr');
    ['Mesure', 'Version publiée', 'Brouillon', 'Écart'].forEach((h) => {
      const th = el('th', '', h);
      th.scope = 'col';
      htr.appendChild(th);
    });
    thead.appendChild(htr);
    table.appendChild(thead);
    const tbody = el('tbody');
    [
      ['resolved', 'Questions bien traitées', true],
      ['top1', 'Bonne fiche en premier', true],
      ['confidentlyWrong', 'Réponses sûres mais fausses', false]
    ].forEach(([key, label, higherIsBetter]) => {
      const tr = el('tr');
      const th = el('th', '', label);
      th.scope = 'row';
      tr.appendChild(th);
      tr.appendChild(el('td', '', percent(pub[key])));
      tr.appendChild(el('td', '', percent(draft[key])));
      const delta = typeof pub[key] === 'number' && typeof draft[key] === 'number' ? draft[key] - pub[key] : undefined;
      const td = el('td');
      if (delta === undefined || Math.abs(delta) < 1e-9) td.textContent = 'inchangé';
      else {
        const better = higherIsBetter ? delta > 0 : delta < 0;
        td.appendChild(badge(points(delta), better ? 'fr-badge--success' : 'fr-badge--error'));
        td.appendChild(el('span', 'fr-sr-only', better ? ' (mieux)' : ' (moins bien)'));
      }
      tr.appendChild(td);
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    content.appendChild(table);
    container.appendChild(content);
    inner.appendChild(container);
    wrap.appendChild(inner);
    els.regressionFigures.appendChild(wrap);

    const changed = Array.isArray(report.changed) ? report.changed : [];
    const counts = { better: 0, worse: 0, different: 0 };
    changed.forEach((c) => {
      counts[c.change] = (counts[c.change] || 0) + 1;
    });
    setText(
      els.regressionSummary,
      changed.length
        ? plural(changed.length, 'question change', 'questions changent') + ' de réponse : ' + counts.worse + ' moins bien, ' + counts.better + ' mieux, ' + counts.different + ' différemment (ni mieux ni moins bien).'
        : 'Aucune question de test ne change de réponse avec le brouillon.'
    );
    clear(els.regressionChanges);
    changed.forEach((c) => {
      const tr = el('tr', 'editor-change editor-change--' + c.change);
      const ch = CHANGES[c.change] || { label: c.change, cls: '' };
      const tdChange = el('td');
      tdChange.appendChild(badge(ch.label, ch.cls));
      tr.appendChild(tdChange);
      const q = el('td', 'editor-change__question', c.text);
      q.setAttribute('dir', 'auto');
      if (c.lang) q.lang = c.lang;
      tr.appendChild(q);
      tr.appendChild(el('td', '', expectText(c.expect)));
      tr.appendChild(outcomeCell(c.published));
      tr.appendChild(outcomeCell(c.draft));
      tr.appendChild(el('td', 'fr-text--xs', c.set || ''));
      els.regressionChanges.appendChild(tr);
    });
    show(els.regressionTableWrap, changed.length > 0);
    show(els.regressionResults, true);
    if (counts.worse > 0) {
      setText(els.publishWorseText, plural(counts.worse, 'question de test reçoit', 'questions de test reçoivent') + ' une moins bonne réponse avec le brouillon : vérifiez-les (tableau ci-dessus) avant de publier.');
      show(els.publishWorse, true);
    }
  }

  function expectText(expect) {
    if (expect === null || expect === undefined) return 'aucune fiche (hors sujet)';
    if (expect === 'handoff') return 'parler à un agent';
    if (expect === 'smalltalk') return 'politesse';
    const title = entryTitleOf(expect);
    return title ? title + ' (' + expect + ')' : expect;
  }

  function outcomeCell(o) {
    const td = el('td');
    if (!o) return td;
    td.appendChild(badge(o.ok ? 'juste' : 'faux', o.ok ? 'fr-badge--success' : 'fr-badge--error'));
    td.appendChild(document.createTextNode(' ' + (DECISIONS[o.decision] || o.decision)));
    if (o.top) {
      const title = entryTitleOf(o.top);
      const name = title ? title + ' (' + o.top + ')' : o.top;
      const answered = o.decision === 'answer' || o.decision === 'clarify';
      td.appendChild(el('span', 'editor-change__top', answered ? ' : ' + name : ' (fiche la plus proche : ' + name + ')'));
    }
    return td;
  }

  // ---- Publish ----

  function submitPublish(event) {
    event.preventDefault();
    const message = els.publishMessage.value.trim();
    show(els.publishResult, false);
    if (!message) {
      setInlineError(els.publishMessageGroup, els.publishMessage, els.publishMessageError, 'Dites en quelques mots pourquoi vous publiez : ce message reste dans l’historique.');
      els.publishMessage.focus();
      return;
    }
    setInlineError(els.publishMessageGroup, els.publishMessage, els.publishMessageError, undefined);
    if (els.publishSubmit.getAttribute('aria-disabled') === 'true') return;
    els.publishSubmit.setAttribute('aria-disabled', 'true');
    api('POST', '/publish', { message: message })
      .then((answer) => {
        const r = answer.revision || {};
        showPublishResult('done', 'Révision ' + r.id + ' publiée' + (r.changes !== undefined ? ' (' + plural(r.changes, 'changement', 'changements') + ')' : '') + ' : l’assistant répond maintenant avec cette version. Elle est gardée dans l’historique.');
        els.publishMessage.value = '';
        show(els.publishWorse, false);
        state.lastRegression = undefined;
        show(els.regressionResults, false);
        return Promise.all([loadDraft(), loadEntries(), refreshOpenEntry(), refreshOpenService()]);
      })
      .catch((err) => {
        if (err && (err.stale || err.signedOut)) return;
        if (err && err.code === 'NoChange') {
          showPublishResult('nochange');
          return;
        }
        if (err && err.code === 'MessageRequired') {
          setInlineError(els.publishMessageGroup, els.publishMessage, els.publishMessageError, 'Dites en quelques mots pourquoi vous publiez.');
          els.publishMessage.focus();
          return;
        }
        if (err && err.code === 'Invalid') {
          showPublishResult('problems', 'Le brouillon contient des erreurs : rien n’a été publié. Corrigez-les puis publiez de nouveau.', err.body.problems || []);
          return;
        }
        if (err && err.code === 'Conflict') {
          showPublishResult('problems', 'Une autre publication a eu lieu pendant ce temps : rien n’a été publié. Vérifiez le brouillon puis publiez de nouveau.', []);
          loadDraft().catch(() => undefined);
          return;
        }
        showPublishResult('problems', 'La publication n’a pas abouti : ' + errorMessage(err), []);
      })
      .then(() => els.publishSubmit.removeAttribute('aria-disabled'));
  }

  function showPublishResult(kind, text, problems) {
    show(els.publishDone, kind === 'done');
    show(els.publishNoChange, kind === 'nochange');
    show(els.publishProblems, kind === 'problems');
    if (kind === 'done') setText(els.publishDoneText, text);
    if (kind === 'problems') {
      setText(els.publishProblemsText, text);
      clear(els.publishProblemsList);
      (problems || []).forEach((p) => {
        const li = el('li');
        const entryId = entryIdOfPath(p.file);
        const label = (p.file ? p.file + ' — ' : '') + fieldLabel(p.field) + ' : ' + frMessage(p.message);
        if (entryId) {
          const open = el('button', 'fr-link editor-linkbtn', label);
          open.type = 'button';
          open.addEventListener('click', () => {
            switchView('entries', false);
            openEntry(entryId);
          });
          li.appendChild(open);
        } else li.textContent = label;
        els.publishProblemsList.appendChild(li);
      });
    }
    show(els.publishResult, true);
    const focus = kind === 'done' ? els.publishDoneText : kind === 'nochange' ? els.publishNoChangeText : els.publishProblemsTitle;
    focus.focus();
  }

  // ---- History ----

  function loadRevisions() {
    return api('GET', '/revisions').then((answer) => {
      state.revisions = Array.isArray(answer.revisions) ? answer.revisions : [];
      renderRevisions();
    });
  }

  function renderRevisions() {
    clear(els.historyList);
    show(els.revisionEmpty, state.revisions.length === 0);
    const latest = state.revisions[0] && state.revisions[0].id;
    state.revisions.forEach((r) => {
      const li = el('li', 'editor-item editor-revision');
      li.setAttribute('data-revision-id', String(r.id));
      const button = el('button', 'editor-item__btn');
      button.type = 'button';
      button.setAttribute('aria-controls', 'history-diff');
      const title = el('span', 'editor-item__title', 'Révision ' + r.id + (r.id === latest ? ' (en service)' : ''));
      button.appendChild(title);
      button.appendChild(el('span', 'editor-item__meta', formatDateTime(r.createdAt) + ' · ' + ((r.author && r.author.name) || '—')));
      const message = el('span', 'editor-item__message', r.message || '');
      message.setAttribute('dir', 'auto');
      button.appendChild(message);
      const badges = el('span', 'editor-item__badges');
      badges.appendChild(badge(plural(r.changes || 0, 'changement', 'changements'), 'fr-badge--info'));
      if (r.restoredFrom) badges.appendChild(badge('retour à la révision ' + r.restoredFrom, 'fr-badge--warning'));
      button.appendChild(badges);
      button.addEventListener('click', () => selectRevision(r.id));
      li.appendChild(button);
      if (state.selectedRevision === r.id) {
        li.classList.add('editor-item--selected');
        li.setAttribute('aria-current', 'true');
      }
      els.historyList.appendChild(li);
    });
  }

  function showRevisionDiff(visible) {
    show(els.revisionDiffBody, visible);
    show(els.revisionDiffEmpty, !visible);
    if (!visible) setText(els.revisionDiffTitle, 'Changements');
  }

  function selectRevision(id) {
    state.selectedRevision = id;
    renderRevisions();
    const r = state.revisions.find((x) => x.id === id) || { id: id };
    setText(els.revisionDiffTitle, 'Changements de la révision ' + id);
    els.historyDiff.setAttribute('aria-busy', 'true');
    return api('GET', '/revisions/' + encodeURIComponent(id) + '/diff')
      .then((diff) => {
        if (state.selectedRevision !== id) return;
        renderDiff(r, diff);
        showRevisionDiff(true);
        els.revisionDiffTitle.focus();
      })
      .catch((err) => reportError(err, 'Les changements de la révision ' + id + ' n’ont pas pu être chargés.'))
      .then(() => els.historyDiff.removeAttribute('aria-busy'));
  }

  function renderDiff(r, diff) {
    const latest = state.revisions[0] && state.revisions[0].id;
    const meta = [];
    meta.push('Publiée le ' + formatDateTime(r.createdAt) + ' par ' + ((r.author && r.author.name) || '—') + '.');
    if (r.message) meta.push('Message : « ' + r.message + ' ».');
    if (r.restoredFrom) meta.push('Retour au contenu de la révision ' + r.restoredFrom + '.');
    meta.push(diff.parent ? 'Comparée à la révision ' + diff.parent + '.' : 'Première révision : tout est nouveau.');
    setText(els.revisionDiffMeta, meta.join(' '));
    const current = r.id === latest;
    els.historyRestore.hidden = current;
    setText(els.historyRestore, 'Restaurer cette version (révision ' + r.id + ')');
    els.revisionExport.setAttribute('data-revision', String(r.id));
    clear(els.revisionDiffFiles);
    if (current) els.revisionDiffFiles.appendChild(el('p', 'fr-text--sm editor-muted', 'C’est la version en service : il n’y a rien à restaurer.'));
    const files = Array.isArray(diff.files) ? diff.files : [];
    if (!files.length) els.revisionDiffFiles.appendChild(el('p', 'fr-text--sm', 'Aucun fichier ne change dans cette révision.'));
    files.forEach((f, index) => {
      const section = el('section', 'editor-diff__file');
      const headingId = 'diff-file-' + index;
      section.setAttribute('aria-labelledby', headingId);
      const h = el('h4', 'fr-text--md fr-text--bold fr-mb-1w editor-diff__path');
      h.id = headingId;
      const entryId = entryIdOfPath(f.path);
      const title = entryId ? entryTitleOf(entryId) : undefined;
      h.appendChild(document.createTextNode((title ? title + ' — ' : '') + f.path + ' '));
      h.appendChild(badge(FILE_CHANGES[f.change] || f.change, f.change === 'added' ? 'fr-badge--success' : f.change === 'removed' ? 'fr-badge--error' : 'fr-badge--info'));
      section.appendChild(h);
      const fields = Array.isArray(f.fields) ? f.fields : [];
      if (!fields.length) {
        section.appendChild(el('p', 'fr-text--sm editor-muted', f.change === 'added' ? 'Nouveau fichier.' : f.change === 'removed' ? 'Fichier retiré.' : 'Aucun champ modifié.'));
      } else {
        const wrap = el('div', 'fr-table fr-table--sm fr-table--no-caption editor-table editor-diff__table');
        const w1 = el('div', 'fr-table__wrapper');
        const w2 = el('div', 'fr-table__container');
        const w3 = el('div', 'fr-table__content');
        const table = el('table');
        table.appendChild(el('caption', 'fr-sr-only', 'Champs changés dans ' + f.path));
        const cols = el('colgroup');
        ['editor-diff__col-field', 'editor-diff__col-before', 'editor-diff__col-after'].forEach((c) => cols.appendChild(el('col', c)));
        table.appendChild(cols);
        const thead = el('thead');
        const tr = el('tr');
        ['Champ', 'Avant', 'Après'].forEach((t) => {
          const th = el('th', '', t);
          th.scope = 'col';
          tr.appendChild(th);
        });
        thead.appendChild(tr);
        table.appendChild(thead);
        const tbody = el('tbody');
        fields.forEach((c) => {
          const row_ = el('tr');
          const th = el('th', 'editor-diff__field');
          th.scope = 'row';
          th.appendChild(el('span', '', fieldLabel(c.field)));
          th.appendChild(el('code', 'editor-diff__code', c.field));
          row_.appendChild(th);
          const before = el('td', 'editor-diff__before');
          before.appendChild(valueNode(c.before));
          const after = el('td', 'editor-diff__after');
          after.appendChild(valueNode(c.after));
          row_.appendChild(before);
          row_.appendChild(after);
          tbody.appendChild(row_);
        });
        table.appendChild(tbody);
        w3.appendChild(table);
        w2.appendChild(w3);
        w1.appendChild(w2);
        wrap.appendChild(w1);
        section.appendChild(wrap);
      }
      els.revisionDiffFiles.appendChild(section);
    });
  }

  function restoreRevision() {
    const id = state.selectedRevision;
    if (!id) return;
    confirmDialog({
      title: 'Restaurer la révision ' + id + ' ?',
      text: 'Son contenu est publié aussitôt comme une nouvelle révision : l’assistant répond de nouveau avec cette version. Les révisions suivantes restent dans l’historique ; le brouillon en cours est conservé.',
      ok: 'Restaurer et publier',
      input: { label: 'Pourquoi revenir à cette version ? (pour l’historique)', value: 'Retour à la révision ' + id, required: true }
    }).then((message) => {
      if (!message) return;
      api('POST', '/revisions/' + encodeURIComponent(id) + '/restore', { message: message })
        .then((answer) => {
          const r = answer.revision || {};
          announce('La révision ' + id + ' est de nouveau en service (nouvelle révision ' + r.id + ').');
          return Promise.all([loadRevisions(), loadEntries(), refreshOpenEntry(), refreshOpenService()]).then(() => selectRevision(r.id));
        })
        .catch((err) => {
          if (err && err.code === 'NoChange') {
            showError('La révision ' + id + ' est déjà ce qui est publié : rien à restaurer.');
            return;
          }
          reportError(err, 'La révision ' + id + ' n’a pas été restaurée.');
        });
    });
  }

  /** Downloads a revision's files (fetched with the session, saved as a .tar). */
  function exportRevision(id) {
    const query = id ? '?revision=' + encodeURIComponent(id) : '';
    request('GET', '/export' + query, undefined, { accept: 'application/x-tar' })
      .then((res) => {
        if (!res.ok) return res.json().then((json) => Promise.reject(new ApiError(res.status, json)), () => Promise.reject(new ApiError(res.status, {})));
        const disposition = res.headers.get('content-disposition') || '';
        const m = /filename="?([^";]+)"?/.exec(disposition);
        const name = m ? m[1] : 'fiches' + (id ? '-revision-' + id : '') + '.tar';
        return res.blob().then((blob) => {
          const url = URL.createObjectURL(blob);
          const a = document.createElement('a');
          a.href = url;
          a.download = name;
          a.hidden = true;
          document.body.appendChild(a);
          a.click();
          document.body.removeChild(a);
          window.setTimeout(() => URL.revokeObjectURL(url), 60000);
          announce('Téléchargement de ' + name + '.');
        });
      })
      .catch((err) => reportError(err, 'L’export n’a pas abouti.'));
  }

  // ---- Unanswered questions ----

  function loadUnanswered(render) {
    return api('GET', '/unanswered').then((answer) => {
      state.groups = Array.isArray(answer.groups) ? answer.groups : [];
      const total = state.groups.length;
      setText(els.unansweredCount, String(total));
      els.unansweredCount.setAttribute('title', plural(total, 'groupe de questions', 'groupes de questions'));
      show(els.unansweredCount, total > 0);
      if (render || state.view === 'unanswered') renderGroups();
    });
  }

  function renderGroups() {
    clear(els.unansweredList);
    show(els.unansweredEmpty, state.groups.length === 0);
    state.groups.forEach((g, index) => {
      const li = el('li', 'editor-group');
      li.setAttribute('data-group-key', g.key);
      const headingId = 'group-title-' + index;
      const h = el('h3', 'fr-text--md fr-text--bold fr-mb-1w editor-group__title');
      h.id = headingId;
      h.tabIndex = -1;
      const first = (g.texts && g.texts[0]) || g.key;
      const quote = el('span', '', '« ' + first + ' »');
      quote.setAttribute('dir', 'auto');
      h.appendChild(quote);
      h.appendChild(document.createTextNode(' '));
      h.appendChild(badge(plural(g.count || 0, 'question', 'questions'), 'fr-badge--info'));
      li.appendChild(h);
      const meta = [];
      if (g.langs && g.langs.length) meta.push('Langues : ' + g.langs.map((l) => langName(String(l).split('-')[0])).join(', '));
      if (g.lastAt) meta.push('Dernière le ' + formatDateTime(g.lastAt));
      li.appendChild(el('p', 'fr-text--xs editor-muted fr-mb-1w', meta.join(' · ')));
      if (g.texts && g.texts.length > 1) {
        const p = el('p', 'fr-text--sm fr-mb-0', 'Exemples :');
        li.appendChild(p);
        const ul = el('ul', 'editor-group__texts fr-text--sm');
        g.texts.forEach((t) => {
          const item = el('li', '', t);
          item.setAttribute('dir', 'auto');
          ul.appendChild(item);
        });
        li.appendChild(ul);
      }
      const suggestion = el('p', 'fr-text--sm fr-mb-1w');
      if (g.suggestion) {
        suggestion.appendChild(document.createTextNode('Fiche la plus proche : '));
        suggestion.appendChild(el('strong', '', g.suggestion.title || g.suggestion.id));
        suggestion.appendChild(document.createTextNode(' (' + g.suggestion.id + ')'));
      } else {
        suggestion.textContent = 'Aucune fiche proche.';
      }
      li.appendChild(suggestion);
      if (g.words && g.words.length) li.appendChild(el('p', 'fr-text--xs editor-muted fr-mb-1w', 'Mots proposés : ' + g.words.join(', ')));
      const actions = el('div', 'editor-block-actions');
      const add = smallButton('Ajouter ces mots à la fiche…', 'fr-icon-add-line', 'fr-btn--secondary');
      add.setAttribute('data-action', 'add-words');
      add.setAttribute('aria-describedby', headingId);
      add.addEventListener('click', () => openWordsDialog(g, add));
      const dismiss = smallButton('Pas pour nous', 'fr-icon-close-line', 'fr-btn--tertiary');
      dismiss.setAttribute('data-action', 'dismiss');
      dismiss.setAttribute('aria-describedby', headingId);
      dismiss.addEventListener('click', () => dismissGroup(g));
      actions.appendChild(add);
      actions.appendChild(dismiss);
      li.appendChild(actions);
      els.unansweredList.appendChild(li);
    });
  }

  /** After a group is handled: it leaves the list, the focus goes to the next one. */
  function removeGroup(g) {
    const index = state.groups.indexOf(g);
    state.groups = state.groups.filter((x) => x !== g);
    setText(els.unansweredCount, String(state.groups.length));
    show(els.unansweredCount, state.groups.length > 0);
    renderGroups();
    const next = els.unansweredList.children[Math.min(index, state.groups.length - 1)];
    if (next) next.querySelector('.editor-group__title').focus();
    else els.unansweredTitle.focus();
  }

  function dismissGroup(g) {
    api('POST', '/unanswered/dismiss', { ids: g.ids || [] })
      .then(() => {
        announce(plural(g.count || (g.ids || []).length, 'question écartée', 'questions écartées') + ' (pas pour la préfecture).');
        removeGroup(g);
      })
      .catch((err) => reportError(err, 'Les questions n’ont pas été écartées.'));
  }

  function openWordsDialog(g, opener) {
    const d = els.wordsDialog;
    state.wordsGroup = g;
    state.wordsOpener = opener;
    els.wordsEntry.value = g.suggestion ? g.suggestion.id : '';
    const lang = String((g.langs && g.langs[0]) || 'fr').split('-')[0];
    els.wordsLang.value = LANGS.indexOf(lang) >= 0 ? lang : 'fr';
    els.wordsText.value = (g.words && g.words.length ? g.words : g.texts || []).join('\n');
    els.wordsText.lang = els.wordsLang.value;
    setInlineError(els.wordsEntryGroup, els.wordsEntry, els.wordsEntryError, undefined);
    setInlineError(els.wordsTextGroup, els.wordsText, els.wordsTextError, undefined);
    show(els.wordsError, false);
    setText(els.wordsDialogTitle, 'Ajouter les mots de « ' + ((g.texts && g.texts[0]) || g.key) + ' » à une fiche');
    d.showModal();
    els.wordsEntry.focus();
  }

  function closeWordsDialog() {
    els.wordsDialog.close();
  }

  function submitWords(event) {
    event.preventDefault();
    const g = state.wordsGroup;
    if (!g) return;
    const entryId = els.wordsEntry.value.trim();
    const words = lines(els.wordsText.value);
    let bad = false;
    setInlineError(els.wordsEntryGroup, els.wordsEntry, els.wordsEntryError, entryId ? undefined : 'Indiquez la fiche qui répond à ces questions.');
    setInlineError(els.wordsTextGroup, els.wordsText, els.wordsTextError, words.length ? undefined : 'Gardez au moins un mot ou une expression, un par ligne.');
    if (!entryId) {
      els.wordsEntry.focus();
      bad = true;
    } else if (!words.length) {
      els.wordsText.focus();
      bad = true;
    }
    if (bad) return;
    show(els.wordsError, false);
    els.wordsSubmit.setAttribute('aria-disabled', 'true');
    api('POST', '/unanswered/add-words', { ids: g.ids || [], entryId: entryId, lang: els.wordsLang.value, words: words })
      .then(() => {
        closeWordsDialog();
        announce(plural(words.length, 'mot ajouté', 'mots ajoutés') + ' à la fiche « ' + entryId + ' » dans le brouillon (à publier).');
        removeGroup(g);
        loadEntries().catch(() => undefined);
        if (state.entry && state.entry.id === entryId) refreshOpenEntry().catch(() => undefined);
      })
      .catch((err) => {
        if (err && (err.stale || err.signedOut)) return;
        if (err && err.code === 'NotFound') {
          setInlineError(els.wordsEntryGroup, els.wordsEntry, els.wordsEntryError, "Cette fiche n'existe pas (ou elle est retirée). Choisissez-en une dans la liste.");
          els.wordsEntry.focus();
          return;
        }
        let text = errorMessage(err);
        if (err && err.code === 'Invalid' && Array.isArray(err.body.problems)) text = 'Ces mots ne peuvent pas être ajoutés : ' + problemsText(err.body.problems);
        if (err && err.code === 'Conflict') text = 'La fiche a été modifiée pendant ce temps : réessayez.';
        if (err && err.code === 'BadArgument') text = 'Indiquez la fiche, la langue et au moins un mot de deux lettres ou plus.';
        setText(els.wordsErrorText, text);
        show(els.wordsError, true);
      })
      .then(() => els.wordsSubmit.removeAttribute('aria-disabled'));
  }

  // ---- Confirmation dialog ----

  /**
   * Asks for a confirmation (and optionally a text). Resolves false when cancelled, the text
   * when asked for one, true otherwise. Native <dialog>: the focus stays inside, Escape
   * cancels; the focus goes back to where it was.
   */
  function confirmDialog(options) {
    return new Promise((resolve) => {
      const d = els.confirmDialog;
      const opener = document.activeElement;
      const input = options.input;
      setText(els.confirmDialogTitle, options.title || '');
      setText(els.confirmDialogText, options.text || '');
      setText(els.confirmDialogOk, options.ok || 'Confirmer');
      show(els.confirmDialogInputGroup, !!input);
      setInlineError(els.confirmDialogInputGroup, els.confirmDialogInput, els.confirmDialogInputError, undefined);
      if (input) {
        setText(els.confirmDialogInputLabel, input.label || '');
        els.confirmDialogInput.value = input.value || '';
      }
      let done = false;
      const finish = (result) => {
        if (done) return;
        done = true;
        els.confirmDialogForm.removeEventListener('submit', onSubmit);
        els.confirmDialogCancel.removeEventListener('click', onCancel);
        d.removeEventListener('cancel', onEscape);
        if (d.open) d.close();
        if (opener && typeof opener.focus === 'function' && document.contains(opener)) opener.focus();
        resolve(result);
      };
      const onSubmit = (event) => {
        event.preventDefault();
        if (input) {
          const value = els.confirmDialogInput.value.trim();
          if (!value && input.required) {
            setInlineError(els.confirmDialogInputGroup, els.confirmDialogInput, els.confirmDialogInputError, 'Ce champ est obligatoire.');
            els.confirmDialogInput.focus();
            return;
          }
          finish(value || false);
          return;
        }
        finish(true);
      };
      const onCancel = () => finish(false);
      const onEscape = (event) => {
        event.preventDefault();
        finish(false);
      };
      els.confirmDialogForm.addEventListener('submit', onSubmit);
      els.confirmDialogCancel.addEventListener('click', onCancel);
      d.addEventListener('cancel', onEscape);
      d.showModal();
      (input ? els.confirmDialogInput : els.confirmDialogCancel).focus();
    });
  }

  // ---- Start ----

  function init() {
    [
      ['status', 'editor-status'],
      ['error', 'editor-error'],
      ['errorText', 'editor-error-text'],
      ['errorClose', 'editor-error-close'],
      ['editorBar', 'editor-bar'],
      ['editorName', 'editor-name'],
      ['signOut', 'sign-out'],
      ['signin', 'signin'],
      ['signinTeams', 'signin-teams'],
      ['signinForm', 'signin-form'],
      ['signinError', 'signin-error'],
      ['signinErrorText', 'signin-error-text'],
      ['signinSubmit', 'login-submit'],
      ['username', 'login-username'],
      ['password', 'login-password'],
      ['workspace', 'workspace'],
      ['workspaceTitle', 'workspace-title'],
      ['draftSummary', 'draft-summary'],
      ['entryNew', 'entry-new'],
      ['entrySearch', 'entry-search'],
      ['entryFilter', 'entry-filter'],
      ['entriesShown', 'entries-shown'],
      ['entryList', 'entry-list'],
      ['entryEmpty', 'entry-empty'],
      ['entryLoading', 'entry-loading'],
      ['entryForm', 'entry-form'],
      ['entryTitle', 'entry-title'],
      ['entryBadges', 'entry-badges'],
      ['entryFlags', 'entry-flags'],
      ['entryRetiredNotice', 'entry-retired-notice'],
      ['conflict', 'conflict-message'],
      ['conflictTitle', 'entry-conflict-title'],
      ['conflictText', 'entry-conflict-text'],
      ['conflictReload', 'conflict-reload'],
      ['conflictKeep', 'conflict-keep'],
      ['entryIdentFields', 'entry-ident-fields'],
      ['handlerService', 'entry-handler-kind-service'],
      ['handlerBody', 'entry-handler-kind-body'],
      ['entryHandlerFields', 'entry-handler-fields'],
      ['entryLinksFields', 'entry-links-fields'],
      ['preview', 'preview'],
      ['previewLang', 'preview-lang'],
      ['previewRefresh', 'preview-refresh'],
      ['previewStatus', 'preview-status'],
      ['previewWebchat', 'preview-webchat'],
      ['previewFallback', 'preview-fallback'],
      ['previewFallbackList', 'preview-fallback-list'],
      ['entryChannelList', 'entry-channel-list'],
      ['entryChannelAdd', 'entry-channel-add'],
      ['entrySourceList', 'entry-source-list'],
      ['entrySourceAdd', 'entry-source-add'],
      ['entryTextGrid', 'entry-text-grid'],
      ['entryMissing', 'entry-missing'],
      ['entryTermsGrid', 'entry-terms-grid'],
      ['entryProblems', 'entry-problems'],
      ['entryProblemsTitle', 'entry-problems-title'],
      ['entryProblemsList', 'entry-problems-list'],
      ['entryReasonGroup', 'entry-reason-group'],
      ['entryReason', 'entry-reason'],
      ['entryDirty', 'entry-dirty'],
      ['entrySave', 'entry-save'],
      ['entryRevert', 'entry-revert'],
      ['entryUsePublished', 'entry-use-published'],
      ['entryRetire', 'entry-retire'],
      ['entryRestore', 'entry-restore'],
      ['listEntryIds', 'list-entry-ids'],
      ['listProcedureIds', 'list-procedure-ids'],
      ['listErrorIds', 'list-error-ids'],
      ['listServiceIds', 'list-service-ids'],
      ['listSiteIds', 'list-site-ids'],
      ['listBodyIds', 'list-body-ids'],
      ['serviceList', 'service-list'],
      ['serviceEmpty', 'service-empty'],
      ['serviceLoading', 'service-loading'],
      ['serviceForm', 'service-form'],
      ['serviceTitle', 'service-title'],
      ['serviceBadges', 'service-badges'],
      ['serviceConflict', 'service-conflict'],
      ['serviceConflictTitle', 'service-conflict-title'],
      ['serviceConflictText', 'service-conflict-text'],
      ['serviceConflictReload', 'service-conflict-reload'],
      ['serviceConflictKeep', 'service-conflict-keep'],
      ['serviceIdentFields', 'service-ident-fields'],
      ['serviceTextGrid', 'service-text-grid'],
      ['serviceContactFields', 'service-contact-fields'],
      ['serviceHoursFields', 'service-hours-fields'],
      ['servicePhoneHoursFields', 'service-phonehours-fields'],
      ['serviceSourceList', 'service-source-list'],
      ['serviceSourceAdd', 'service-source-add'],
      ['serviceProblems', 'service-problems'],
      ['serviceProblemsTitle', 'service-problems-title'],
      ['serviceProblemsList', 'service-problems-list'],
      ['serviceDirty', 'service-dirty'],
      ['serviceSave', 'service-save'],
      ['serviceRevert', 'service-revert'],
      ['tryForm', 'try-form'],
      ['tryTextGroup', 'try-text-group'],
      ['tryText', 'try-text'],
      ['tryTextError', 'try-text-error'],
      ['tryLang', 'try-lang'],
      ['trySubmit', 'try-submit'],
      ['tryResults', 'try-results'],
      ['tryDraft', 'try-draft'],
      ['tryPublished', 'try-published'],
      ['draftTitle', 'draft-title'],
      ['draftBase', 'draft-base'],
      ['draftTableWrap', 'draft-table-wrap'],
      ['draftChanges', 'draft-changes'],
      ['draftDiscard', 'draft-discard'],
      ['regressionRun', 'regression-run'],
      ['regressionStatus', 'regression-status'],
      ['regressionResults', 'regression-results'],
      ['regressionFigures', 'regression-figures'],
      ['regressionSummary', 'regression-summary'],
      ['regressionTableWrap', 'regression-table-wrap'],
      ['regressionChanges', 'regression-changes'],
      ['publishForm', 'publish-form'],
      ['publishWorse', 'publish-worse'],
      ['publishWorseText', 'publish-worse-text'],
      ['publishMessageGroup', 'publish-message-group'],
      ['publishMessage', 'publish-message'],
      ['publishMessageError', 'publish-message-error'],
      ['publishSubmit', 'publish-submit'],
      ['publishResult', 'publish-result'],
      ['publishDone', 'publish-done'],
      ['publishDoneText', 'publish-done-text'],
      ['publishNoChange', 'publish-nochange'],
      ['publishNoChangeText', 'publish-nochange-text'],
      ['publishProblems', 'publish-problems'],
      ['publishProblemsTitle', 'publish-problems-title'],
      ['publishProblemsText', 'publish-problems-text'],
      ['publishProblemsList', 'publish-problems-list'],
      ['exportButton', 'export-button'],
      ['revisionEmpty', 'revision-empty'],
      ['historyList', 'history-list'],
      ['historyDiff', 'history-diff'],
      ['revisionDiffTitle', 'revision-diff-title'],
      ['revisionDiffEmpty', 'revision-diff-empty'],
      ['revisionDiffBody', 'revision-diff-body'],
      ['revisionDiffMeta', 'revision-diff-meta'],
      ['historyRestore', 'history-restore'],
      ['revisionExport', 'revision-export'],
      ['revisionDiffFiles', 'revision-diff-files'],
      ['unansweredCount', 'unanswered-count'],
      ['unansweredTitle', 'unanswered-title'],
      ['unansweredEmpty', 'unanswered-empty'],
      ['unansweredList', 'unanswered-list'],
      ['confirmDialog', 'confirm-dialog'],
      ['confirmDialogForm', 'confirm-dialog-form'],
      ['confirmDialogTitle', 'confirm-dialog-title'],
      ['confirmDialogText', 'confirm-dialog-text'],
      ['confirmDialogInputGroup', 'confirm-dialog-input-group'],
      ['confirmDialogInputLabel', 'confirm-dialog-input-label'],
      ['confirmDialogInput', 'confirm-dialog-input'],
      ['confirmDialogInputError', 'confirm-dialog-input-error'],
      ['confirmDialogCancel', 'confirm-dialog-cancel'],
      ['confirmDialogOk', 'confirm-dialog-ok'],
      ['wordsDialog', 'words-dialog'],
      ['wordsDialogTitle', 'words-dialog-title'],
      ['wordsForm', 'words-form'],
      ['wordsEntryGroup', 'words-entry-group'],
      ['wordsEntry', 'words-entry'],
      ['wordsEntryError', 'words-entry-error'],
      ['wordsLang', 'words-lang'],
      ['wordsTextGroup', 'words-text-group'],
      ['wordsText', 'words-text'],
      ['wordsTextError', 'words-text-error'],
      ['wordsError', 'words-error'],
      ['wordsErrorText', 'words-error-text'],
      ['wordsCancel', 'words-cancel'],
      ['wordsSubmit', 'words-submit']
    ].forEach(([key, id]) => {
      els[key] = byId(id);
      if (!els[key]) throw new Error('editor.html lacks #' + id);
    });

    // The fieldsets' own error boxes, by the path they show problems of.
    [
      ['entry-handler-error', 'handler'],
      ['entry-channels-error', 'channels'],
      ['entry-sources-error', 'sources'],
      ['entry-text-error', 'text'],
      ['entry-terms-error', 'terms'],
      ['service-address-error', 'address'],
      ['service-hours-error', 'hours'],
      ['service-phonehours-error', 'phoneHours'],
      ['service-sources-error', 'sources']
    ].forEach(([id, path]) => byId(id).setAttribute('data-error-for', path));

    // Sign-in and the frame.
    els.signinForm.addEventListener('submit', submitSignin);
    els.signOut.addEventListener('click', signOut);
    els.errorClose.addEventListener('click', clearError);
    Array.prototype.forEach.call(document.querySelectorAll('.editor-nav__btn'), (button) => {
      button.addEventListener('click', () => switchView(button.getAttribute('data-view'), true));
    });

    // Entries.
    els.entrySearch.addEventListener('input', renderEntryList);
    els.entryFilter.addEventListener('change', renderEntryList);
    els.entryNew.addEventListener('click', newEntry);
    els.entryForm.addEventListener('submit', saveEntry);
    const onEntryField = (event) => {
      const target = event.target;
      if (!target || !target.name || target.closest('#preview')) return;
      if (target.name === 'handler-kind') {
        onHandlerKind();
        return;
      }
      if (target.name === 'reason') return;
      fieldChanged(ENTRY_CTX, target);
    };
    els.entryForm.addEventListener('input', onEntryField);
    els.entryForm.addEventListener('change', (event) => {
      // Selects and dates fire both; the check is debounced anyway.
      if (event.target && (event.target.tagName === 'SELECT' || event.target.type === 'radio' || event.target.type === 'date')) onEntryField(event);
    });
    els.entryForm.addEventListener('click', (event) => {
      const move = event.target.closest && event.target.closest('[data-move]');
      if (move && els.entryForm.contains(move)) onMove(move);
    });
    els.entryChannelAdd.addEventListener('click', addChannel);
    els.entrySourceAdd.addEventListener('click', addSource);
    els.entryRevert.addEventListener('click', revertEntry);
    els.entryUsePublished.addEventListener('click', usePublished);
    els.entryRetire.addEventListener('click', retireEntry);
    els.entryRestore.addEventListener('click', restoreEntry);
    els.conflictReload.addEventListener('click', reloadAfterConflict);
    els.conflictKeep.addEventListener('click', keepAfterConflict);
    els.previewLang.addEventListener('change', () => schedulePreview(true));
    els.previewRefresh.addEventListener('click', () => schedulePreview(true));

    // Services.
    els.serviceForm.addEventListener('submit', saveService);
    const onServiceField = (event) => {
      const target = event.target;
      if (!target || !target.name) return;
      fieldChanged(SERVICE_CTX, target);
    };
    els.serviceForm.addEventListener('input', onServiceField);
    els.serviceForm.addEventListener('change', (event) => {
      if (event.target && (event.target.tagName === 'SELECT' || event.target.type === 'date')) onServiceField(event);
    });
    els.serviceForm.addEventListener('click', (event) => {
      const move = event.target.closest && event.target.closest('[data-move]');
      if (move && els.serviceForm.contains(move)) onServiceMove(move);
    });
    els.serviceSourceAdd.addEventListener('click', addServiceSource);
    els.serviceRevert.addEventListener('click', revertService);
    els.serviceConflictReload.addEventListener('click', () => {
      if (state.service) loadService(state.service.id, true).then(() => announce('La version enregistrée est chargée.')).catch(() => undefined);
    });
    els.serviceConflictKeep.addEventListener('click', () => {
      show(els.serviceConflict, false);
      els.serviceTitle.focus();
    });

    // Try, check, publish.
    els.tryForm.addEventListener('submit', submitTry);
    els.draftDiscard.addEventListener('click', discardDraft);
    els.regressionRun.addEventListener('click', runRegression);
    els.publishForm.addEventListener('submit', submitPublish);
    els.publishMessage.addEventListener('input', () => {
      if (!els.publishMessageError.hidden && els.publishMessage.value.trim()) setInlineError(els.publishMessageGroup, els.publishMessage, els.publishMessageError, undefined);
    });

    // History.
    els.exportButton.addEventListener('click', () => exportRevision(undefined));
    els.revisionExport.addEventListener('click', () => exportRevision(els.revisionExport.getAttribute('data-revision') || undefined));
    els.historyRestore.addEventListener('click', restoreRevision);

    // Unanswered questions.
    els.wordsForm.addEventListener('submit', submitWords);
    els.wordsCancel.addEventListener('click', closeWordsDialog);
    els.wordsLang.addEventListener('change', () => {
      els.wordsText.lang = els.wordsLang.value;
      els.wordsText.dir = RTL[els.wordsLang.value] ? 'rtl' : 'auto';
    });
    els.wordsDialog.addEventListener('close', () => {
      const opener = state.wordsOpener;
      state.wordsOpener = undefined;
      if (opener && document.contains(opener)) opener.focus();
    });

    // A Content-Security-Policy without this page's nonce refuses Web Chat's styles: the
    // unstyled control would be unusable, the preview falls back to the card's texts.
    document.addEventListener('securitypolicyviolation', (event) => {
      // With the nonce, Web Chat 4.18 still creates react-scroll-to-bottom's element without it:
      // web/style-nonce.js (loaded first) gives it the nonce, and editor.css gives the panel the
      // few rules it needs should it be refused anyway.
      if (!NONCE && /^style-src/.test(event.violatedDirective) && /\/vendor\/webchat\//.test(event.sourceFile || '')) preview.stylesBlocked = true;
    });

    // Unsaved changes are not lost by a reload or a closed tab without a warning.
    window.addEventListener('beforeunload', (event) => {
      if (state.session && isDirty()) {
        event.preventDefault();
        event.returnValue = '';
      }
    });

    state.inTeams = inTeams();
    document.documentElement.classList.toggle('in-teams', state.inTeams);
    if (state.inTeams) {
      startTeams();
      return;
    }
    getConfig().catch(() => undefined);
    const kept = readSession();
    if (usable(kept)) {
      getConfig()
        .catch(() => undefined)
        .then(() => enterWorkspace(kept));
    } else {
      if (kept) writeSession(undefined);
      showSignin(undefined);
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
