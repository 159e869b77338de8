/* policytext report: evidence behind every number, charts, sortable tables. No network. */
(function () {
  "use strict";
  var DATA = window.POLICYTEXT || { evidence: { frames: [], doc_fields: [], docs: [], sentences: [], mentions: [] }, figures: {} };
  var ev = DATA.evidence;
  var F = {};
  ev.doc_fields.forEach(function (name, i) { F[name] = i; });

  function same(a, b) { return (a === null || a === undefined) ? (b === null || b === undefined) : a === b; }

  /* The mentions a count covers: its frame and the group values of its row. */
  function mentionsFor(frame, by, key) {
    var f = ev.frames.indexOf(frame);
    return ev.mentions.filter(function (m) {
      if (m[1] !== f) { return false; }
      var doc = ev.docs[m[0]];
      for (var i = 0; i < by.length; i++) {
        if (!same(doc[F[by[i]]], key[i])) { return false; }
      }
      return true;
    });
  }

  function label(v) { return (v === null || v === undefined) ? "(none)" : String(v); }

  /* The sentence with the matched words marked; text only (never parsed as HTML). */
  function sentenceNode(sentence, match, offset) {
    var p = document.createElement("p");
    p.className = "sentence";
    var at = (match && sentence.substr(offset, match.length) === match) ? offset : -1;
    if (at < 0) { p.textContent = sentence; return p; }
    p.appendChild(document.createTextNode(sentence.slice(0, at)));
    var mark = document.createElement("mark");
    mark.textContent = sentence.slice(at, at + match.length);
    p.appendChild(mark);
    p.appendChild(document.createTextNode(sentence.slice(at + match.length)));
    return p;
  }

  function lineNode(m) {
    var doc = ev.docs[m[0]];
    var li = document.createElement("li");
    li.className = "ev-line";
    li.appendChild(sentenceNode(ev.sentences[m[2]], m[3], m[5]));
    var meta = document.createElement("div");
    meta.className = "meta";
    var parts = [label(doc[F.speaker]), doc[F.party], doc[F.date]].filter(function (x) { return x; });
    meta.appendChild(document.createTextNode(parts.join(" \u00b7 ") + " \u00b7 "));
    var title = doc[F.title] || doc[F.doc_id];
    if (doc[F.url]) {
      var a = document.createElement("a");
      a.href = doc[F.url];
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.textContent = title;
      meta.appendChild(a);
    } else {
      meta.appendChild(document.createTextNode(title));
    }
    meta.appendChild(document.createTextNode(" \u00b7 pattern " + m[4]));
    li.appendChild(meta);
    li.dataset.speaker = label(doc[F.speaker]);
    li.dataset.text = (ev.sentences[m[2]] + " " + parts.join(" ") + " " + title).toLowerCase();
    return li;
  }

  var panel = document.getElementById("evidence");
  var list = document.getElementById("ev-lines");
  var search = document.getElementById("ev-search");
  var speaker = document.getElementById("ev-speaker");
  var status = document.getElementById("ev-status");

  function applyFilters() {
    var q = search.value.trim().toLowerCase();
    var who = speaker.value;
    var shown = 0, total = list.children.length;
    for (var i = 0; i < total; i++) {
      var li = list.children[i];
      var ok = (!q || li.dataset.text.indexOf(q) >= 0) && (!who || li.dataset.speaker === who);
      li.hidden = !ok;
      if (ok) { shown++; }
    }
    status.textContent = shown === total ? total + " mentions" : "showing " + shown + " of " + total + " mentions";
  }

  function openEvidence(frame, by, key) {
    var found = mentionsFor(frame, by, key);
    var where = by.map(function (b, i) { return b + " " + label(key[i]); }).join(", ");
    document.getElementById("ev-title").textContent = frame.replace(/_/g, " ") + (where ? ", " + where : "") + ": " + found.length + " mentions";
    list.textContent = "";
    var fragment = document.createDocumentFragment();
    var speakers = {};
    found.forEach(function (m) {
      var li = lineNode(m);
      speakers[li.dataset.speaker] = (speakers[li.dataset.speaker] || 0) + 1;
      fragment.appendChild(li);
    });
    list.appendChild(fragment);
    speaker.length = 1;
    Object.keys(speakers).sort().forEach(function (name) {
      var o = document.createElement("option");
      o.value = name;
      o.textContent = name + " (" + speakers[name] + ")";
      speaker.appendChild(o);
    });
    search.value = "";
    speaker.value = "";
    panel.hidden = false;
    applyFilters();
    return found.length;
  }

  search.addEventListener("input", applyFilters);
  speaker.addEventListener("change", applyFilters);
  document.getElementById("ev-close").addEventListener("click", function () { panel.hidden = true; });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") { panel.hidden = true; } });

  function openCell(td) {
    openEvidence(td.dataset.frame, JSON.parse(td.dataset.by), JSON.parse(td.dataset.key));
  }
  document.addEventListener("click", function (e) {
    var td = e.target.closest ? e.target.closest("td.ev") : null;
    if (td) { openCell(td); }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target.matches && e.target.matches("td.ev")) { openCell(e.target); }
  });

  /* Sortable tables: click a heading; numbers sort by data-sort, text by its content. */
  function sortKey(td, numeric) {
    if (!td) { return numeric ? -Infinity : ""; }
    var raw = td.dataset.sort !== undefined ? td.dataset.sort : td.textContent.replace(/,/g, "");
    if (!numeric) { return td.textContent.trim().toLowerCase(); }
    var n = parseFloat(raw);
    return isNaN(n) ? -Infinity : n;
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var heads = table.querySelectorAll("thead th");
    Array.prototype.forEach.call(heads, function (th, col) {
      th.addEventListener("click", function () {
        var numeric = th.dataset.type === "number";
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = sortKey(a.cells[col], numeric), y = sortKey(b.cells[col], numeric);
          var c = x < y ? -1 : x > y ? 1 : 0;
          return ascending ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });

  /* Charts: Plotly from the embedded plotly.min.js; a click on a point opens its mentions. */
  var pending = [];
  Array.prototype.forEach.call(document.querySelectorAll("[data-figure]"), function (el) {
    var fig = DATA.figures[el.dataset.figure];
    if (!fig || !window.Plotly) { return; }
    var config = { responsive: true, displaylogo: false, scrollZoom: false };
    pending.push(window.Plotly.newPlot(el, fig.data, fig.layout, config).then(function () {
      el.on("plotly_click", function (event) {
        var point = event.points && event.points[0];
        if (!point || !point.customdata || !point.data.meta) { return; }
        var c = point.customdata;
        openEvidence(c[5], point.data.meta.by, c[4]);
      });
    }));
  });
  Promise.all(pending).then(function () { document.body.dataset.ready = "true"; });
  window.policytextReport = { openEvidence: openEvidence, mentionsFor: mentionsFor };
})();
