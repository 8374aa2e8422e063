// Dossier page, replay view: step forward and back through the dossier's history (buttons, arrow keys, a slider);
// at each event the diagram shows the tasks ready, the timers set and the steps completed as they were then, with
// the data, the appointment and the deadlines of that moment and who acted. ?buoc=N opens the view at event N.
(function () {
  'use strict';
  var box = document.getElementById('replay');
  if (!box) {
    return;
  }
  var slider = document.getElementById('replay-slider');
  var label = document.getElementById('replay-event');
  var appointment = document.getElementById('replay-appointment');
  var deadlines = document.getElementById('replay-deadlines');
  var data = document.getElementById('replay-data');
  var link = document.getElementById('replay-link');
  var moments = [];
  var position = 0;

  function text(value) {
    if (value === null || value === undefined) {
      return '';
    }
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }

  function row(cells) {
    var tr = document.createElement('tr');
    cells.forEach(function (cell) {
      var td = document.createElement('td');
      td.textContent = text(cell);
      tr.appendChild(td);
    });
    return tr;
  }

  function show(index) {
    if (!moments.length) {
      return;
    }
    position = Math.max(0, Math.min(moments.length - 1, index));
    var m = moments[position];
    slider.value = String(position + 1);
    label.textContent = box.dataset.eventLabel + ' ' + m.seq + '/' + moments[moments.length - 1].seq + ' · ' +
      m.at_text + ' · ' + m.actor_name + ' · ' + m.text;
    appointment.textContent = m.appointment_text;
    deadlines.textContent = '';
    Object.keys(m.deadlines_text).forEach(function (task) {
      deadlines.appendChild(row([task, m.deadlines_text[task]]));
    });
    data.textContent = '';
    Object.keys(m.data).sort().forEach(function (name) {
      data.appendChild(row([name, m.data[name]]));
    });
    var url = new URL(window.location.href);
    url.searchParams.set('buoc', String(m.seq));
    url.hash = 'replay';
    link.href = url.pathname + url.search + url.hash;
    window.history.replaceState(null, '', link.href);
    box.dataset.seq = String(m.seq); // browser tests wait for this
    var diagram = window.motcua && window.motcua.dossierDiagram;
    if (diagram && diagram.mark) {
      diagram.mark({ current: m.current, done: m.done, waiting: m.waiting });
    }
  }

  function bind(id, step) {
    document.getElementById(id).addEventListener('click', function () {
      show(step());
    });
  }

  bind('replay-first', function () { return 0; });
  bind('replay-prev', function () { return position - 1; });
  bind('replay-next', function () { return position + 1; });
  bind('replay-last', function () { return moments.length - 1; });
  slider.addEventListener('input', function () {
    show(Number(slider.value) - 1);
  });
  box.addEventListener('keydown', function (event) {
    var moves = { ArrowLeft: -1, ArrowRight: 1 };
    if (event.key in moves) {
      event.preventDefault();
      show(position + moves[event.key]);
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      show(event.key === 'Home' ? 0 : moments.length - 1);
    }
  });
  document.addEventListener('motcua:diagram', function () {
    show(position);
  });

  fetch(box.dataset.url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
    .then(function (response) {
      if (!response.ok) {
        throw new Error('HTTP ' + response.status);
      }
      return response.json();
    })
    .then(function (found) {
      moments = found.moments;
      slider.max = String(moments.length);
      var wanted = Number(new URL(window.location.href).searchParams.get('buoc'));
      var start = moments.findIndex(function (m) { return m.seq === wanted; });
      box.hidden = false;
      show(start >= 0 ? start : moments.length - 1);
      box.dataset.ready = '1';
    })
    .catch(function () {
      label.textContent = box.dataset.error;
    });
})();
