// Parley web chat: vanilla JS, no build step. The conversation survives a reload (localStorage).
// Messages go out by POST and replies come back on one server-sent events stream (token, message).
// Embedded by widget.js (?embed=1), the chat is a third-party frame, and browsers that block third-party
// storage deny it localStorage: the widget then keeps the token in the host page's storage, hands it over in
// the URL fragment (#token=..., never sent to a server) and is told of a new one by postMessage.
(function () {
  "use strict";
  var params = new URLSearchParams(location.search);
  var business = params.get("business") || "demo";
  var KEY = "parley.webchat." + business;
  var API = "/api/v1/webchat";
  var embedded = params.get("embed") === "1" && window.parent !== window;
  var store = openStore();
  var handedOver = new URLSearchParams(location.hash.slice(1)).get("token");
  if (embedded && handedOver) { store.setItem(KEY, handedOver); }
  if (handedOver) { history.replaceState(null, "", location.pathname + location.search); }
  var log = document.getElementById("log");
  var form = document.getElementById("form");
  var input = document.getElementById("text");

  function openStore() {
    try {
      var storage = window.localStorage;
      storage.setItem(KEY + ".probe", "1");
      storage.removeItem(KEY + ".probe");
      return storage;
    } catch (denied) {  // blocked third-party storage: keep the token for this page view only
      var memory = {};
      return {
        getItem: function (key) { return Object.prototype.hasOwnProperty.call(memory, key) ? memory[key] : null; },
        setItem: function (key, value) { memory[key] = String(value); },
        removeItem: function (key) { delete memory[key]; }
      };
    }
  }

  function remember(token) {
    if (token) { store.setItem(KEY, token); } else { store.removeItem(KEY); }
    if (embedded) { window.parent.postMessage({ type: "parley:webchat-token", business: business, token: token }, "*"); }
  }

  function bubble(role, text) {
    var el = document.createElement("div");
    el.className = "msg " + role;
    el.textContent = text;
    log.appendChild(el);
    log.scrollTop = log.scrollHeight;
    return el;
  }

  function note(text) {
    var el = document.createElement("div");
    el.className = "note";
    el.textContent = text;
    log.appendChild(el);
  }

  function unwrap(response) {
    return response.json().then(function (body) {
      if (!body.success) { throw new Error(body.error ? body.error.message : "request failed"); }
      return body.data;
    });
  }

  function startSession() {
    return fetch(API + "/sessions", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ business: business })
    }).then(unwrap).then(function (data) {
      remember(data.token);
      return data.token;
    });
  }

  function loadHistory(token) {
    return fetch(API + "/messages?token=" + encodeURIComponent(token)).then(function (response) {
      if (response.status === 401 || response.status === 404) { return null; }
      return unwrap(response);
    });
  }

  function session() {
    var token = store.getItem(KEY);
    if (!token) { return startSession().then(function (t) { return { token: t, messages: [] }; }); }
    return loadHistory(token).then(function (data) {
      if (!data) { return startSession().then(function (t) { return { token: t, messages: [] }; }); }
      return { token: token, messages: data.messages };
    });
  }

  var current = null;
  var shown = {};        // message id -> true, for the history and every pushed message
  var lastId = null;     // the newest message the page shows: where the event stream resumes
  var writing = null;    // the bubble of a reply still being written
  var source = null;

  function show(message) {
    if (shown[message.id]) { return; }
    shown[message.id] = true;
    lastId = message.id;
    if (message.role === "agent" && writing) {
      writing.textContent = message.text;
      writing.classList.remove("writing");
      writing = null;
    } else {
      bubble(message.role === "staff" ? "agent staff" : message.role, message.text);
    }
  }

  function listen(token) {
    if (source) { source.close(); }
    var url = API + "/events?token=" + encodeURIComponent(token) + (lastId ? "&after=" + lastId : "");
    source = new EventSource(url);
    source.addEventListener("token", function (event) {
      var chunk = JSON.parse(event.data).text;
      if (!writing) { writing = bubble("agent writing", ""); }
      writing.textContent += chunk;
      log.scrollTop = log.scrollHeight;
    });
    source.addEventListener("message", function (event) {
      var message = JSON.parse(event.data);
      show(message);
      fetch(API + "/read", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ token: token, message_id: message.id })
      });
    });
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID().replace(/-/g, ""); }
    return Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }

  // Sent with the page's own id, so a retry after a network error is recognised and answered once.
  function post(token, text, id, attempt) {
    return fetch(API + "/messages", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: token, text: text, client_message_id: id })
    }).then(unwrap).catch(function (error) {
      if (attempt >= 3) { throw error; }
      return new Promise(function (resolve) { setTimeout(resolve, 500 * attempt); })
        .then(function () { return post(token, text, id, attempt + 1); });
    });
  }

  function ask(text) {
    bubble("customer", text);
    post(current, text, newId(), 1).catch(function (error) {
      note("Your message could not be sent: " + error.message);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || !current) { return; }
    input.value = "";
    ask(text);
  });

  document.getElementById("restart").addEventListener("click", function () {
    remember(null);
    log.textContent = "";
    shown = {};
    lastId = null;
    writing = null;
    startSession().then(function (token) { current = token; listen(token); note("New conversation."); });
  });

  session().then(function (state) {
    current = state.token;
    state.messages.forEach(function (m) {
      if (m.role === "customer") { shown[m.id] = true; lastId = m.id; bubble("customer", m.text); } else { show(m); }
    });
    listen(current);
    if (!state.messages.length) { note("Hello! Ask us about products, prices, stock or orders."); }
  }).catch(function () { note("The chat is not available right now."); });
})();
