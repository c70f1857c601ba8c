// The Continental: shows which cookies page scripts can see, so that consent can be watched at work.
// Strictly necessary for the demo; sets no cookie itself.
(function () {
  "use strict";
  function names() {
    return document.cookie
      .split(";")
      .map(function (part) { return part.split("=")[0].trim(); })
      .filter(function (name) { return name.length > 0; })
      .sort();
  }
  function render(list) {
    var jar = document.getElementById("cookie-jar");
    if (!jar) return;
    var key = list.join(" ");
    if (jar.getAttribute("data-shown") === key) return;
    jar.setAttribute("data-shown", key);
    jar.textContent = "";
    if (list.length === 0) {
      var empty = document.createElement("li");
      empty.className = "muted";
      empty.textContent = "No cookies visible to scripts.";
      jar.appendChild(empty);
      return;
    }
    list.forEach(function (name) {
      var item = document.createElement("li");
      var code = document.createElement("code");
      code.textContent = name;
      item.appendChild(code);
      jar.appendChild(item);
    });
  }
  function update() { render(names()); }
  document.addEventListener("DOMContentLoaded", update);
  window.setInterval(update, 1000);
})();
