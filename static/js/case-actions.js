/* The case page's decisions that cannot be taken back (refuse, route) ask first, in a <dialog>
   that repeats what will happen and to whom, with the reason to edit. The dialog's own button
   sends confirm=1; without this script (or without <dialog>) the server asks on a page instead. */
(function () {
  "use strict";

  function field(form, name) {
    return form.elements.namedItem(name);
  }

  function optionText(select, attribute) {
    var option = select && select.selectedOptions && select.selectedOptions[0];
    if (!option) { return ""; }
    return attribute ? option.getAttribute(attribute) || "" : option.textContent.trim();
  }

  function open(form, dialog) {
    var mirror = dialog.querySelector("[data-mirror]");
    if (mirror) {
      var source = field(form, mirror.getAttribute("data-mirror"));
      var text = source && source.value.trim() ? source.value : optionText(field(form, "template"), "data-body");
      mirror.value = text;
      mirror.setAttribute("data-prefilled", text);
    }
    var route = dialog.querySelector("[data-show=route]");
    if (route) { route.textContent = optionText(field(form, "route")); }
    dialog.showModal();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) { return; }
    var dialog = document.getElementById(form.getAttribute("data-confirm"));
    if (!dialog || typeof dialog.showModal !== "function") { return; }  // the server asks instead
    var submitter = event.submitter;
    if (submitter && submitter.name === "confirm" && dialog.open) {
      // Confirmed: what was edited in the dialog is what is sent (a reply's text left as it was
      // stays the reply, so the requester reads it in their language).
      var mirror = dialog.querySelector("[data-mirror]");
      if (mirror && mirror.value !== mirror.getAttribute("data-prefilled")) {
        var target = field(form, mirror.getAttribute("data-mirror"));
        if (target) { target.value = mirror.value; }
      }
      return;
    }
    event.preventDefault();
    open(form, dialog);
  });

  document.addEventListener("click", function (event) {
    var cancel = event.target.closest && event.target.closest("[data-dialog-cancel]");
    if (cancel) { cancel.closest("dialog").close(); }
  });
})();
