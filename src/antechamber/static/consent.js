/* antechamber consent: enhances the banner's plain forms (no reload), activates consent-gated
   scripts, and sends Google Consent Mode updates. Runs under `script-src 'self'`: no eval, no
   inline code; the state comes from <script type="application/json" id="antechamber-consent-data">.

   Gated scripts: <script type="text/plain" data-consent="analytics" src="..."></script>
   (a category or partner key; several keys separated by spaces must all be granted). Once granted,
   a real <script> with the same attributes is inserted after it; never before.
   Every change of choice dispatches `antechamber:consent` on document, detail = the new state. */
(function () {
  "use strict";

  // The page's CSP nonce, when antechamber put one on this script: activated scripts carry it
  // too (read from the property, as browsers hide the attribute once the page is parsed).
  var self = document.currentScript;
  var nonce = (self && (self.nonce || self.getAttribute("nonce"))) || "";
  var dataNode = document.getElementById("antechamber-consent-data");
  if (!dataNode) return;
  var state;
  try {
    state = JSON.parse(dataNode.textContent || "{}");
  } catch (err) {
    return;
  }
  var prefix = state.prefix || "/_antechamber";
  var root = dataNode.closest("[data-antechamber-consent]") || document;

  function granted(key) {
    return !!((state.categories && state.categories[key]) || (state.partners && state.partners[key]));
  }

  function allGranted(spec) {
    var keys = (spec || "").split(/[\s,]+/).filter(Boolean);
    return keys.length > 0 && keys.every(granted);
  }

  function activateScripts() {
    var nodes = document.querySelectorAll('script[type="text/plain"][data-consent]');
    Array.prototype.forEach.call(nodes, function (old) {
      if (old.hasAttribute("data-consent-activated")) return;
      if (!allGranted(old.getAttribute("data-consent"))) return;
      old.setAttribute("data-consent-activated", "");
      var script = document.createElement("script");
      Array.prototype.forEach.call(old.attributes, function (attr) {
        if (attr.name === "type" || attr.name === "nonce") return;
        if (attr.name.indexOf("data-consent") === 0) return;
        script.setAttribute(attr.name, attr.value);
      });
      if (old.nonce || nonce) script.nonce = old.nonce || nonce;
      var type = old.getAttribute("data-type");
      if (type) script.setAttribute("type", type);
      // Keep document order among activated external scripts, as the page wrote them.
      script.async = old.hasAttribute("async");
      if (!old.hasAttribute("src")) script.text = old.text;
      old.parentNode.insertBefore(script, old.nextSibling);
    });
  }

  function gtag() {
    window.dataLayer = window.dataLayer || [];
    window.dataLayer.push(arguments);
  }

  function apply(next) {
    next.prefix = prefix;
    next.google_consent_mode = state.google_consent_mode;
    state = next;
    var banner = root.querySelector("[data-ac-banner]");
    var settings = root.querySelector("[data-ac-settings]");
    if (settings) settings.hidden = false;
    if (banner) {
      var hadFocus = banner.contains(document.activeElement);
      banner.hidden = true;
      // Focus must not be lost with the banner: it moves to the way back to the choice.
      if (hadFocus && settings) settings.focus();
    }
    if (state.google_consent_mode && state.google_consent) {
      gtag("consent", "update", state.google_consent);
    }
    activateScripts();
    var event;
    try {
      event = new CustomEvent("antechamber:consent", { detail: state });
    } catch (err) {
      return;
    }
    document.dispatchEvent(event);
  }

  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-ac-form")) return;
    if (!window.fetch || !window.JSON) return; // the plain form does the job
    var actionField = form.querySelector('input[name="action"]');
    if (!actionField) return;
    event.preventDefault();
    var buttons = form.querySelectorAll("button");
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    fetch(prefix + "/consent", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ action: actionField.value })
    })
      .then(function (response) {
        if (!response.ok) throw new Error("consent not saved: " + response.status);
        return response.json();
      })
      .then(apply)
      .catch(function () {
        // Let the server answer in full (it explains what went wrong, e.g. a 503).
        Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
        form.submit();
      });
  });

  var banner = root.querySelector("[data-ac-banner]");
  if (banner && !banner.hidden && document.activeElement === document.body) {
    // The banner sits at the end of the page: bring keyboard and screen reader users to it.
    try {
      banner.focus({ preventScroll: true });
    } catch (err) {
      banner.focus();
    }
  }
  activateScripts();
})();
