/*
 * The agents' console: sign-in (Teams single sign-on inside Teams, a local account form
 * elsewhere), the queue of waiting requests, the agent's ongoing conversations, the messages
 * left while the desk was closed, and the selected request's transcript with the owner's
 * tools (write to the person, hand back to the bot, close).
 *
 * The session token ({token, agent, expiresAt}) is kept in sessionStorage and sent as a
 * Bearer header; any 401 goes back to the sign-in. The lists and the open transcript are
 * polled every 3 seconds and after each action. Lists are updated in place (one element per
 * request, kept from one poll to the next), so that the keyboard focus and the screen
 * reader's position survive the refreshes; new transcript lines are appended to a live log.
 * No inline script or handler anywhere: everything is wired here.
 */
(function () {
  'use strict';

  var SESSION_KEY = 'prefecture-console.session';
  var POLL_MS = 3000;
  /** How long a notice stays on screen. */
  var NOTICE_MS = 10000;
  /** A stored session this close to its expiry is not reused. */
  var EXPIRY_MARGIN_MS = 60 * 1000;
  /** Teams' initialisation never answers outside Teams: give up after this. */
  var TEAMS_INIT_TIMEOUT_MS = 10000;
  var TEAMS_LIBRARY = '/vendor/teams-js/MicrosoftTeams.min.js';
  var BASE_TITLE = "Console des agents — Préfecture du Val-d'Oise";

  var LANGUAGES = { fr: 'français', en: 'anglais', es: 'espagnol', ar: 'arabe', pt: 'portugais', de: 'allemand', it: 'italien' };
  var STATES = {
    waiting: 'En attente',
    agent: 'En cours avec un agent',
    closed: 'Close',
    cancelled: "Annulée par l'usager",
    expired: 'Expirée (personne ne l’a prise à temps)',
    message: 'Message laissé'
  };
  var SPEAKERS = { person: 'Usager', agent: 'Agent', bot: 'Assistant' };

  var state = {
    session: undefined,
    config: undefined,
    inTeams: false,
    teamsReady: false,
    /** Bumped at sign-in and sign-out: answers to an earlier session's calls are ignored. */
    generation: 0,
    lists: undefined,
    /** Waiting request ids already seen, to announce new ones; undefined before the first load. */
    seenWaiting: undefined,
    selectedId: undefined,
    detail: undefined,
    /** The transcript lines shown, for appending only the new ones. */
    shownLines: 0,
    busy: false,
    sending: false,
    /** Whether a Teams sign-in was already retried after a 401 (no loop). */
    ssoRetried: false,
    statusTimer: undefined,
    announceTimer: undefined,
    timer: undefined,
    inflight: undefined,
    queued: undefined,
    /** Where the error shown comes from: 'poll' errors clear themselves when polling recovers. */
    errorSource: undefined
  };

  var els = {};

  // ---- Small helpers ----

  function byId(id) {
    return document.getElementById(id);
  }

  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  function show(node, visible) {
    node.hidden = !visible;
  }

  function domId(prefix, id) {
    return prefix + '-' + String(id).replace(/[^A-Za-z0-9_-]/g, '_');
  }

  function languageName(code) {
    var base = String(code || '').toLowerCase().split('-')[0];
    if (LANGUAGES[base]) return LANGUAGES[base];
    try {
      if (window.Intl && Intl.DisplayNames) return new Intl.DisplayNames(['fr'], { type: 'language' }).of(base) || base;
    } catch (e) {
      /* an unknown code: shown as it is */
    }
    return base || 'inconnue';
  }

  function langAttr(code) {
    return String(code || '').split('-')[0] || 'fr';
  }

  function minutesText(minutes) {
    var m = Math.max(0, Math.floor(Number(minutes) || 0));
    if (m < 1) return "moins d'une minute";
    if (m < 60) return m + ' min';
    var h = Math.floor(m / 60);
    var r = m % 60;
    return h + ' h ' + (r < 10 ? '0' : '') + r;
  }

  function formatDate(iso, withDay) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return '';
    var options = { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Paris' };
    if (withDay) {
      options.day = 'numeric';
      options.month = 'long';
    }
    try {
      return new Intl.DateTimeFormat('fr-FR', options).format(d);
    } catch (e) {
      return d.toLocaleString('fr-FR');
    }
  }

  function topicOf(request) {
    return request.topicTitle || 'Sujet non déterminé';
  }

  function isMine(request) {
    return !!(state.session && request && request.owner && request.owner.id === state.session.agent.id);
  }

  /** Bot lines the service writes for the record, in the agents' language. */
  function botLineText(text) {
    var taken = /^taken by (.+)$/.exec(text);
    if (taken) return 'Prise en charge par ' + taken[1];
    return text;
  }

  // ---- Session storage (can be unavailable: private modes, policies) ----

  function readSession() {
    try {
      var raw = window.sessionStorage.getItem(SESSION_KEY);
      if (!raw) return undefined;
      var s = JSON.parse(raw);
      if (s && typeof s.token === 'string' && s.agent && typeof s.agent.id === 'string' && typeof s.expiresAt === 'number') return s;
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
    // Emptied first, so that the same notice twice is announced twice; removed after a while,
    // so that an old notice does not pass for a new one.
    els.status.textContent = '';
    window.clearTimeout(state.statusTimer);
    window.clearTimeout(state.announceTimer);
    state.announceTimer = window.setTimeout(function () {
      els.status.textContent = text;
      state.statusTimer = window.setTimeout(function () {
        els.status.textContent = '';
      }, NOTICE_MS);
    }, 50);
  }

  function showError(text, source) {
    state.errorSource = source;
    setText(els.errorText, text);
    show(els.error, true);
  }

  function clearError(source) {
    if (source && state.errorSource !== source) return;
    state.errorSource = undefined;
    show(els.error, false);
    setText(els.errorText, '');
  }

  /** What to tell the agent about a failed call, in French. */
  function errorMessage(err) {
    if (!err || err.network) return 'Le service ne répond pas. Vérifiez votre connexion ; la console réessaie automatiquement.';
    switch (err.code) {
      case 'Taken':
      case 'NotOwner':
      case 'NotActive':
        // The service words these for the agents, in French (with the other agent's name).
        return err.message || "Cette demande n'est plus disponible.";
      case 'NotFound':
        return "Cette demande n'existe plus.";
      case 'BadArgument':
        return 'Le message doit compter de 1 à 4000 caractères.';
      case 'BadCredentials':
        return 'Identifiant ou mot de passe incorrect.';
      case 'TooManyRequests':
        return 'Trop de tentatives de connexion : patientez une minute avant de réessayer.';
      case 'BadToken':
        return "Votre connexion Microsoft Teams n'a pas pu être vérifiée, ou votre compte n'a pas le rôle d'agent. Connectez-vous avec votre identifiant d'agent.";
      case 'NotConfigured':
        return "La connexion par Microsoft Teams n'est pas configurée. Connectez-vous avec votre identifiant d'agent.";
      default:
        return "L'opération n'a pas abouti (erreur " + err.status + (err.message ? ' : ' + err.message : '') + ').';
    }
  }

  // ---- The API ----

  function ApiError(status, code, message) {
    this.status = status;
    this.code = code;
    this.message = message;
  }

  /**
   * Calls the console API. Resolves with the JSON body; rejects with an ApiError (status,
   * code, message), {network: true} when the service cannot be reached, or {signedOut: true}
   * after a 401 on a signed-in call (the sign-in is shown again).
   */
  function api(method, path, body, options) {
    var generation = state.generation;
    var headers = { accept: 'application/json' };
    var authed = !(options && options.anonymous);
    if (authed) {
      if (!state.session) return Promise.reject({ signedOut: true });
      headers.authorization = 'Bearer ' + state.session.token;
    }
    if (body !== undefined) headers['content-type'] = 'application/json';
    return window
      .fetch('/api/console' + path, {
        method: method,
        headers: headers,
        credentials: 'same-origin',
        cache: 'no-store',
        body: body === undefined ? undefined : JSON.stringify(body)
      })
      .then(
        function (res) {
          return res.text().then(function (text) {
            var json;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch (e) {
              json = undefined;
            }
            if (res.ok) return json;
            var error = (json && json.error) || {};
            if (authed && res.status === 401) {
              if (generation === state.generation) sessionEnded();
              throw { signedOut: true };
            }
            throw new ApiError(res.status, error.code || 'Error', typeof error.message === 'string' ? error.message : '');
          });
        },
        function () {
          throw { network: true };
        }
      )
      .then(function (json) {
        if (generation !== state.generation) throw { stale: true };
        return json;
      });
  }

  function getConfig() {
    if (state.config) return Promise.resolve(state.config);
    return api('GET', '/config', undefined, { anonymous: true }).then(function (config) {
      state.config = { teamsSso: !!(config && config.teamsSso) };
      return state.config;
    });
  }

  // ---- Sign-in ----

  function showSignin(message, teamsPending) {
    stopPolling();
    show(els.workspace, false);
    show(els.agentBar, false);
    show(els.signin, true);
    show(els.signinTeams, !!teamsPending);
    show(els.signinForm, !teamsPending);
    setSigninError(message);
    document.title = BASE_TITLE;
    if (!teamsPending) {
      var target = els.username.value ? els.password : els.username;
      target.focus();
    }
  }

  function setSigninError(message) {
    setText(els.signinErrorText, message || '');
    show(els.signinError, !!message);
    var invalid = message ? 'true' : 'false';
    els.username.setAttribute('aria-invalid', invalid);
    els.password.setAttribute('aria-invalid', invalid);
    if (!message) {
      els.username.removeAttribute('aria-invalid');
      els.password.removeAttribute('aria-invalid');
    }
  }

  function signedIn(grant) {
    if (!grant || typeof grant.token !== 'string' || !grant.agent || typeof grant.agent.id !== 'string') {
      throw new ApiError(500, 'Error', 'réponse de connexion invalide');
    }
    var ttl = typeof grant.expires_in === 'number' && grant.expires_in > 0 ? grant.expires_in : 3600;
    var session = { token: grant.token, agent: { id: grant.agent.id, name: String(grant.agent.name || '') }, expiresAt: Date.now() + ttl * 1000 };
    writeSession(session);
    enterWorkspace(session);
  }

  function submitSignin(event) {
    event.preventDefault();
    if (state.busy) return;
    var username = els.username.value.trim();
    var password = els.password.value;
    if (!username || !password) {
      setSigninError('Indiquez votre identifiant et votre mot de passe.');
      (username ? els.password : els.username).focus();
      return;
    }
    state.busy = true;
    els.signinSubmit.disabled = true;
    setSigninError(undefined);
    api('POST', '/login', { username: username, password: password }, { anonymous: true })
      .then(function (grant) {
        els.password.value = '';
        signedIn(grant);
      })
      .catch(function (err) {
        if (err && err.stale) return;
        els.password.value = '';
        setSigninError(errorMessage(err));
        els.password.focus();
      })
      .then(function () {
        state.busy = false;
        els.signinSubmit.disabled = false;
      });
  }

  function signOut() {
    // The service puts this agent's ongoing conversations back in the queue.
    if (state.session) api('POST', '/logout', {}).catch(function () { return undefined; });
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
    showSignin('Votre session a expiré ou n’est plus valable : connectez-vous de nouveau.');
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
    return new Promise(function (resolve, reject) {
      var timer = window.setTimeout(function () {
        reject(new Error('timeout'));
      }, ms);
      promise.then(
        function (v) {
          window.clearTimeout(timer);
          resolve(v);
        },
        function (e) {
          window.clearTimeout(timer);
          reject(e);
        }
      );
    });
  }

  /**
   * Loads the Teams library (served by the service). Only inside Teams: as soon as it loads,
   * it fetches Teams' valid domains from Microsoft's CDN.
   */
  function loadTeamsLibrary() {
    if (window.microsoftTeams) return Promise.resolve(window.microsoftTeams);
    return new Promise(function (resolve, reject) {
      var script = document.createElement('script');
      script.src = TEAMS_LIBRARY;
      script.async = true;
      script.addEventListener('load', function () {
        if (window.microsoftTeams && window.microsoftTeams.app) resolve(window.microsoftTeams);
        else reject(new Error('no microsoftTeams'));
      });
      script.addEventListener('error', function () {
        reject(new Error('the Teams library did not load'));
      });
      document.head.appendChild(script);
    });
  }

  function startTeams() {
    var teams;
    showSignin(undefined, true);
    loadTeamsLibrary()
      .then(
        function (library) {
          teams = library;
          return withTimeout(Promise.resolve(teams.app.initialize()), TEAMS_INIT_TIMEOUT_MS);
        },
        function () {
          throw { library: true };
        }
      )
      .then(function () {
        state.teamsReady = true;
        try {
          if (typeof teams.app.notifySuccess === 'function') teams.app.notifySuccess();
        } catch (e) {
          /* not needed when the tab shows no loading indicator */
        }
        var kept = readSession();
        if (usable(kept)) enterWorkspace(kept);
        else teamsSignIn();
      })
      .catch(function (err) {
        showSignin(
          err && err.library
            ? "La bibliothèque Microsoft Teams n'a pas pu être chargée : connectez-vous avec votre identifiant d'agent."
            : "La connexion automatique avec Microsoft Teams n'a pas abouti : connectez-vous avec votre identifiant d'agent."
        );
      });
  }

  function teamsSignIn() {
    var teams = window.microsoftTeams;
    showSignin(undefined, true);
    getConfig()
      .then(function (config) {
        if (!config.teamsSso) {
          showSignin(undefined);
          return;
        }
        return Promise.resolve(teams.authentication.getAuthToken()).then(
          function (token) {
            return api('POST', '/sso', { token: token }, { anonymous: true }).then(signedIn);
          },
          function () {
            throw new ApiError(0, 'BadToken', '');
          }
        );
      })
      .catch(function (err) {
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
    setText(els.agentName, session.agent.name);
    show(els.agentBar, true);
    show(els.workspace, true);
    els.workspaceTitle.focus();
    refresh();
  }

  function resetWorkspace() {
    stopPolling();
    state.lists = undefined;
    state.seenWaiting = undefined;
    state.selectedId = undefined;
    state.detail = undefined;
    state.shownLines = 0;
    state.busy = false;
    state.sending = false;
    [els.queueList, els.mineList, els.othersList, els.messagesList, els.transcript].forEach(function (list) {
      list.textContent = '';
    });
    els.replyText.value = '';
    setReplyError(undefined);
    renderDetail();
  }

  // ---- Polling ----

  function stopPolling() {
    if (state.timer) window.clearTimeout(state.timer);
    state.timer = undefined;
  }

  function schedule() {
    stopPolling();
    if (state.session) state.timer = window.setTimeout(refresh, POLL_MS);
  }

  /** Reloads the lists and the open request now; resolves once the new state is shown. */
  function refresh() {
    if (!state.session) return Promise.resolve();
    if (state.inflight) {
      // One call at a time: this one runs right after the current one.
      if (!state.queued) {
        state.queued = state.inflight.then(function () {
          state.queued = undefined;
          return refresh();
        });
      }
      return state.queued;
    }
    stopPolling();
    var generation = state.generation;
    state.inflight = Promise.all([loadLists(), loadDetail()])
      .then(function () {
        clearError('poll');
      })
      .catch(function (err) {
        if (!err || err.stale || err.signedOut || generation !== state.generation) return;
        showError(err.network ? errorMessage(err) : 'Mise à jour impossible : ' + errorMessage(err), 'poll');
      })
      .then(function () {
        state.inflight = undefined;
        if (generation === state.generation) schedule();
      });
    return state.inflight;
  }

  function loadLists() {
    return api('GET', '/requests').then(function (lists) {
      // The session works: a later 401 may sign in with Teams again (once, not in a loop).
      state.ssoRetried = false;
      state.lists = {
        waiting: (lists && lists.waiting) || [],
        ongoing: (lists && lists.ongoing) || [],
        messages: (lists && lists.messages) || []
      };
      renderLists();
    });
  }

  function loadDetail() {
    var id = state.selectedId;
    if (!id) return Promise.resolve();
    return api('GET', '/requests/' + encodeURIComponent(id)).then(
      function (detail) {
        if (state.selectedId !== id) return;
        var previous = state.detail && state.detail.request;
        state.detail = { request: detail.request, transcript: detail.transcript || [] };
        if (previous && previous.state !== detail.request.state) announceChange(previous, detail.request);
        renderDetail();
      },
      function (err) {
        if (err && err.code === 'NotFound' && state.selectedId === id) {
          select(undefined);
          showError("Cette demande n'existe plus.", 'action');
          return;
        }
        throw err;
      }
    );
  }

  /** Tells the agent when the open request changed state without them (timeout, cancel). */
  function announceChange(before, after) {
    if (after.state === 'agent' && before.state === 'waiting' && !isMine(after)) {
      announce('Demande prise en charge par ' + (after.owner ? after.owner.name : 'un autre agent') + '.');
    } else if (before.state === 'agent' && after.state === 'waiting') {
      announce('La demande est revenue dans la file d’attente.');
    } else if (after.state === 'cancelled') {
      announce("L'usager a annulé sa demande.");
    } else if (after.state === 'expired') {
      announce('La demande a expiré : personne ne l’a prise à temps.');
    }
  }

  // ---- Lists ----

  function renderLists() {
    var lists = state.lists;
    var mine = lists.ongoing.filter(isMine);
    var others = lists.ongoing.filter(function (r) {
      return !isMine(r);
    });

    syncList(els.queueList, 'queue', lists.waiting, els.queueTitle);
    syncList(els.mineList, 'mine', mine, els.mineTitle);
    syncList(els.othersList, 'others', others, els.othersTitle);
    syncList(els.messagesList, 'messages', lists.messages, els.messagesTitle);

    setText(els.queueCount, String(lists.waiting.length));
    setText(els.mineCount, String(mine.length));
    setText(els.othersCount, String(others.length));
    setText(els.messagesCount, String(lists.messages.length));
    show(els.queueEmpty, lists.waiting.length === 0);
    show(els.mineEmpty, mine.length === 0);
    show(els.othersSection, others.length > 0);
    show(els.messagesEmpty, lists.messages.length === 0);

    // New requests in the queue are announced (not on the first load).
    var ids = lists.waiting.map(function (r) {
      return r.id;
    });
    if (state.seenWaiting) {
      var fresh = ids.filter(function (id) {
        return !state.seenWaiting[id];
      });
      if (fresh.length === 1) announce('Nouvelle demande dans la file d’attente.');
      else if (fresh.length > 1) announce(fresh.length + ' nouvelles demandes dans la file d’attente.');
    }
    state.seenWaiting = {};
    ids.forEach(function (id) {
      state.seenWaiting[id] = true;
    });
    document.title = (lists.waiting.length ? '(' + lists.waiting.length + ') ' : '') + BASE_TITLE;
  }

  /**
   * Updates a list in place: one element per request, kept across polls. When the element
   * holding the focus goes away, the focus goes to the list's heading.
   */
  function syncList(list, kind, requests, heading) {
    var existing = {};
    Array.prototype.forEach.call(list.children, function (li) {
      existing[li.getAttribute('data-id')] = li;
    });
    requests.forEach(function (request, index) {
      var li = existing[request.id] || buildItem(kind, request);
      delete existing[request.id];
      updateItem(kind, li, request);
      if (list.children[index] !== li) list.insertBefore(li, list.children[index] || null);
    });
    var lostFocus = false;
    Object.keys(existing).forEach(function (id) {
      var li = existing[id];
      if (li.contains(document.activeElement)) lostFocus = true;
      list.removeChild(li);
    });
    if (lostFocus) heading.focus();
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function buildItem(kind, request) {
    var li = el('li', 'console-item console-item--' + kind);
    li.setAttribute('data-id', request.id);
    var titleId = domId(kind + '-title', request.id);
    var title = el('h3', 'console-item__title');
    title.id = titleId;
    li.appendChild(title);
    li.appendChild(el('p', 'console-item__meta fr-text--sm'));
    if (kind === 'messages') li.appendChild(el('p', 'console-item__contact fr-text--sm'));
    var summary = el('p', 'console-item__summary');
    summary.setAttribute('dir', 'auto');
    li.appendChild(summary);

    var actions = el('div', 'console-item__actions');
    if (kind === 'queue') {
      var take = el('button', 'fr-btn fr-btn--sm fr-btn--icon-left fr-icon-check-line', 'Prendre en charge');
      take.type = 'button';
      take.setAttribute('data-action', 'take');
      take.setAttribute('aria-describedby', titleId);
      take.addEventListener('click', function () {
        act(request.id, 'take');
      });
      actions.appendChild(take);
    }
    var open = el('button', 'fr-btn fr-btn--sm fr-btn--tertiary', kind === 'mine' ? 'Ouvrir la conversation' : 'Voir la conversation');
    open.type = 'button';
    open.setAttribute('data-action', 'open');
    open.setAttribute('aria-describedby', titleId);
    open.setAttribute('aria-controls', 'detail');
    open.addEventListener('click', function () {
      select(request.id, true);
    });
    actions.appendChild(open);
    li.appendChild(actions);
    return li;
  }

  function updateItem(kind, li, request) {
    setText(li.querySelector('.console-item__title'), topicOf(request));
    var meta = [];
    if (kind === 'queue') meta.push('En attente depuis ' + minutesText(request.waitingMinutes));
    if (kind === 'others' || kind === 'mine') meta.push('Avec ' + (request.owner ? (isMine(request) ? 'vous' : request.owner.name) : '—'));
    if (kind === 'messages') meta.push('Laissé le ' + formatDate(request.createdAt, true));
    meta.push('Langue : ' + languageName(request.lang));
    setText(li.querySelector('.console-item__meta'), meta.join(' · '));
    if (kind === 'messages') setText(li.querySelector('.console-item__contact'), 'Contact : ' + (request.contact || 'non indiqué'));
    var summary = li.querySelector('.console-item__summary');
    setText(summary, request.summary || '');
    summary.setAttribute('lang', langAttr(request.lang));
    var selected = request.id === state.selectedId;
    li.classList.toggle('console-item--selected', selected);
    if (selected) li.setAttribute('aria-current', 'true');
    else li.removeAttribute('aria-current');
  }

  function markSelected() {
    Array.prototype.forEach.call(document.querySelectorAll('.console-item'), function (li) {
      var selected = li.getAttribute('data-id') === state.selectedId;
      li.classList.toggle('console-item--selected', selected);
      if (selected) li.setAttribute('aria-current', 'true');
      else li.removeAttribute('aria-current');
    });
  }

  // ---- The selected request ----

  /** Opens a request (or none); with `focus`, the focus goes to its heading once loaded. */
  function select(id, focus) {
    if (state.selectedId !== id) {
      state.selectedId = id;
      state.detail = undefined;
      state.shownLines = 0;
      els.transcript.textContent = '';
      els.replyText.value = '';
      setReplyError(undefined);
    }
    markSelected();
    renderDetail();
    if (!id) return Promise.resolve();
    var loaded = refresh();
    if (focus) {
      els.detailTitle.focus();
      loaded.then(function () {
        if (state.selectedId === id && document.activeElement === document.body) els.detailTitle.focus();
      });
    }
    return loaded;
  }

  function renderDetail() {
    var detail = state.detail;
    show(els.detailEmpty, !state.selectedId);
    if (!state.selectedId) {
      setText(els.detailTitle, 'Conversation');
      show(els.detailBody, false);
      return;
    }
    if (!detail) {
      setText(els.detailTitle, 'Chargement de la conversation…');
      show(els.detailBody, false);
      return;
    }
    var request = detail.request;
    setText(els.detailTitle, 'Conversation : ' + topicOf(request));
    show(els.detailBody, true);

    var meta = [
      ['État', STATES[request.state] || request.state],
      ['Langue', languageName(request.lang)],
      ['Reçue', formatDate(request.createdAt, true)]
    ];
    if (request.state === 'waiting') meta.push(['En attente depuis', minutesText(request.waitingMinutes)]);
    if (request.owner) meta.push(['Agent', isMine(request) ? request.owner.name + ' (vous)' : request.owner.name]);
    if (request.contact) meta.push(['Contact', request.contact]);
    renderMeta(meta);
    setText(els.detailSummary, request.summary ? 'Résumé : ' + request.summary : '');
    els.detailSummary.setAttribute('lang', langAttr(request.lang));
    show(els.detailSummary, !!request.summary);

    show(els.detailTakeGroup, request.state === 'waiting');
    var owner = request.state === 'agent' && isMine(request);
    if (!owner && els.ownerTools.contains(document.activeElement)) els.detailTitle.focus();
    show(els.ownerTools, owner);

    renderTranscript(detail.transcript, request.lang);
  }

  function renderMeta(pairs) {
    var list = els.detailMeta;
    while (list.children.length > pairs.length) list.removeChild(list.lastChild);
    pairs.forEach(function (pair, i) {
      var li = list.children[i];
      if (!li) {
        li = el('li');
        li.appendChild(el('span', 'console-meta__label'));
        li.appendChild(el('span', 'console-meta__value'));
        list.appendChild(li);
      }
      setText(li.firstChild, pair[0] + ' : ');
      setText(li.lastChild, pair[1]);
    });
  }

  /** Appends the transcript's new lines (the log announces them); redraws when it shrank. */
  function renderTranscript(lines, lang) {
    if (lines.length < state.shownLines) {
      els.transcript.textContent = '';
      state.shownLines = 0;
    }
    var box = els.transcriptBox;
    var atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    for (var i = state.shownLines; i < lines.length; i++) els.transcript.appendChild(buildLine(lines[i], lang));
    var first = state.shownLines === 0;
    var added = lines.length > state.shownLines;
    state.shownLines = lines.length;
    show(els.transcriptEmpty, lines.length === 0);
    // Follows the conversation, unless the agent scrolled up to read earlier lines.
    if (added && (atBottom || first)) box.scrollTop = box.scrollHeight;
  }

  function buildLine(line, lang) {
    var from = SPEAKERS[line.from] ? line.from : 'bot';
    var li = el('li', 'console-line console-line--' + from);
    var head = el('p', 'console-line__head');
    head.appendChild(el('span', 'console-line__who', SPEAKERS[from]));
    if (line.at) {
      var time = el('time', 'console-line__time', formatDate(line.at, false));
      time.setAttribute('datetime', line.at);
      head.appendChild(document.createTextNode(' '));
      head.appendChild(time);
    }
    li.appendChild(head);
    var text = el('p', 'console-line__text', from === 'bot' ? botLineText(String(line.text || '')) : String(line.text || ''));
    text.setAttribute('dir', 'auto');
    text.setAttribute('lang', from === 'person' ? langAttr(lang) : 'fr');
    li.appendChild(text);
    return li;
  }

  // ---- Actions ----

  var DONE = {
    take: 'Vous avez pris en charge la demande. Vous pouvez écrire à l’usager.',
    handback: 'Conversation rendue à l’assistant.',
    close: 'Conversation close.'
  };

  function setActionsBusy(busy) {
    state.busy = busy;
    Array.prototype.forEach.call(document.querySelectorAll('[data-action="take"], #detail-take, #handback, #close-request'), function (button) {
      if (busy) button.setAttribute('aria-disabled', 'true');
      else button.removeAttribute('aria-disabled');
    });
  }

  /** Takes, hands back or closes a request, then refreshes everything. */
  function act(id, verb) {
    if (state.busy) return;
    setActionsBusy(true);
    clearError();
    var ok = false;
    api('POST', '/requests/' + encodeURIComponent(id) + '/' + verb, {})
      .then(function (answer) {
        ok = true;
        announce(DONE[verb]);
        if (verb === 'take' || state.selectedId === id) {
          if (state.selectedId !== id) select(id);
          if (answer && answer.request && state.detail && state.detail.request.id === id) {
            state.detail.request = answer.request;
            renderDetail();
          }
        }
      })
      .catch(function (err) {
        if (err && (err.stale || err.signedOut)) return;
        showError(errorMessage(err), 'action');
      })
      .then(function () {
        setActionsBusy(false);
        return refresh();
      })
      .then(function () {
        if (!state.session) return;
        if (ok && verb === 'take' && state.selectedId === id && !els.ownerTools.hidden) els.replyText.focus();
        else if (ok && verb !== 'take') els.detailTitle.focus();
        else if (!ok && document.activeElement === document.body) els.queueTitle.focus();
      });
  }

  function setReplyError(message) {
    setText(els.replyError, message || '');
    show(els.replyError, !!message);
    els.replyGroup.classList.toggle('fr-input-group--error', !!message);
    if (message) els.replyText.setAttribute('aria-invalid', 'true');
    else els.replyText.removeAttribute('aria-invalid');
  }

  function sendReply() {
    var id = state.selectedId;
    if (!id || state.sending) return;
    var text = els.replyText.value.trim();
    if (!text) {
      setReplyError('Écrivez un message avant de l’envoyer.');
      els.replyText.focus();
      return;
    }
    if (text.length > 4000) {
      setReplyError('Le message doit compter 4000 caractères au plus.');
      return;
    }
    setReplyError(undefined);
    clearError();
    state.sending = true;
    els.replyForm.setAttribute('aria-busy', 'true');
    els.replySend.setAttribute('aria-disabled', 'true');
    api('POST', '/requests/' + encodeURIComponent(id) + '/messages', { text: text })
      .then(function () {
        // Only what was sent is removed: the agent may have started the next message.
        if (els.replyText.value.trim() === text) els.replyText.value = '';
        announce('Message envoyé à l’usager.');
      })
      .catch(function (err) {
        if (err && (err.stale || err.signedOut)) return;
        showError('Message non envoyé : ' + errorMessage(err), 'action');
      })
      .then(function () {
        state.sending = false;
        els.replyForm.removeAttribute('aria-busy');
        els.replySend.removeAttribute('aria-disabled');
        return refresh();
      });
  }

  // ---- Start ----

  function init() {
    [
      ['status', 'console-status'],
      ['error', 'console-error'],
      ['errorText', 'console-error-text'],
      ['errorClose', 'console-error-close'],
      ['agentBar', 'agent-bar'],
      ['agentName', 'agent-name'],
      ['signOut', 'sign-out'],
      ['signin', 'signin'],
      ['signinTeams', 'signin-teams'],
      ['signinForm', 'signin-form'],
      ['signinError', 'signin-error'],
      ['signinErrorText', 'signin-error-text'],
      ['signinSubmit', 'signin-submit'],
      ['username', 'username'],
      ['password', 'password'],
      ['workspace', 'workspace'],
      ['workspaceTitle', 'workspace-title'],
      ['queueTitle', 'queue-title'],
      ['queueCount', 'queue-count'],
      ['queueEmpty', 'queue-empty'],
      ['queueList', 'queue-list'],
      ['mineTitle', 'mine-title'],
      ['mineCount', 'mine-count'],
      ['mineEmpty', 'mine-empty'],
      ['mineList', 'mine-list'],
      ['othersSection', 'others-section'],
      ['othersTitle', 'others-title'],
      ['othersCount', 'others-count'],
      ['othersList', 'others-list'],
      ['messagesTitle', 'messages-title'],
      ['messagesCount', 'messages-count'],
      ['messagesEmpty', 'messages-empty'],
      ['messagesList', 'messages-list'],
      ['detailTitle', 'detail-title'],
      ['detailEmpty', 'detail-empty'],
      ['detailBody', 'detail-body'],
      ['detailMeta', 'detail-meta'],
      ['detailSummary', 'detail-summary'],
      ['detailTakeGroup', 'detail-take-group'],
      ['detailTake', 'detail-take'],
      ['transcriptBox', 'transcript-box'],
      ['transcript', 'transcript'],
      ['transcriptEmpty', 'transcript-empty'],
      ['ownerTools', 'owner-tools'],
      ['replyForm', 'reply-form'],
      ['replyGroup', 'reply-group'],
      ['replyText', 'reply-text'],
      ['replyError', 'reply-error'],
      ['replySend', 'reply-send'],
      ['handback', 'handback'],
      ['closeRequest', 'close-request']
    ].forEach(function (pair) {
      els[pair[0]] = byId(pair[1]);
    });

    els.signinForm.addEventListener('submit', submitSignin);
    els.signOut.addEventListener('click', signOut);
    els.errorClose.addEventListener('click', function () {
      clearError();
    });
    els.detailTake.addEventListener('click', function () {
      if (state.selectedId) act(state.selectedId, 'take');
    });
    els.handback.addEventListener('click', function () {
      if (state.selectedId) act(state.selectedId, 'handback');
    });
    els.closeRequest.addEventListener('click', function () {
      if (state.selectedId) act(state.selectedId, 'close');
    });
    els.replyForm.addEventListener('submit', function (event) {
      event.preventDefault();
      sendReply();
    });
    els.replyText.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey && !event.isComposing) {
        event.preventDefault();
        sendReply();
      }
    });
    els.replyText.addEventListener('input', function () {
      if (!els.replyError.hidden && els.replyText.value.trim()) setReplyError(undefined);
    });
    // Back in the tab: refresh at once rather than at the next tick.
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'visible' && state.session) refresh();
    });

    state.inTeams = inTeams();
    document.documentElement.classList.toggle('in-teams', state.inTeams);
    if (state.inTeams) {
      startTeams();
      return;
    }
    var kept = readSession();
    if (usable(kept)) enterWorkspace(kept);
    else {
      if (kept) writeSession(undefined);
      showSignin(undefined);
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
