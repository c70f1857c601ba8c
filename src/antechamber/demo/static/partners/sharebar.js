// Stand-in for a social share widget ("ShareBar" is invented). It sets the widget's visitor
// cookie and shows share buttons that need no third party: e-mail and copy-the-link.
(function () {
  "use strict";
  if (!/(?:^|;\s*)sb_uid=/.test(document.cookie)) {
    var id = Math.floor(Math.random() * 2147483647).toString(36);
    document.cookie = "sb_uid=" + id + "; Path=/; Max-Age=" + 180 * 86400 + "; SameSite=Lax";
  }
  function fill() {
    var box = document.getElementById("sharebar");
    if (!box) return;
    box.textContent = "";
    var list = document.createElement("ul");
    list.className = "share-buttons";
    var mail = document.createElement("a");
    mail.href = "mailto:?subject=" + encodeURIComponent(document.title) +
      "&body=" + encodeURIComponent(window.location.href);
    mail.textContent = "Share by e-mail";
    var copy = document.createElement("button");
    copy.type = "button";
    copy.textContent = "Copy link";
    copy.addEventListener("click", function () {
      if (navigator.clipboard) navigator.clipboard.writeText(window.location.href);
      copy.textContent = "Link copied";
    });
    [mail, copy].forEach(function (element) {
      var item = document.createElement("li");
      item.appendChild(element);
      list.appendChild(item);
    });
    box.appendChild(list);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fill);
  else fill();
  var demo = (window.antechamberDemo = window.antechamberDemo || { ran: [] });
  demo.ran.push("sharebar");
})();
