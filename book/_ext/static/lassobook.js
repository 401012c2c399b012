/* Small fixes to the built book's reading experience (every page; see book/_ext/offline.py).
 *
 * 1. Sidebar toggles. pydata-sphinx-theme 0.17 renders a second ☰ (.primary-toggle) and a second
 *    "Contents" (.secondary-toggle) button in its top navbar, which sphinx-book-theme hides; both
 *    themes then wire their click handlers to the FIRST element of each class
 *    (document.querySelector), i.e. to the hidden buttons, so the visible ones in the article
 *    header do nothing (upstream: pydata/pydata-sphinx-theme#2451,
 *    executablebooks/sphinx-book-theme#988). A click on a visible button is forwarded to the
 *    wired one: below 992 px the theme then opens the sidebar as a dialog (closed by Escape or a
 *    click beside it), above it sphinx-book-theme collapses or restores the sidebar.
 *    Remove this part once the pinned themes wire every toggle themselves.
 * 2. Scroll cues. Displayed equations, code blocks and tables that are wider than the column
 *    scroll sideways (lassobook.css); the ones that do get the class "lassobook-scrolls" (a shadow
 *    at the edge that hides more) and "lassobook-scrolled-end" once scrolled to the end.
 */
(function () {
  "use strict";

  function forwardToggles() {
    ["primary-toggle", "secondary-toggle"].forEach(function (cls) {
      var wired = document.querySelector("." + cls);
      document.querySelectorAll("." + cls).forEach(function (button) {
        if (button === wired) return;
        button.addEventListener("click", function (event) {
          event.preventDefault();
          event.stopPropagation();
          wired.click();
        });
      });
    });
  }

  var SCROLLERS = [
    "div.math mjx-container[display='true']",
    "div.highlight pre",
    ".cell_output pre",
    ".pst-scrollable-table-container",
    ".lassobook-table-scroll",
  ].join(", ");

  function markScrollers() {
    document.querySelectorAll(SCROLLERS).forEach(function (element) {
      var scrolls = element.scrollWidth > element.clientWidth + 1;
      element.classList.toggle("lassobook-scrolls", scrolls);
      var atEnd = element.scrollLeft + element.clientWidth >= element.scrollWidth - 1;
      element.classList.toggle("lassobook-scrolled-end", scrolls && atEnd);
      if (scrolls && !element.dataset.lassobookCue) {
        element.dataset.lassobookCue = "1";
        element.addEventListener("scroll", function () {
          var end = element.scrollLeft + element.clientWidth >= element.scrollWidth - 1;
          element.classList.toggle("lassobook-scrolled-end", end);
        }, {passive: true});
      }
    });
  }

  // Tables: wrap the ones the theme did not wrap, so that they scroll instead of widening the page.
  function wrapTables() {
    document.querySelectorAll("article table").forEach(function (table) {
      var parent = table.parentElement;
      if (parent.classList.contains("pst-scrollable-table-container") ||
          parent.classList.contains("lassobook-table-scroll") || table.closest(".lassobook-widget")) return;
      var wrapper = document.createElement("div");
      wrapper.className = "lassobook-table-scroll";
      parent.insertBefore(wrapper, table);
      wrapper.appendChild(table);
    });
  }

  var pending = null;
  function scheduleMark() {
    if (pending) return;
    pending = window.requestAnimationFrame(function () { pending = null; markScrollers(); });
  }

  function start() {
    forwardToggles();
    wrapTables();
    markScrollers();
    window.addEventListener("resize", scheduleMark);
    // MathJax typesets after this runs: mark its displays once it is done.
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(scheduleMark);
    } else {
      window.addEventListener("load", function () {
        if (window.MathJax && MathJax.startup && MathJax.startup.promise) MathJax.startup.promise.then(scheduleMark);
        scheduleMark();
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
