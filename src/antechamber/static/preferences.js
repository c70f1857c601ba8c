/* antechamber preferences page: keeps a category's switch and its partners' switches telling
   the same story, as the server reads them (a partner is granted when ticked itself or when its
   whole category is; a category only when ticked as a whole). Without this script the form posts
   what is ticked, and the page says that a ticked category allows all of its partners.

   Ticking a category ticks all its partners; unticking it unticks them. Unticking one partner of
   a ticked category unticks the category (it is no longer chosen as a whole) and leaves the other
   partners ticked; ticking the last one ticks the category (all of it is chosen). A category
   with some partners ticked shows as "mixed". */
(function () {
  "use strict";

  var form = document.querySelector(".ac-preferences-form");
  if (!form) return;

  function partnersOf(key) {
    return form.querySelectorAll('input[data-ac-partner-of="' + key + '"]');
  }

  function showMixed(category) {
    var partners = partnersOf(category.getAttribute("data-ac-category"));
    var ticked = Array.prototype.filter.call(partners, function (p) { return p.checked; });
    category.indeterminate = !category.checked && ticked.length > 0;
  }

  form.addEventListener("change", function (event) {
    var box = event.target;
    if (!box || box.type !== "checkbox") return;
    var key = box.getAttribute("data-ac-category");
    if (key) {
      Array.prototype.forEach.call(partnersOf(key), function (p) { p.checked = box.checked; });
      showMixed(box);
      return;
    }
    var of = box.getAttribute("data-ac-partner-of");
    if (!of) return;
    var category = form.querySelector('input[data-ac-category="' + of + '"]');
    if (!category) return;
    var all = Array.prototype.every.call(partnersOf(of), function (p) { return p.checked; });
    category.checked = all;
    showMixed(category);
  });

  Array.prototype.forEach.call(form.querySelectorAll("input[data-ac-category]"), showMixed);
})();
