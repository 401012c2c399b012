/* The book's λ sweeps, rendered from the widget state saved with each notebook, without the
 * 3.6 MB Jupyter widget manager.
 *
 * A sweep (lassolib.widgets.FrameSweep) is a VBox holding a SelectionSlider and a Stack of HTML
 * frames, the slider's index jslink-ed to the stack's selected_index. The page carries that
 * state as JSON (application/vnd.jupyter.widget-state+json); this script draws it with plain DOM:
 * a native <input type="range"> (keyboard, touch and screen readers for free), the readout, and
 * the frames, one visible at a time. Only these models are known here: book/_ext/offline.py
 * checks every page's state at build time and keeps the full widget manager on any page that
 * uses another model, so nothing is silently left undrawn.
 *
 * Accessibility: the range input is named by the slider's description (or its tooltip), and its
 * aria-valuetext is the caption of the frame it shows, e.g. "λ = 18.3 = 0.0097 λ_max, lasso",
 * instead of the frame's index.
 */
(function () {
  "use strict";

  var KNOWN = {
    VBoxModel: "box", HBoxModel: "box", BoxModel: "box", StackModel: "stack",
    HTMLModel: "html", HTMLMathModel: "html", LabelModel: "label",
    SelectionSliderModel: "slider", IntSliderModel: "slider",
    LinkModel: "link", DirectionalLinkModel: "link",
    LayoutModel: "data", HTMLStyleModel: "data", SliderStyleModel: "data",
    DescriptionStyleModel: "data", LabelStyleModel: "data",
  };

  function Model(id, spec) {
    this.id = id;
    this.name = spec.model_name;
    this.state = spec.state || {};
    this.listeners = {};
  }
  Model.prototype.get = function (key) { return this.state[key]; };
  Model.prototype.set = function (key, value) {
    if (this.state[key] === value) return;
    this.state[key] = value;
    (this.listeners[key] || []).forEach(function (listener) { listener(value); });
  };
  Model.prototype.on = function (key, listener) {
    (this.listeners[key] = this.listeners[key] || []).push(listener);
  };

  function ref(value) {
    return typeof value === "string" && value.indexOf("IPY_MODEL_") === 0 ? value.slice(10) : null;
  }

  function applyLayout(element, layout) {
    if (!layout) return;
    Object.keys(layout.state).forEach(function (key) {
      var value = layout.state[key];
      if (key.charAt(0) === "_" || value === null || value === undefined || value === "") return;
      var css = key.replace(/_/g, "-");
      if (css === "grid-area" || css === "visibility" || css.indexOf("grid") === 0 || css.indexOf("flex") === 0 ||
          ["width", "height", "max-width", "max-height", "min-width", "min-height", "margin", "padding",
           "border", "display", "overflow", "align-items", "align-self", "justify-content", "order",
           "top", "bottom", "left", "right", "object-fit", "object-position"].indexOf(css) >= 0) {
        element.style.setProperty(css, value);
      }
    });
  }

  // Text a screen reader reads for the slider's position: the caption of the frame it shows.
  function valueText(box, fallback) {
    var captions = box ? box.querySelectorAll(".lassolib-label") : [];
    for (var i = 0; i < captions.length; i++) {
      if (captions[i].getClientRects().length > 0) {
        return captions[i].textContent.replace(/\s+—\s+/g, ", ").replace(/\s+/g, " ").trim();
      }
    }
    return fallback;
  }

  function Renderer(models) {
    this.models = models;
    this.sliders = [];
  }

  Renderer.prototype.view = function (id) {
    var model = this.models[id];
    if (!model) throw new Error("lassobook-widgets: no model " + id);
    var kind = KNOWN[model.name];
    var element;
    var self = this;
    if (kind === "box") {
      element = document.createElement("div");
      element.className = "lassobook-widget lassobook-box " +
        (model.name === "HBoxModel" ? "lassobook-hbox" : "lassobook-vbox");
      (model.get("children") || []).forEach(function (child) { element.appendChild(self.view(ref(child))); });
    } else if (kind === "stack") {
      element = document.createElement("div");
      element.className = "lassobook-widget lassobook-stack";
      var pages = (model.get("children") || []).map(function (child) {
        var page = self.view(ref(child));
        element.appendChild(page);
        return page;
      });
      var show = function (index) {
        pages.forEach(function (page, k) { page.hidden = k !== index; });
      };
      // Frames' images are files loaded when first shown (offline.py); once the reader moves the
      // slider, the frames on either side are fetched ahead, so the next step shows at once.
      var prefetch = function (index) {
        [index - 1, index + 1].forEach(function (k) {
          if (k < 0 || k >= pages.length) return;
          pages[k].querySelectorAll("img[loading='lazy']").forEach(function (img) {
            if (!img.complete || !img.naturalWidth) new Image().src = img.src;
          });
        });
      };
      show(model.get("selected_index"));
      model.on("selected_index", function (index) { show(index); prefetch(index); });
    } else if (kind === "html") {
      element = document.createElement("div");
      element.className = "lassobook-widget widget-html";
      element.innerHTML = model.get("value") || "";
      if (model.name === "HTMLMathModel" && window.MathJax && MathJax.startup && MathJax.startup.promise) {
        MathJax.startup.promise.then(function () { return MathJax.typesetPromise([element]); });
      }
      model.on("value", function (value) { element.innerHTML = value || ""; });
    } else if (kind === "label") {
      element = document.createElement("div");
      element.className = "lassobook-widget widget-label-basic";
      element.textContent = model.get("value") || "";
      model.on("value", function (value) { element.textContent = value || ""; });
    } else if (kind === "slider") {
      element = this.slider(model);
    } else {
      throw new Error("lassobook-widgets: cannot draw a " + model.name);
    }
    applyLayout(element, this.models[ref(model.get("layout"))]);
    (model.get("_dom_classes") || []).forEach(function (cls) { element.classList.add(cls); });
    return element;
  };

  Renderer.prototype.slider = function (model) {
    var selection = model.name === "SelectionSliderModel";
    var labels = selection ? model.get("_options_labels") || [] : null;
    var key = selection ? "index" : "value";
    var min = selection ? 0 : model.get("min");
    var max = selection ? labels.length - 1 : model.get("max");
    var readoutText = function (value) { return selection ? String(labels[value]) : String(value); };

    var element = document.createElement("div");
    element.className = "lassobook-widget lassobook-slider widget-slider";
    var label = document.createElement("label");
    label.className = "widget-label";
    label.textContent = model.get("description") || "";
    var style = this.models[ref(model.get("style"))];
    // At least the saved width, on one line: the row stays as tall as the placeholder bar that
    // held its place (offline.py), so nothing below moves when the slider appears.
    if (style && style.get("description_width")) label.style.minWidth = style.get("description_width");
    var input = document.createElement("input");
    input.type = "range";
    input.min = min;
    input.max = max;
    input.step = selection ? 1 : model.get("step") || 1;
    input.value = model.get(key);
    input.disabled = !!model.get("disabled");
    // Explicit, so that tests and assistive technology read the same values everywhere.
    input.setAttribute("role", "slider");
    input.setAttribute("aria-valuemin", String(min));
    input.setAttribute("aria-valuemax", String(max));
    // The description reads "λ =" beside the readout; the name is the symbol alone ("λ").
    var name = (model.get("tooltip") || model.get("description") || "slider").replace(/\s*=\s*$/, "") || "slider";
    input.setAttribute("aria-label", name);
    var readout = document.createElement("output");
    readout.className = "widget-readout";
    readout.setAttribute("aria-hidden", "true");  // the value text says it (with the regime)
    if (model.get("readout") === false) readout.hidden = true;
    element.appendChild(label);
    element.appendChild(input);
    element.appendChild(readout);

    var update = function (value) {
      input.value = value;
      input.setAttribute("aria-valuenow", String(value));
      readout.textContent = readoutText(value);
    };
    update(model.get(key));
    input.addEventListener("input", function () { model.set(key, Number(input.value)); });
    model.on(key, update);
    this.sliders.push({input: input, readout: readout});
    return element;
  };

  Renderer.prototype.link = function (model) {
    var source = model.get("source"), target = model.get("target");
    var a = this.models[ref(source[0])], b = this.models[ref(target[0])];
    if (!a || !b) return;
    b.set(target[1], a.get(source[1]));
    a.on(source[1], function (value) { b.set(target[1], value); });
    if (model.name === "LinkModel") b.on(target[1], function (value) { a.set(source[1], value); });
  };

  // After the frames are in the page: the value text of every slider follows its caption.
  Renderer.prototype.describe = function () {
    this.sliders.forEach(function (slider) {
      var box = slider.input.closest(".lassobook-box") || slider.input.parentElement;
      var refresh = function () {
        slider.input.setAttribute("aria-valuetext", valueText(box, slider.readout.textContent));
      };
      refresh();
      slider.input.addEventListener("input", refresh);
    });
  };

  // Keyboard readers: next to the theme's "Skip to main content", a link that jumps to the first
  // slider (otherwise every link, copy button and scrolling code block of the text comes first).
  function addSkipLink(renderer) {
    var skip = document.getElementById("pst-skip-link");
    if (!skip || !renderer.sliders.length) return;
    var input = renderer.sliders[0].input;
    input.id = input.id || "lassobook-first-slider";
    var link = document.createElement("a");
    link.href = "#" + input.id;
    link.className = "lassobook-skip-slider";
    link.textContent = "Skip to the first slider (" + input.getAttribute("aria-label") + ")";
    link.addEventListener("click", function (event) {
      event.preventDefault();
      input.scrollIntoView({block: "center"});
      input.focus();
    });
    skip.appendChild(document.createTextNode(" · "));
    skip.appendChild(link);
  }

  function render() {
    var stateScript = document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]');
    if (!stateScript) return;
    var state = JSON.parse(stateScript.textContent).state;
    var models = {};
    Object.keys(state).forEach(function (id) { models[id] = new Model(id, state[id]); });
    var renderer = new Renderer(models);
    Object.keys(models).forEach(function (id) {
      if (KNOWN[models[id].name] === "link") renderer.link(models[id]);
    });
    document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').forEach(function (script) {
      var id = JSON.parse(script.textContent).model_id;
      var area = document.createElement("div");
      area.className = "widget-subarea lassobook-widget-area";
      area.appendChild(renderer.view(id));
      // The static first frame (see offline.py) held the place until now: no jump.
      var placeholder = script.previousElementSibling;
      if (placeholder && placeholder.classList.contains("lassobook-widget-placeholder")) placeholder.remove();
      script.parentNode.insertBefore(area, script);
    });
    renderer.describe();
    addSkipLink(renderer);
    document.documentElement.classList.add("lassobook-widgets-ready");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", render);
  else render();
})();
