// An offline world map: country shapes from world.json (equirectangular, 360 x 180),
// zoom and pan by buttons, keys, wheel and drag; layers redrawn at each view change.
const SVG = "http://www.w3.org/2000/svg";
let worldPromise = null;

export function svgEl(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

export function project(lat, lon) { return [lon + 180, 90 - lat]; }

export function loadWorld() {
  if (!worldPromise) worldPromise = fetch("/ui/static/world.json").then((r) => r.json());
  return worldPromise;
}

export async function createMap(container, { onView = () => {}, fill = () => null, title = (c) => c.name } = {}) {
  const world = await loadWorld();
  const svg = svgEl("svg", { viewBox: "0 0 360 180", preserveAspectRatio: "xMidYMid meet", "aria-hidden": "false" });
  const land = svgEl("g", { class: "lands", "aria-hidden": "true" });
  for (const c of world.countries) {
    const path = svgEl("path", { d: c.d, class: "land", "fill-rule": "evenodd", "data-iso": c.iso3 });
    const colour = fill(c);
    if (colour) { path.style.fill = colour; path.classList.add("hit"); }
    const t = svgEl("title"); t.textContent = title(c); path.append(t);
    land.append(path);
  }
  const overlay = svgEl("g", { class: "overlay" });
  svg.append(land, overlay);
  container.replaceChildren(svg);
  const full = { x: 0, y: 0, w: 360, h: 180 };
  let view = { ...full };

  const pxPerUnit = () => {
    const box = svg.getBoundingClientRect();
    return Math.min(box.width / view.w, box.height / view.h) || 1;
  };
  function setView(v) {
    const w = Math.min(360, Math.max(6, v.w));
    const h = w / 2;
    const x = Math.min(360 - w, Math.max(0, v.x));
    const y = Math.min(180 - h, Math.max(0, v.y));
    view = { x, y, w, h };
    svg.setAttribute("viewBox", `${x} ${y} ${w} ${h}`);
    onView({ overlay, view, scale: pxPerUnit(), svg });
  }
  function zoom(factor, cx = view.x + view.w / 2, cy = view.y + view.h / 2) {
    const w = view.w / factor;
    setView({ x: cx - (cx - view.x) / factor, y: cy - (cy - view.y) / factor, w, h: w / 2 });
  }
  function pan(dx, dy) { setView({ ...view, x: view.x + dx * view.w, y: view.y + dy * view.h }); }
  function fit(points, pad = 8) {
    if (!points.length) return setView(full);
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    const x0 = Math.min(...xs) - pad, x1 = Math.max(...xs) + pad;
    const y0 = Math.min(...ys) - pad, y1 = Math.max(...ys) + pad;
    const w = Math.max(x1 - x0, (y1 - y0) * 2, 20);
    setView({ x: (x0 + x1) / 2 - w / 2, y: (y0 + y1) / 2 - w / 4, w, h: w / 2 });
  }

  svg.addEventListener("wheel", (e) => {
    e.preventDefault();
    const box = svg.getBoundingClientRect();
    const s = pxPerUnit();
    const cx = view.x + (e.clientX - box.left - (box.width - view.w * s) / 2) / s;
    const cy = view.y + (e.clientY - box.top - (box.height - view.h * s) / 2) / s;
    zoom(e.deltaY < 0 ? 1.4 : 1 / 1.4, cx, cy);
  }, { passive: false });
  let drag = null;
  svg.addEventListener("pointerdown", (e) => { if (e.button === 0 && !e.target.closest("a,[tabindex]")) drag = { x: e.clientX, y: e.clientY, view: { ...view } }; });
  window.addEventListener("pointerup", () => { drag = null; });
  svg.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const s = pxPerUnit();
    setView({ ...drag.view, x: drag.view.x - (e.clientX - drag.x) / s, y: drag.view.y - (e.clientY - drag.y) / s });
  });
  container.tabIndex = 0;
  container.addEventListener("keydown", (e) => {
    const keys = { ArrowLeft: () => pan(-0.15, 0), ArrowRight: () => pan(0.15, 0), ArrowUp: () => pan(0, -0.15),
      ArrowDown: () => pan(0, 0.15), "+": () => zoom(1.5), "=": () => zoom(1.5), "-": () => zoom(1 / 1.5), "0": () => setView(full) };
    if (keys[e.key] && e.target === container) { e.preventDefault(); keys[e.key](); }
  });
  new ResizeObserver(() => onView({ overlay, view, scale: pxPerUnit(), svg })).observe(container);
  setView(full);
  return { svg, overlay, zoom, pan, fit, setView, reset: () => setView(full), get view() { return view; } };
}

export function bindControls(map, root = document) {
  for (const b of root.querySelectorAll("[data-zoom]")) {
    b.addEventListener("click", () => {
      if (b.dataset.zoom === "in") map.zoom(1.5);
      else if (b.dataset.zoom === "out") map.zoom(1 / 1.5);
      else map.reset();
    });
  }
}
