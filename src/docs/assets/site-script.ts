/**
 * The site's script, inlined into index.html: hash routing between pages, lineage highlighting and search.
 * Plain ES2020 with no library. Text from the project is only ever set with textContent, never parsed as HTML.
 * (Written without backticks or dollar-brace so it can live in this template string as is.)
 */
export const SITE_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('site-data').textContent);
  var svg = document.getElementById('lineage');
  var panel = document.getElementById('lineage-panel');
  // The graph shrinks to fit its panel, but not below MIN_SCALE of its size: past that its labels would be too
  // small to read, so the panel scrolls sideways instead (the page itself never does). Set through the CSSOM,
  // which the content security policy allows, unlike a style attribute.
  var MIN_SCALE = 0.85;
  svg.style.minWidth = Math.round(svg.viewBox.baseVal.width * MIN_SCALE) + 'px';
  var parents = {}, children = {};
  data.nodes.forEach(function (n) { parents[n.id] = []; children[n.id] = []; });
  data.edges.forEach(function (e) { children[e.from].push(e.to); parents[e.to].push(e.from); });

  function walk(start, next) {
    var seen = {}, stack = [start];
    while (stack.length) {
      var id = stack.pop();
      (next[id] || []).forEach(function (other) { if (!seen[other]) { seen[other] = true; stack.push(other); } });
    }
    return seen;
  }

  // Lights up a node with everything upstream and downstream of it; null clears the highlight.
  function focusNode(id) {
    var up = {}, down = {}, keep = {};
    if (id) {
      up = walk(id, parents);
      down = walk(id, children);
      up[id] = down[id] = true;
      keep = Object.assign({}, up, down);
    }
    svg.classList.toggle('has-focus', !!id);
    svg.querySelectorAll('.node').forEach(function (el) {
      el.classList.toggle('in-lineage', !!keep[el.dataset.id]);
      el.classList.toggle('selected', el.dataset.id === id);
    });
    svg.querySelectorAll('.edge').forEach(function (el) {
      // Only edges on a path through the node: both ends upstream, or both ends downstream of it.
      var from = el.dataset.from, to = el.dataset.to;
      el.classList.toggle('in-lineage', !!((up[from] && up[to]) || (down[from] && down[to])));
    });
  }

  function showPage(match) {
    document.querySelectorAll('section.page').forEach(function (page) { page.hidden = !match(page); });
  }

  function route() {
    // #node/<id>[/<column>], each part URI-encoded: split before decoding so a '/' in a name cannot confuse it.
    var hash = location.hash.replace(/^#/, '');
    var nodeId = null, column = null;
    if (hash.indexOf('node/') === 0) {
      var parts = hash.slice(5).split('/');
      nodeId = decodeURIComponent(parts[0]);
      column = parts.length > 1 ? decodeURIComponent(parts[1]) : null;
    }
    if (hash === 'tests') {
      showPage(function (p) { return p.dataset.page === 'tests'; });
    } else if (nodeId && document.querySelector('section.page[data-page="node"]')) {
      showPage(function (p) { return p.dataset.id === nodeId; });
    } else {
      nodeId = null;
      showPage(function (p) { return p.dataset.page === 'overview'; });
    }
    panel.hidden = hash === 'tests';
    focusNode(nodeId);
    document.querySelectorAll('[data-nav]').forEach(function (a) { a.classList.toggle('active', a.dataset.nav === nodeId); });
    if (column) flashColumn(nodeId, column);
  }

  // Lights up only the relations and edges on a column's paths down to the sources (from its row's data).
  function focusColumn(row) {
    var nodes = {}, edges = {};
    (row.dataset.pathNodes || '').split(' ').forEach(function (id) { if (id) nodes[id] = true; });
    (row.dataset.pathEdges || '').split(' ').forEach(function (e) { if (e) edges[e] = true; });
    svg.classList.add('has-focus');
    svg.querySelectorAll('.node').forEach(function (el) { el.classList.toggle('in-lineage', !!nodes[el.dataset.id]); });
    svg.querySelectorAll('.edge').forEach(function (el) {
      el.classList.toggle('in-lineage', !!edges[el.dataset.from + '>' + el.dataset.to]);
    });
  }

  function flashColumn(nodeId, column) {
    document.querySelectorAll('section.page[data-page="node"]').forEach(function (page) {
      if (page.dataset.id !== nodeId) return;
      page.querySelectorAll('tr[data-column]').forEach(function (row) {
        var hit = row.dataset.column === column;
        row.classList.toggle('flash', hit);
        if (hit && row.dataset.pathNodes) focusColumn(row);
        if (hit) row.scrollIntoView({ block: 'center' });
      });
    });
  }

  var input = document.getElementById('search');
  var results = document.getElementById('search-results');

  function score(entry, q) {
    var name = entry.name.toLowerCase();
    if (name === q) return 0;
    if (name.indexOf(q) === 0) return 1;
    if (name.indexOf(q) >= 0) return 2;
    if (entry.text.toLowerCase().indexOf(q) >= 0) return 3;
    return -1;
  }

  // A long name may wrap after _ / and . rather than run past the sidebar (as text nodes and <wbr>, never markup).
  function appendBreakable(element, name) {
    name.split(/([_./])/).forEach(function (part, k, parts) {
      if (!part) return;
      element.appendChild(document.createTextNode(part));
      if (k % 2 === 1 && k < parts.length - 1) element.appendChild(document.createElement('wbr'));
    });
  }

  function search() {
    var q = input.value.trim().toLowerCase();
    results.textContent = '';
    results.hidden = q.length === 0;
    if (!q) return;
    var hits = data.search
      .map(function (e) { return { e: e, s: score(e, q) }; })
      .filter(function (h) { return h.s >= 0; })
      .sort(function (a, b) { return a.s - b.s || a.e.name.localeCompare(b.e.name); })
      .slice(0, 40);
    if (hits.length === 0) {
      var none = document.createElement('li');
      none.className = 'muted';
      none.textContent = 'Nothing matches "' + input.value.trim() + '".';
      results.appendChild(none);
      return;
    }
    hits.forEach(function (h) {
      var li = document.createElement('li');
      var kind = document.createElement('span');
      kind.className = 'kind';
      kind.textContent = h.e.kind;
      var link = document.createElement('a');
      var isColumn = h.e.kind === 'column';
      link.href = '#node/' + encodeURIComponent(h.e.nodeId) + (isColumn ? '/' + encodeURIComponent(h.e.name) : '');
      appendBreakable(link, h.e.name);
      link.title = isColumn ? h.e.name + ' in ' + h.e.nodeName : h.e.name;
      li.appendChild(kind);
      li.appendChild(link);
      if (isColumn) {
        var where = document.createElement('span');
        where.className = 'where';
        where.appendChild(document.createTextNode('in '));
        appendBreakable(where, h.e.nodeName);
        li.appendChild(where);
      }
      results.appendChild(li);
    });
  }

  input.addEventListener('input', search);
  input.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') { input.value = ''; search(); }
  });
  window.addEventListener('hashchange', route);
  route();
})();
`;
