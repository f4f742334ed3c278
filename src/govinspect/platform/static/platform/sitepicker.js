/* Site picker: suggestions for a text field marked data-site-search="/sites/search/".
 *
 * While the user types a 网站标识码, a name or a host, the server is asked (after a short pause,
 * the previous request aborted) for at most 20 sites of the user's scope; picking one writes its
 * code into the field. The form works without this script: the server looks the typed code up.
 * No framework, nothing fetched from elsewhere.
 */
(function () {
  "use strict";
  var PAUSE_MS = 250;

  function attach(input) {
    var listId = input.id + "-suggestions";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var hint = document.createElement("div");
    hint.id = input.id + "-picked";
    hint.className = "muted picked";
    hint.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", hint);
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");

    var rows = [], active = -1, timer = null, asked = "", controller = null;

    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function choose(i) {
      var row = rows[i];
      if (!row) { return; }
      input.value = row.site_code;
      asked = row.site_code;
      hint.textContent = "已选择：" + row.name + "（" + row.region + "，" + row.host + "）";
      close();
    }

    function highlight(i) {
      var items = list.children;
      for (var k = 0; k < items.length; k++) {
        items[k].setAttribute("aria-selected", k === i ? "true" : "false");
      }
      active = i;
      if (i >= 0 && items[i]) {
        input.setAttribute("aria-activedescendant", items[i].id);
        items[i].scrollIntoView({block: "nearest"});
      }
    }

    function show(found, more) {
      rows = found;
      list.textContent = "";
      found.forEach(function (row, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.dataset.siteCode = row.site_code;
        var code = document.createElement("b");
        code.textContent = row.site_code;
        li.appendChild(code);
        li.appendChild(document.createTextNode(" " + row.name + " · " + row.host + " · " + row.region));
        // mousedown, not click: it comes before the field's blur closes the list
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      if (!found.length) {
        var none = document.createElement("li");
        none.className = "muted";
        none.textContent = "没有匹配的网站";
        list.appendChild(none);
      } else if (more) {
        var note = document.createElement("li");
        note.className = "muted";
        note.textContent = "仅显示前 " + found.length + " 个，请输入更多字符";
        list.appendChild(note);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      var exact = found.filter(function (r) { return r.site_code.toLowerCase() === input.value.trim().toLowerCase(); });
      hint.textContent = exact.length ? "已选择：" + exact[0].name + "（" + exact[0].region + "，" + exact[0].host + "）" : "";
      highlight(-1);
    }

    function ask() {
      var q = input.value.trim();
      if (q === asked) { return; }
      asked = q;
      if (controller) { controller.abort(); }
      if (!q) { rows = []; close(); hint.textContent = ""; return; }
      controller = new AbortController();
      var url = input.dataset.siteSearch + "?status=running&q=" + encodeURIComponent(q);
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}, signal: controller.signal})
        .then(function (r) { return r.ok ? r.json() : {results: [], error: r.status}; })
        .then(function (data) {
          if (data.error) { hint.textContent = data.error === 429 ? "查询过于频繁，请稍后再试" : ""; close(); return; }
          show(data.results || [], data.more);
        })
        .catch(function () { /* aborted or offline: the typed code still goes to the server */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, PAUSE_MS);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden || !rows.length) { return; }
      if (e.key === "ArrowDown") { e.preventDefault(); highlight((active + 1) % rows.length); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active <= 0 ? rows.length - 1 : active - 1); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(active); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  function start() {
    var inputs = document.querySelectorAll("input[data-site-search]");
    for (var i = 0; i < inputs.length; i++) { attach(inputs[i]); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
