// The session page without full reloads: forms marked data-live are sent with fetch,
// and the page's live region (with the messages) is replaced by the server's answer,
// which is the same page it would have shown after the ordinary post and redirect.
// Without JavaScript every form still works with a reload. Also: "now" buttons beside
// time fields, and the dose per kilogram and the session total while typing.

const REGION = "[data-live-region]";

// The messages: one live region that stays in the page, so a screen reader announces
// each new message (a region inserted together with its text is often not announced).
function flashRegion() {
  let flashes = document.querySelector("main .flashes");
  if (!flashes) {
    flashes = document.createElement("div");
    flashes.className = "flashes";
    flashes.setAttribute("role", "status");
    flashes.setAttribute("aria-live", "polite");
    document.querySelector("main").prepend(flashes);
  }
  return flashes;
}

function swapFrom(doc) {
  const fresh = doc.querySelector(REGION);
  const region = document.querySelector(REGION);
  if (!fresh || !region) return false;
  region.replaceWith(document.adoptNode(fresh));
  const freshFlashes = doc.querySelector(".flashes");
  flashRegion().replaceChildren(
    ...(freshFlashes ? [...freshFlashes.childNodes].map((node) => document.adoptNode(node)) : []),
  );
  return true;
}

// What was typed into the other forms and not yet saved (the note, half a dose) is
// kept across the swap: the server's answer only knows what was saved.
function fieldsOf(form) {
  return [...form.elements].filter(
    (el) => el.name && el.tagName !== "BUTTON" && !["hidden", "submit"].includes(el.type),
  );
}

function changed(el) {
  if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
  if (el.tagName === "SELECT") return [...el.options].some((o) => o.selected !== o.defaultSelected);
  return el.value !== el.defaultValue;
}

function shownValue(el) {
  if (el.type === "checkbox" || el.type === "radio") return el.defaultChecked;
  if (el.tagName === "SELECT") {
    return [...el.options].filter((o) => o.defaultSelected).map((o) => o.value).join();
  }
  return el.defaultValue;
}

function unsavedEdits(sent) {
  return [...document.querySelectorAll(`${REGION} form`)]
    .filter((form) => form !== sent)
    .map((form) => ({ form, fields: fieldsOf(form).filter(changed) }))
    .filter((edit) => edit.fields.length);
}

function keepEdits(edits) {
  const fresh = [...document.querySelectorAll(`${REGION} form`)];
  edits.forEach(({ form, fields }) => {
    const target = fresh.find((f) => f.getAttribute("action") === form.getAttribute("action"));
    if (!target) return;
    let savedMeanwhile = false;
    fields.forEach((old) => {
      const twin = fieldsOf(target).find(
        (el) =>
          el.name === old.name &&
          (!["radio", "checkbox"].includes(el.type) || el.value === old.value),
      );
      if (!twin) return;
      if (shownValue(twin) !== shownValue(old)) savedMeanwhile = true;
      if (old.type === "checkbox" || old.type === "radio") twin.checked = old.checked;
      else twin.value = old.value;
    });
    if (savedMeanwhile && form.elements.version && target.elements.version) {
      // Someone else saved this form meanwhile: the version typed against goes with the
      // text, so saving shows the conflict instead of overwriting their text unseen.
      target.elements.version.value = form.elements.version.value;
    }
  });
}

// Where the focus was, so it can go back to the same control in the fresh region
// (a submit button has no id: it is found again by its form and position).
function focusPlace(form) {
  const active = document.activeElement;
  if (!active || active === document.body) return null;
  if (active.id) return { id: active.id };
  const index = [...form.elements].indexOf(active);
  return index >= 0 ? { action: form.getAttribute("action"), index } : null;
}

function restoreFocus(place) {
  enhance(); // first: the "now" buttons count among the form's elements
  const invalid = document.querySelector(`${REGION} [aria-invalid="true"]`);
  let target = invalid;
  if (!target && place && place.id) target = document.getElementById(place.id);
  if (!target && place && place.action) {
    const form = [...document.querySelectorAll(`${REGION} form`)].find(
      (candidate) => candidate.getAttribute("action") === place.action,
    );
    target = form && form.elements[place.index];
  }
  if (target) target.focus({ preventScroll: !invalid });
}

function showDocument(doc) {
  // An answer that is not the session page (an error page, an expired form): shown in
  // place of the page, as the ordinary post would have shown it.
  document.replaceChild(document.adoptNode(doc.documentElement), document.documentElement);
}

async function send(form, submitter) {
  const place = focusPlace(form);
  const body = new FormData(form, submitter);
  form.setAttribute("aria-busy", "true");
  let response;
  let html;
  try {
    response = await fetch(form.action, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    });
    html = await response.text();
  } catch (error) {
    // The network failed: try the ordinary way (with the button that was pressed).
    form.removeAttribute("aria-busy");
    form.dataset.liveOff = "1";
    form.requestSubmit(submitter);
    return;
  }
  const doc = new DOMParser().parseFromString(html, "text/html");
  const edits = unsavedEdits(form);
  if (swapFrom(doc)) {
    keepEdits(edits);
    restoreFocus(place);
  } else if (response.redirected) {
    // Redirected elsewhere (signed out: the login page): go there.
    window.location.assign(response.url);
  } else {
    showDocument(doc);
  }
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches("[data-live]")) return;
  if (form.dataset.liveOff) return;
  event.preventDefault();
  // A second click while the first is on its way would record the dose twice.
  if (form.getAttribute("aria-busy") === "true") return;
  send(form, event.submitter);
});

function pad(number) {
  return String(number).padStart(2, "0");
}

// Typed times are the practice's wall-clock time (the server reads them so), whatever
// zone the device's clock is set to.
function practiceNow() {
  const zone = document.querySelector(REGION)?.dataset.timezone;
  try {
    const parts = new Intl.DateTimeFormat("en-GB", {
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZone: zone || undefined,
    }).formatToParts(new Date());
    const part = (type) => parts.find((p) => p.type === type).value;
    return `${part("hour")}:${part("minute")}`;
  } catch (error) {
    const now = new Date();
    return `${pad(now.getHours())}:${pad(now.getMinutes())}`;
  }
}

function labelText(input) {
  const label = input.labels[0];
  if (!label) return "";
  const copy = label.cloneNode(true);
  copy.querySelectorAll("[aria-hidden='true']").forEach((hidden) => hidden.remove());
  return copy.textContent.trim();
}

function addNowButtons() {
  document.querySelectorAll(`${REGION} input[type="time"]`).forEach((input) => {
    if (input.dataset.nowAdded) return;
    input.dataset.nowAdded = "1";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary outline small now-button";
    // The words come translated from the page (data-now-label on the live region).
    button.textContent = document.querySelector(REGION).dataset.nowLabel || "Now";
    button.setAttribute("aria-label", `${button.textContent}: ${labelText(input)}`);
    button.addEventListener("click", () => {
      input.value = practiceNow();
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
    // The sentence comes translated from the page, with {ratio} and {total} to fill in.
    output.textContent = (form.dataset.previewText || "")
      .replace("{ratio}", format.format(ratio))
      .replace("{total}", format.format(ratio + earlier));
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
