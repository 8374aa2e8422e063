// Extra rows for the table fields, and the apology letter's preview following what is typed (both optional: the page
// works without JavaScript).
document.querySelectorAll("button.add-row").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    var body = document.querySelector("table#" + CSS.escape(button.dataset.table) + " tbody");
    var last = body.rows[body.rows.length - 1], row = last.cloneNode(true), index = body.rows.length;
    row.cells[0].textContent = index + 1;
    row.querySelectorAll("input, textarea, select").forEach(function (input) {
      input.name = input.name.replace(/\.\d+\./, "." + index + ".");
      input.id = input.name;
      input.value = "";
    });
    row.querySelectorAll(".field-error").forEach(function (e) { e.remove(); });
    body.appendChild(row);
  });
});
(function () {
  var frame = document.getElementById("letter-preview"), form = document.getElementById("task-form");
  if (!frame || !form) return;
  var timer = null, base = frame.src.split("?")[0];
  function refresh() {
    var params = new URLSearchParams();
    ["delay_reason", "new_appointment"].forEach(function (name) {
      var input = form.elements[name];
      params.set(name, input ? input.value : "");
    });
    frame.src = base + "?" + params.toString();
  }
  form.addEventListener("input", function (event) {
    if (event.target.name !== "delay_reason" && event.target.name !== "new_appointment") return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
})();
