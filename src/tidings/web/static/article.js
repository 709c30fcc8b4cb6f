// The article view: details of the facts under a hovered, focused or selected piece of text,
// and the evidence an event link points to (#ev-ID) scrolled to and highlighted.
const facts = JSON.parse(document.getElementById("facts-data").textContent);
const text = document.getElementById("article-text");
const panel = document.getElementById("details");

const LABELS = {
  entity: [["name", "Name"], ["type", "Type"], ["code", "Code"], ["country", "Country"], ["sector", "Sector"], ["roles", "Roles"], ["kb", "Knowledge base"]],
  time: [["text", "Words"], ["type", "Type"], ["value", "Normalised"]],
  quote: [["quote_kind", "Kind"], ["speaker", "Speaker"], ["cue", "Cue"], ["addressee", "Addressee"]],
  event: [["type", "Type"], ["trigger", "Trigger"], ["mode", "Mode"], ["context", "Context"], ["modality", "Modality"], ["actors", "Actors"], ["targets", "Targets"], ["place", "Place"], ["when", "Date"], ["cameo", "CAMEO"], ["source", "Source"]],
};
const KIND_NAMES = { entity: "Name", time: "Time", quote: "Quote", event: "Event" };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

function factIds(node) {
  const span = node.closest ? node.closest("[data-facts]") : null;
  return span ? span.dataset.facts.split(" ") : [];
}

function show(ids) {
  panel.replaceChildren();
  if (!ids.length) { panel.append(el("p", { class: "muted" }, "Nothing selected.")); return; }
  for (const id of ids) {
    const f = facts[id];
    if (!f) continue;
    panel.append(el("h3", {}, `${KIND_NAMES[f.kind] || f.kind}: ${f.label}`));
    const dl = el("dl");
    for (const [key, label] of LABELS[f.kind] || []) {
      let value = f[key];
      if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) continue;
      if (Array.isArray(value)) value = value.join("; ");
      const dd = el("dd");
      if (key === "name" && f.entity_id) dd.append(el("a", { href: `/ui/entities/${f.entity_id}` }, String(value)));
      else if (key === "speaker" && f.speaker_id) dd.append(el("a", { href: `/ui/entities/${f.speaker_id}` }, String(value)));
      else dd.append(String(value));
      dl.append(el("dt", {}, label), dd);
    }
    panel.append(dl);
  }
}

function mark(cls, ids) {
  for (const node of text.querySelectorAll("." + cls)) node.classList.remove(cls);
  for (const node of text.querySelectorAll("[data-facts]")) {
    const own = node.dataset.facts.split(" ");
    if (ids.some((id) => own.includes(id))) node.classList.add(cls);
  }
}

let pinned = null;
text.addEventListener("mouseover", (e) => { if (!pinned) { const ids = factIds(e.target); if (ids.length) show(ids); } });
text.addEventListener("focusin", (e) => show(factIds(e.target)));
text.addEventListener("click", (e) => {
  const ids = factIds(e.target);
  pinned = ids.length ? ids : null;
  mark("selected", ids);
  show(ids);
});
text.addEventListener("keydown", (e) => {
  if ((e.key === "Enter" || e.key === " ") && e.target.dataset && e.target.dataset.facts) {
    e.preventDefault();
    e.target.click();
  }
});

function followHash() {
  const id = decodeURIComponent(location.hash.slice(1));
  if (!(id.startsWith("ev-") || id.startsWith("quote-")) || !facts[id]) return;
  mark("current", [id]);
  const first = text.querySelector(".current");
  for (const link of document.querySelectorAll("a[data-fact]")) {
    if (link.dataset.fact === id) link.setAttribute("aria-current", "true"); else link.removeAttribute("aria-current");
  }
  if (first) {
    if (!first.hasAttribute("tabindex")) first.setAttribute("tabindex", "-1");
    first.scrollIntoView({ block: "center" });
    first.focus({ preventScroll: true });
  }
  pinned = [id];
  show([id]);
}
window.addEventListener("hashchange", followHash);
followHash();
document.body.dataset.ready = "article";
