// Stand-in for a video service's embedded player ("Streamly" is invented). It sets the service's
// visitor cookie in its own frame, as real players do, and pretends to play.
(function () {
  "use strict";
  if (!/(?:^|;\s*)st_uid=/.test(document.cookie)) {
    var id = Math.floor(Math.random() * 2147483647).toString(36);
    document.cookie = "st_uid=" + id + "; Path=/; Max-Age=" + 180 * 86400 + "; SameSite=Lax";
  }
  var button = document.querySelector(".stand-in-play");
  if (!button) return;
  button.addEventListener("click", function () {
    button.textContent = button.getAttribute("aria-pressed") === "true"
      ? "Play (" + button.getAttribute("data-length") + ")"
      : "Pause (playing, pretend)";
    button.setAttribute("aria-pressed", button.getAttribute("aria-pressed") === "true" ? "false" : "true");
  });
})();
