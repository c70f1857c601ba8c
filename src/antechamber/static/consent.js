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

  // -- focus after a choice --------------------------------------------------------------------
  // The banner's buttons are disabled while the choice is sent, which drops focus to <body>
  // before the banner goes: so a choice is noted when its form is submitted (mouse, touch or
  // keyboard), and once the banner is hidden focus moves to the "Cookie settings" link, the way
  // back to the choice, without scrolling the page to it.
  var choiceFromBanner = false;

  function noteChoice(event) {
    var form = event.target;
    var banner = root.querySelector("[data-ac-banner]");
    if (banner && form && banner.contains(form)) choiceFromBanner = true;
  }

  function focusAfterChoice(settings) {
    if (!choiceFromBanner || !settings) return;
    choiceFromBanner = false;
    try {
      settings.focus({ preventScroll: true });
    } catch (err) {
      settings.focus();
    }
  }

  root.addEventListener("submit", noteChoice, true);

  function apply(next) {
    next.prefix = prefix;
    next.google_consent_mode = state.google_consent_mode;
    state = next;
    var banner = root.querySelector("[data-ac-banner]");
    var settings = root.querySelector("[data-ac-settings]");
    if (settings) settings.hidden = false;
    if (banner) banner.hidden = true;
    focusAfterChoice(settings);
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
  // The embeds section below hands a choice it made here, to be applied like the banner's.
  document.addEventListener("antechamber:apply", function (event) { apply(event.detail); });
  activateScripts();
})();

/* ---- Embeds waiting for consent (templates/consent/embed.html, consent/embeds.py) -----------
   A placeholder's Load form is a plain POST that works without this. Here it is sent as JSON,
   built from the state as it is now (a choice made since the page loaded counts) plus the
   placeholder's keys; the new state is applied like a banner choice ("antechamber:apply"), and
   every placeholder whose keys are now granted gets its frame back from its <template>, in place.
   A choice made with the banner loads the placeholders it grants the same way. */
(function () {
  "use strict";

  var dataNode = document.getElementById("antechamber-consent-data");
  var state = {};
  if (dataNode) {
    try {
      state = JSON.parse(dataNode.textContent || "{}");
    } catch (err) {
      state = {};
    }
  }
  var prefix = state.prefix || "/_antechamber";
  // The placeholder whose Load was used: focus goes to its frame (its button is disabled while
  // the choice is sent, which takes the focus away from it).
  var chosen = null;

  function keysOf(spec) {
    return (spec || "").split(/[\s,]+/).filter(Boolean);
  }

  function granted(key) {
    return !!((state.categories && state.categories[key]) || (state.partners && state.partners[key]));
  }

  function load(placeholder) {
    var template = placeholder.querySelector("template[data-ac-embed-original]");
    if (!template || !template.content || !placeholder.parentNode) return;
    var hadFocus = placeholder === chosen || placeholder.contains(document.activeElement);
    var content = document.importNode(template.content, true);
    var frame = content.querySelector("iframe");
    placeholder.parentNode.replaceChild(content, placeholder);
    if (hadFocus && frame) frame.focus();
  }

  function loadGranted() {
    var nodes = document.querySelectorAll("[data-ac-embed]");
    Array.prototype.forEach.call(nodes, function (node) {
      var keys = keysOf(node.getAttribute("data-ac-embed"));
      if (keys.length && keys.every(granted)) load(node);
    });
  }

  function choice(placeholder) {
    var body = { action: "save", categories: [], partners: [] };
    Object.keys(state.categories || {}).forEach(function (key) {
      if (state.categories[key]) body.categories.push(key);
    });
    Object.keys(state.partners || {}).forEach(function (key) {
      if (state.partners[key]) body.partners.push(key);
    });
    keysOf(placeholder.getAttribute("data-ac-embed")).forEach(function (key) {
      var list = state.partners && key in state.partners ? body.partners : body.categories;
      if (list.indexOf(key) === -1) list.push(key);
    });
    return body;
  }

  function setFields(form, body) {
    // The plain form then carries the same choice as the JSON did.
    var old = form.querySelectorAll('input[name="categories"], input[name="partners"]');
    Array.prototype.forEach.call(old, function (input) { input.parentNode.removeChild(input); });
    ["categories", "partners"].forEach(function (name) {
      body[name].forEach(function (key) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = key;
        form.appendChild(input);
      });
    });
  }

  document.addEventListener("antechamber:consent", function (event) {
    if (event.detail) state = event.detail;
    loadGranted();
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-ac-embed-form")) return;
    if (!window.fetch || !window.JSON || !form.closest) return; // the plain form does the job
    var placeholder = form.closest("[data-ac-embed]");
    if (!placeholder) return;
    event.preventDefault();
    var body = choice(placeholder);
    var button = form.querySelector("button");
    if (placeholder.contains(document.activeElement)) chosen = placeholder;
    if (button) button.disabled = true;
    fetch(prefix + "/consent", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body)
    })
      .then(function (response) {
        if (!response.ok) throw new Error("consent not saved: " + response.status);
        return response.json();
      })
      .then(function (next) {
        next.prefix = prefix;
        var event;
        try {
          event = new CustomEvent("antechamber:apply", { detail: next });
        } catch (err) {
          event = null;
        }
        state = next;
        if (event) document.dispatchEvent(event);
        loadGranted();
      })
      .catch(function () {
        if (button) button.disabled = false;
        setFields(form, body);
        form.submit();
      });
  });
})();
