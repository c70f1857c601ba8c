// Stand-in for Google Analytics (gtag.js). It sends nothing anywhere: it only sets the
// first-party cookies the real script sets, so that consent enforcement can be seen.
(function () {
  "use strict";
  var now = Math.floor(Date.now() / 1000);
  var client = Math.floor(Math.random() * 2147483647) + "." + now;
  function set(name, value, maxAge) {
    document.cookie = name + "=" + value + "; Path=/; Max-Age=" + maxAge + "; SameSite=Lax";
  }
  if (!/(?:^|;\s*)_ga=/.test(document.cookie)) set("_ga", "GA1.1." + client, 400 * 86400);
  set("_ga_DEMO2025", "GS2.1.s" + now + "$o1$g0$t" + now, 400 * 86400);
  set("_gid", "GA1.1." + client, 86400);
  var demo = (window.antechamberDemo = window.antechamberDemo || { ran: [] });
  demo.ran.push("google-analytics");
})();
