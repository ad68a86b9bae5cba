// The map picker on the report forms (incidents/_map_picker.html): the neighbourhoods' polygons as
// the only layer (no tile server unless the force sets one), each one's name on hover; a click, or
// Enter on the focused map, puts the point into the form's #id_lat and #id_lon, which then send the
// same input events as typing (so the live check runs again). Typed coordinates move the marker.
// An enhancement only: the postcode, the address or the typed coordinates are enough without it.
(() => {
  "use strict";
  const root = document.querySelector("[data-map-picker]");
  const L = window.L;
  if (!root || !L) return;
  const form = root.closest("form") || document;
  const latInput = form.querySelector("#id_lat");
  const lonInput = form.querySelector("#id_lon");
  const mapEl = root.querySelector(".beacon-map-picker__map");
  const status = root.querySelector("[data-map-status]");
  if (!latInput || !lonInput || !mapEl) return;

  const AREA = { color: "#1d70b8", weight: 2, opacity: 1, fillColor: "#1d70b8", fillOpacity: 0.12 };
  const AREA_HOVER = { weight: 3, fillOpacity: 0.3 };
  const POINT = {
    radius: 8, color: "#0b0c0c", weight: 3, fillColor: "#ffdd00", fillOpacity: 1,
    interactive: false, className: "beacon-map-picker__point",
  };

  let map = null;
  let marker = null;
  let features = [];
  let centreTip = null;

  const say = (text) => { if (status) status.textContent = text; };
  const fixed = (n) => Number(n.toFixed(5));

  // Point in polygon (GeoJSON rings of [lon, lat]; holes excluded), to name the neighbourhood.
  function inRing(x, y, ring) {
    let inside = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }
  function nameAt(lat, lon) {
    for (const f of features) {  // by code, as the server decides a shared edge
      const g = f.geometry || {};
      const polygons = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
      if (polygons.some((rings) => inRing(lon, lat, rings[0]) && !rings.slice(1).some((h) => inRing(lon, lat, h)))) {
        return String((f.properties || {}).name || "");
      }
    }
    return "";
  }
  const where = (lat, lon) => {
    const name = nameAt(lat, lon);
    return name ? `in ${name}` : "outside the neighbourhoods";
  };

  function typedPoint() {
    const lat = Number.parseFloat(latInput.value);
    const lon = Number.parseFloat(lonInput.value);
    const ok = Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
    return ok ? L.latLng(lat, lon) : null;
  }

  function showMarker(latlng) {
    if (!latlng) {
      if (marker) marker.remove();
      marker = null;
      return;
    }
    if (marker) marker.setLatLng(latlng);
    else marker = L.circleMarker(latlng, POINT).addTo(map);
  }

  function setPoint(latlng) {
    const point = latlng.wrap();
    const lat = fixed(point.lat);
    const lon = fixed(point.lng);
    latInput.value = String(lat);
    lonInput.value = String(lon);
    showMarker(L.latLng(lat, lon));
    say(`Point set at latitude ${lat}, longitude ${lon}: ${where(lat, lon)}.`);
    // As if typed: [data-live] fields ask for the live check on "input" (see init.js).
    for (const input of [latInput, lonInput]) {
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  // Keyboard users: a crosshair (CSS) and the name of the neighbourhood under it while the map has
  // visible focus; Enter sets the point there.
  function showCentre() {
    if (!mapEl.matches(":focus-visible")) return;
    const c = map.getCenter();
    const label = document.createElement("span");
    label.textContent = nameAt(c.lat, c.lng) || "Outside the neighbourhoods";
    if (!centreTip) centreTip = L.tooltip({ direction: "top", offset: [0, -12], className: "beacon-map-picker__centre" });
    centreTip.setLatLng(c).setContent(label);
    if (!map.hasLayer(centreTip)) map.openTooltip(centreTip);
  }
  function hideCentre() {
    if (centreTip && map.hasLayer(centreTip)) map.closeTooltip(centreTip);
  }

  function draw(collection) {
    features = (collection && collection.features) || [];
    if (!features.length) {
      say("No neighbourhoods have been imported, so there is no map: type the postcode or address.");
      mapEl.hidden = true;
      return;
    }
    const tiles = root.dataset.tiles || "";
    map = L.map(mapEl, {
      attributionControl: Boolean(tiles),
      maxZoom: 18,
      zoomSnap: 0.5,
      keyboardPanDelta: 60,
    });
    if (tiles) {
      // Only when the force configures its own tile server (BEACON_MAP_TILES): none by default.
      L.tileLayer(tiles, { attribution: root.dataset.tilesAttribution || "", maxZoom: 18 }).addTo(map);
      map.attributionControl.setPrefix(false);
    }
    const areas = L.geoJSON(collection, {
      style: () => AREA,
      onEachFeature: (feature, layer) => {
        const label = document.createElement("span");
        label.textContent = String((feature.properties || {}).name || "");
        layer.bindTooltip(label, { sticky: true, direction: "top", offset: [0, -6] });
        layer.on("mouseover", () => layer.setStyle(AREA_HOVER));
        layer.on("mouseout", () => layer.setStyle(AREA));
      },
    }).addTo(map);
    const bounds = areas.getBounds();
    const typed = typedPoint(); // a form shown again after an error keeps its point
    if (typed) bounds.extend(typed);
    map.fitBounds(bounds, { padding: [8, 8] }); // the layers are drawn once the map has a view
    showMarker(typed);
    areas.eachLayer((layer) => {
      const el = layer.getElement && layer.getElement();
      if (el) el.setAttribute("data-neighbourhood", String((layer.feature.properties || {}).code || ""));
    });

    map.on("click", (event) => setPoint(event.latlng));
    mapEl.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.target === mapEl) {
        event.preventDefault();
        setPoint(map.getCenter());
      }
    });
    mapEl.addEventListener("focus", showCentre);
    mapEl.addEventListener("blur", hideCentre);
    map.on("move", () => { if (centreTip && map.hasLayer(centreTip)) showCentre(); });
    map.on("moveend", showCentre);
    for (const input of [latInput, lonInput]) input.addEventListener("input", () => showMarker(typedPoint()));
    root.dataset.ready = "true";
  }

  root.hidden = false; // the map needs its size before Leaflet measures it
  fetch(root.dataset.src, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
    .then((response) => {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    })
    .then(draw)
    .catch((error) => {
      console.error("map picker:", error);
      mapEl.hidden = true;
      say("The map could not be loaded: type the postcode or address, or the latitude and longitude.");
    });
})();
