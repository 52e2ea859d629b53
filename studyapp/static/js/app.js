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
  // Alt+letter works even in a text box, where the plain letter is typed (e.code: the key, whatever the layout types).
  var ALT_ACTIONS = { KeyU: "undo", KeyS: "suspend", KeyB: "bury" };
  var LETTER_ACTIONS = { u: "undo", s: "suspend", b: "bury" };

  function studyCard() {
    return document.getElementById("study-card");
  }

  function focusCard(card) {
    var target = card.querySelector("[data-reorder] .event[tabindex='0']") || card.querySelector("[autofocus]");
    if (target) target.focus();
  }

  // Chronology: the keyboard and the arrow buttons reorder the events; the position selects (the no-JS
  // fallback, hidden here) follow. One event is in the Tab order at a time; ↑/↓ pick, Alt+↑/↓ move.
  function enhanceOrdering(root) {
    root.querySelectorAll("[data-reorder]").forEach(function (list) {
      if (list.dataset.enhanced) return;
      list.dataset.enhanced = "1";
      var hint = document.getElementById(list.getAttribute("aria-describedby"));
      if (hint && hint.dataset.hintEnhanced) hint.textContent = hint.dataset.hintEnhanced;
      list.querySelectorAll(".event").forEach(function (event, index) {
        var label = event.querySelector(".event-position");
        if (label) label.hidden = true;
        event.tabIndex = index === 0 ? 0 : -1;
        var moves = document.createElement("span");
        moves.className = "event-moves";
        [["up", "↑", "Move earlier"], ["down", "↓", "Move later"]].forEach(function (spec) {
          var button = document.createElement("button");
          button.type = "button";
          button.tabIndex = -1; // the keyboard moves the event itself; the buttons are for pointers
          button.dataset.move = spec[0];
          button.textContent = spec[1];
          // The visible arrow starts the accessible name, so voice control users can say what they see.
          button.setAttribute("aria-label", spec[1] + " " + spec[2] + ": " + event.querySelector(".event-text").textContent);
          moves.appendChild(button);
        });
        event.appendChild(moves);
      });
      list.addEventListener("click", function (e) {
        var button = e.target.closest("[data-move]");
        if (button) move(list, button.closest(".event"), button.dataset.move === "up" ? -1 : 1);
      });
      list.addEventListener("focusin", function (e) {
        var event = e.target.closest(".event");
        if (event) makeCurrent(list, event);
      });
      list.addEventListener("keydown", function (e) {
        var event = e.target.closest(".event");
        if (!event || (e.key !== "ArrowUp" && e.key !== "ArrowDown")) return;
        var direction = e.key === "ArrowUp" ? -1 : 1;
        if (e.altKey) {
          move(list, event, direction);
        } else {
          var next = direction < 0 ? event.previousElementSibling : event.nextElementSibling;
          if (next) next.focus();
        }
        e.preventDefault();
        e.stopPropagation();
      });
    });
  }

  function makeCurrent(list, current) {
    list.querySelectorAll(".event").forEach(function (event) {
      event.tabIndex = event === current ? 0 : -1;
    });
  }

  function move(list, event, direction) {
    if (direction < 0 && event.previousElementSibling) {
      list.insertBefore(event, event.previousElementSibling);
    } else if (direction > 0 && event.nextElementSibling) {
      list.insertBefore(event.nextElementSibling, event);
    }
    var events = Array.prototype.slice.call(list.querySelectorAll(".event"));
    events.forEach(function (item, index) {
      var select = item.querySelector("select");
      if (select) select.value = String(index + 1);
    });
    list.dataset.moved = "1";
    say(list, "“" + event.querySelector(".event-text").textContent + "” is now " + (events.indexOf(event) + 1) + " of " + events.length + ".");
    makeCurrent(list, event);
    event.focus();
  }

  function say(list, text) {
    var status = list.parentNode.querySelector("[data-order-status]");
    if (status) status.textContent = text;
  }

  function isTyping(target) {
    return target && (target.tagName === "INPUT" && target.type === "text" || target.tagName === "TEXTAREA" || target.tagName === "SELECT");
  }

  function isAnswerButton(target) {
    return target && target.tagName === "BUTTON" && target.hasAttribute("data-choice-key");
  }

  function click(card, selector) {
    var element = card.querySelector(selector);
    if (element) {
      element.click();
      return true;
    }
    return false;
  }

  function submitQuestion(card) {
    var form = card.querySelector(".card-form");
    if (!form) return false;
    var list = form.querySelector("[data-reorder]");
    if (list && !list.dataset.moved) {
      // The events are never shown in their true order, so checking before moving one can only be a slip.
      say(list, "Move the events into order first: Alt+↑ and Alt+↓ move the event you are on.");
      return true;
    }
    form.requestSubmit();
    return true;
  }

  document.addEventListener("keydown", function (e) {
    var card = studyCard();
    // Keys wait for a swapped-in card to be set up: none acts on a card the learner has not seen yet.
    if (!card || !card.dataset.ready || e.ctrlKey || e.metaKey) return;
    var handled = false;
    if (e.altKey) {
      if (ALT_ACTIONS[e.code]) handled = click(card, '[data-key="' + ALT_ACTIONS[e.code] + '"]');
      if (handled) e.preventDefault();
      return;
    }
    if (isTyping(e.target)) {
      // Enter submits the text box's form by itself; Escape leaves the box so the letter keys work.
      if (e.key === "Escape") {
        var article = card.querySelector(".study-card");
        if (article) article.focus();
        e.preventDefault();
      }
      return;
    }
    if (card.dataset.phase === "feedback") {
      if (/^[1-4]$/.test(e.key)) handled = click(card, '[data-rating-key="' + e.key + '"]');
      else if ((e.key === " " || e.key === "Enter") && !e.target.closest("button")) handled = click(card, ".rating.suggested");
    } else if (/^[1-9]$/.test(e.key)) {
      handled = click(card, '[data-choice-key="' + e.key + '"]');
    } else if (e.key === "t" || e.key === "f") {
      handled = click(card, '[data-letter-key="' + e.key + '"]');
    } else if (e.key === " ") {
      // Space shows a flip card's answer and never answers for the learner (a focused True button).
      if (isAnswerButton(e.target)) handled = true;
      else if (!e.target.closest("button")) handled = click(card, '[data-key="show"]');
    } else if (e.key === "Enter" && !e.target.closest("button")) {
      handled = submitQuestion(card);
    }
    if (!handled && LETTER_ACTIONS[e.key]) handled = click(card, '[data-key="' + LETTER_ACTIONS[e.key] + '"]');
    if (handled) e.preventDefault();
  });
  // A button activates on Space's keyup: stop that too on the True/False buttons.
  document.addEventListener("keyup", function (e) {
    if (e.key === " " && isAnswerButton(e.target) && studyCard()) e.preventDefault();
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
      card.dataset.ready = "1";
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

// --- Quiz form: the fixed list's order (studyapp/quizzes/templates/quizzes/quiz_form.html) ----------------
// Ticking an item with no position number gives it the next one, so the list keeps the order items were picked;
// unticking clears it. Without this script, unnumbered items follow in deck order (the server's rule).
(function () {
  "use strict";

  function positionOf(row) {
    return row.querySelector("input[name^='position_']");
  }

  document.addEventListener("change", function (e) {
    var box = e.target;
    if (!box.matches || !box.matches("[data-quiz-checklist] input[type='checkbox'][name='items']")) return;
    var row = box.closest(".quiz-item-row");
    var position = row && positionOf(row);
    if (!position) return;
    if (!box.checked) {
      position.value = "";
      return;
    }
    if (position.value) return;
    var highest = 0;
    box.closest("[data-quiz-checklist]").querySelectorAll(".quiz-item-row").forEach(function (other) {
      var field = positionOf(other);
      var value = field ? parseInt(field.value, 10) : NaN;
      if (!isNaN(value) && value > highest) highest = value;
    });
    position.value = String(highest + 1);
  });
})();

// --- Quiz attempts (studyapp/quizzes: attempt.html, _question.html) ------------------------------------------------
// Progressive enhancement only: the server fixes the deadline, refuses late saves and submits overdue attempts.
(function () {
  "use strict";

  function statusOf(elt) {
    var form = elt && elt.closest ? elt.closest(".quiz-answer-form") : null;
    return form ? form.querySelector(".save-status") : null;
  }

  document.addEventListener("htmx:beforeRequest", function (e) {
    var status = statusOf(e.detail.elt);
    if (status && !e.detail.elt.closest("[hx-swap='outerHTML']")) status.textContent = "Saving…";
  });
  // Refusals other than 422 (too late, submitted, not in the attempt) are not swapped: say them in the status.
  document.addEventListener("htmx:responseError", function (e) {
    var status = statusOf(e.detail.elt);
    if (!status) return;
    var text = new DOMParser().parseFromString(e.detail.xhr.responseText || "", "text/html").body.textContent;
    status.textContent = "Not saved: " + (text.trim() || "the server refused it.");
  });
  document.addEventListener("htmx:sendError", function (e) {
    var status = statusOf(e.detail.elt);
    if (status) status.textContent = "Not saved: no connection. Press Save to try again.";
  });

  // Chronology: a move by the keyboard or the arrow buttons sets the selects without a change event; ask the
  // question's form to save once the move is done (capture: the list's own handler stops the key's propagation).
  function reordered(e) {
    var form = e.target.closest && e.target.closest(".quiz-answer-form");
    if (!form || !e.target.closest("[data-reorder]")) return;
    if (e.type === "keydown" && !(e.altKey && (e.key === "ArrowUp" || e.key === "ArrowDown"))) return;
    if (e.type === "click" && !e.target.closest("[data-move]")) return;
    window.setTimeout(function () {
      if (window.htmx) window.htmx.trigger(form, "quiz:reordered");
    }, 0);
  }
  document.addEventListener("keydown", reordered, true);
  document.addEventListener("click", reordered, true);

  // The countdown: from the server's deadline, corrected by the server's clock at render time. At zero the
  // attempt is submitted (the server would take it within the grace, and submits it itself after that).
  function startCountdown() {
    var box = document.querySelector("[data-deadline]");
    if (!box || box.dataset.counting) return;
    box.dataset.counting = "1";
    var deadline = Date.parse(box.dataset.deadline);
    var skew = box.dataset.now ? Date.parse(box.dataset.now) - Date.now() : 0;
    var out = box.querySelector("[data-countdown]");
    var announce = document.querySelector("[data-countdown-announce]");
    var warned = {};
    var timer;
    function format(seconds) {
      var h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
      var mm = (h && m < 10 ? "0" : "") + m, ss = (s < 10 ? "0" : "") + s;
      return (h ? h + ":" : "") + mm + ":" + ss;
    }
    function tick() {
      var left = Math.max(0, Math.round((deadline - (Date.now() + skew)) / 1000));
      if (out) out.textContent = left ? format(left) + " left." : "Time is up.";
      [[300, "Five minutes left."], [60, "One minute left."]].forEach(function (warning) {
        if (left <= warning[0] && left > 0 && !warned[warning[0]]) {
          warned[warning[0]] = true;
          if (announce) announce.textContent = warning[1];
        }
      });
      if (left === 0) {
        window.clearInterval(timer);
        if (announce) announce.textContent = "Time is up: submitting your attempt.";
        var form = document.querySelector("[data-timeout-form]");
        if (form && !form.dataset.sent) {
          form.dataset.sent = "1";
          window.setTimeout(function () { form.submit(); }, 1500); // lets a save in flight land first
        }
      }
    }
    tick();
    timer = window.setInterval(tick, 1000);
  }
  document.addEventListener("DOMContentLoaded", startCountdown);
})();

// --- Classes (studyapp/classroom/templates/classroom/detail_instructor.html): copy the join link ------------
// Without script (or a clipboard) the button stays hidden and the link is selected on focus, to copy by hand.
(function () {
  "use strict";

  function showCopyButtons() {
    if (!navigator.clipboard) return;
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.hidden = false;
    });
  }

  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.dataset.copy);
    var status = button.parentElement.querySelector(".copy-status");
    if (!field) return;
    navigator.clipboard.writeText(field.value).then(
      function () {
        if (status) status.textContent = "Copied.";
      },
      function () {
        field.select();
        if (status) status.textContent = "Copying failed: the link is selected, copy it by hand.";
      }
    );
  });

  document.addEventListener("focusin", function (e) {
    if (e.target.classList && e.target.classList.contains("join-url")) e.target.select();
  });

  document.addEventListener("DOMContentLoaded", showCopyButtons);
})();

