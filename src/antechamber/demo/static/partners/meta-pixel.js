// Stand-in for the Meta Pixel (fbevents.js). It sends nothing anywhere: it only sets the
// first-party _fbp cookie the real pixel sets, so that consent enforcement can be seen.
(function () {
  "use strict";
  if (!/(?:^|;\s*)_fbp=/.test(document.cookie)) {
    var value = "fb.1." + Date.now() + "." + Math.floor(Math.random() * 2147483647);
    document.cookie = "_fbp=" + value + "; Path=/; Max-Age=" + 90 * 86400 + "; SameSite=Lax";
  }
  var demo = (window.antechamberDemo = window.antechamberDemo || { ran: [] });
  demo.ran.push("meta-pixel");
})();
