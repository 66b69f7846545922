// File fields in the page's language: the browser's own button speaks the browser's
// language ("Choose File / No file chosen" in an English browser on a Chinese page), so
// each file input is shown as a button and the chosen file's name, worded by the page
// (<html data-file-choose data-file-none>). The input stays in the form, visually hidden,
// so `required` and `accept` keep working.
document.addEventListener("DOMContentLoaded", function () {
  var root = document.documentElement;
  var choose = root.dataset.fileChoose, none = root.dataset.fileNone;
  if (!choose) { return; }
  document.querySelectorAll('input[type="file"]').forEach(function (input, i) {
    if (!input.id) { input.id = "file-input-" + i; }
    var button = document.createElement("label");
    button.className = "button file-choose";
    button.htmlFor = input.id;
    button.textContent = choose;
    var name = document.createElement("span");
    name.className = "file-name";
    name.textContent = none;
    input.classList.add("file-hidden");
    input.after(button, name);
    input.addEventListener("change", function () {
      name.textContent = input.files.length
        ? Array.prototype.map.call(input.files, function (f) { return f.name; }).join("、")
        : none;
    });
  });
});
