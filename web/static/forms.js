// Forms never lose what was typed.
// - A text longer than its field's limit (data-maxlength: the server's own limit) is named as it is typed or pasted,
//   and the form is not sent until it is shortened: the browser's maxlength would cut it without a word.
// - A form larger than the server takes (its limits are in the page's meta tags) is named before it is sent.
// - What a form held when it was sent is kept in this tab until the next page: a page that refused it (413, 500:
//   it carries #form-refused) keeps it, and the form page shown again (Back) is filled in with it.
(function () {
  "use strict";
  function meta(name) {
    var tag = document.querySelector('meta[name="' + name + '"]');
    return tag ? tag.content : "";
  }
  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }
  function sizeLimit(name) { return parseInt(meta(name), 10) || 0; }
  var DRAFT = "motcua-draft";
  var encoder = new TextEncoder();

  // As the server counts: characters (not UTF-16 units), a line break sent as CR LF.
  function characters(value) { return Array.from(value.replace(/\r?\n/g, "\r\n")).length; }

  function note(field, text) {
    var id = (field.id || field.name) + "-limit";
    var shown = document.getElementById(id);
    if (!text) {
      if (shown) shown.remove();
      if (field.dataset.limitInvalid) { field.removeAttribute("aria-invalid"); delete field.dataset.limitInvalid; }
      return;
    }
    if (!shown) {
      shown = document.createElement("span");
      shown.id = id;
      shown.className = "field-error";
      shown.setAttribute("role", "alert");
      shown.dataset.testid = "limit-warning";
      field.insertAdjacentElement("afterend", shown);
    }
    shown.textContent = text;
    field.setAttribute("aria-invalid", "true");
    field.dataset.limitInvalid = "1";
  }

  function checkField(field) {
    var limit = parseInt(field.dataset.maxlength, 10);
    var count = characters(field.value || "");
    if (limit && count > limit) {
      note(field, say(meta("motcua-text-too-long"), { limit: limit, count: count }));
      return false;
    }
    // The server reads each part of a multipart form into memory up to this size (werkzeug: 413 beyond it).
    var multipart = field.form && field.form.enctype === "multipart/form-data", maxFieldBytes = sizeLimit("motcua-max-field-bytes");
    if (multipart && maxFieldBytes && encoder.encode(field.value || "").length > maxFieldBytes) {
      note(field, say(meta("motcua-text-too-big"), { kb: Math.floor(maxFieldBytes / 1000) }));
      return false;
    }
    note(field, "");
    return true;
  }

  function texts(form) {
    return Array.prototype.filter.call(form.elements, function (e) {
      return (e.tagName === "TEXTAREA" || (e.tagName === "INPUT" && /^(text|search|email|tel|url|number|date|datetime-local|)$/.test(e.type)))
        && e.name && !e.disabled;
    });
  }

  function fileBytes(form) {
    var total = 0;
    Array.prototype.forEach.call(form.querySelectorAll('input[type="file"]'), function (input) {
      Array.prototype.forEach.call(input.files || [], function (file) { total += file.size; });
    });
    return total;
  }

  function summary(form, text) {
    var shown = form.querySelector(".form-limit-summary");
    if (!text) { if (shown) shown.remove(); return; }
    if (!shown) {
      shown = document.createElement("p");
      shown.className = "error form-limit-summary";
      shown.setAttribute("role", "alert");
      shown.dataset.testid = "limit-summary";
      form.insertBefore(shown, form.firstChild);
    }
    shown.textContent = text;
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field.form && (field.dataset.maxlength || field.dataset.limitInvalid)) checkField(field);
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if ((form.method || "").toLowerCase() !== "post") return;
    var bad = texts(form).filter(function (field) { return !checkField(field); });
    var maxBodyBytes = sizeLimit("motcua-max-body-bytes"), big = maxBodyBytes && fileBytes(form) > maxBodyBytes;
    if (bad.length || big) {
      event.preventDefault();
      summary(form, big ? say(meta("motcua-files-too-big"), { mb: Math.floor(maxBodyBytes / 1048576) })
                         : meta("motcua-form-not-sent"));
      (bad[0] || form).focus();
      return;
    }
    summary(form, "");
    var values = {};
    texts(form).forEach(function (field) { values[field.name] = field.value; });
    Array.prototype.forEach.call(form.querySelectorAll("select[name]"), function (select) { values[select.name] = select.value; });
    try {
      sessionStorage.setItem(DRAFT, JSON.stringify({ page: location.pathname + location.search, action: form.action, values: values, refused: false }));
    } catch (e) { /* storage full or off: the form is sent anyway */ }
  });

  var draft = null;
  try { draft = JSON.parse(sessionStorage.getItem(DRAFT) || "null"); } catch (e) { draft = null; }
  if (document.getElementById("form-refused")) {
    if (draft) { draft.refused = true; sessionStorage.setItem(DRAFT, JSON.stringify(draft)); }
    Array.prototype.forEach.call(document.querySelectorAll("[data-back]"), function (link) {
      if (history.length > 1) link.addEventListener("click", function (event) { event.preventDefault(); history.back(); });
    });
    return;
  }
  sessionStorage.removeItem(DRAFT);
  if (!draft || !draft.refused || draft.page !== location.pathname + location.search) return;
  var form = Array.prototype.find.call(document.forms, function (f) { return f.action === draft.action; });
  if (!form) return;
  var filled = 0;
  Object.keys(draft.values).forEach(function (name) {
    var field = form.elements[name];
    if (!field || field.length !== undefined && field.tagName !== "SELECT" || field.value === draft.values[name]) return;
    if (field.tagName === "SELECT" || !field.value) { field.value = draft.values[name]; filled += 1; checkField(field); }
  });
  if (filled) {
    var notice = document.createElement("p");
    notice.className = "flash";
    notice.setAttribute("role", "status");
    notice.dataset.testid = "draft-restored";
    notice.textContent = meta("motcua-draft-restored");
    form.insertBefore(notice, form.firstChild);
  }
})();