// --- Drafting from a text (studyapp/library/templates/library/drafts/drafts.html) ---------------------------
// Keys on the drafts page: j/k move between candidates, a accepts, r rejects, e opens the edit form (fetched by
// htmx the first time: the page doesn't carry every candidate's), Esc closes it. They click the candidate's own
// buttons, so the page does the same with the mouse or without JS.
(function () {
  "use strict";

  function candidates() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-drafts] [data-draft-candidate]"));
  }

  function current() {
    var active = document.activeElement;
    return active && active.closest ? active.closest("[data-draft-candidate]") : null;
  }

  function move(step) {
    var all = candidates();
    if (!all.length) return;
    var index = all.indexOf(current());
    var next = all[Math.min(all.length - 1, Math.max(0, index === -1 ? 0 : index + step))];
    next.focus();
    next.scrollIntoView({ block: "nearest" });
  }

  // The first field of a candidate's open edit form, if it has one open.
  function firstField(candidate) {
    var open = "details.draft-edit[open] ";
    return candidate.querySelector(open + "textarea, " + open + "input:not([type=hidden])");
  }

  function press(candidate, action) {
    var control = candidate && candidate.querySelector('[data-draft-action="' + action + '"]');
    if (!control) return;
    var details = action === "edit" && control.closest("details");
    if (details) {
      // A form already fetched (closed since with Esc): open it again.
      details.open = true;
      var field = firstField(candidate);
      if (field) field.focus();
    } else {
      // Accept, reject, or the link that fetches the candidate's edit form (focused once swapped in, below).
      control.click();
    }
  }

  document.addEventListener("keydown", function (e) {
    if (!document.querySelector("[data-drafts]") || e.ctrlKey || e.metaKey || e.altKey) return;
    var typing = e.target.closest && e.target.closest("input, textarea, select");
    if (e.key === "Escape") {
      var open = e.target.closest && e.target.closest("details.draft-edit[open]");
      if (open) {
        open.open = false;
        open.closest("[data-draft-candidate]").focus();
      }
      return;
    }
    if (typing) return;
    var keys = { j: 1, k: -1 };
    if (e.key in keys) {
      e.preventDefault();
      move(keys[e.key]);
    } else if (e.key === "a" || e.key === "r" || e.key === "e") {
      var candidate = current();
      if (!candidate) return;
      e.preventDefault();
      press(candidate, { a: "accept", r: "reject", e: "edit" }[e.key]);
    }
  });

  // After accepting or rejecting, go on to the next candidate; after a refusal, stay on the one to correct.
  document.addEventListener("htmx:afterSwap", function (e) {
    var swapped = e.detail && e.detail.elt;
    if (!swapped || !document.querySelector("[data-drafts]")) return;
    var id = swapped.id || (e.detail.target && e.detail.target.id);
    var candidate = id ? document.getElementById(id) : null;
    if (!candidate || !candidate.matches("[data-draft-candidate]")) return;
    if (candidate.querySelector(".form-errors")) {
      var field = candidate.querySelector("details.draft-edit[open] textarea") || candidate;
      field.focus();
      return;
    }
    // Its edit form, fetched on demand: to its first field.
    if (candidate.hasAttribute("data-editing")) {
      (firstField(candidate) || candidate).focus();
      return;
    }
    // A restored candidate is back to be accepted or rejected: stay on it.
    if (candidate.hasAttribute("data-restored")) {
      candidate.focus();
      return;
    }
    var all = candidates();
    var next = all[all.indexOf(candidate) + 1];
    (next || candidate).focus();
  });

  // The target deck: choosing one reloads the page with it (the Choose button does so without script).
  document.addEventListener("change", function (e) {
    var form = e.target.closest && e.target.closest("[data-draft-deck]");
    if (form) form.submit();
  });
})();
// --- end of drafting ----------------------------------------------------------------------------------------

