// The chat room page's live updates: new messages of the room arrive over its WebSocket (the
// session cookie authenticates it) and are added to the list. Without this script the page
// still works: posting reloads it.
(function () {
  "use strict";
  var list = document.getElementById("messages");
  if (!list || !window.WebSocket) { return; }
  var seen = {};
  function connect(delay) {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(scheme + location.host + list.getAttribute("data-live"));
    ws.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data.type === "ready") { list.setAttribute("data-ready", "true"); return; }
      if (data.type !== "message" || seen[data.message.message_id]) { return; }
      seen[data.message.message_id] = true;
      var item = document.createElement("li");
      item.className = "chat-message";
      var meta = document.createElement("p");
      meta.className = "chat-meta";
      var who = document.createElement("strong");
      who.textContent = data.message.author_name || "?";
      meta.appendChild(who);
      var at = document.createElement("span");
      at.className = "muted";
      at.textContent = " " + new Date(data.message.at).toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" });
      meta.appendChild(at);
      var body = document.createElement("p");
      body.className = "chat-body";
      body.textContent = data.message.body;
      item.appendChild(meta);
      item.appendChild(body);
      list.appendChild(item);
      var none = document.getElementById("aucun-message");
      if (none) { none.remove(); }
    };
    ws.onclose = function (event) {
      list.removeAttribute("data-ready");
      // 4403: no longer a member; anything else: try again a little later.
      if (event.code !== 4403 && delay < 60000) { setTimeout(function () { connect(delay * 2); }, delay); }
    };
  }
  connect(1000);
})();
