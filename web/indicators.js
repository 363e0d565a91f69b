/*
 * The public page of the assistant's published results (Services Publics+, engagement 6):
 * loads `GET /api/indicators?period=day|week|month` and shows the key figures of the whole
 * range, a table per period and the most frequent procedures and unanswered questions.
 *
 * French by default, English on request (the page texts live in TEXTS below). Every text
 * that comes from the server (procedure titles, questions typed by users) is inserted with
 * textContent only. No inline script, style or handler: everything is wired here.
 */
(() => {
  'use strict';

  const PERIODS = ['day', 'week', 'month'];
  const DEFAULT_PERIOD = 'week';
  const LANG_KEY = 'prefecture-assistant.indicators.lang';
  /** The locale of each page language, for numbers and dates. */
  const LOCALES = { fr: 'fr-FR', en: 'en-GB' };
  const DEFAULT_TIME_ZONE = 'Europe/Paris';

  /**
   * The page texts. A function receives already formatted values (strings) and, for the
   * plural forms, the Intl.PluralRules category of the number (`one`, `other`…).
   */
  const TEXTS = {
    fr: {
      pageTitle: "Nos résultats — Assistant d'orientation — Préfecture du Val-d'Oise",
      skipNav: 'Accès rapide',
      skipContent: 'Contenu',
      skipFooter: 'Pied de page',
      homeTitle: "Accueil — Assistant d'orientation de la préfecture du Val-d'Oise",
      serviceTitle: "Assistant d'orientation — nos résultats",
      tagline: 'Services Publics+ : les résultats de notre assistant en ligne',
      backToChat: "Poser une question à l'assistant",
      langToggleHint: 'Afficher la page en anglais :',
      langToggleText: 'English',
      langToggleLang: 'en',
      heading: "Les résultats de l'assistant d'orientation",
      intro: "La préfecture s'engage à publier la qualité de ses services. Voici les résultats de l'assistant d'orientation en ligne, qui vous guide dans vos démarches.",
      introData: "Ces chiffres sont des totaux calculés à partir des conversations avec l'assistant : ils ne contiennent aucune donnée personnelle. Les questions restées sans réponse ne sont montrées que si elles ont été posées plusieurs fois, et après suppression de tout identifiant (numéro, adresse électronique, téléphone…).",
      introDataMin: (n) => `Ces chiffres sont des totaux calculés à partir des conversations avec l'assistant : ils ne contiennent aucune donnée personnelle. Les questions restées sans réponse ne sont montrées que si elles ont été posées au moins ${n} fois, et après suppression de tout identifiant (numéro, adresse électronique, téléphone…).`,
      periodLegend: 'Afficher les résultats par',
      periodDay: 'Jour',
      periodWeek: 'Semaine',
      periodMonth: 'Mois',
      loading: 'Chargement des résultats…',
      loaded: { day: 'Résultats par jour affichés.', week: 'Résultats par semaine affichés.', month: 'Résultats par mois affichés.' },
      loadedEmpty: 'Pas encore de résultats à afficher.',
      errorTitle: 'Les résultats ne peuvent pas être affichés',
      errorNetwork: 'Le chargement des résultats a échoué. Vérifiez votre connexion puis réessayez ; si le problème continue, revenez plus tard.',
      errorServer: 'Le service des résultats ne répond pas pour le moment. Réessayez dans quelques instants.',
      errorData: 'Le service a envoyé une réponse inattendue. Réessayez plus tard.',
      retry: 'Réessayer',
      emptyTitle: 'Pas encore de résultats',
      emptyText: "L'assistant n'a pas encore de conversations à compter sur cette période. Revenez dans quelques jours.",
      coverage: (from, to, at) => `Période couverte : du ${from} au ${to}. Chiffres mis à jour le ${at}.`,
      coverageNoDate: (from, to) => `Période couverte : du ${from} au ${to}.`,
      keyFiguresTitle: 'Chiffres clés sur toute la période',
      noValue: 'pas de donnée',
      kpiConversations: "conversations avec l'assistant",
      kpiConversationsDetail: (n, cat) => `${n} ${cat === 'one' ? 'question posée' : 'questions posées'}`,
      kpiAnswered: 'des questions ont reçu une réponse directe',
      kpiClarified: "des questions ont conduit l'assistant à demander une précision",
      kpiNotAnswered: 'des questions sont restées sans réponse',
      kpiShareDetail: (n, total, cat) => `${n} sur ${total} ${cat === 'one' ? 'question' : 'questions'}`,
      kpiNoQuestion: 'aucune question sur la période',
      kpiHandoffs: 'demandes à parler à un agent de la préfecture',
      kpiHandoffsDetail: (taken, takenCat, share, messages, messagesCat) =>
        `dont ${taken} ${takenCat === 'one' ? 'prise' : 'prises'} en charge par un agent${share ? ` (${share})` : ''} et ${messages} ${messagesCat === 'one' ? 'message laissé' : 'messages laissés'}`,
      kpiWait: "d'attente médiane avant la prise en charge par un agent",
      kpiWaitDetail: (avg) => `attente moyenne : ${avg}`,
      kpiWaitNone: 'aucune prise en charge sur la période',
      kpiSatisfaction: 'de satisfaction moyenne',
      kpiSatisfactionDetail: (n, cat) => `sur ${n} avis`,
      kpiSatisfactionAgent: (avg, n, cat) => `échanges avec un agent : ${avg} sur 5 (${n} avis)`,
      kpiSatisfactionNone: 'aucun avis sur la période',
      kpiUseful: 'des personnes ont trouvé la réponse utile',
      kpiUsefulDetail: (yes, total, cat) => `${yes} « oui » sur ${total} ${cat === 'one' ? 'réponse' : 'réponses'} à la question « Cette réponse vous a-t-elle été utile ? »`,
      kpiUsefulNone: 'aucun avis sur la période',
      outOfFive: (v) => `${v} / 5`,
      outOfFiveLong: (v) => `${v} sur 5`,
      lessThanAMinute: "moins d'une minute",
      detailTitle: { day: 'Détail jour par jour', week: 'Détail semaine par semaine', month: 'Détail mois par mois' },
      caption: { day: 'Résultats par jour, du plus récent au plus ancien', week: 'Résultats par semaine, du plus récent au plus ancien', month: 'Résultats par mois, du plus récent au plus ancien' },
      detailEmpty: 'Aucun résultat détaillé pour cette période.',
      colPeriod: { day: 'Jour', week: 'Semaine', month: 'Mois' },
      colConversations: 'Conversations',
      colQuestions: 'Questions',
      colAnswered: 'Réponse directe',
      colClarified: 'Précision demandée',
      colNotAnswered: 'Sans réponse',
      colUseful: 'Réponse utile',
      colRequested: 'Demandes à parler à un agent',
      colTaken: 'Prises en charge',
      colMessages: 'Messages laissés',
      colWait: 'Attente médiane',
      colSatisfaction: 'Satisfaction (sur 5)',
      totalRow: 'Toute la période',
      weekLabel: (n) => `Semaine ${n}`,
      shareInParentheses: (share) => `(${share})`,
      answersInParentheses: (n) => `(${n}\u00a0avis)`,
      ratingsInParentheses: (n) => `(${n}\u00a0avis)`,
      proceduresTitle: 'Démarches les plus demandées',
      proceduresEmpty: 'Aucune démarche demandée sur la période.',
      requests: (n, cat) => `${n} ${cat === 'one' ? 'demande' : 'demandes'}`,
      unansweredTitle: 'Questions sans réponse les plus fréquentes',
      unansweredNote: (n) => `Questions posées au moins ${n} fois, telles qu'elles ont été écrites, une fois retirés les numéros, adresses et autres identifiants. Elles nous aident à compléter l'assistant.`,
      unansweredNoteGeneric: "Questions posées plusieurs fois, telles qu'elles ont été écrites, une fois retirés les numéros, adresses et autres identifiants. Elles nous aident à compléter l'assistant.",
      unansweredEmpty: (n) => `Aucune question sans réponse n'a été posée au moins ${n} fois sur la période.`,
      unansweredEmptyGeneric: "Aucune question sans réponse n'a été posée plusieurs fois sur la période.",
      asked: (n, cat) => `posée ${n} fois`,
      methodTitle: 'Comment lire ces chiffres',
      methodAnswered: "Réponse directe : l'assistant a indiqué une démarche ou un service dès la question.",
      methodClarified: "Précision demandée : l'assistant a posé une question pour mieux comprendre avant de répondre.",
      methodNotAnswered: "Sans réponse : l'assistant n'a pas trouvé de démarche correspondant à la question.",
      methodUseful: 'Réponse utile : part des « oui » parmi les personnes qui ont répondu à la question « Cette réponse vous a-t-elle été utile ? ».',
      methodHandoff: "Mises en relation : demandes à parler à un agent de la préfecture, demandes prises en charge par un agent, et messages laissés quand personne n'était disponible. L'attente est celle entre la demande et la prise en charge.",
      methodSatisfaction: 'Satisfaction : note de 1 à 5 donnée par les personnes qui ont accepté de répondre.',
      footerText: "Résultats publiés de l'assistant d'orientation de la préfecture du Val-d'Oise, dans le cadre du programme Services Publics+. Les informations données par l'assistant ne remplacent pas les sites officiels.",
      footerLinkPrefecture: 'val-doise.gouv.fr — nouvelle fenêtre',
      footerLinkSpPlus: 'plus.transformation.gouv.fr (Services Publics+) — nouvelle fenêtre',
      footerLinkSp: 'service-public.fr — nouvelle fenêtre',
      footerChat: "Assistant d'orientation",
      footerCopy: 'Sauf mention contraire, les textes et les données de ce site sont proposés sous licence etalab-2.0.'
    },
    en: {
      pageTitle: "Our results — Guidance assistant — Préfecture du Val-d'Oise",
      skipNav: 'Quick access',
      skipContent: 'Content',
      skipFooter: 'Footer',
      homeTitle: "Home — Guidance assistant of the Préfecture du Val-d'Oise",
      serviceTitle: 'Guidance assistant — our results',
      tagline: 'Services Publics+: the results of our online assistant',
      backToChat: 'Ask the assistant a question',
      langToggleHint: 'Show the page in French:',
      langToggleText: 'Français',
      langToggleLang: 'fr',
      heading: "The guidance assistant's results",
      intro: 'The préfecture is committed to publishing the quality of its services. Here are the results of the online guidance assistant, which helps you with your formalities.',
      introData: 'These figures are totals computed from the conversations with the assistant: they contain no personal data. Unanswered questions are shown only when they were asked several times, and once every identifier (number, email address, phone…) has been removed.',
      introDataMin: (n, cat) => `These figures are totals computed from the conversations with the assistant: they contain no personal data. Unanswered questions are shown only when they were asked at least ${cat === 'one' ? 'once' : `${n} times`}, and once every identifier (number, email address, phone…) has been removed.`,
      periodLegend: 'Show the results by',
      periodDay: 'Day',
      periodWeek: 'Week',
      periodMonth: 'Month',
      loading: 'Loading the results…',
      loaded: { day: 'Results by day shown.', week: 'Results by week shown.', month: 'Results by month shown.' },
      loadedEmpty: 'No results to show yet.',
      errorTitle: 'The results cannot be shown',
      errorNetwork: 'The results could not be loaded. Check your connection and try again; if the problem goes on, come back later.',
      errorServer: 'The results service is not responding at the moment. Try again in a few moments.',
      errorData: 'The service sent an unexpected response. Try again later.',
      retry: 'Try again',
      emptyTitle: 'No results yet',
      emptyText: 'The assistant has no conversations to count over this period yet. Come back in a few days.',
      coverage: (from, to, at) => `Period covered: ${from} to ${to}. Figures updated on ${at}.`,
      coverageNoDate: (from, to) => `Period covered: ${from} to ${to}.`,
      keyFiguresTitle: 'Key figures over the whole period',
      noValue: 'no data',
      kpiConversations: 'conversations with the assistant',
      kpiConversationsDetail: (n, cat) => `${n} ${cat === 'one' ? 'question asked' : 'questions asked'}`,
      kpiAnswered: 'of questions were answered directly',
      kpiClarified: 'of questions led the assistant to ask for more details',
      kpiNotAnswered: 'of questions were left unanswered',
      kpiShareDetail: (n, total, cat) => `${n} out of ${total} ${cat === 'one' ? 'question' : 'questions'}`,
      kpiNoQuestion: 'no questions over the period',
      kpiHandoffs: 'requests to talk to a member of the préfecture staff',
      kpiHandoffsDetail: (taken, takenCat, share, messages, messagesCat) =>
        `of which ${taken} taken up by a staff member${share ? ` (${share})` : ''} and ${messages} ${messagesCat === 'one' ? 'message left' : 'messages left'}`,
      kpiWait: 'median wait before a staff member takes up the request',
      kpiWaitDetail: (avg) => `average wait: ${avg}`,
      kpiWaitNone: 'no request taken up over the period',
      kpiSatisfaction: 'average satisfaction',
      kpiSatisfactionDetail: (n, cat) => `from ${n} ${cat === 'one' ? 'rating' : 'ratings'}`,
      kpiSatisfactionAgent: (avg, n, cat) => `exchanges with a staff member: ${avg} out of 5 (${n} ${cat === 'one' ? 'rating' : 'ratings'})`,
      kpiSatisfactionNone: 'no ratings over the period',
      kpiUseful: 'of people found the answer useful',
      kpiUsefulDetail: (yes, total, cat) => `${yes} “yes” out of ${total} ${cat === 'one' ? 'answer' : 'answers'} to the question “Was this answer useful?”`,
      kpiUsefulNone: 'no feedback over the period',
      outOfFive: (v) => `${v} / 5`,
      outOfFiveLong: (v) => `${v} out of 5`,
      lessThanAMinute: 'less than a minute',
      detailTitle: { day: 'Day by day', week: 'Week by week', month: 'Month by month' },
      caption: { day: 'Results by day, most recent first', week: 'Results by week, most recent first', month: 'Results by month, most recent first' },
      detailEmpty: 'No detailed results for this period.',
      colPeriod: { day: 'Day', week: 'Week', month: 'Month' },
      colConversations: 'Conversations',
      colQuestions: 'Questions',
      colAnswered: 'Answered directly',
      colClarified: 'Details asked for',
      colNotAnswered: 'Unanswered',
      colUseful: 'Useful answer',
      colRequested: 'Requests to talk to staff',
      colTaken: 'Taken up',
      colMessages: 'Messages left',
      colWait: 'Median wait',
      colSatisfaction: 'Satisfaction (out of 5)',
      totalRow: 'Whole period',
      weekLabel: (n) => `Week ${n}`,
      shareInParentheses: (share) => `(${share})`,
      answersInParentheses: (n, cat) => `(${n}\u00a0${cat === 'one' ? 'answer' : 'answers'})`,
      ratingsInParentheses: (n, cat) => `(${n}\u00a0${cat === 'one' ? 'rating' : 'ratings'})`,
      proceduresTitle: 'Most requested procedures',
      proceduresEmpty: 'No procedure was requested over the period.',
      requests: (n, cat) => `${n} ${cat === 'one' ? 'request' : 'requests'}`,
      unansweredTitle: 'Most frequent unanswered questions',
      unansweredNote: (n, cat) => `Questions asked at least ${cat === 'one' ? 'once' : `${n} times`}, as they were written (usually in French), once numbers, addresses and other identifiers have been removed. They help us improve the assistant.`,
      unansweredNoteGeneric: 'Questions asked several times, as they were written (usually in French), once numbers, addresses and other identifiers have been removed. They help us improve the assistant.',
      unansweredEmpty: (n, cat) => `No unanswered question was asked at least ${cat === 'one' ? 'once' : `${n} times`} over the period.`,
      unansweredEmptyGeneric: 'No unanswered question was asked several times over the period.',
      asked: (n, cat) => (cat === 'one' ? 'asked once' : `asked ${n} times`),
      methodTitle: 'How to read these figures',
      methodAnswered: 'Answered directly: the assistant pointed to a procedure or an office straight away.',
      methodClarified: 'Details asked for: the assistant asked a question to understand better before answering.',
      methodNotAnswered: 'Unanswered: the assistant found no procedure matching the question.',
      methodUseful: 'Useful answer: share of “yes” among the people who answered the question “Was this answer useful?”.',
      methodHandoff: 'Requests to talk to staff: requests to talk to a member of the préfecture staff, requests taken up by a staff member, and messages left when nobody was available. The wait runs from the request to its taking up.',
      methodSatisfaction: 'Satisfaction: a rating from 1 to 5 given by the people who agreed to answer.',
      footerText: "Published results of the guidance assistant of the Préfecture du Val-d'Oise, as part of the Services Publics+ programme. The information given by the assistant does not replace the official websites.",
      footerLinkPrefecture: 'val-doise.gouv.fr — new window',
      footerLinkSpPlus: 'plus.transformation.gouv.fr (Services Publics+) — new window',
      footerLinkSp: 'service-public.fr — new window',
      footerChat: 'Guidance assistant',
      footerCopy: 'Unless stated otherwise, the texts and data of this site are available under the etalab-2.0 licence.'
    }
  };

  const els = {
    root: document.documentElement,
    langToggle: document.getElementById('lang-toggle'),
    langToggleText: document.getElementById('lang-toggle-text'),
    introData: document.getElementById('intro-data'),
    periodInputs: Array.from(document.querySelectorAll('input[name="period"]')),
    status: document.getElementById('status'),
    errorRegion: document.getElementById('error-region'),
    empty: document.getElementById('empty'),
    results: document.getElementById('results'),
    coverage: document.getElementById('coverage'),
    keyFigures: document.getElementById('key-figures'),
    detailTitle: document.getElementById('detail-title'),
    detail: document.getElementById('detail'),
    procedures: document.getElementById('procedures'),
    unansweredNote: document.getElementById('unanswered-note'),
    unanswered: document.getElementById('unanswered')
  };

  const state = {
    lang: 'fr',
    period: DEFAULT_PERIOD,
    /** The last data shown (normalised), or null. */
    data: null,
    /** 'network' | 'server' | 'data' when the last load failed. */
    error: null,
    /** The status message shown: a key of TEXTS (or 'loaded'), or null. */
    status: null,
    controller: null,
    sequence: 0
  };

  // ---- Storage (may be unavailable: private browsing, blocked storage) ----

  function readStorage(key) {
    try {
      return window.sessionStorage.getItem(key);
    } catch (e) {
      return null;
    }
  }

  function writeStorage(key, value) {
    try {
      window.sessionStorage.setItem(key, value);
    } catch (e) {
      /* not kept: the choice simply does not survive a reload */
    }
  }

  // ---- Language ----

  function t() {
    return TEXTS[state.lang];
  }

  function initialLanguage() {
    const stored = readStorage(LANG_KEY);
    if (stored && Object.prototype.hasOwnProperty.call(TEXTS, stored)) return stored;
    const preferred = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
    for (const tag of preferred) {
      const lang = String(tag || '').toLowerCase().split('-')[0];
      if (Object.prototype.hasOwnProperty.call(TEXTS, lang)) return lang;
    }
    return 'fr';
  }

  function translateStatic() {
    const texts = t();
    document.title = texts.pageTitle;
    for (const node of document.querySelectorAll('[data-i18n]')) {
      const value = texts[node.getAttribute('data-i18n')];
      if (typeof value === 'string') node.textContent = value;
    }
    for (const node of document.querySelectorAll('[data-i18n-attr]')) {
      for (const pair of node.getAttribute('data-i18n-attr').split(';')) {
        const [attr, key] = pair.split(':').map((s) => (s || '').trim());
        if (attr && key && typeof texts[key] === 'string') node.setAttribute(attr, texts[key]);
      }
    }
    els.langToggleText.textContent = texts.langToggleText;
    els.langToggleText.setAttribute('lang', texts.langToggleLang);
  }

  function applyLanguage(lang) {
    state.lang = Object.prototype.hasOwnProperty.call(TEXTS, lang) ? lang : 'fr';
    els.root.setAttribute('lang', state.lang);
    els.root.setAttribute('dir', 'ltr');
    translateStatic();
    renderIntro();
    renderStatus();
    renderError();
    renderData();
  }

  // ---- Formatting ----

  function locale() {
    return LOCALES[state.lang];
  }

  const formatterCache = new Map();

  function formatter(kind, options) {
    const key = `${locale()}|${kind}|${JSON.stringify(options)}`;
    let value = formatterCache.get(key);
    if (!value) {
      if (kind === 'number') value = new Intl.NumberFormat(locale(), options);
      else if (kind === 'plural') value = new Intl.PluralRules(locale(), options);
      else value = new Intl.DateTimeFormat(locale(), options);
      formatterCache.set(key, value);
    }
    return value;
  }

  function formatInteger(n) {
    return formatter('number', { maximumFractionDigits: 0 }).format(n);
  }

  function pluralCategory(n) {
    return formatter('plural', {}).select(n);
  }

  /** A share as a percentage, or null when there is nothing to divide by. */
  function formatShare(part, whole) {
    if (!(whole > 0)) return null;
    const ratio = part / whole;
    // A small, non-zero share keeps one decimal rather than showing as 0 %.
    const digits = ratio > 0 && ratio < 0.01 ? 1 : 0;
    return formatter('number', { style: 'percent', maximumFractionDigits: digits }).format(ratio);
  }

  function formatAverage(value) {
    if (value === null) return null;
    return formatter('number', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);
  }

  /** A wait given in seconds, in minutes. */
  function formatWait(seconds) {
    if (seconds === null) return null;
    if (seconds < 60) return t().lessThanAMinute;
    const minutes = seconds / 60;
    return formatter('number', {
      style: 'unit',
      unit: 'minute',
      unitDisplay: 'long',
      maximumFractionDigits: minutes < 10 ? 1 : 0
    }).format(minutes);
  }

  /** A calendar date `YYYY-MM-DD` as a Date at midnight UTC (formatted in UTC), or null. */
  function parseDay(text) {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || '');
    if (!match) return null;
    const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
    return Number.isNaN(date.getTime()) ? null : date;
  }

  function formatDay(date, options) {
    return formatter('date', Object.assign({ timeZone: 'UTC' }, options)).format(date);
  }

  function formatDayRange(start, end, options) {
    const dtf = formatter('date', Object.assign({ timeZone: 'UTC' }, options));
    if (start.getTime() === end.getTime()) return dtf.format(start);
    if (typeof dtf.formatRange === 'function') return dtf.formatRange(start, end);
    return `${dtf.format(start)} – ${dtf.format(end)}`;
  }

  function formatInstant(iso, timeZone) {
    const date = new Date(iso);
    if (!iso || Number.isNaN(date.getTime())) return null;
    try {
      return formatter('date', { dateStyle: 'long', timeStyle: 'short', timeZone }).format(date);
    } catch (e) {
      return formatter('date', { dateStyle: 'long', timeStyle: 'short', timeZone: DEFAULT_TIME_ZONE }).format(date);
    }
  }

  function isWholeMonth(start, end) {
    const lastDay = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0));
    return start.getUTCDate() === 1 && end.getTime() === lastDay.getTime();
  }

  /** The name of a bucket, in two parts: main (e.g. "Semaine 47") and sub (its dates), or null. */
  function bucketName(bucket, period) {
    const start = parseDay(bucket.start);
    const end = parseDay(bucket.end) || start;
    if (!start) return { main: bucket.label || '', sub: null };
    if (period === 'day') {
      return { main: formatDay(start, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }), sub: null };
    }
    const range = formatDayRange(start, end, { day: 'numeric', month: 'short', year: 'numeric' });
    if (period === 'week') {
      const week = /W(\d{1,2})$/.exec(bucket.label || '');
      return week ? { main: t().weekLabel(formatInteger(Number(week[1]))), sub: range } : { main: range, sub: null };
    }
    const month = formatDay(start, { month: 'long', year: 'numeric' });
    return { main: month, sub: isWholeMonth(start, end) ? null : range };
  }

  // ---- The data, checked and normalised (the page never trusts the shape it receives) ----

  function isObject(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  }

  function count(value) {
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : 0;
  }

  function numberOrNull(value) {
    return typeof value === 'number' && Number.isFinite(value) ? value : null;
  }

  function text(value) {
    return typeof value === 'string' ? value : '';
  }

  function normaliseBucket(raw) {
    const b = isObject(raw) ? raw : {};
    const feedback = isObject(b.feedback) ? b.feedback : {};
    const handoffs = isObject(b.handoffs) ? b.handoffs : {};
    const wait = isObject(handoffs.waitSeconds) ? handoffs.waitSeconds : {};
    const satisfaction = isObject(b.satisfaction) ? b.satisfaction : {};
    const waitCount = count(wait.count);
    const satisfactionCount = count(satisfaction.count);
    const agentCount = count(satisfaction.agentCount);
    return {
      start: text(b.start),
      end: text(b.end),
      label: text(b.label),
      conversations: count(b.conversations),
      questions: count(b.questions),
      answered: count(b.answered),
      clarified: count(b.clarified),
      notAnswered: count(b.notAnswered),
      feedback: { yes: count(feedback.yes), no: count(feedback.no) },
      handoffs: {
        requested: count(handoffs.requested),
        taken: count(handoffs.taken),
        messages: count(handoffs.messages),
        wait: {
          count: waitCount,
          median: waitCount > 0 ? numberOrNull(wait.median) : null,
          average: waitCount > 0 ? numberOrNull(wait.average) : null
        }
      },
      satisfaction: {
        count: satisfactionCount,
        average: satisfactionCount > 0 ? numberOrNull(satisfaction.average) : null,
        agentCount,
        agentAverage: agentCount > 0 ? numberOrNull(satisfaction.agentAverage) : null
      },
      topProcedures: (Array.isArray(b.topProcedures) ? b.topProcedures : [])
        .filter((p) => isObject(p) && typeof p.title === 'string' && p.title.trim() !== '')
        .map((p) => ({ id: text(p.id), title: p.title, count: count(p.count) })),
      topUnanswered: (Array.isArray(b.topUnanswered) ? b.topUnanswered : [])
        .filter((q) => isObject(q) && typeof q.text === 'string' && q.text.trim() !== '')
        .map((q) => ({ text: q.text, count: count(q.count) }))
    };
  }

  function normalise(json, period) {
    if (!isObject(json) || !Array.isArray(json.buckets) || !isObject(json.total)) return null;
    const minCount = typeof json.minCount === 'number' && Number.isFinite(json.minCount) && json.minCount >= 1 ? Math.round(json.minCount) : null;
    return {
      generatedAt: text(json.generatedAt),
      period: PERIODS.includes(json.period) ? json.period : period,
      timeZone: text(json.timeZone) || DEFAULT_TIME_ZONE,
      from: text(json.from),
      to: text(json.to),
      minCount,
      buckets: json.buckets.map(normaliseBucket),
      total: normaliseBucket(json.total)
    };
  }

  function hasData(data) {
    return data.buckets.length > 0 && (data.total.conversations > 0 || data.total.questions > 0);
  }

  // ---- DOM helpers (text only through textContent) ----

  function el(tag, className, content) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (typeof content === 'string') node.textContent = content;
    else if (Array.isArray(content)) content.forEach((child) => child && node.appendChild(child));
    else if (content) node.appendChild(content);
    return node;
  }

  /** A value, or a dash read out as "no data" when there is none. */
  function valueOrNone(value) {
    if (value !== null && value !== undefined && value !== '') return document.createTextNode(value);
    const fragment = document.createDocumentFragment();
    const dash = el('span', null, '—');
    dash.setAttribute('aria-hidden', 'true');
    fragment.appendChild(dash);
    fragment.appendChild(el('span', 'fr-sr-only', t().noValue));
    return fragment;
  }

  // ---- Rendering ----

  function renderIntro() {
    const data = state.data;
    const texts = t();
    els.introData.textContent = data && data.minCount !== null
      ? texts.introDataMin(formatInteger(data.minCount), pluralCategory(data.minCount))
      : texts.introData;
  }

  function renderStatus() {
    const texts = t();
    let message = '';
    if (state.status === 'loading') message = texts.loading;
    else if (state.status === 'loaded') message = texts.loaded[state.period];
    else if (state.status === 'empty') message = texts.loadedEmpty;
    els.status.textContent = message;
  }

  function setStatus(status) {
    state.status = status;
    renderStatus();
  }

  function renderError() {
    els.errorRegion.textContent = '';
    if (!state.error) return;
    const texts = t();
    const message = state.error === 'data' ? texts.errorData : state.error === 'server' ? texts.errorServer : texts.errorNetwork;
    const retry = el('button', 'fr-btn fr-btn--secondary fr-btn--sm fr-btn--icon-left fr-icon-refresh-line fr-mt-2w', texts.retry);
    retry.type = 'button';
    retry.addEventListener('click', () => load(state.period));
    const alert = el('div', 'fr-alert fr-alert--error fr-mb-4w', [
      el('h2', 'fr-alert__title', texts.errorTitle),
      el('p', null, message),
      retry
    ]);
    els.errorRegion.appendChild(alert);
  }

  function renderData() {
    const data = state.data;
    if (!data) {
      els.results.hidden = true;
      els.empty.hidden = true;
      return;
    }
    if (!hasData(data)) {
      els.results.hidden = true;
      els.empty.hidden = false;
      return;
    }
    els.empty.hidden = true;
    renderCoverage(data);
    renderKeyFigures(data.total);
    renderDetail(data);
    renderProcedures(data.total);
    renderUnanswered(data);
    els.results.hidden = false;
  }

  function renderCoverage(data) {
    const texts = t();
    const long = { day: 'numeric', month: 'long', year: 'numeric' };
    const from = parseDay(data.from || data.total.start);
    const to = parseDay(data.to || data.total.end);
    const at = formatInstant(data.generatedAt, data.timeZone);
    if (!from || !to) {
      els.coverage.textContent = '';
      els.coverage.hidden = true;
      return;
    }
    els.coverage.hidden = false;
    els.coverage.textContent = at
      ? texts.coverage(formatDay(from, long), formatDay(to, long), at)
      : texts.coverageNoDate(formatDay(from, long), formatDay(to, long));
  }

  function tile(value, label, details) {
    const item = el('li', 'kpi');
    item.appendChild(el('p', 'kpi__value', valueOrNone(value)));
    item.appendChild(el('p', 'kpi__label', label));
    for (const detail of details) if (detail) item.appendChild(el('p', 'kpi__detail', detail));
    return item;
  }

  function renderKeyFigures(total) {
    const texts = t();
    const list = els.keyFigures;
    list.textContent = '';
    const q = total.questions;
    const shareDetail = (n) => (q > 0 ? texts.kpiShareDetail(formatInteger(n), formatInteger(q), pluralCategory(q)) : texts.kpiNoQuestion);

    list.appendChild(tile(formatInteger(total.conversations), texts.kpiConversations,
      [texts.kpiConversationsDetail(formatInteger(q), pluralCategory(q))]));
    list.appendChild(tile(formatShare(total.answered, q), texts.kpiAnswered, [shareDetail(total.answered)]));
    list.appendChild(tile(formatShare(total.clarified, q), texts.kpiClarified, [shareDetail(total.clarified)]));
    list.appendChild(tile(formatShare(total.notAnswered, q), texts.kpiNotAnswered, [shareDetail(total.notAnswered)]));

    const h = total.handoffs;
    list.appendChild(tile(formatInteger(h.requested), texts.kpiHandoffs, [
      texts.kpiHandoffsDetail(formatInteger(h.taken), pluralCategory(h.taken), formatShare(h.taken, h.requested),
        formatInteger(h.messages), pluralCategory(h.messages))
    ]));

    const median = formatWait(h.wait.median);
    list.appendChild(tile(median, texts.kpiWait, [
      median === null ? texts.kpiWaitNone : h.wait.average !== null ? texts.kpiWaitDetail(formatWait(h.wait.average)) : null
    ]));

    const s = total.satisfaction;
    const average = formatAverage(s.average);
    const agentAverage = formatAverage(s.agentAverage);
    const satisfaction = tile(average === null ? null : texts.outOfFive(average), texts.kpiSatisfaction, [
      average === null ? texts.kpiSatisfactionNone : texts.kpiSatisfactionDetail(formatInteger(s.count), pluralCategory(s.count)),
      agentAverage === null ? null : texts.kpiSatisfactionAgent(agentAverage, formatInteger(s.agentCount), pluralCategory(s.agentCount))
    ]);
    if (average !== null) {
      // "4,2 / 5" is read "4,2 sur 5".
      const value = satisfaction.querySelector('.kpi__value');
      value.textContent = '';
      const shown = el('span', null, texts.outOfFive(average));
      shown.setAttribute('aria-hidden', 'true');
      value.appendChild(shown);
      value.appendChild(el('span', 'fr-sr-only', texts.outOfFiveLong(average)));
    }
    list.appendChild(satisfaction);

    const f = total.feedback;
    const answers = f.yes + f.no;
    list.appendChild(tile(formatShare(f.yes, answers), texts.kpiUseful, [
      answers > 0 ? texts.kpiUsefulDetail(formatInteger(f.yes), formatInteger(answers), pluralCategory(answers)) : texts.kpiUsefulNone
    ]));
  }

  function headerCell(label) {
    const th = el('th', null, label);
    th.scope = 'col';
    return th;
  }

  function rowHeader(name) {
    const th = el('th', 'indicators-table__period');
    th.scope = 'row';
    th.appendChild(el('span', 'indicators-table__name', name.main));
    if (name.sub) th.appendChild(el('span', 'indicators-table__dates fr-text--xs', name.sub));
    return th;
  }

  /** A short value whose words stay on one line (table cells wrap only between values). */
  function keepTogether(value) {
    return value === null ? null : value.replace(/ /g, '\u00a0');
  }

  /** A data cell: a value (or none), and an optional second line in smaller type. */
  function cell(value, sub) {
    const td = el('td', null, valueOrNone(value));
    if (value !== null && sub) {
      td.appendChild(document.createTextNode(' '));
      td.appendChild(el('span', 'indicators-table__sub', sub));
    }
    return td;
  }

  function countWithShare(n, whole) {
    const share = formatShare(n, whole);
    return [formatInteger(n), share === null ? null : t().shareInParentheses(share)];
  }

  function bucketRow(bucket, name) {
    const texts = t();
    const tr = el('tr');
    tr.appendChild(rowHeader(name));
    const q = bucket.questions;
    const answers = bucket.feedback.yes + bucket.feedback.no;
    const useful = formatShare(bucket.feedback.yes, answers);
    const average = formatAverage(bucket.satisfaction.average);
    const ratings = bucket.satisfaction.count;
    [
      [formatInteger(bucket.conversations)],
      [formatInteger(q)],
      countWithShare(bucket.answered, q),
      countWithShare(bucket.clarified, q),
      countWithShare(bucket.notAnswered, q),
      [useful, texts.answersInParentheses(formatInteger(answers), pluralCategory(answers))],
      [formatInteger(bucket.handoffs.requested)],
      [formatInteger(bucket.handoffs.taken)],
      [formatInteger(bucket.handoffs.messages)],
      [keepTogether(formatWait(bucket.handoffs.wait.median))],
      [average, texts.ratingsInParentheses(formatInteger(ratings), pluralCategory(ratings))]
    ].forEach(([value, sub]) => tr.appendChild(cell(value, sub)));
    return tr;
  }

  function renderDetail(data) {
    const texts = t();
    const period = data.period;
    els.detailTitle.textContent = texts.detailTitle[period];
    els.detail.textContent = '';
    if (data.buckets.length === 0) {
      els.detail.appendChild(el('p', null, texts.detailEmpty));
      return;
    }

    const captionId = 'indicators-caption';
    const table = el('table', 'indicators-table');
    const caption = el('caption', null, texts.caption[period]);
    caption.id = captionId;
    table.appendChild(caption);

    const headRow = el('tr');
    [texts.colPeriod[period], texts.colConversations, texts.colQuestions, texts.colAnswered, texts.colClarified,
      texts.colNotAnswered, texts.colUseful, texts.colRequested, texts.colTaken, texts.colMessages, texts.colWait,
      texts.colSatisfaction].forEach((label) => headRow.appendChild(headerCell(label)));
    table.appendChild(el('thead', null, headRow));

    const body = el('tbody');
    // Most recent first: the server sends the oldest first.
    for (let i = data.buckets.length - 1; i >= 0; i--) {
      body.appendChild(bucketRow(data.buckets[i], bucketName(data.buckets[i], period)));
    }
    table.appendChild(body);

    const from = parseDay(data.from || data.total.start);
    const to = parseDay(data.to || data.total.end);
    const totalName = {
      main: texts.totalRow,
      sub: from && to ? formatDayRange(from, to, { day: 'numeric', month: 'short', year: 'numeric' }) : null
    };
    table.appendChild(el('tfoot', null, bucketRow(data.total, totalName)));

    // A wide table scrolls sideways on small screens: its scrolling box takes the keyboard focus.
    const container = el('div', 'fr-table__container', el('div', 'fr-table__content', table));
    container.tabIndex = 0;
    container.setAttribute('role', 'region');
    container.setAttribute('aria-labelledby', captionId);
    const wrapper = el('div', 'fr-table fr-table--sm fr-table--bordered fr-table--multiline indicators-table-block', el('div', 'fr-table__wrapper', container));
    els.detail.appendChild(wrapper);
  }

  function rankedList(items, render) {
    const list = el('ol', 'indicators-ranking');
    for (const item of items) list.appendChild(render(item));
    return list;
  }

  function renderProcedures(total) {
    const texts = t();
    els.procedures.textContent = '';
    if (total.topProcedures.length === 0) {
      els.procedures.appendChild(el('p', null, texts.proceduresEmpty));
      return;
    }
    els.procedures.appendChild(rankedList(total.topProcedures, (procedure) => {
      const title = el('span', 'indicators-ranking__text', procedure.title);
      // The titles of procedures are written in French.
      title.setAttribute('lang', 'fr');
      return el('li', 'indicators-ranking__item', [
        title,
        el('span', 'indicators-ranking__count', texts.requests(formatInteger(procedure.count), pluralCategory(procedure.count)))
      ]);
    }));
  }

  function renderUnanswered(data) {
    const texts = t();
    const n = data.minCount;
    els.unansweredNote.textContent = n !== null ? texts.unansweredNote(formatInteger(n), pluralCategory(n)) : texts.unansweredNoteGeneric;
    els.unanswered.textContent = '';
    const items = data.total.topUnanswered;
    if (items.length === 0) {
      els.unanswered.appendChild(el('p', null, n !== null ? texts.unansweredEmpty(formatInteger(n), pluralCategory(n)) : texts.unansweredEmptyGeneric));
      return;
    }
    els.unanswered.appendChild(rankedList(items, (question) => {
      // Typed by users: shown as written, in whatever language and direction they used, as plain text.
      const quoted = el('q', 'indicators-ranking__text', el('bdi', null, question.text));
      return el('li', 'indicators-ranking__item', [
        quoted,
        el('span', 'indicators-ranking__count', texts.asked(formatInteger(question.count), pluralCategory(question.count)))
      ]);
    }));
  }

  // ---- Loading ----

  class LoadError extends Error {
    constructor(kind) {
      super(kind);
      this.kind = kind;
    }
  }

  function setBusy(busy) {
    if (busy) els.results.setAttribute('aria-busy', 'true');
    else els.results.removeAttribute('aria-busy');
    els.results.classList.toggle('indicators-results--loading', busy);
  }

  async function load(period) {
    if (state.controller) state.controller.abort();
    const controller = typeof AbortController === 'function' ? new AbortController() : null;
    state.controller = controller;
    const sequence = ++state.sequence;
    state.period = period;
    state.error = null;
    renderError();
    setBusy(true);
    setStatus('loading');
    try {
      let response;
      try {
        response = await fetch(`/api/indicators?period=${encodeURIComponent(period)}`, {
          method: 'GET',
          headers: { Accept: 'application/json' },
          credentials: 'same-origin',
          cache: 'no-store',
          signal: controller ? controller.signal : undefined
        });
      } catch (err) {
        if (err && err.name === 'AbortError') throw err;
        throw new LoadError('network');
      }
      if (!response.ok) throw new LoadError(response.status >= 500 ? 'server' : 'data');
      let json;
      try {
        json = await response.json();
      } catch (err) {
        if (err && err.name === 'AbortError') throw err;
        throw new LoadError('data');
      }
      const data = normalise(json, period);
      if (!data) throw new LoadError('data');
      if (sequence !== state.sequence) return;
      state.data = data;
      renderIntro();
      renderData();
      setStatus(hasData(data) ? 'loaded' : 'empty');
    } catch (err) {
      if (sequence !== state.sequence || (err && err.name === 'AbortError')) return;
      state.data = null;
      state.error = err instanceof LoadError ? err.kind : 'data';
      renderData();
      setStatus(null);
      renderError();
    } finally {
      if (sequence === state.sequence) {
        setBusy(false);
        state.controller = null;
      }
    }
  }

  // ---- Period (kept in the address, so that a link shows the same view) ----

  function periodFromAddress() {
    try {
      const period = new URLSearchParams(window.location.search).get('period');
      return PERIODS.includes(period) ? period : DEFAULT_PERIOD;
    } catch (e) {
      return DEFAULT_PERIOD;
    }
  }

  function keepPeriodInAddress(period) {
    try {
      const url = new URL(window.location.href);
      if (period === DEFAULT_PERIOD) url.searchParams.delete('period');
      else url.searchParams.set('period', period);
      window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    } catch (e) {
      /* the address simply does not follow */
    }
  }

  // ---- Start ----

  function start() {
    state.period = periodFromAddress();
    for (const input of els.periodInputs) {
      input.checked = input.value === state.period;
      input.addEventListener('change', () => {
        if (!input.checked || !PERIODS.includes(input.value)) return;
        keepPeriodInAddress(input.value);
        load(input.value);
      });
    }
    els.langToggle.addEventListener('click', () => {
      const next = state.lang === 'fr' ? 'en' : 'fr';
      writeStorage(LANG_KEY, next);
      applyLanguage(next);
    });
    applyLanguage(initialLanguage());
    load(state.period);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
