/* Dismisses antechamber's notices without reloading the page. Optional: without it, the
   dismiss button is an ordinary form post that comes back to the same page. Written for old
   browsers too (no arrow functions, no fetch): the warn notice is shown to outdated ones. */
(function () {
  "use strict";
  function encode(form) {
    var parts = [];
    for (var i = 0; i < form.elements.length; i++) {
      var field = form.elements[i];
      if (field.name && field.type === "hidden") {
        parts.push(encodeURIComponent(field.name) + "=" + encodeURIComponent(field.value));
      }
    }
    return parts.join("&");
  }
  function onSubmit(event) {
    var form = event.currentTarget || this;
    var notice = form.parentNode;
    var request;
    try {
      request = new XMLHttpRequest();
      request.open("POST", form.action, true);
      request.setRequestHeader("Content-Type", "application/x-www-form-urlencoded");
      request.send(encode(form));
    } catch (error) {
      return; /* let the form post itself */
    }
    if (event.preventDefault) {
      event.preventDefault();
    }
    notice.setAttribute("hidden", "");
    notice.style.display = "none";
  }
  function moveToTop() {
    /* The notice is inserted before </body>; at the top of the page, in its flow, it is seen
       first and covers nothing: the page moves down instead. */
    var notices = document.querySelectorAll("[data-antechamber-notice]");
    var body = document.body;
    for (var i = notices.length - 1; i >= 0; i--) {
      if (body && notices[i].parentNode === body) {
        body.insertBefore(notices[i], body.firstChild);
      }
    }
  }
  function ready() {
    moveToTop();
    var forms = document.querySelectorAll("form[data-antechamber-dismiss]");
    for (var i = 0; i < forms.length; i++) {
      if (forms[i].addEventListener) {
        forms[i].addEventListener("submit", onSubmit, false);
      }
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready, false);
  } else {
    ready();
  }
})();
