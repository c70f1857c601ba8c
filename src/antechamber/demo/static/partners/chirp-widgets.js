// Stand-in for a social network's embed script ("Chirp" is invented), loaded from the network's
// own host as X's widgets.js is: it turns each quoted post into the live post, in a frame.
(function () {
  "use strict";
  var origin = new URL(document.currentScript ? document.currentScript.src : "", window.location.href).origin;
  var quotes = document.querySelectorAll("blockquote.chirp-post[data-chirp-post]");
  Array.prototype.forEach.call(quotes, function (quote) {
    var frame = document.createElement("iframe");
    frame.src = origin + "/stand-ins/chirp/post/" + encodeURIComponent(quote.getAttribute("data-chirp-post"));
    frame.title = "Post on Chirp";
    frame.className = "chirp-frame";
    frame.width = "500";
    frame.height = "220";
    quote.parentNode.replaceChild(frame, quote);
  });
})();
