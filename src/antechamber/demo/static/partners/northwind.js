// Stand-in for an ad network's tag ("Northwind Ads" is invented). It fills the page's ad slot
// with a house ad and sets a segment cookie, as ad tags do; nothing is fetched from elsewhere.
(function () {
  "use strict";
  document.cookie = "nw_seg=news.europe; Path=/; Max-Age=" + 30 * 86400 + "; SameSite=Lax";
  function fill() {
    var slot = document.getElementById("ad-slot");
    if (!slot) return;
    slot.textContent = "";
    var creative = document.createElement("div");
    creative.className = "ad-creative";
    var title = document.createElement("strong");
    title.textContent = "Take the night train";
    var text = document.createElement("span");
    text.textContent = "A house ad from Northwind Ads, the demo's invented ad network.";
    creative.appendChild(title);
    creative.appendChild(text);
    slot.appendChild(creative);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fill);
  else fill();
  var demo = (window.antechamberDemo = window.antechamberDemo || { ran: [] });
  demo.ran.push("northwind-ads");
})();
