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
 * 3. Search summaries. Sphinx builds each result's summary from the text of the result page, in
 *    which formulas are still raw TeX ("\\(w_j\\)", "\\begin{split}") and which starts with the
 *    theme's buttons and "Contents"; here the summaries are made from the page's prose only, with
 *    formulas turned into plain text (λ, ρ_j, ‖w‖₁ ...). A page listed twice (its title and one of
 *    its sections for the same words) is listed once.
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

  var TEX_SYMBOLS = {
    lambda: "λ", rho: "ρ", alpha: "α", beta: "β", gamma: "γ", delta: "δ", Delta: "Δ", eta: "η",
    epsilon: "ε", varepsilon: "ε", theta: "θ", mu: "μ", sigma: "σ", tau: "τ", partial: "∂",
    nabla: "∇", in: "∈", le: "≤", leq: "≤", ge: "≥", geq: "≥", ne: "≠", neq: "≠", approx: "≈",
    sum: "Σ", infty: "∞", cdot: "·", cdots: "⋯", ldots: "…", dots: "…", times: "×", pm: "±",
    to: "→", rightarrow: "→", Rightarrow: "⇒", iff: "⇔", lVert: "‖", rVert: "‖", Vert: "‖",
    lvert: "|", rvert: "|", mid: "|", top: "ᵀ", sqrt: "√", min: "min", max: "max",
    operatorname: "", text: "", mathrm: "", mathbf: "", boldsymbol: "", mathcal: "", hat: "",
    tilde: "", bar: "", left: "", right: "", bigl: "", bigr: "", Bigl: "", Bigr: "", big: "",
    Big: "", biggl: "", biggr: "", quad: " ", qquad: " ", displaystyle: "", tag: "",
  };

  function texToText(tex) {
    return tex
      .replace(/\\[()\[\]]/g, " ")
      .replace(/\\(begin|end)\{[^}]*\}(\{[^}]*\})?/g, " ")
      .replace(/\\frac\{([^{}]*)\}\{([^{}]*)\}/g, "$1/$2")
      .replace(/\\\|/g, "‖")
      .replace(/\\[,;:! ]/g, " ")
      .replace(/\\\\/g, " ")
      .replace(/\\([A-Za-z]+)/g, function (all, name) {
        return Object.prototype.hasOwnProperty.call(TEX_SYMBOLS, name) ? TEX_SYMBOLS[name] : name;
      })
      .replace(/[{}&]/g, "")
      .replace(/\s+/g, " ")
      .trim();
  }

  // Sphinx's search page builds summaries with Search.htmlToText(html, anchor).
  function cleanSearchSummaries() {
    // (searchtools.js declares Search with const: a global binding, not a window property.)
    if (typeof Search === "undefined" || typeof Search.htmlToText !== "function" || Search.__lassobook) return;
    var original = Search.htmlToText;
    Search.__lassobook = true;
    Search.htmlToText = function (htmlString, anchor) {
      var doc = new DOMParser().parseFromString(htmlString, "text/html");
      doc.querySelectorAll(".bd-header-article, .bd-sidebar-secondary, .prev-next-area, .bd-footer-article, " +
                           "#pst-secondary-sidebar-modal, .toctree-wrapper, nav, .onlyprint, #jb-print-docs-body").forEach(function (el) { el.remove(); });
      doc.querySelectorAll(".math").forEach(function (el) {
        el.replaceWith(doc.createTextNode(" " + texToText(el.textContent) + " "));
      });
      return original(doc.documentElement.outerHTML, anchor);
    };
    var list = document.getElementById("search-results");
    if (!list) return;
    // The search page has its own search box: the sidebar's would be a second one.
    document.querySelectorAll(".bd-sidebar-primary .search-button-field").forEach(function (button) {
      button.closest(".sidebar-primary-item").hidden = true;
    });
    // One entry per page: a later result for a page already listed is dropped.
    var seen = {};
    new MutationObserver(function () {
      list.querySelectorAll("li").forEach(function (item) {
        var link = item.querySelector("a");
        if (!link || item.dataset.lassobookSeen) return;
        item.dataset.lassobookSeen = "1";
        var page = link.getAttribute("href").split("#")[0].split("?")[0];
        if (seen[page]) item.remove();
        else seen[page] = true;
      });
    }).observe(list, {childList: true, subtree: true});
  }

  function start() {
    cleanSearchSummaries();
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
