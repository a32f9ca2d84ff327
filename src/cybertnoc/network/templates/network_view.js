(function () {
  "use strict";
  // cybertnoc network view: draws the network of #network-data into the SVG #net.
  // No request, no eval, no innerHTML: every label is set as text.
  var data = JSON.parse(document.getElementById("network-data").textContent);
  var view = document.getElementById("view");
  var svg = document.getElementById("net");
  var NS = svg.namespaceURI;
  var scene = document.getElementById("scene");
  var edgeLayer = document.getElementById("edges");
  var nodeLayer = document.getElementById("nodes");
  var labelLayer = document.getElementById("labels");
  var tip = document.getElementById("tip");
  var nodes = data.nodes;
  var edges = data.edges;
  var start = nodes.map(function (n) { return [n.x, n.y]; });
  var k = 1, tx = 0, ty = 0;
  var circles = [], lines = [], texts = [];
  var touching = nodes.map(function () { return []; });
  var byId = {};

  function make(name, attrs) {
    var el = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (a) { el.setAttribute(a, attrs[a]); });
    return el;
  }

  edges.forEach(function (e, i) {
    var line = make("line", { "class": "edge", "stroke-width": e[2], "data-e": i });
    if (data.directed) { line.setAttribute("marker-end", "url(#arrow)"); }
    touching[e[0]].push(i);
    touching[e[1]].push(i);
    edgeLayer.appendChild(line);
    lines.push(line);
  });
  var biggest = nodes.map(function (n, i) { return i; })
    .sort(function (a, b) { return nodes[b].r - nodes[a].r || a - b; }).slice(0, 15);
  var big = {};
  biggest.forEach(function (i) { big[i] = true; });
  nodes.forEach(function (n, i) {
    var c = make("circle", { "class": "node", r: n.r, fill: n.c, "data-i": i, tabindex: "0" });
    c.setAttribute("aria-label", n.label);
    nodeLayer.appendChild(c);
    circles.push(c);
    var t = make("text", { "class": big[i] ? "label big" : "label", dy: "-0.7em" });
    t.textContent = n.label;
    labelLayer.appendChild(t);
    texts.push(t);
    byId[n.id] = i;
  });

  function place() {
    nodes.forEach(function (n, i) {
      circles[i].setAttribute("cx", n.x);
      circles[i].setAttribute("cy", n.y);
      texts[i].setAttribute("x", n.x);
      texts[i].setAttribute("y", n.y - n.r);
    });
    edges.forEach(function (e, i) {
      var a = nodes[e[0]], b = nodes[e[1]];
      var x2 = b.x, y2 = b.y;
      if (data.directed) {  // stop at the target's rim so the arrow shows
        var dx = b.x - a.x, dy = b.y - a.y, d = Math.sqrt(dx * dx + dy * dy) || 1;
        x2 = b.x - dx / d * (b.r + 1);
        y2 = b.y - dy / d * (b.r + 1);
      }
      lines[i].setAttribute("x1", a.x);
      lines[i].setAttribute("y1", a.y);
      lines[i].setAttribute("x2", x2);
      lines[i].setAttribute("y2", y2);
    });
  }

  function apply() {
    scene.setAttribute("transform", "translate(" + tx + " " + ty + ") scale(" + k + ")");
    svg.classList.toggle("zoomed", k >= 2.5 && nodes.length <= 3000);
    svg.setAttribute("data-zoom", k.toFixed(3));
  }

  function point(evt) {
    var p = svg.createSVGPoint();
    p.x = evt.clientX;
    p.y = evt.clientY;
    return p.matrixTransform(svg.getScreenCTM().inverse());
  }

  function zoomAt(factor, px, py) {
    var nk = Math.max(0.2, Math.min(50, k * factor));
    tx = px - (px - tx) * nk / k;
    ty = py - (py - ty) * nk / k;
    k = nk;
    apply();
  }

  // -- picking out: a node and its neighbours, a legend group, search matches
  function pick(indices, edgeIndices) {
    circles.forEach(function (c) { c.classList.remove("hl"); });
    texts.forEach(function (t) { t.classList.remove("hl"); });
    lines.forEach(function (l) { l.classList.remove("hl"); });
    if (indices === null) {
      svg.classList.remove("picked");
      return;
    }
    indices.forEach(function (i) {
      circles[i].classList.add("hl");
      texts[i].classList.add("hl");
    });
    (edgeIndices || []).forEach(function (e) { lines[e].classList.add("hl"); });
    svg.classList.add("picked");
  }

  function neighbourhood(i) {
    var found = [i];
    touching[i].forEach(function (e) {
      var other = edges[e][0] === i ? edges[e][1] : edges[e][0];
      found.push(other);
    });
    return found;
  }

  function showTip(i) {
    var n = nodes[i];
    while (tip.firstChild) { tip.removeChild(tip.firstChild); }
    var head = document.createElement("strong");
    head.textContent = n.label;
    tip.appendChild(head);
    var table = document.createElement("table");
    n.tip.forEach(function (row) {
      var tr = document.createElement("tr");
      row.forEach(function (cell) {
        var td = document.createElement("td");
        td.textContent = cell;
        tr.appendChild(td);
      });
      table.appendChild(tr);
    });
    tip.appendChild(table);
    tip.hidden = false;
    var box = circles[i].getBoundingClientRect(), frame = view.getBoundingClientRect();
    var left = box.right - frame.left + 8, top = box.top - frame.top;
    if (left + 240 > frame.width) { left = Math.max(0, box.left - frame.left - 248); }
    tip.style.left = left + "px";
    tip.style.top = Math.max(0, top) + "px";
    tip.setAttribute("data-node", n.id);
    pick(neighbourhood(i), touching[i]);
  }

  function hideTip() {
    tip.hidden = true;
    tip.removeAttribute("data-node");
    pick(keyed, null);
  }

  // -- pan, zoom and node dragging
  var drag = null;
  svg.addEventListener("pointerdown", function (evt) {
    var p = point(evt);
    var i = evt.target.getAttribute("data-i");
    drag = i === null ? { pan: true, x: p.x - tx, y: p.y - ty } : { node: Number(i) };
    svg.classList.add("dragging");
    svg.setPointerCapture(evt.pointerId);
  });
  svg.addEventListener("pointermove", function (evt) {
    if (!drag) { return; }
    var p = point(evt);
    if (drag.pan) {
      tx = p.x - drag.x;
      ty = p.y - drag.y;
      apply();
    } else {
      nodes[drag.node].x = (p.x - tx) / k;
      nodes[drag.node].y = (p.y - ty) / k;
      place();
    }
  });
  function endDrag() {
    drag = null;
    svg.classList.remove("dragging");
  }
  svg.addEventListener("pointerup", endDrag);
  svg.addEventListener("pointercancel", endDrag);
  svg.addEventListener("wheel", function (evt) {
    evt.preventDefault();
    var p = point(evt);
    zoomAt(Math.exp(-evt.deltaY * 0.0015), p.x, p.y);
  }, { passive: false });
  document.getElementById("zoom-in").addEventListener("click", function () { zoomAt(1.4, 500, 500); });
  document.getElementById("zoom-out").addEventListener("click", function () { zoomAt(1 / 1.4, 500, 500); });
  document.getElementById("reset").addEventListener("click", function () {
    k = 1; tx = 0; ty = 0;
    nodes.forEach(function (n, i) { n.x = start[i][0]; n.y = start[i][1]; });
    apply();
    place();
  });

  // -- hover and keyboard focus
  nodeLayer.addEventListener("pointerover", function (evt) {
    var i = evt.target.getAttribute("data-i");
    if (i !== null && !drag) { showTip(Number(i)); }
  });
  nodeLayer.addEventListener("pointerout", function () { if (!drag) { hideTip(); } });
  nodeLayer.addEventListener("focusin", function (evt) {
    var i = evt.target.getAttribute("data-i");
    if (i !== null) { showTip(Number(i)); }
  });
  nodeLayer.addEventListener("focusout", hideTip);

  // -- legend: click an entry to pick out its nodes
  var keyed = null;
  var keys = document.querySelectorAll("#legend .key");
  Array.prototype.forEach.call(keys, function (button) {
    var group = Number(button.getAttribute("data-group"));
    if (group < 0) { button.disabled = true; return; }
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", function () {
      var on = button.getAttribute("aria-pressed") !== "true";
      Array.prototype.forEach.call(keys, function (b) {
        if (!b.disabled) { b.setAttribute("aria-pressed", "false"); }
      });
      button.setAttribute("aria-pressed", on ? "true" : "false");
      keyed = on ? nodes.map(function (n, i) { return n.g === group ? i : -1; })
        .filter(function (i) { return i >= 0; }) : null;
      pick(keyed, null);
    });
  });

  // -- find by label
  var find = document.getElementById("find");
  var found = document.getElementById("found");
  find.addEventListener("input", function () {
    var q = find.value.trim().toLowerCase();
    if (!q) { found.textContent = ""; keyed = null; pick(null, null); return; }
    keyed = nodes.map(function (n, i) {
      return n.label.toLowerCase().indexOf(q) >= 0 || n.id.toLowerCase() === q ? i : -1;
    }).filter(function (i) { return i >= 0; });
    found.textContent = keyed.length + (keyed.length === 1 ? " node" : " nodes");
    pick(keyed, null);
  });

  // -- relax: a deterministic Fruchterman-Reingold simulation from the current positions
  var relaxing = false;
  document.getElementById("relax").addEventListener("click", function () {
    if (relaxing || nodes.length < 2) { return; }
    relaxing = true;
    var n = nodes.length, ideal = Math.sqrt(640000 / n), step = 0, steps = 120;
    var dx = new Float64Array(n), dy = new Float64Array(n);
    function tick() {
      var temp = 40 * (1 - step / steps) + 0.5, i, j;
      dx.fill(0);
      dy.fill(0);
      for (i = 0; i < n; i++) {
        for (j = i + 1; j < n; j++) {
          var ex = nodes[i].x - nodes[j].x, ey = nodes[i].y - nodes[j].y;
          var d2 = ex * ex + ey * ey || 0.01, f = ideal * ideal / d2;
          dx[i] += ex * f; dy[i] += ey * f; dx[j] -= ex * f; dy[j] -= ey * f;
        }
      }
      edges.forEach(function (e) {
        var a = e[0], b = e[1];
        var ex = nodes[a].x - nodes[b].x, ey = nodes[a].y - nodes[b].y;
        var d = Math.sqrt(ex * ex + ey * ey) || 0.1, f = d / ideal;
        dx[a] -= ex * f; dy[a] -= ey * f; dx[b] += ex * f; dy[b] += ey * f;
      });
      for (i = 0; i < n; i++) {
        dx[i] += (500 - nodes[i].x) * 0.02;
        dy[i] += (500 - nodes[i].y) * 0.02;
        var len = Math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]) || 1, move = Math.min(len, temp);
        nodes[i].x += dx[i] / len * move;
        nodes[i].y += dy[i] / len * move;
      }
      place();
      step += 1;
      if (step < steps) { window.requestAnimationFrame(tick); } else { relaxing = false; }
    }
    window.requestAnimationFrame(tick);
  });

  // -- #node=ID opens with that node picked out
  function fromHash() {
    var m = /^#node=(.*)$/.exec(window.location.hash);
    if (!m) { return; }
    var id;
    try { id = decodeURIComponent(m[1]); } catch (err) { return; }
    if (Object.prototype.hasOwnProperty.call(byId, id)) { showTip(byId[id]); }
  }
  window.addEventListener("hashchange", fromHash);

  apply();
  place();
  view.setAttribute("data-drawn", String(circles.length));
  view.setAttribute("data-edges-drawn", String(lines.length));
  fromHash();
})();
