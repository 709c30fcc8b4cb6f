// A person's itinerary on the world map: numbered stops in date order joined by a dashed route.
import { createMap, project, svgEl } from "./worldmap.js";

const stops = JSON.parse(document.getElementById("itinerary-data").textContent)
  .filter((s) => s.lat !== null && s.lon !== null);
const container = document.getElementById("itinerary-map");

function draw({ overlay, scale }) {
  overlay.replaceChildren();
  if (!stops.length) return;
  const pts = stops.map((s) => project(s.lat, s.lon));
  overlay.append(svgEl("polyline", { class: "route", points: pts.map((p) => p.join(",")).join(" ") }));
  stops.forEach((s, i) => {
    const g = svgEl("g", { class: "stop" });
    const t = svgEl("title"); t.textContent = `${i + 1}. ${s.place}, ${s.date || "undated"}`;
    const [x, y] = pts[i];
    const text = svgEl("text", { x, y, "font-size": 10 / scale });
    text.textContent = String(i + 1);
    g.append(t, svgEl("circle", { cx: x, cy: y, r: 9 / scale }), text);
    overlay.append(g);
  });
}

const map = await createMap(container, { onView: draw, fill: () => null });
map.fit(stops.map((s) => project(s.lat, s.lon)), 12);
document.body.dataset.ready = "itinerary";
