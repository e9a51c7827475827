/* sphinx_ext: previews of cited works.
 *
 * Hovering a citation, focusing it with the keyboard or tapping it shows its
 * work's entry in a popup beside it, copied from the entry the citation links
 * to: the References on this page, or the page's <template id="source-previews">
 * where the list stands on another page. Escape, or a tap elsewhere, closes
 * it; a second tap, or the popup's own link, goes to the entry. One popup per
 * page (the native Popover API where the browser has it), one set of
 * listeners on the document: nothing per citation.
 */
(function () {
  "use strict";
  var CITATION = "a.source-ref";
  var GAP = 6;
  var MARGIN = 8;
  var popup = null;
  var anchor = null;
  var showTimer = 0;
  var hideTimer = 0;
  var tap = null;
  var quiet = false;

  function entryFor(link) {
    var href = link.getAttribute("href") || "";
    var hash = href.indexOf("#");
    if (hash < 0) return null;
    var id = decodeURIComponent(href.slice(hash + 1));
    if (hash === 0) return document.getElementById(id);
    var template = document.getElementById("source-previews");
    return template ? template.content.getElementById(id) : null;
  }

  function isOpen() {
    return anchor !== null;
  }

  function makePopup() {
    var element = document.createElement("div");
    element.id = "source-preview";
    element.className = "source-preview";
    element.setAttribute("role", "tooltip");
    if (typeof element.showPopover === "function") {
      element.setAttribute("popover", "manual");
    } else {
      element.hidden = true;
    }
    element.addEventListener("pointerenter", cancelHide);
    element.addEventListener("pointerleave", function (event) {
      if (event.pointerType === "mouse") scheduleHide();
    });
    return element;
  }

  function show(link) {
    cancelHide();
    clearTimeout(showTimer);
    if (anchor === link) return true;
    var entry = entryFor(link);
    if (!entry) return false;
    hide();
    if (!popup) popup = makePopup();
    var text = (entry.querySelector("p") || entry).cloneNode(true);
    text.removeAttribute("id");
    text.querySelectorAll("[id]").forEach(function (node) {
      node.removeAttribute("id");
    });
    text.querySelectorAll(".source-backlinks, .works-cited-chapters").forEach(function (node) {
      node.remove();
    });
    var go = document.createElement("a");
    go.className = "source-preview-go";
    go.href = link.getAttribute("href");
    go.textContent = "Go to the entry \u2193";
    popup.replaceChildren(text, go);
    // Next to the citation in the document too: Tab moves from it into the popup.
    link.parentNode.after(popup);
    anchor = link;
    link.setAttribute("aria-describedby", popup.id);
    if (popup.showPopover) {
      popup.showPopover();
    } else {
      popup.hidden = false;
    }
    place();
    return true;
  }

  function hide() {
    cancelHide();
    clearTimeout(showTimer);
    if (!isOpen()) return;
    if (popup.hidePopover) {
      if (popup.matches(":popover-open")) popup.hidePopover();
    } else {
      popup.hidden = true;
    }
    anchor.removeAttribute("aria-describedby");
    anchor = null;
  }

  function place() {
    if (!isOpen()) return;
    // A citation broken over two lines: below its last line, or above its first.
    var rects = anchor.getClientRects();
    var first = rects[0] || anchor.getBoundingClientRect();
    var box = rects[rects.length - 1] || first;
    var width = document.documentElement.clientWidth;
    var height = window.innerHeight;
    popup.style.maxWidth = Math.min(32 * 16, width - 2 * MARGIN) + "px";
    var w = popup.offsetWidth;
    var h = popup.offsetHeight;
    var left = Math.max(MARGIN, Math.min(box.left, width - w - MARGIN));
    var top = box.bottom + GAP;
    if (top + h > height - MARGIN && first.top - GAP - h >= MARGIN) top = first.top - GAP - h;
    popup.style.left = left + "px";
    popup.style.top = top + "px";
  }

  function scheduleHide() {
    cancelHide();
    hideTimer = setTimeout(hide, 300);
  }

  function cancelHide() {
    clearTimeout(hideTimer);
  }

  function inside(node) {
    return node && ((anchor && anchor.contains(node)) || (popup && popup.contains(node)));
  }

  function citationOf(target) {
    return target && target.closest ? target.closest(CITATION) : null;
  }

  document.addEventListener("pointerover", function (event) {
    var link = citationOf(event.target);
    if (!link || event.pointerType !== "mouse") return;
    cancelHide();
    clearTimeout(showTimer);
    showTimer = setTimeout(function () {
      show(link);
    }, 120);
  });

  document.addEventListener("pointerout", function (event) {
    var link = citationOf(event.target);
    if (!link || event.pointerType !== "mouse" || inside(event.relatedTarget)) return;
    clearTimeout(showTimer);
    if (anchor === link) scheduleHide();
  });

  document.addEventListener("pointerdown", function (event) {
    var link = citationOf(event.target);
    tap = null;
    if (link && event.pointerType !== "mouse") {
      tap = { link: link, open: anchor === link };
    } else if (isOpen() && !inside(event.target)) {
      hide();
    }
  });

  document.addEventListener("click", function (event) {
    var link = citationOf(event.target);
    if (link && tap && tap.link === link) {
      // First tap: the preview. Second tap: the entry.
      if (!tap.open && show(link)) event.preventDefault();
      else hide();
      tap = null;
    } else if (link) {
      hide(); // a click goes to the entry, which the preview would cover
    } else if (popup && popup.contains(event.target) && event.target.closest("a")) {
      hide();
    }
  });

  document.addEventListener("focusin", function (event) {
    var link = citationOf(event.target);
    if (link && !quiet) show(link);
  });

  document.addEventListener("focusout", function (event) {
    if (isOpen() && inside(event.target) && !inside(event.relatedTarget) && !tap) {
      hide();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !isOpen()) return;
    var back = popup.contains(document.activeElement) ? anchor : null;
    hide();
    if (back) {
      quiet = true;
      back.focus({ preventScroll: true });
      quiet = false;
    }
  });

  var pending = false;
  function replace() {
    if (pending || !isOpen()) return;
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      place();
    });
  }
  window.addEventListener("scroll", replace, { passive: true, capture: true });
  window.addEventListener("resize", replace);
  window.addEventListener("hashchange", hide);
})();
