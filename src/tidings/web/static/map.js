// The events map: reports by place, clustered on a grid of the current zoom, countries shaded by count.
import { bindControls, createMap, project, svgEl } from "./worldmap.js";

const data = JSON.parse(document.getElementById("map-data").textContent);
const container = document.getElementById("world-map");
const counts = data.countries;
const maxCount = Math.max(1, ...Object.values(counts));
const points = data.points.map((p) => ({ ...p, xy: project(p.lat, p.lon) }));
const CELL_PX = 44;

function shade(n) {
  if (!n) return null;
  const t = Math.log(1 + n) / Math.log(1 + maxCount);
  const light = 92 - 40 * t;
  return `hsl(28 85% ${light}%)`;
}

function eventsLink(members) {
  const params = new URLSearchParams(data.query);
  params.delete("page");
  const ids = new Set(members.map((m) => m.place_id || m.place));
  const countries = new Set(members.map((m) => m.country));
  if (ids.size === 1 && members[0].place_id) params.set("place", String(members[0].place_id));
  else if (countries.size === 1 && members[0].country) params.set("country", members[0].country);
  else return null;
  return "/ui/events?" + params.toString();
}

function draw({ overlay, scale }) {
  overlay.replaceChildren();
  const cell = CELL_PX / scale;
  const groups = new Map();
  for (const p of points) {
    const key = `${Math.floor(p.xy[0] / cell)}:${Math.floor(p.xy[1] / cell)}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(p);
  }
  const clusters = [...groups.values()].map((members) => {
    const n = members.reduce((s, m) => s + m.n, 0);
    const x = members.reduce((s, m) => s + m.xy[0] * m.n, 0) / n;
    const y = members.reduce((s, m) => s + m.xy[1] * m.n, 0) / n;
    return { members: members.sort((a, b) => b.n - a.n), n, x, y };
  }).sort((a, b) => b.n - a.n);
  for (const c of clusters) {
    const rPx = Math.min(26, 7 + 3.2 * Math.sqrt(c.n));
    const names = c.members.slice(0, 4).map((m) => m.place).join(", ") + (c.members.length > 4 ? ` and ${c.members.length - 4} more` : "");
    const label = `${c.n.toLocaleString()} report${c.n === 1 ? "" : "s"} at ${names}`;
    const href = eventsLink(c.members);
    const node = href ? svgEl("a", { href, class: "cluster", "aria-label": label })
      : svgEl("g", { class: "cluster", tabindex: "0", role: "button", "aria-label": label + ". Press Enter to zoom in." });
    const t = svgEl("title"); t.textContent = label;
    const circle = svgEl("circle", { cx: c.x, cy: c.y, r: rPx / scale });
    const text = svgEl("text", { x: c.x, y: c.y, "font-size": (c.n > 999 ? 9 : 11) / scale });
    text.textContent = c.n > 9999 ? Math.round(c.n / 1000) + "k" : String(c.n);
    node.append(t, circle, text);
    if (!href) {
      const zoomIn = () => map.zoom(2.5, c.x, c.y);
      node.addEventListener("click", zoomIn);
      node.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); zoomIn(); } });
    }
    overlay.append(node);
  }
  container.dataset.clusters = String(clusters.length);
}

const map = await createMap(container, {
  onView: draw,
  fill: (c) => shade(counts[c.iso3]),
  title: (c) => `${c.name}: ${(counts[c.iso3] || 0).toLocaleString()} reports`,
});
bindControls(map);
document.body.dataset.ready = "map";
