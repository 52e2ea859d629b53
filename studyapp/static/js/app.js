// Behaviour attached from this file only: no inline scripts or hx-on attributes,
// so the pages work under a strict Content-Security-Policy. Every page also works without it.
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

  // --- The study card --------------------------------------------------------------------------
  var shownAt = Date.now();

  function studyCard() {
    return document.getElementById("study-card");
  }

  function focusCard(card) {
    var target = card.querySelector("[autofocus]");
    if (target) target.focus();
  }

  // Chronology: add "move up/down" buttons that renumber the position selects (the no-JS fallback).
  function enhanceOrdering(root) {
    root.querySelectorAll("[data-reorder]").forEach(function (list) {
      if (list.dataset.enhanced) return;
      list.dataset.enhanced = "1";
      list.querySelectorAll(".event").forEach(function (event) {
        var label = event.querySelector(".event-position");
        if (label) label.hidden = true;
        var moves = document.createElement("span");
        moves.className = "event-moves";
        [["up", "↑", "Move earlier"], ["down", "↓", "Move later"]].forEach(function (spec) {
          var button = document.createElement("button");
          button.type = "button";
          button.dataset.move = spec[0];
          button.textContent = spec[1];
          button.setAttribute("aria-label", spec[2] + ": " + event.querySelector(".event-text").textContent);
          moves.appendChild(button);
        });
        event.appendChild(moves);
      });
      list.addEventListener("click", function (e) {
        var button = e.target.closest("[data-move]");
        if (!button) return;
        var item = button.closest(".event");
        if (button.dataset.move === "up" && item.previousElementSibling) {
          list.insertBefore(item, item.previousElementSibling);
        } else if (button.dataset.move === "down" && item.nextElementSibling) {
          list.insertBefore(item.nextElementSibling, item);
        }
        renumber(list);
        button.focus();
      });
    });
  }

  function renumber(list) {
    list.querySelectorAll(".event").forEach(function (event, index) {
      var select = event.querySelector("select");
      if (select) select.value = String(index + 1);
    });
  }

  function isTyping(target) {
    return target && (target.tagName === "INPUT" && target.type === "text" || target.tagName === "TEXTAREA" || target.tagName === "SELECT");
  }

  function click(card, selector) {
    var element = card.querySelector(selector);
    if (element) {
      element.click();
      return true;
    }
    return false;
  }

  document.addEventListener("keydown", function (e) {
    var card = studyCard();
    if (!card || e.ctrlKey || e.metaKey || e.altKey) return;
    var phase = card.dataset.phase;
    var typing = isTyping(e.target);
    if (typing && e.key !== "Enter") return;
    var handled = false;
    if (phase === "feedback") {
      if (/^[1-4]$/.test(e.key)) handled = click(card, '[data-rating-key="' + e.key + '"]');
      else if ((e.key === " " || e.key === "Enter") && !e.target.closest("button")) handled = click(card, ".rating.suggested");
    } else {
      if (/^[1-9]$/.test(e.key)) {
        handled = click(card, '[data-choice-key="' + e.key + '"]');
      } else if (e.key === " " && !e.target.closest("button")) {
        handled = click(card, '[data-key="show"]');
      } else if (e.key === "Enter" && !e.target.closest("button") && !typing) {
        var form = card.querySelector(".card-form");
        if (form) {
          form.requestSubmit();
          handled = true;
        }
      }
    }
    if (!handled && !typing) {
      if (e.key === "u") handled = click(card, '[data-key="undo"]');
      else if (e.key === "s") handled = click(card, '[data-key="suspend"]');
      else if (e.key === "b") handled = click(card, '[data-key="bury"]');
    }
    if (handled) e.preventDefault();
  });

  // Time spent on the card, sent with the rating.
  document.addEventListener("submit", function (e) {
    var field = e.target.querySelector("[data-duration]");
    if (field) field.value = String(Date.now() - shownAt);
  }, true);
  document.addEventListener("htmx:configRequest", function (e) {
    var field = e.detail.elt.querySelector && e.detail.elt.querySelector("[data-duration]");
    if (field) e.detail.parameters.duration_ms = String(Date.now() - shownAt);
  });

  function setUp(root) {
    enhanceOrdering(root);
    var card = studyCard();
    if (card && root.contains(card)) {
      if (card.dataset.phase === "question") shownAt = Date.now();
      focusCard(card);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusLinkedPassage();
    setUp(document);
  });
  window.addEventListener("hashchange", focusLinkedPassage);
  document.addEventListener("htmx:afterSettle", function (e) {
    setUp(document);
  });
})();
