// Diff page (/thiet-ke/<process>/so-sanh): draws both versions (web/static/dist/viewer.js) with the elements added,
// removed and changed marked; the list of changes is on the page already.
(function () {
  'use strict';
  function ids(text) {
    return (text || '').split(' ').filter(Boolean);
  }
  document.querySelectorAll('.diff-canvas').forEach(function (box) {
    fetch(box.dataset.url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        return response.json();
      })
      .then(function (diagram) {
        var markers = {
          'motcua-added': ids(box.dataset.added),
          'motcua-removed': ids(box.dataset.removed),
          'motcua-changed': ids(box.dataset.changed),
        };
        return window.motcua.showDiagram(box, diagram.xml, { markers: markers });
      })
      .then(function () {
        box.dataset.ready = '1'; // browser tests wait for this
      })
      .catch(function (error) {
        box.textContent = box.dataset.error + ' ' + error.message;
        box.classList.add('failed');
      });
  });
})();
