// Parley web chat: vanilla JS, no build step. The conversation survives a reload (localStorage).
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
  var sendButton = document.getElementById("send");

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

  function ask(text) {
    bubble("customer", text);
    var reply = bubble("agent", "…");
    var started = false;
    sendButton.disabled = true;
    var url = API + "/stream?token=" + encodeURIComponent(current) + "&message=" + encodeURIComponent(text);
    var source = new EventSource(url);
    function finish() { source.close(); sendButton.disabled = false; input.focus(); }
    source.addEventListener("token", function (event) {
      var chunk = JSON.parse(event.data).text;
      reply.textContent = started ? reply.textContent + chunk : chunk;
      started = true;
      log.scrollTop = log.scrollHeight;
    });
    source.addEventListener("message", function (event) {
      var data = JSON.parse(event.data);
      if (data.response) { reply.textContent = data.response; }
      else { reply.remove(); note("A colleague will answer you here."); }
      finish();
    });
    source.addEventListener("error", function (event) {
      if (event.data) { reply.textContent = JSON.parse(event.data).message; }
      else if (!started) { reply.textContent = "Sorry, the connection failed. Please try again."; }
      finish();
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
    startSession().then(function (token) { current = token; note("New conversation."); });
  });

  session().then(function (state) {
    current = state.token;
    state.messages.forEach(function (m) { bubble(m.role, m.text); });
    if (!state.messages.length) { note("Hello! Ask us about products, prices, stock or orders."); }
  }).catch(function () { note("The chat is not available right now."); });
})();
