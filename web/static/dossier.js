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
  // The toolbar above the diagram: zoom in and out, back to the opening view, and a full-window view (Esc leaves it).
  // Dragging pans and Ctrl + wheel zooms (bpmn-js's NavigatedViewer).
  function controls(shown) {
    var card = document.getElementById('diagram-card');
    var full = card.querySelector('[data-diagram="full"]');
    function setFull(on) {
      card.classList.toggle('full-screen', on);
      full.setAttribute('aria-pressed', on ? 'true' : 'false');
      full.textContent = on ? full.dataset.leave : full.dataset.enter;
      shown.focus();
    }
    var actions = {
      in: function () { window.motcua.zoomDiagram(shown.viewer, 1.25); },
      out: function () { window.motcua.zoomDiagram(shown.viewer, 0.8); },
      fit: function () { shown.focus(); },
      full: function () { setFull(!card.classList.contains('full-screen')); }
    };
    card.querySelectorAll('[data-diagram]').forEach(function (button) {
      button.addEventListener('click', actions[button.dataset.diagram]);
    });
    document.addEventListener('keydown', function (event) {
      if (event.key === 'Escape' && card.classList.contains('full-screen')) {
        setFull(false);
      }
    });
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
      if (shown && shown.focus) {
        shown.focus(); // fitted to the width, the current step in the middle
        controls(shown);
      }
      box.dataset.ready = '1'; // browser tests wait for this
      if (shown && shown.missing && shown.missing.length) {
        box.dataset.missing = shown.missing.join(' ');
      }
    })
    .catch(fail);
})();
