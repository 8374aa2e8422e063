// Modeler page (/thiet-ke/<process>): opens the latest deployed version (or the designer's own draft) in the bpmn-js
// modeler (web/static/dist/modeler.js), runs the server's checks (a list: clicking a problem selects its element),
// saves drafts on the server and deploys a new version with a change note.
(function () {
  'use strict';
  var box = document.getElementById('modeler');
  if (!box) {
    return;
  }
  var panel = document.getElementById('properties');
  var statusLine = document.getElementById('status');
  var problemsBox = document.getElementById('problems-box');
  var problemsList = document.getElementById('problems');
  var problemsTitle = document.getElementById('problems-title');
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
  var modeler = null;
  var base = parseInt(box.dataset.base, 10) || 0;

  function say(text, kind) {
    statusLine.textContent = text;
    statusLine.className = kind || 'muted';
  }

  function send(url, body) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    });
  }

  // The catalogue entry form (absent for shared call activities): sent with the diagram, kept in its file.
  var catalogueForm = document.getElementById('catalogue');
  function withEntry(body) {
    if (catalogueForm) {
      var entry = {};
      new FormData(catalogueForm).forEach(function (value, name) {
        if (name === 'channels') {
          (entry.channels = entry.channels || []).push(value);
        } else {
          entry[name] = value;
        }
      });
      entry.channels = entry.channels || [];
      body.catalogue = entry;
    }
    return body;
  }

  function showFieldErrors(answer) {
    if (!catalogueForm) {
      return;
    }
    var fields = (answer && answer.data && answer.data.error && answer.data.error.fields) || {};
    catalogueForm.querySelectorAll('.field-error').forEach(function (slot) {
      var message = fields[slot.dataset.for] || '';
      slot.textContent = message;
      var input = catalogueForm.querySelector('[name="' + slot.dataset.for + '"]');
      if (input) {
        input.classList.toggle('invalid', Boolean(message));
        input.setAttribute('aria-invalid', message ? 'true' : 'false');
      }
    });
  }

  function currentXml() {
    return modeler.saveXML({ format: true }).then(function (result) {
      return result.xml;
    });
  }

  // The element a problem names: a process's problems (its allotments) are shown on its pool.
  function elementOf(id) {
    var registry = modeler.get('elementRegistry');
    return registry.get(id) || registry.find(function (element) {
      var processRef = element.businessObject && element.businessObject.processRef;
      return element.type === 'bpmn:Participant' && processRef && processRef.id === id;
    });
  }

  function select(id) {
    var element = elementOf(id);
    if (!element) {
      return;
    }
    modeler.get('selection').select(element);
    modeler.get('canvas').scrollToElement(element);
  }

  function showProblems(problems, title) {
    problemsList.textContent = '';
    problemsBox.hidden = problems.length === 0;
    problemsTitle.textContent = title || box.dataset.msgProblems;
    problems.forEach(function (problem) {
      var item = document.createElement('li');
      var text = (problem.element ? problem.element + ': ' : '') + problem.message;
      if (problem.element && elementOf(problem.element)) {
        var link = document.createElement('button');
        link.type = 'button';
        link.className = 'link problem';
        link.dataset.element = problem.element;
        link.textContent = text;
        link.addEventListener('click', function () {
          select(problem.element);
        });
        item.appendChild(link);
      } else {
        item.textContent = text;
      }
      problemsList.appendChild(item);
    });
  }

  function check() {
    say(box.dataset.msgChecking);
    return currentXml()
      .then(function (xml) {
        return send(box.dataset.checkUrl, withEntry({ xml: xml }));
      })
      .then(function (answer) {
        showFieldErrors(answer);
        var problems = answer.data.problems || [];
        if (!answer.ok && !problems.length) {
          say(box.dataset.msgFailed + ' ' + answer.data.error.message, 'error');
          return;
        }
        showProblems(problems);
        say(problems.length ? box.dataset.msgProblems + ' ' + problems.length : box.dataset.msgOk,
            problems.length ? 'error' : 'ok');
        box.dataset.checked = String(problems.length);
      });
  }

  function deploy() {
    say(box.dataset.msgChecking);
    return currentXml()
      .then(function (xml) {
        return send(box.dataset.deployUrl,
          withEntry({ xml: xml, base: base, note: document.getElementById('note').value }));
      })
      .then(function (answer) {
        showFieldErrors(answer);
        if (answer.ok) {
          window.clearTimeout(autosave);
          base = answer.data.number;
          showProblems([]);
          say(answer.data.message, 'ok');
          box.dataset.deployed = String(answer.data.number);
          window.setTimeout(function () { window.location.reload(); }, 800);
          return;
        }
        if (answer.data.problems) {
          showProblems(answer.data.problems);
        }
        say(box.dataset.msgFailed + ' ' + answer.data.error.message, 'error');
      });
  }

  var failedMarks = [];
  function runScenarios() {
    var box2 = document.getElementById('scenarios-box');
    var list = document.getElementById('scenarios');
    say(box.dataset.msgRunning);
    var canvas = modeler.get('canvas');
    failedMarks.forEach(function (id) { canvas.removeMarker(id, 'motcua-failed'); });
    failedMarks = [];
    return currentXml()
      .then(function (xml) {
        return send(box.dataset.scenariosUrl, { xml: xml });
      })
      .then(function (answer) {
        if (!answer.ok) {
          say(box.dataset.msgFailed + ' ' + answer.data.error.message, 'error');
          return;
        }
        list.textContent = '';
        box2.hidden = false;
        var results = answer.data.scenarios;
        if (!results.length) {
          say(box.dataset.msgNoScenarios);
          return;
        }
        var failures = 0;
        results.forEach(function (result) {
          var item = document.createElement('li');
          item.className = result.ok ? 'ok' : 'error';
          item.textContent = (result.ok ? box.dataset.msgPassed : box.dataset.msgFailedScenario) + ' · ' + result.name +
            ' (' + result.file + ')';
          var steps = document.createElement('ol');
          result.steps.forEach(function (step) {
            var line = document.createElement('li');
            line.className = step.ok ? 'ok' : 'error';
            line.textContent = step.kind + ': ' + step.message;
            if (!step.ok && step.element && elementOf(step.element)) {
              canvas.addMarker(step.element, 'motcua-failed');
              failedMarks.push(step.element);
              line.classList.add('problem');
              line.addEventListener('click', function () { select(step.element); });
            }
            steps.appendChild(line);
          });
          item.appendChild(steps);
          list.appendChild(item);
          failures += result.ok ? 0 : 1;
        });
        box.dataset.scenarios = failures ? 'failed' : 'passed';
        say(results.length - failures + '/' + results.length + ' ' + box.dataset.msgPassed, failures ? 'error' : 'ok');
      });
  }

  var autosave = null;
  function scheduleAutosave() {
    window.clearTimeout(autosave);
    autosave = window.setTimeout(saveDraft, 3000);
  }

  function discardDraft() {
    return send(box.dataset.draftUrl, { discard: true }).then(function () {
      window.location.reload();
    });
  }

  function saveDraft() {
    window.clearTimeout(autosave);
    return currentXml()
      .then(function (xml) {
        return send(box.dataset.draftUrl, withEntry({ xml: xml, base: base }));
      })
      .then(function (answer) {
        showFieldErrors(answer);
        if (answer.ok) {
          say(box.dataset.msgDraftSaved + ' ' + answer.data.saved_at, 'ok');
          box.dataset.draftSaved = answer.data.saved_at;
          document.getElementById('discard-draft').hidden = false;
        } else {
          say(box.dataset.msgFailed + ' ' + answer.data.error.message, 'error');
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
      var xml = diagram.xml;
      if (diagram.draft) {
        xml = diagram.draft.xml;
        base = diagram.draft.base;
        say(box.dataset.msgDraftLoaded + ' ' + diagram.draft.saved_at);
        if (diagram.draft.base !== diagram.latest) {
          say(box.dataset.msgDraftOutdated, 'error');
        }
        document.getElementById('discard-draft').hidden = false;
      }
      return window.motcua.openModeler(box, panel, xml, JSON.parse(box.dataset.choices || '{}'));
    })
    .then(function (opened) {
      modeler = opened;
      box.dataset.ready = '1'; // browser tests wait for this
      document.getElementById('check').addEventListener('click', check);
      document.getElementById('deploy').addEventListener('click', deploy);
      document.getElementById('save-draft').addEventListener('click', saveDraft);
      document.getElementById('run-scenarios').addEventListener('click', runScenarios);
      document.getElementById('discard-draft').addEventListener('click', discardDraft);
      // Every change is kept on the server a few seconds later: closing the tab loses nothing.
      modeler.on('commandStack.changed', scheduleAutosave);
      if (catalogueForm) {
        catalogueForm.addEventListener('input', scheduleAutosave);
        catalogueForm.addEventListener('submit', function (event) { event.preventDefault(); });
      }
    })
    .catch(function (error) {
      box.textContent = box.dataset.error + ' ' + error.message;
      box.classList.add('failed');
    });
})();
