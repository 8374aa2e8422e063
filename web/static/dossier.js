// Dossier page: draw the dossier's BPMN diagram (web/static/dist/viewer.js) with its current step highlighted and
// the completed steps marked, from GET /ho-so/<code>/so-do ({xml, current, done}).
(function () {
  'use strict';
  var box = document.getElementById('diagram');
  if (!box) {
    return;
  }
  function fail() {
    box.textContent = box.dataset.error;
    box.classList.add('failed');
  }
  fetch(box.dataset.url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
    .then(function (response) {
      if (!response.ok) {
        throw new Error('HTTP ' + response.status);
      }
      return response.json();
    })
    .then(function (diagram) {
      if (!window.motcua || !window.motcua.showDiagram) {
        throw new Error('viewer.js not loaded');
      }
      box.textContent = '';
      return window.motcua.showDiagram(box, diagram.xml, { current: diagram.current, done: diagram.done });
    })
    .then(function (shown) {
      window.motcua.dossierDiagram = shown; // the replay view (replay.js) re-marks it
      document.dispatchEvent(new CustomEvent('motcua:diagram', { detail: shown }));
      box.dataset.ready = '1'; // browser tests wait for this
      if (shown && shown.missing && shown.missing.length) {
        box.dataset.missing = shown.missing.join(' ');
      }
    })
    .catch(fail);
})();
