import { initAll } from "/static/vendor/govuk-frontend.min.js";
initAll();
document.body.addEventListener("htmx:afterSwap", (event) => initAll({ scope: event.target }));
