// The network: actors and targets as nodes, links weighted by reports and coloured by
// cooperation (solid) or conflict (dashed); a force layout computed once, then drawn.
import { svgEl } from "./worldmap.js";

const data = JSON.parse(document.getElementById("network-data").textContent);
const container = document.getElementById("network");
let W = 1000, H = 600;

function layout(nodes, edges) {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const pos = nodes.map((_, i) => {
    const a = i * 2.399963; // golden angle: a deterministic spiral start
    const r = 12 * Math.sqrt(i + 1);
    return { x: W / 2 + r * Math.cos(a) * (W / H), y: H / 2 + r * Math.sin(a), vx: 0, vy: 0 };
  });
  const links = edges.map((e) => ({ s: index.get(e.source), t: index.get(e.target), w: Math.log(1 + e.n) }));
  const k = Math.min(110, Math.sqrt((W * H) / Math.max(nodes.length, 1)) * 0.55);
  for (let step = 0; step < 300; step++) {
    const cool = 1 - step / 300;
    for (let i = 0; i < pos.length; i++) {
      for (let j = i + 1; j < pos.length; j++) {
        let dx = pos[i].x - pos[j].x, dy = pos[i].y - pos[j].y;
        const d2 = Math.max(dx * dx + dy * dy, 0.01);
        const f = (k * k) / d2;
        pos[i].vx += dx * f * 0.02; pos[i].vy += dy * f * 0.02;
        pos[j].vx -= dx * f * 0.02; pos[j].vy -= dy * f * 0.02;
      }
    }
    for (const l of links) {
      const a = pos[l.s], b = pos[l.t];
      const dx = b.x - a.x, dy = b.y - a.y;
      const d = Math.sqrt(dx * dx + dy * dy) || 0.1;
      const f = ((d - k) / d) * 0.06 * (1 + l.w * 0.2);
      a.vx += dx * f; a.vy += dy * f; b.vx -= dx * f; b.vy -= dy * f;
    }
    for (const p of pos) {
      p.vx += (W / 2 - p.x) * 0.015 * (H / W); p.vy += (H / 2 - p.y) * 0.015;  // an ellipse the shape of the box
      const v = Math.sqrt(p.vx * p.vx + p.vy * p.vy);
      const max = 30 * cool + 1;
      if (v > max) { p.vx *= max / v; p.vy *= max / v; }
      p.x += p.vx; p.y += p.vy; p.vx *= 0.5; p.vy *= 0.5;
    }
  }
  return pos;
}

function draw() {
  const { nodes, edges } = data;
  const area = container.getBoundingClientRect();
  if (area.width > 100 && area.height > 100) { W = area.width; H = area.height; }
  if (!nodes.length) {
    container.replaceChildren(Object.assign(document.createElement("p"), { className: "muted", textContent: "No actor acts on a target under these filters." }));
    return;
  }
  const pos = layout(nodes, edges);
  const xs = pos.map((p) => p.x), ys = pos.map((p) => p.y);
  const pad = 60;
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2, cy = (Math.min(...ys) + Math.max(...ys)) / 2;
  const w = Math.max(Math.max(...xs) - Math.min(...xs) + 2 * pad, W * 0.6);
  const h = Math.max(Math.max(...ys) - Math.min(...ys) + 2 * pad, H * 0.6);
  const x0 = cx - w / 2, y0 = cy - h / 2;
  const svg = svgEl("svg", { viewBox: `${x0} ${y0} ${w} ${h}`, preserveAspectRatio: "xMidYMid meet" });
  // Sizes in screen pixels whatever the layout's extent: k user units per pixel.
  const box = container.getBoundingClientRect();
  const k = Math.max(w / (box.width || W), h / (box.height || H));
  svg.style.setProperty("--k", String(k));
  const defs = svgEl("defs");
  for (const kind of ["cooperation", "conflict"]) {
    const m = svgEl("marker", { id: `arrow-${kind}`, viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: String(7 * k), markerHeight: String(7 * k), orient: "auto-start-reverse", markerUnits: "userSpaceOnUse" });
    const p = svgEl("path", { d: "M0 0L10 5L0 10Z", fill: kind === "cooperation" ? "#2e7d32" : "#c62828" });
    m.append(p); defs.append(m);
  }
  svg.append(defs);
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const radius = nodes.map((n) => (4 + Math.min(12, Math.sqrt(n.n) * 1.2)) * k);
  const edgeLayer = svgEl("g", { "aria-hidden": "true" });
  const edgeEls = [];
  for (const e of edges) {
    const a = pos[index.get(e.source)], b = pos[index.get(e.target)];
    const kind = e.cooperation >= e.conflict ? "cooperation" : "conflict";
    const dx = b.x - a.x, dy = b.y - a.y, d = Math.sqrt(dx * dx + dy * dy) || 1;
    const rb = radius[index.get(e.target)] + 2;
    const line = svgEl("line", { x1: a.x, y1: a.y, x2: b.x - (dx / d) * rb, y2: b.y - (dy / d) * rb,
      class: `edge ${kind}`, "stroke-width": (1 + Math.log(1 + e.n) * 1.4) * k, "marker-end": `url(#arrow-${kind})` });
    if (kind === "conflict") line.style.strokeDasharray = `${7 * k} ${4 * k}`;
    const t = svgEl("title");
    t.textContent = `${e.n} report${e.n === 1 ? "" : "s"}: ${e.cooperation} cooperation, ${e.conflict} conflict`;
    line.append(t);
    edgeLayer.append(line);
    edgeEls.push({ el: line, s: e.source, t: e.target });
  }
  svg.append(edgeLayer);
  const labelled = new Set(nodes.slice(0, 40).map((n) => n.id));
  nodes.forEach((n, i) => {
    const type = ["PERSON", "ORG", "NORP", "GPE", "LOC", "FAC"].includes(n.type) ? n.type : "other";
    const a = svgEl("a", { href: `/ui/entities/${n.id}`, class: `node ${type}`, "data-id": n.id,
      "aria-label": `${n.name}, ${n.type || "entity"}, ${n.n} report${n.n === 1 ? "" : "s"}` });
    const t = svgEl("title"); t.textContent = `${n.name} (${n.type}) · ${n.n} reports`;
    a.append(t, svgEl("circle", { cx: pos[i].x, cy: pos[i].y, r: radius[i] }));
    if (labelled.has(n.id)) {
      const label = svgEl("text", { x: pos[i].x + radius[i] + 3 * k, y: pos[i].y + 4 * k, "font-size": 11 * k });
      label.textContent = n.name;
      a.append(label);
    }
    const focus = (on) => {
      const near = new Set([n.id]);
      for (const e of edgeEls) if (e.s === n.id || e.t === n.id) { near.add(e.s); near.add(e.t); }
      for (const e of edgeEls) e.el.classList.toggle("dim", on && !(e.s === n.id || e.t === n.id));
      for (const other of svg.querySelectorAll(".node")) other.classList.toggle("dim", on && !near.has(Number(other.dataset.id)));
    };
    a.addEventListener("mouseenter", () => focus(true));
    a.addEventListener("mouseleave", () => focus(false));
    a.addEventListener("focus", () => focus(true));
    a.addEventListener("blur", () => focus(false));
    svg.append(a);
  });
  container.replaceChildren(svg);
}

draw();
document.body.dataset.ready = "network";
