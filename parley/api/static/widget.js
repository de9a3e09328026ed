// Embed Parley's web chat in any page: <script src="https://your-parley/chat/widget.js" data-business="demo"></script>
(function () {
  "use strict";
  var script = document.currentScript;
  var origin = new URL(script.src).origin;
  var business = script.getAttribute("data-business") || "demo";
  // The chat frame is third-party here; where the browser denies it storage, this page keeps its token.
  var KEY = "parley.webchat." + business;
  function saved() { try { return localStorage.getItem(KEY); } catch (denied) { return null; } }
  var button = document.createElement("button");
  button.type = "button";
  button.setAttribute("aria-label", "Chat with us");
  button.textContent = "Chat";
  button.style.cssText = "position:fixed;right:20px;bottom:20px;z-index:2147483000;padding:12px 18px;border:0;" +
    "border-radius:24px;background:#1f6feb;color:#fff;font:600 15px system-ui,sans-serif;cursor:pointer;" +
    "box-shadow:0 4px 14px rgba(0,0,0,.2)";
  var frame = document.createElement("iframe");
  frame.title = "Chat";
  var token = saved();
  frame.src = origin + "/chat?embed=1&business=" + encodeURIComponent(business) +
    (token ? "#token=" + encodeURIComponent(token) : "");
  frame.style.cssText = "position:fixed;right:20px;bottom:76px;z-index:2147483000;width:min(380px,calc(100vw - 40px));" +
    "height:min(560px,calc(100vh - 100px));border:1px solid #d0d7de;border-radius:12px;background:#fff;" +
    "box-shadow:0 8px 28px rgba(0,0,0,.25);display:none";
  button.addEventListener("click", function () {
    frame.style.display = frame.style.display === "none" ? "block" : "none";
  });
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== origin || event.source !== frame.contentWindow || !data) { return; }
    if (data.type !== "parley:webchat-token" || data.business !== business) { return; }
    try {
      if (data.token) { localStorage.setItem(KEY, data.token); } else { localStorage.removeItem(KEY); }
    } catch (denied) { /* no storage here either: the chat lasts for this page view */ }
  });
  function mount() { document.body.appendChild(frame); document.body.appendChild(button); }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
