// Behaviour attached from this file only: no inline scripts or hx-on attributes,
// so the pages work under a strict Content-Security-Policy.
(function () {
  "use strict";
  // Reading a linked source sentence: focus it so screen readers and the keyboard land there.
  function focusLinkedPassage() {
    var id = window.location.hash.slice(1);
    if (!id || id.indexOf("passage-") !== 0) return;
    var target = document.getElementById(id);
    if (target) {
      target.classList.add("is-target");
      target.focus({ preventScroll: false });
    }
  }
  document.addEventListener("DOMContentLoaded", focusLinkedPassage);
  window.addEventListener("hashchange", focusLinkedPassage);
})();
