import { initAll } from "/static/vendor/govuk-frontend.min.js";
initAll();
document.body.addEventListener("htmx:afterSwap", (event) => initAll({ scope: event.target }));

// What pages would otherwise write in hx-on attributes and trigger filters, which htmx runs through
// eval: Beacon's Content-Security-Policy allows no eval (see beacon.core.middleware).
document.body.addEventListener("htmx:beforeSwap", (event) => {
  // Someone else decided first (409): the answer says so, where the page asks to show it.
  if (event.detail.xhr.status === 409 && event.target.closest("[data-swap-conflicts]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
document.body.addEventListener("input", (event) => {
  // Taking a call: typing in a [data-live] field asks for the live check again.
  if (event.target.closest("[data-live]") && window.htmx) window.htmx.trigger(event.target, "live-input");
});
document.body.addEventListener("htmx:afterSwap", (event) => {
  // The crime questions show when the live check says a crime may be disclosed (or one is ticked).
  const panel = event.target.closest("[data-crime-panel]");
  const section = document.getElementById("crime-section");
  if (panel && section) {
    section.hidden = !panel.querySelector("[data-crime-disclosed]") && !section.querySelector("input:checked");
  }
});

// Taking a call: the handler's answer to "is the caller one of these people?" is theirs. Choosing
// asks for the live check again (the flags follow the choice), and an answer to a request sent
// before the choice (which the server drew without it) does not undo it: the choice is put back.
const CALLER_CHOICE = 'input[name="caller_person"]';
document.body.addEventListener("change", (event) => {
  const radio = event.target.closest && event.target.closest(CALLER_CHOICE);
  const panel = radio && radio.closest("#live-check");
  if (!panel) return;
  panel.dataset.chosen = radio.value;
  if (window.htmx) window.htmx.trigger(radio, "live-input");
});
document.body.addEventListener("htmx:afterSwap", (event) => {
  const panel = event.target.id === "live-check" ? event.target : null;
  if (!panel || panel.dataset.chosen === undefined) return;
  const wanted = [...panel.querySelectorAll(CALLER_CHOICE)].find((r) => r.value === panel.dataset.chosen);
  if (wanted && !wanted.checked) {
    wanted.checked = true;
    if (window.htmx) window.htmx.trigger(wanted, "live-input");
  }
});
