// Reception form: show the handover time only for postal dossiers, and the appointment the calendar computes as the
// officer chooses the channel (GET /mot-cua/hen-tra). Without this script the "Xem ngày hẹn" button does the same.
(function () {
  'use strict';
  var form = document.getElementById('reception');
  if (!form) {
    return;
  }
  var POSTAL = '3';
  var handoverRow = document.getElementById('handover-row');
  var clockStart = document.getElementById('clock-start');
  var appointment = document.getElementById('appointment');
  var problem = document.getElementById('appointment-error');
  var asked = 0;

  function channel() {
    var chosen = form.querySelector('input[name="channel"]:checked');
    return chosen ? chosen.value : '';
  }

  function showHandover() {
    if (handoverRow) {
      handoverRow.hidden = channel() !== POSTAL;
    }
  }

  function show(result) {
    if (result.ok) {
      clockStart.textContent = result.body.clock_start_text;
      appointment.innerHTML = '';
      var strong = document.createElement('strong');
      strong.textContent = result.body.appointment_text;
      appointment.appendChild(strong);
      problem.hidden = true;
      problem.textContent = '';
      return;
    }
    var fields = (result.body.error && result.body.error.fields) || {};
    var messages = Object.keys(fields).map(function (key) { return fields[key]; });
    clockStart.textContent = '—';
    appointment.textContent = '—';
    problem.textContent = messages.join('; ') || (result.body.error && result.body.error.message) || '';
    problem.hidden = false;
  }

  function refresh() {
    showHandover();
    if (!channel()) {
      return;
    }
    var params = new URLSearchParams({ procedure: form.dataset.procedure, channel: channel() });
    var handover = form.elements.handover_at ? form.elements.handover_at.value : '';
    if (channel() === POSTAL && handover) {
      params.set('handover_at', handover);
    }
    var mine = ++asked; // an older answer arriving late must not overwrite a newer one
    fetch(form.dataset.previewUrl + '?' + params.toString(), {
      headers: { Accept: 'application/json' },
      credentials: 'same-origin'
    })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (mine === asked) {
          show(result);
        }
      })
      .catch(function () {
        if (mine === asked) {
          problem.textContent = form.dataset.networkError;
          problem.hidden = false;
        }
      });
  }

  form.addEventListener('change', function (event) {
    var name = event.target.name || '';
    if (name === 'channel' || name === 'handover_at') {
      refresh();
    }
    // A scan attached means the document was received and digitised.
    var match = /^doc_(\d+)_file$/.exec(name);
    if (match && event.target.files && event.target.files.length) {
      ['received', 'digitised'].forEach(function (flag) {
        var box = form.elements['doc_' + match[1] + '_' + flag];
        if (box) {
          box.checked = true;
        }
      });
    }
  });
  showHandover();
})();
