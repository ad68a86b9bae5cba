// Builds Beacon's static assets from npm packages into src/beacon/static/vendor/.
// GOV.UK Frontend is compiled from Sass so that the GDS Transport typeface (licensed
// for GOV.UK services only) is left out and a system font stack is used instead.
import { compile } from "sass";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "src/beacon/static/vendor");
const nm = join(root, "node_modules");
mkdirSync(out, { recursive: true });

const css = compile(join(root, "src/beacon/static_src/beacon.scss"), {
  loadPaths: [nm],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin", "slash-div"],
});
writeFileSync(join(out, "beacon.css"), css.css);

cpSync(join(nm, "govuk-frontend/dist/govuk/govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
cpSync(join(nm, "govuk-frontend/dist/govuk/assets/images"), join(out, "images"), { recursive: true });
cpSync(join(nm, "htmx.org/dist/htmx.min.js"), join(out, "htmx.min.js"));
// Leaflet for the map picker on the report forms: its script, styles (with the images they name,
// though the picker draws no image markers) and licence. No tile layer comes with it.
const leaflet = join(out, "leaflet");
mkdirSync(leaflet, { recursive: true });
for (const file of ["leaflet.js", "leaflet.js.map", "leaflet.css"]) {
  cpSync(join(nm, "leaflet/dist", file), join(leaflet, file));
}
cpSync(join(nm, "leaflet/dist/images"), join(leaflet, "images"), { recursive: true });
cpSync(join(nm, "leaflet/LICENSE"), join(leaflet, "LICENSE"));
console.log("assets built in", out);
