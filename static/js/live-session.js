// The session page without full reloads: forms marked data-live are sent with fetch,
// and the page's live region (with the messages) is replaced by the server's answer,
// which is the same page it would have shown after the ordinary post and redirect.
// Without JavaScript every form still works with a reload. Also: "now" buttons beside
// time fields, and the dose per kilogram and the session total while typing.

const REGION = "[data-live-region]";

function swapFrom(doc) {
  const fresh = doc.querySelector(REGION);
  const region = document.querySelector(REGION);
  if (!fresh || !region) return false;
  region.replaceWith(document.adoptNode(fresh));
  const flashes = document.querySelector(".flashes");
  const freshFlashes = doc.querySelector(".flashes");
  if (flashes) flashes.remove();
  if (freshFlashes) {
    document.querySelector("main").prepend(document.adoptNode(freshFlashes));
  }
  return true;
}

function restoreFocus(focusedId) {
  const invalid = document.querySelector(`${REGION} [aria-invalid="true"]`);
  const target = invalid || (focusedId && document.getElementById(focusedId));
  if (target) target.focus({ preventScroll: !invalid });
  enhance();
}

async function send(form, submitter) {
  const focusedId = document.activeElement && document.activeElement.id;
  const body = new FormData(form, submitter);
  form.setAttribute("aria-busy", "true");
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    });
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    if (!swapFrom(doc)) {
      // Not the session page (signed out, an error page): show it the ordinary way.
      window.location.assign(response.url);
      return;
    }
    restoreFocus(focusedId);
  } catch (error) {
    form.removeAttribute("aria-busy");
    form.submit();
  }
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches("[data-live]")) return;
  event.preventDefault();
  send(form, event.submitter);
});

function pad(number) {
  return String(number).padStart(2, "0");
}

function addNowButtons() {
  document.querySelectorAll(`${REGION} input[type="time"]`).forEach((input) => {
    if (input.dataset.nowAdded) return;
    input.dataset.nowAdded = "1";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary outline small now-button";
    button.textContent = document.documentElement.lang.startsWith("de") ? "Jetzt" : "Now";
    button.setAttribute("aria-label", `${button.textContent}: ${input.labels[0]?.textContent.trim() || ""}`);
    button.addEventListener("click", () => {
      const now = new Date();
      input.value = `${pad(now.getHours())}:${pad(now.getMinutes())}`;
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
    input.insertAdjacentElement("afterend", button);
  });
}

function parseNumber(text) {
  const value = Number(String(text).trim().replace(",", "."));
  return Number.isFinite(value) ? value : NaN;
}

function previewDose() {
  const form = document.querySelector("form[data-dose-form]");
  if (!form) return;
  const output = form.querySelector("[data-dose-preview]");
  const routes = JSON.parse(form.dataset.totals || "[]");
  const ratios = JSON.parse(form.dataset.ratios || "[]").map(Number);
  const format = new Intl.NumberFormat(document.documentElement.lang || undefined, {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  const update = () => {
    const mg = parseNumber(form.elements.dose_mg.value);
    const kg = parseNumber(form.elements.weight_kg.value);
    if (!(mg > 0 && kg > 0)) {
      output.textContent = "";
      return;
    }
    const ratio = mg / kg;
    const index = routes.indexOf(form.elements.route.value);
    const earlier = index >= 0 ? ratios[index] : 0;
    const german = document.documentElement.lang.startsWith("de");
    output.textContent = german
      ? `Diese Dosis: ${format.format(ratio)} mg/kg · Sitzung gesamt auf diesem Weg: ${format.format(ratio + earlier)} mg/kg`
      : `This dose: ${format.format(ratio)} mg/kg · session total by this route: ${format.format(ratio + earlier)} mg/kg`;
  };
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
}

function enhance() {
  addNowButtons();
  previewDose();
}

enhance();
