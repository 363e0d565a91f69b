/*
 * The préfecture's demonstration page: the language choice (page texts, direction, the chat's
 * locale), the assistant's panel (a modal dialog) and Web Chat over Direct Line.
 *
 * The conversation ({token, conversationId, expiresAt}) is kept in sessionStorage so that a
 * reload resumes it; an expired one is replaced by a new conversation. No inline script or
 * handler anywhere: everything is wired here.
 */
(function () {
  'use strict';

  var SESSION_KEY = 'prefecture-assistant.conversation';
  var LOCALE_KEY = 'prefecture-assistant.locale';
  /** A stored token this close to its expiry is not reused. */
  var EXPIRY_MARGIN_MS = 60 * 1000;

  var LOCALES = {
    'fr-FR': { lang: 'fr', dir: 'ltr' },
    'en-US': { lang: 'en', dir: 'ltr' },
    'es-ES': { lang: 'es', dir: 'ltr' },
    'ar-EG': { lang: 'ar', dir: 'rtl' }
  };
  var DEFAULT_LOCALE = 'fr-FR';
  /**
   * The nonce the service writes on this page's scripts for its Content-Security-Policy: Web
   * Chat puts it on the <style> elements it creates, which the policy otherwise refuses.
   */
  var NONCE = (document.currentScript && document.currentScript.nonce) || undefined;

  var TEXTS = {
    fr: {
      pageTitle: "Assistant d'orientation — Préfecture du Val-d'Oise",
      skipNav: 'Accès rapide',
      skipContent: 'Contenu',
      skipFooter: 'Pied de page',
      homeTitle: "Accueil — Préfecture du Val-d'Oise",
      tagline: "Assistant d'orientation dans vos démarches — page de démonstration",
      languageLabel: 'Langue',
      heading: 'Vos démarches en préfecture',
      intro: "Carte grise, titre de séjour, permis de conduire, naturalisation, associations… Décrivez votre situation avec vos mots : l'assistant vous dit quelle administration s'en occupe, comment et où faire la démarche, ce qu'il faut préparer et les délais.",
      examples: "Par exemple : « j'ai perdu ma carte grise », « renouveler mon titre de séjour », « échanger mon permis de conduire étranger ».",
      openButton: "Poser une question à l'assistant",
      resumeHint: "Votre conversation reprendra là où vous l'avez laissée.",
      aboutTitle: "Ce que fait l'assistant",
      aboutText: "Il vous oriente vers la bonne démarche et le bon service. Il ne traite pas les dossiers, ne prend pas de rendez-vous et ne remplace pas les sites officiels (service-public.fr, ANTS, ANEF). Si vous le demandez, il vous indique comment joindre la préfecture.",
      privacyTitle: 'Vos données',
      privacy: "Votre conversation est conservée pendant une durée limitée fixée par la préfecture, pour que vous puissiez la reprendre. Si vous demandez à parler à une personne, un agent de la préfecture pourra la lire. N'écrivez ni numéro de dossier ni information personnelle (nom, adresse, téléphone…), sauf si un agent vous le demande. Les questions restées sans réponse et vos avis sont gardés sans donnée personnelle, pour améliorer l'assistant et publier ses résultats.",
      footerText: "Page de démonstration de l'assistant d'orientation de la préfecture du Val-d'Oise. Les informations données par l'assistant ne remplacent pas les sites officiels.",
      footerLinkPrefecture: 'val-doise.gouv.fr — nouvelle fenêtre',
      footerLinkSp: 'service-public.fr — nouvelle fenêtre',
      footerResults: 'Nos résultats (Services Publics+)',
      footerCopy: 'Sauf mention contraire, les textes de ce site sont proposés sous licence etalab-2.0.',
      chatTitle: "Assistant d'orientation de la préfecture",
      close: 'Fermer',
      closeTitle: "Fermer l'assistant",
      chatLanguageLabel: 'Langue de la conversation',
      newConversation: 'Nouvelle conversation',
      privacyShort: "Conversation conservée pendant une durée limitée fixée par la préfecture, pour la reprendre ; un agent de la préfecture pourra la lire si vous demandez à parler à une personne. N'écrivez ni numéro de dossier ni information personnelle, sauf si un agent vous le demande.",
      replyNote: '',
      chatRegion: "Conversation avec l'assistant",
      keyboardHelpTitle: "Utiliser l'assistant au clavier",
      keyboardHelp: 'Maj+Tab depuis la zone de saisie : aller à l\'historique des messages. Flèches haut et bas : parcourir les messages. Entrée : atteindre les liens et boutons d\'une réponse, puis Tab pour aller de l\'un à l\'autre. Échap : revenir à l\'historique, puis à la zone de saisie ; depuis la zone de saisie, fermer l\'assistant.',
      connecting: "Connexion à l'assistant…",
      unavailable: "L'assistant ne répond pas pour le moment. Réessayez dans quelques instants ; vous pouvez aussi contacter la préfecture (val-doise.gouv.fr).",
      expired: 'Votre conversation précédente a expiré : une nouvelle conversation commence.',
      erased: "Votre conversation a été effacée, à votre demande : ses messages ne sont plus conservés (seuls des comptes anonymes restent). Une nouvelle conversation commence.",
      retry: 'Réessayer',
      noWebChat: "L'assistant n'a pas pu être chargé. Rechargez la page ou réessayez plus tard."
    },
    en: {
      pageTitle: "Guidance assistant — Préfecture du Val-d'Oise",
      skipNav: 'Quick access',
      skipContent: 'Content',
      skipFooter: 'Footer',
      homeTitle: "Home — Préfecture du Val-d'Oise",
      tagline: 'An assistant to guide you through your formalities — demonstration page',
      languageLabel: 'Language',
      heading: 'Your formalities with the préfecture',
      intro: 'Vehicle registration certificate, residence permit, driving licence, naturalisation, associations… Describe your situation in your own words: the assistant tells you which administration handles it, how and where to do it, what to prepare and how long it takes.',
      examples: 'For example: “I lost my vehicle registration certificate”, “renew my residence permit”, “exchange my foreign driving licence”.',
      openButton: 'Ask the assistant a question',
      resumeHint: 'Your conversation will pick up where you left it.',
      aboutTitle: 'What the assistant does',
      aboutText: 'It points you to the right procedure and the right office. It does not handle applications, does not book appointments and does not replace the official websites (service-public.fr, ANTS, ANEF). If you ask, it tells you how to contact the préfecture.',
      privacyTitle: 'Your data',
      privacy: 'Your conversation is kept for a limited period set by the préfecture, so that you can pick it up again. If you ask to speak to a person, an agent of the préfecture may read it. Do not type file numbers or personal details (name, address, phone number…) unless an agent asks you to. Unanswered questions and your opinions are kept without personal data, to improve the assistant and publish its results.',
      footerText: "Demonstration page of the guidance assistant of the préfecture du Val-d'Oise. The assistant's information does not replace the official websites.",
      footerLinkPrefecture: 'val-doise.gouv.fr — new window',
      footerLinkSp: 'service-public.fr — new window',
      footerResults: 'Our results (Services Publics+)',
      footerCopy: 'Unless otherwise stated, the texts of this site are available under the etalab-2.0 licence.',
      chatTitle: "The préfecture's guidance assistant",
      close: 'Close',
      closeTitle: 'Close the assistant',
      chatLanguageLabel: 'Conversation language',
      newConversation: 'New conversation',
      privacyShort: 'Conversation kept for a limited period set by the préfecture, so that you can resume it; an agent of the préfecture may read it if you ask to speak to a person. Do not type file numbers or personal details unless an agent asks you to.',
      replyNote: '',
      chatRegion: 'Conversation with the assistant',
      keyboardHelpTitle: 'Using the assistant with a keyboard',
      keyboardHelp: 'Shift+Tab from the message box: go to the message history. Up and down arrows: go through the messages. Enter: reach the links and buttons of an answer, then Tab to move between them. Escape: back to the history, then to the message box; from the message box, close the assistant.',
      connecting: 'Connecting to the assistant…',
      unavailable: 'The assistant is not answering at the moment. Try again in a few moments; you can also contact the préfecture (val-doise.gouv.fr).',
      expired: 'Your previous conversation has expired: a new conversation starts.',
      erased: 'Your conversation has been erased, as you asked: its messages are no longer kept (only anonymous counts remain). A new conversation starts.',
      retry: 'Try again',
      noWebChat: 'The assistant could not be loaded. Reload the page or try again later.'
    },
    es: {
      pageTitle: "Asistente de orientación — Prefectura de Val-d'Oise",
      skipNav: 'Acceso rápido',
      skipContent: 'Contenido',
      skipFooter: 'Pie de página',
      homeTitle: "Inicio — Préfecture du Val-d'Oise",
      tagline: 'Asistente de orientación para sus trámites — página de demostración',
      languageLabel: 'Idioma',
      heading: 'Sus trámites en la prefectura',
      intro: 'Permiso de circulación (carte grise), permiso de residencia, permiso de conducir, naturalización, asociaciones… Describa su situación con sus propias palabras: el asistente le indica qué administración se encarga, cómo y dónde hacer el trámite, qué debe preparar y los plazos.',
      examples: 'Por ejemplo: «he perdido mi carte grise», «renovar mi permiso de residencia», «canjear mi permiso de conducir extranjero».',
      openButton: 'Hacer una pregunta al asistente',
      resumeHint: 'Su conversación continuará donde la dejó.',
      aboutTitle: 'Qué hace el asistente',
      aboutText: 'Le orienta hacia el trámite y el servicio adecuados. No tramita expedientes, no da citas y no sustituye a los sitios oficiales (service-public.fr, ANTS, ANEF). Si lo pide, le indica cómo contactar con la prefectura.',
      privacyTitle: 'Sus datos',
      privacy: 'Su conversación se conserva durante un tiempo limitado fijado por la prefectura, para que pueda retomarla. Si pide hablar con una persona, un agente de la prefectura podrá leerla. No escriba números de expediente ni datos personales (nombre, dirección, teléfono…), salvo si un agente se lo pide. Las preguntas sin respuesta y sus opiniones se guardan sin datos personales, para mejorar el asistente y publicar sus resultados.',
      footerText: "Página de demostración del asistente de orientación de la prefectura de Val-d'Oise. La información del asistente no sustituye a los sitios oficiales.",
      footerLinkPrefecture: 'val-doise.gouv.fr — nueva ventana',
      footerLinkSp: 'service-public.fr — nueva ventana',
      footerResults: 'Nuestros resultados (Services Publics+)',
      footerCopy: 'Salvo indicación contraria, los textos de este sitio se ofrecen bajo la licencia etalab-2.0.',
      chatTitle: 'Asistente de orientación de la prefectura',
      close: 'Cerrar',
      closeTitle: 'Cerrar el asistente',
      chatLanguageLabel: 'Idioma de la conversación',
      newConversation: 'Nueva conversación',
      privacyShort: 'Conversación conservada durante un tiempo limitado fijado por la prefectura, para poder retomarla; un agente de la prefectura podrá leerla si pide hablar con una persona. No escriba números de expediente ni datos personales, salvo si un agente se lo pide.',
      replyNote: 'El asistente responde en español; algunas fichas de trámites solo existen por ahora en francés.',
      chatRegion: 'Conversación con el asistente',
      keyboardHelpTitle: 'Usar el asistente con el teclado',
      keyboardHelp: 'Mayús+Tab desde el campo de texto: ir al historial de mensajes. Flechas arriba y abajo: recorrer los mensajes. Intro: acceder a los enlaces y botones de una respuesta; luego Tab para pasar de uno a otro. Escape: volver al historial y luego al campo de texto; desde el campo de texto, cerrar el asistente.',
      connecting: 'Conectando con el asistente…',
      unavailable: 'El asistente no responde en este momento. Inténtelo de nuevo dentro de unos instantes; también puede contactar con la prefectura (val-doise.gouv.fr).',
      expired: 'Su conversación anterior ha caducado: comienza una nueva conversación.',
      erased: 'Su conversación ha sido borrada, como lo pidió: sus mensajes ya no se conservan (solo quedan recuentos anónimos). Comienza una nueva conversación.',
      retry: 'Reintentar',
      noWebChat: 'No se pudo cargar el asistente. Recargue la página o inténtelo más tarde.'
    },
    ar: {
      pageTitle: "مساعد التوجيه — Préfecture du Val-d'Oise",
      skipNav: 'وصول سريع',
      skipContent: 'المحتوى',
      skipFooter: 'تذييل الصفحة',
      homeTitle: "الصفحة الرئيسية — Préfecture du Val-d'Oise",
      tagline: 'مساعد لتوجيهكم في إجراءاتكم الإدارية — صفحة تجريبية',
      languageLabel: 'اللغة',
      heading: 'إجراءاتكم لدى المحافظة',
      intro: 'البطاقة الرمادية للسيارة، بطاقة الإقامة، رخصة القيادة، التجنيس، الجمعيات… صِفوا وضعكم بكلماتكم: يخبركم المساعد بالإدارة المختصة، وكيف وأين تقومون بالإجراء، وما يجب تحضيره، والمدة اللازمة.',
      examples: 'مثلاً: «فقدت البطاقة الرمادية لسيارتي»، «تجديد بطاقة الإقامة»، «استبدال رخصة القيادة الأجنبية».',
      openButton: 'اطرحوا سؤالاً على المساعد',
      resumeHint: 'ستُستأنف محادثتكم من حيث توقفتم.',
      aboutTitle: 'ما يقوم به المساعد',
      aboutText: 'يوجّهكم إلى الإجراء والمصلحة المناسبين. لا يعالج الملفات، ولا يحجز المواعيد، ولا يحل محل المواقع الرسمية (service-public.fr وANTS وANEF). وإذا طلبتم ذلك، يبيّن لكم كيفية الاتصال بالمحافظة.',
      privacyTitle: 'بياناتكم',
      privacy: 'تُحفظ محادثتكم لمدة محدودة تحددها المحافظة، لكي تتمكنوا من استئنافها. إذا طلبتم التحدث مع شخص، يمكن لموظف في المحافظة قراءتها. لا تكتبوا رقم ملف ولا معلومات شخصية (الاسم، العنوان، رقم الهاتف…) إلا إذا طلبها منكم موظف. تُحفظ الأسئلة التي لم تجد جوابا وآراؤكم دون أي بيانات شخصية، لتحسين المساعد ونشر نتائجه.',
      footerText: 'صفحة تجريبية لمساعد التوجيه في محافظة فال دواز. المعلومات التي يقدمها المساعد لا تحل محل المواقع الرسمية.',
      footerLinkPrefecture: 'val-doise.gouv.fr — نافذة جديدة',
      footerLinkSp: 'service-public.fr — نافذة جديدة',
      footerResults: 'نتائجنا (Services Publics+)',
      footerCopy: 'ما لم يُذكر خلاف ذلك، نصوص هذا الموقع متاحة بموجب رخصة etalab-2.0.',
      chatTitle: 'مساعد التوجيه في المحافظة',
      close: 'إغلاق',
      closeTitle: 'إغلاق المساعد',
      chatLanguageLabel: 'لغة المحادثة',
      newConversation: 'محادثة جديدة',
      privacyShort: 'تُحفظ المحادثة لمدة محدودة تحددها المحافظة لكي تتمكنوا من استئنافها، ويمكن لموظف في المحافظة قراءتها إذا طلبتم التحدث مع شخص. لا تكتبوا رقم ملف ولا معلومات شخصية إلا إذا طلبها منكم موظف.',
      replyNote: 'يجيب المساعد بالعربية؛ بعض بطاقات الإجراءات متوفرة حالياً بالفرنسية فقط.',
      chatRegion: 'المحادثة مع المساعد',
      keyboardHelpTitle: 'استخدام المساعد بلوحة المفاتيح',
      keyboardHelp: 'Shift+Tab من خانة الكتابة: الانتقال إلى سجل الرسائل. السهمان لأعلى ولأسفل: تصفح الرسائل. Enter: الوصول إلى روابط الإجابة وأزرارها، ثم Tab للتنقل بينها. Escape: العودة إلى السجل ثم إلى خانة الكتابة؛ ومن خانة الكتابة، إغلاق المساعد.',
      connecting: 'جارٍ الاتصال بالمساعد…',
      unavailable: 'المساعد لا يجيب في الوقت الحالي. أعيدوا المحاولة بعد لحظات؛ ويمكنكم أيضاً الاتصال بالمحافظة (val-doise.gouv.fr).',
      expired: 'انتهت صلاحية محادثتكم السابقة: تبدأ محادثة جديدة.',
      erased: 'تم محو محادثتكم بناءً على طلبكم: لم تعد رسائلها محفوظة (تبقى فقط أعداد مجهولة الهوية). تبدأ محادثة جديدة.',
      retry: 'إعادة المحاولة',
      noWebChat: 'تعذّر تحميل المساعد. أعيدوا تحميل الصفحة أو حاولوا لاحقاً.'
    }
  };

  /** Web Chat's look: DSFR blue, Marianne, sizes and focus indicators that stay visible. */
  var STYLE_OPTIONS = {
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
    notificationText: '#3a3a3a',
    sendBoxBackground: '#ffffff',
    sendBoxTextColor: '#161616',
    sendBoxPlaceholderColor: '#666666',
    sendBoxBorderTop: 'solid 2px #000091',
    sendBoxHeight: 52,
    sendBoxButtonColor: '#000091',
    sendBoxButtonColorOnFocus: '#000091',
    sendBoxButtonColorOnHover: '#1212ff',
    sendBoxButtonKeyboardFocusIndicatorBorderColor: '#0a76f6',
    sendBoxButtonKeyboardFocusIndicatorBorderWidth: 2,
    suggestedActionLayout: 'flow',
    suggestedActionHeight: 40,
    suggestedActionBorderRadius: 0,
    suggestedActionBorderWidth: 1,
    suggestedActionBorderColor: '#000091',
    suggestedActionTextColor: '#000091',
    suggestedActionBackgroundColor: '#ffffff',
    suggestedActionBackgroundColorOnHover: '#f5f5fe',
    suggestedActionKeyboardFocusIndicatorBorderColor: '#0a76f6',
    suggestedActionKeyboardFocusIndicatorBorderStyle: 'solid',
    suggestedActionKeyboardFocusIndicatorBorderWidth: 2,
    transcriptVisualKeyboardIndicatorColor: '#0a76f6',
    transcriptVisualKeyboardIndicatorWidth: 2,
    transcriptActivityVisualKeyboardIndicatorColor: '#0a76f6',
    transcriptActivityVisualKeyboardIndicatorWidth: 2,
    cardEmphasisBackgroundColor: '#eeeeee'
  };

  /**
   * Adaptive Cards host config: Web Chat's own default (which it replaces as a whole when one is
   * given) with readable font sizes and DSFR colours.
   */
  var FONT_SIZES = { small: 14, default: 16, medium: 18, large: 22, extraLarge: 26 };
  var ADAPTIVE_CARDS_HOST_CONFIG = {
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
      emphasis: {
        backgroundColor: '#eeeeee',
        foregroundColors: { default: { default: '#161616', subtle: '#3a3a3a' } }
      },
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

  // Direct Line connection status (botframework-directlinejs ConnectionStatus).
  var STATUS = { uninitialized: 0, connecting: 1, online: 2, expiredToken: 3, failedToConnect: 4, ended: 5 };

  var state = {
    locale: DEFAULT_LOCALE,
    config: undefined,
    /** {token, conversationId, expiresAt, ttl} of the live conversation. */
    session: undefined,
    directLine: undefined,
    store: undefined,
    statusSubscription: undefined,
    erasedSubscription: undefined,
    starting: false,
    online: false,
    /** Bumped on each connection so that late callbacks of an old one are ignored. */
    generation: 0
  };

  var els = {};

  // ---- Storage (sessionStorage can be unavailable: private modes, policies) ----

  function readStorage(key) {
    try {
      return window.sessionStorage.getItem(key);
    } catch (e) {
      return null;
    }
  }

  function writeStorage(key, value) {
    try {
      if (value === undefined) window.sessionStorage.removeItem(key);
      else window.sessionStorage.setItem(key, value);
    } catch (e) {
      /* not kept: the conversation simply will not resume after a reload */
    }
  }

  function loadSession() {
    var raw = readStorage(SESSION_KEY);
    if (!raw) return undefined;
    try {
      var s = JSON.parse(raw);
      if (s && typeof s.token === 'string' && typeof s.conversationId === 'string' && typeof s.expiresAt === 'number') return s;
    } catch (e) {
      /* unreadable: dropped below */
    }
    writeStorage(SESSION_KEY, undefined);
    return undefined;
  }

  function saveSession(session) {
    writeStorage(SESSION_KEY, session ? JSON.stringify(session) : undefined);
  }

  function isUsable(session) {
    return !!session && session.expiresAt - Date.now() > EXPIRY_MARGIN_MS;
  }

  // ---- Language ----

  function texts() {
    return TEXTS[LOCALES[state.locale].lang];
  }

  function translatePage() {
    var t = texts();
    document.title = t.pageTitle;
    Array.prototype.forEach.call(document.querySelectorAll('[data-i18n]'), function (node) {
      var key = node.getAttribute('data-i18n');
      if (Object.prototype.hasOwnProperty.call(t, key)) node.textContent = t[key];
    });
    Array.prototype.forEach.call(document.querySelectorAll('[data-i18n-attr]'), function (node) {
      node.getAttribute('data-i18n-attr').split(';').forEach(function (pair) {
        var parts = pair.split(':');
        var attr = parts[0] && parts[0].trim();
        var key = parts[1] && parts[1].trim();
        if (attr && key && Object.prototype.hasOwnProperty.call(t, key)) node.setAttribute(attr, t[key]);
      });
    });
    els.replyNote.hidden = !t.replyNote;
  }

  function applyLanguage(locale) {
    if (!LOCALES[locale]) locale = DEFAULT_LOCALE;
    state.locale = locale;
    var info = LOCALES[locale];
    document.documentElement.setAttribute('lang', info.lang);
    document.documentElement.setAttribute('dir', info.dir);
    els.chat.setAttribute('dir', info.dir);
    els.chat.setAttribute('lang', info.lang);
    Array.prototype.forEach.call(els.langSelects, function (select) {
      select.value = locale;
    });
    translatePage();
    writeStorage(LOCALE_KEY, locale);
    // Same directLine and store: the conversation goes on, the next message carries the locale.
    if (state.directLine) render();
    refreshStatusText();
  }

  // ---- Status line (connecting, errors) ----

  var statusKind;

  function setStatus(kind) {
    statusKind = kind;
    refreshStatusText();
  }

  function refreshStatusText() {
    var box = els.status;
    var t = texts();
    box.textContent = '';
    box.classList.remove('chat-panel__status--error');
    if (!statusKind) return;
    var p = document.createElement('p');
    p.className = 'fr-mb-0';
    p.textContent = t[statusKind];
    box.appendChild(p);
    if (statusKind === 'unavailable' || statusKind === 'noWebChat') {
      box.classList.add('chat-panel__status--error');
      if (statusKind === 'unavailable') {
        var retry = document.createElement('button');
        retry.type = 'button';
        retry.className = 'fr-btn fr-btn--secondary fr-btn--sm';
        retry.textContent = t.retry;
        retry.addEventListener('click', function () {
          restart(false);
        });
        box.appendChild(retry);
      }
    }
  }

  // ---- Direct Line and Web Chat ----

  function fetchJson(url, init) {
    return window.fetch(url, init).then(function (res) {
      if (!res.ok) throw new Error(url + ' answered ' + res.status);
      return res.json();
    });
  }

  function getConfig() {
    if (state.config) return Promise.resolve(state.config);
    return fetchJson('/api/webchat/config', { headers: { accept: 'application/json' }, credentials: 'same-origin' }).then(function (config) {
      if (!config || typeof config.directLineDomain !== 'string') throw new Error('invalid Web Chat configuration');
      state.config = config;
      return config;
    });
  }

  function newSession() {
    return fetchJson('/api/directline/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      credentials: 'same-origin',
      body: '{}'
    }).then(function (grant) {
      if (!grant || typeof grant.token !== 'string' || typeof grant.conversationId !== 'string') throw new Error('invalid token answer');
      var ttl = typeof grant.expires_in === 'number' && grant.expires_in > 0 ? grant.expires_in : 1800;
      return { token: grant.token, conversationId: grant.conversationId, expiresAt: Date.now() + ttl * 1000, ttl: ttl };
    });
  }

  /**
   * A fresh token for a kept conversation (Direct Line's tokens/refresh). Resolves undefined
   * when the conversation cannot be resumed (token refused), rejects when the service is
   * unreachable (the conversation is kept for a later try).
   */
  function refreshSession(config, session) {
    return window
      .fetch(config.directLineDomain.replace(/\/$/, '') + '/tokens/refresh', {
        method: 'POST',
        headers: { authorization: 'Bearer ' + session.token, accept: 'application/json' }
      })
      .then(function (res) {
        if (res.status === 401 || res.status === 403 || res.status === 404) return undefined;
        if (!res.ok) throw new Error('tokens/refresh answered ' + res.status);
        return res.json().then(function (grant) {
          if (!grant || typeof grant.token !== 'string') return undefined;
          if (grant.conversationId && grant.conversationId !== session.conversationId) return undefined;
          var ttl = typeof grant.expires_in === 'number' && grant.expires_in > 0 ? grant.expires_in : session.ttl || 1800;
          return { token: grant.token, conversationId: session.conversationId, expiresAt: Date.now() + ttl * 1000, ttl: ttl };
        });
      });
  }

  function render() {
    var info = LOCALES[state.locale];
    window.WebChat.renderWebChat(
      {
        directLine: state.directLine,
        store: state.store,
        locale: state.locale,
        dir: info.dir,
        styleOptions: STYLE_OPTIONS,
        adaptiveCardsHostConfig: ADAPTIVE_CARDS_HOST_CONFIG,
        nonce: NONCE
      },
      els.chat
    );
  }

  /** Starts (or resumes) the conversation and renders Web Chat. */
  function start(allowResume, notice) {
    if (state.starting || state.directLine) return;
    if (!window.WebChat || typeof window.WebChat.renderWebChat !== 'function') {
      setStatus('noWebChat');
      return;
    }
    state.starting = true;
    var generation = ++state.generation;
    var stored = allowResume ? loadSession() : undefined;
    var resuming = isUsable(stored);
    if (stored && !resuming) {
      saveSession(undefined);
      notice = 'expired';
    }
    setStatus(notice || 'connecting');

    getConfig()
      .then(function (config) {
        if (!resuming) return newSession().then(function (session) {
          return { config: config, session: session, resumed: false };
        });
        // A kept conversation: its token is refreshed first, which also tells whether it
        // can still be resumed; when it cannot, a new conversation starts.
        return refreshSession(config, stored).then(function (session) {
          if (session) return { config: config, session: session, resumed: true };
          saveSession(undefined);
          if (generation === state.generation) setStatus('expired');
          return newSession().then(function (fresh) {
            return { config: config, session: fresh, resumed: false };
          });
        });
      })
      .then(function (r) {
        if (generation !== state.generation) return;
        resuming = r.resumed;
        state.session = r.session;
        saveSession(r.session);
        var options = { token: r.session.token, domain: r.config.directLineDomain, webSocket: r.config.webSocket !== false };
        if (resuming) {
          // Resume: Direct Line reconnects to the conversation and sends its history again.
          options.conversationId = r.session.conversationId;
        } else {
          // New: the token is bound to its conversation, which starts now in the chosen language.
          options.conversationStartProperties = { locale: state.locale };
        }
        state.directLine = window.WebChat.createDirectLine(options);
        state.store = window.WebChat.createStore();
        state.online = false;
        watchConnection(generation, resuming);
        render();
        state.starting = false;
        if (els.panel.open) focusSendBox();
      })
      .catch(function () {
        if (generation !== state.generation) return;
        state.starting = false;
        setStatus('unavailable');
      });
  }

  function watchConnection(generation, resuming) {
    var directLine = state.directLine;
    // The bot erased the conversation at the person's request: what was on screen goes too
    // (a shared computer at a counter must not keep showing it), and a new one starts.
    state.erasedSubscription = directLine.activity$.subscribe(function (activity) {
      if (generation !== state.generation) return;
      if (activity && activity.type === 'event' && activity.name === 'conversationErased') {
        setTimeout(function () {
          if (generation === state.generation) restart(false, 'erased');
        }, 0);
      }
    });
    state.statusSubscription = directLine.connectionStatus$.subscribe(function (status) {
      if (generation !== state.generation) return;
      // For tests and support: the connection's state, on the chat's container.
      els.chat.setAttribute('data-connection', status === STATUS.online ? 'online' : status === STATUS.expiredToken || status === STATUS.failedToConnect ? 'failed' : 'connecting');
      if (status === STATUS.online) {
        state.online = true;
        // An "expired" or "erased" notice stays: it tells why the earlier messages are gone.
        if (statusKind !== 'expired' && statusKind !== 'erased') setStatus(undefined);
      } else if (status === STATUS.expiredToken || status === STATUS.failedToConnect) {
        if (resuming && !state.online) {
          // The kept conversation cannot be resumed (expired, unknown after a reset): start anew.
          restart(false, 'expired');
        } else {
          setStatus('unavailable');
        }
      }
    });
  }

  /** Ends the current connection and removes Web Chat, then starts again. */
  function restart(allowResume, notice) {
    stop();
    if (!allowResume) saveSession(undefined);
    setStatus(undefined);
    start(allowResume, notice);
  }

  function stop() {
    state.generation++;
    state.starting = false;
    [state.statusSubscription, state.erasedSubscription].forEach(function (subscription) {
      if (!subscription) return;
      try {
        subscription.unsubscribe();
      } catch (e) {
        /* already closed */
      }
    });
    state.erasedSubscription = undefined;
    if (state.directLine) {
      try {
        state.directLine.end();
      } catch (e) {
        /* already ended */
      }
    }
    state.directLine = undefined;
    state.store = undefined;
    state.statusSubscription = undefined;
    state.session = undefined;
    state.online = false;
    // A fresh container: the old Web Chat tree goes with the old one.
    var fresh = els.chat.cloneNode(false);
    fresh.removeAttribute('data-connection');
    els.chat.parentNode.replaceChild(fresh, els.chat);
    els.chat = fresh;
  }

  /** Keeps the stored token up to date when Direct Line refreshes it. */
  function syncToken() {
    var dl = state.directLine;
    var session = state.session;
    if (!dl || !session || !state.online) return;
    var current = dl.token;
    if (typeof current === 'string' && current && current !== session.token) {
      session.token = current;
      session.expiresAt = Date.now() + (session.ttl || 1800) * 1000;
      saveSession(session);
    }
  }

  // ---- The panel ----

  function sendBox() {
    return els.chat.querySelector('[data-id="webchat-sendbox-input"]') || els.chat.querySelector('.webchat__send-box-text-box__input');
  }

  function focusSendBox() {
    var deadline = Date.now() + 10000;
    (function attempt() {
      if (!els.panel.open) return;
      var input = sendBox();
      if (input && !input.disabled) {
        input.focus();
        return;
      }
      if (Date.now() < deadline) window.setTimeout(attempt, 50);
    })();
  }

  function openPanel() {
    if (els.panel.open) return;
    document.documentElement.classList.add('chat-open');
    els.panel.showModal();
    if (!state.directLine) start(true);
    else focusSendBox();
  }

  function closePanel() {
    if (els.panel.open) els.panel.close();
  }

  function onPanelClosed() {
    document.documentElement.classList.remove('chat-open');
    els.resumeHint.hidden = !state.session;
    els.openButton.focus();
  }

  function init() {
    els.panel = document.getElementById('chat-panel');
    els.openButton = document.getElementById('open-chat');
    els.closeButton = document.getElementById('close-chat');
    els.newButton = document.getElementById('new-conversation');
    els.chat = document.getElementById('webchat');
    els.status = document.getElementById('chat-status');
    els.replyNote = document.getElementById('chat-reply-note');
    els.resumeHint = document.getElementById('resume-hint');
    els.langSelects = document.querySelectorAll('[data-lang-select]');

    els.openButton.addEventListener('click', openPanel);
    els.closeButton.addEventListener('click', closePanel);
    // Escape (the dialog's cancel) and the close button both end up here.
    els.panel.addEventListener('close', onPanelClosed);
    // A click on the backdrop (outside the panel's content) closes it.
    els.panel.addEventListener('click', function (event) {
      if (event.target === els.panel) closePanel();
    });
    els.newButton.addEventListener('click', function () {
      restart(false);
    });
    Array.prototype.forEach.call(els.langSelects, function (select) {
      select.addEventListener('change', function () {
        applyLanguage(select.value);
      });
    });

    els.resumeHint.hidden = !isUsable(loadSession());
    applyLanguage(readStorage(LOCALE_KEY) || DEFAULT_LOCALE);

    window.setInterval(syncToken, 30 * 1000);
    window.addEventListener('pagehide', syncToken);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