// --- Item editor (studyapp/library/templates/library/editor/item_form.html) --------------------------------
// Picking the source sentence of a cloze item whose sentence box is still empty copies the sentence into it,
// ready for its blank to be marked with {{ }}. Without this script the author types or pastes the sentence.
(function () {
  "use strict";

  document.addEventListener("change", function (e) {
    var radio = e.target;
    if (!radio.matches || !radio.matches("#item-form .pick-radio")) return;
    var form = radio.form;
    var kind = form.querySelector("[name='kind']");
    var prompt = form.querySelector("textarea[name='prompt']");
    if (!kind || kind.value !== "cloze" || !prompt || prompt.value.trim() || !radio.dataset.sentence) return;
    prompt.value = radio.dataset.sentence;
    prompt.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();

// --- After an htmx swap: announce the change, keep focus somewhere sensible (issue 14) ----------------------
// A live region swapped in with its text is not reliably read (it must be in the page before its text changes),
// so one polite region, made here at load, reads out what the new content marks with data-announce (the
// attribute's value, or else the element's text). Focus: the swap's own code moves it (the study card, the
// drafts page) and htmx keeps it on a control whose id survives the swap; when it was lost with the replaced
// element, it goes to the new content's [data-swap-focus], or else to the new content itself.
(function () {
  "use strict";

  var region = null;

  function announcer() {
    if (!region) {
      region = document.createElement("div");
      region.id = "swap-announcer";
      region.className = "visually-hidden";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      region.setAttribute("aria-atomic", "true");
      document.body.appendChild(region);
    }
    return region;
  }

  function textOf(element) {
    var text = element.getAttribute("data-announce") || element.innerText || element.textContent || "";
    return text.replace(/\s+/g, " ").trim();
  }

  function announce(text) {
    var live = announcer();
    // Emptied first, then filled on the next tick: the same words twice running ("Preview updated.") are read again.
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  document.addEventListener("DOMContentLoaded", announcer);

  document.addEventListener("htmx:afterSettle", function (e) {
    var root = e.target;
    if (!root || !root.querySelectorAll || !document.contains(root)) return;
    var marked = Array.prototype.slice.call(root.querySelectorAll("[data-announce]"));
    if (root.matches("[data-announce]")) marked.unshift(root);
    var parts = [];
    marked.forEach(function (element) {
      if (element.dataset.announced) return;
      element.dataset.announced = "1";
      var text = textOf(element);
      if (text) parts.push(/[.!?:]$/.test(text) ? text : text + ".");
    });
    if (parts.length) announce(parts.join(" "));

    // Content that loads by itself after the page (the retention forecast) leaves focus, and the scroll, alone.
    if (root.hasAttribute("data-swap-no-focus")) return;
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    // A refused form comes back with its first wrong field marked (Django's aria-invalid): that is where to go.
    var target = root.matches("[data-swap-focus]") ? root : root.querySelector("[data-swap-focus]");
    target = target || root.querySelector("[aria-invalid='true']") || root;
    if (target.tabIndex < 0 && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  });
})();
// --- end of announcing swaps ---------------------------------------------------------------------------------
