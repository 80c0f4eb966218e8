(function () {
  'use strict';
  var search = document.getElementById('search');
  var count = document.getElementById('search-count');
  function nodes() { return Array.prototype.slice.call(document.querySelectorAll('li.pnode, li.change, .gnode')); }
  function openAncestors(el) {
    for (var p = el.parentElement; p; p = p.parentElement) {
      if (p.tagName === 'DETAILS') { p.open = true; }
    }
  }
  function reveal(id) {
    var el = document.getElementById(id);
    if (!el) { return; }
    openAncestors(el);
    var d = el.querySelector(':scope > details');
    if (d) { d.open = true; }
    el.scrollIntoView({ block: 'center' });
    el.classList.remove('flash');
    void el.offsetWidth;
    el.classList.add('flash');
  }
  function ownText(el) {
    if (el.classList.contains('gnode')) { return el.textContent; }
    var parts = [];
    el.childNodes.forEach(function (c) {
      if (c.nodeType === 1 && c.tagName === 'DETAILS') {
        c.childNodes.forEach(function (d) {
          if (d.nodeType === 1 && d.tagName !== 'UL') { parts.push(d.textContent); }
        });
      } else { parts.push(c.textContent); }
    });
    return parts.join(' ');
  }
  function runSearch() {
    var q = search.value.trim().toLowerCase();
    var hits = 0;
    nodes().forEach(function (el) {
      var hit = q !== '' && ownText(el).toLowerCase().indexOf(q) >= 0;
      el.classList.toggle('match', hit);
      if (hit) {
        if (!el.classList.contains('gnode')) { hits += 1; openAncestors(el); }
      }
    });
    count.textContent = q === '' ? '' : hits + (hits === 1 ? ' match' : ' matches');
  }
  if (search) { search.addEventListener('input', runSearch); }
  function setAll(open) {
    document.querySelectorAll('details').forEach(function (d) { d.open = open; });
  }
  var ex = document.getElementById('expand-all');
  if (ex) { ex.addEventListener('click', function () { setAll(true); }); }
  var co = document.getElementById('collapse-all');
  if (co) { co.addEventListener('click', function () { setAll(false); }); }
  document.addEventListener('click', function (e) {
    var t = e.target;
    var link = t.closest ? t.closest('a.ref') : null;
    if (link) { e.preventDefault(); reveal(link.getAttribute('href').slice(1)); return; }
    var g = t.closest ? t.closest('.gnode') : null;
    if (g && g.dataset.target) { reveal(g.dataset.target); }
  });
})();
