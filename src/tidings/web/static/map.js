// The events map (the map page, a story's map): reports by place, clustered on a grid of the current zoom, countries shaded by count.
import { bindControls, createMap, project, svgEl } from "./worldmap.js";

const data = JSON.parse(document.getElementById("map-data").textContent);
const container = document.getElementById("world-map");
const counts = data.countries;
const maxCount = Math.max(1, ...Object.values(counts));
const points = data.points.map((p) => ({ ...p, xy: project(p.lat, p.lon) }));

function shade(n) {
  if (!n) return null;
  const t = Math.sqrt(n / maxCount);
  return `hsl(28 75% ${93 - 30 * t}%)`;
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

const radiusPx = (n) => Math.min(22, 9 + 3.2 * Math.log10(n));
const MERGE_PX = 46;

// Greedy clustering in screen space: the biggest places first; a place within
// MERGE_PX of a cluster's centre joins it, so no two circles overlap much.
function draw({ overlay, scale }) {
  overlay.replaceChildren();
  const reach = MERGE_PX / scale;
  const clusters = [];
  for (const p of [...points].sort((a, b) => b.n - a.n)) {
    const near = clusters.find((c) => Math.hypot(c.x - p.xy[0], c.y - p.xy[1]) < reach);
    if (near) {
      near.members.push(p);
      near.n += p.n;
    } else {
      clusters.push({ members: [p], n: p.n, x: p.xy[0], y: p.xy[1] });
    }
  }
  for (const c of clusters) {
    const rPx = radiusPx(c.n);
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
// A page about one story frames its places; the map page shows the whole world.
if (data.fit && points.length) map.fit(points.map((p) => p.xy), 12);
document.body.dataset.ready = "map";
