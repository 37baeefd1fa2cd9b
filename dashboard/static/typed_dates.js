// The Dates field typed with the keyboard (dashboard/typed_dates.py): Enter applies the typed range, and
// so does leaving the field; while the typed text is not applied, a line (a polite live region, so screen
// readers hear it) says "Press Enter to apply". Streamlit calls this function on every run with new data;
// the field is built once and its text replaced only when the applied range (or a submission) changes,
// so a rerun caused by something else never erases what is being typed.

function dirty(box) {
  return box.input.value.trim() !== (box.shown || "").trim();
}

function refresh(box) {
  const text = dirty(box) ? box.data.waiting : (box.data.message || "");
  if (box.wait.textContent !== text) box.wait.textContent = text;
  box.classList.toggle("geo-td-dirty", dirty(box));
}

function submit(box) {
  const value = box.input.value;
  if (!dirty(box) || value === box.sent) return;
  box.sent = value;
  box.setTrigger("submit", value);
}

function build(parent) {
  const box = document.createElement("div");
  box.className = "geo-typed-dates";
  const id = "geo-typed-dates-" + Math.random().toString(36).slice(2, 10);
  box.innerHTML =
    `<label class="geo-td-label" for="${id}"></label>` +
    `<input id="${id}" class="geo-td-input" type="text" autocomplete="off" spellcheck="false" ` +
    `aria-describedby="${id}-hint ${id}-wait">` +
    `<span id="${id}-hint" class="geo-td-hint"></span>` +
    `<p id="${id}-wait" class="geo-td-wait" role="status" aria-live="polite"></p>`;
  parent.appendChild(box);
  box.input = box.querySelector("input");
  box.wait = box.querySelector(".geo-td-wait");
  box.input.addEventListener("input", () => refresh(box));
  box.input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.isComposing) {
      e.preventDefault();
      submit(box);
    } else if (e.key === "Escape" && dirty(box)) {  // back to the applied range
      box.input.value = box.shown;
      refresh(box);
    }
  });
  box.input.addEventListener("change", () => submit(box));  // leaving the field applies too
  return box;
}

export default function (component) {
  const { data, setTriggerValue, parentElement } = component;
  const box = parentElement.querySelector(".geo-typed-dates") || build(parentElement);
  box.setTrigger = setTriggerValue;
  box.data = data;
  box.querySelector(".geo-td-label").textContent = data.label;
  box.querySelector(".geo-td-hint").textContent = data.hint;
  box.input.placeholder = data.placeholder;
  box.input.lang = data.lang;
  if (data.text !== box.shown || data.seq !== box.seq) {
    box.input.value = data.text;
    box.shown = data.text;
    box.seq = data.seq;
    box.sent = null;
  }
  refresh(box);
}
