// The hot-spot map (performance/hotspots.html): the neighbourhoods' polygons as the base layer (no
// tile server unless the force sets one), the significant H3 cells over them, each with its finding
// and count on hover and focus. The table under the map lists the same cells: the map only adds a
// picture of where they are.
(() => {
  "use strict";
  const root = document.querySelector("[data-hotspot-map]");
  const L = window.L;
  const data = document.getElementById("hotspot-cells");
  if (!root || !L || !data) return;
  const mapEl = root.querySelector(".beacon-hotspot-map__map");
  const cells = JSON.parse(data.textContent);

  const AREA = { color: "#505a5f", weight: 1, opacity: 1, fillColor: "#f3f2f1", fillOpacity: 0.5 };
  const FILL = {
    "hot-99": "#942514", "hot-95": "#d4351c", "hot-90": "#f47738",
    "cold-90": "#5694ca", "cold-95": "#1d70b8", "cold-99": "#003078",
  };

  fetch(root.dataset.src, { credentials: "same-origin" })
    .then((r) => (r.ok ? r.json() : { features: [] }))
    .then((hoods) => {
      root.hidden = false; // the map needs its size before Leaflet measures it
      const tiles = root.dataset.tiles || "";
      const map = L.map(mapEl, { attributionControl: Boolean(tiles), maxZoom: 18, zoomSnap: 0.5 });
      if (tiles) {
        L.tileLayer(tiles, { attribution: root.dataset.tilesAttribution || "", maxZoom: 18 }).addTo(map);
        map.attributionControl.setPrefix(false);
      }
      const base = L.geoJSON(hoods, {
        style: () => AREA,
        onEachFeature: (f, layer) => layer.bindTooltip(String((f.properties || {}).name || ""), { sticky: true }),
      }).addTo(map);
      const hot = L.geoJSON(cells, {
        style: (f) => ({ color: "#0b0c0c", weight: 1, fillColor: FILL[f.properties.class] || "#b1b4b6", fillOpacity: 0.75 }),
        onEachFeature: (f, layer) => {
          const p = f.properties;
          layer.bindTooltip(`${p.label}: ${p.count} incident${p.count === 1 ? "" : "s"} (cell ${p.h3})`, { sticky: true });
          layer.on("add", () => {
            const el = layer.getElement && layer.getElement();
            if (el) { el.setAttribute("data-cell", p.h3); el.setAttribute("data-class", p.class); }
          });
        },
      }).addTo(map);
      const bounds = cells.features.length ? hot.getBounds() : base.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12] });
      else map.setView([53.8, -1.55], 11);
    })
    .catch(() => { root.hidden = true; });
})();
