// The share link under the map (dashboard/share_link.py): the link as selectable text and a "Copy link"
// button; a polite live region says when it was copied (or how to copy it where the browser refuses).
// Streamlit calls this function on every run; the box is built once and its texts replaced.

function copied(box, ok) {
  box.status.textContent = ok ? box.data.copied : box.data.manual;
  clearTimeout(box.timer);
  box.timer = setTimeout(() => { box.status.textContent = ""; }, 4000);
}

function select(box) {
  const range = document.createRange();
  range.selectNodeContents(box.url);
  const sel = window.getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
}

function copy(box) {
  const text = box.data.link;
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(() => copied(box, true), () => fallback(box));
  } else {
    fallback(box);
  }
}

function fallback(box) {  // outside a secure context (an http:// address other than localhost)
  select(box);
  let ok = false;
  try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
  copied(box, ok);
}

function build(parent) {
  const box = document.createElement("div");
  box.className = "geo-share";
  box.innerHTML =
    '<code class="geo-share-url" tabindex="0" role="textbox" aria-readonly="true"></code>' +
    '<button type="button" class="geo-share-copy"></button>' +
    '<p class="geo-share-status" role="status" aria-live="polite"></p>';
  parent.appendChild(box);
  box.url = box.querySelector(".geo-share-url");
  box.button = box.querySelector("button");
  box.status = box.querySelector(".geo-share-status");
  box.button.addEventListener("click", () => copy(box));
  box.url.addEventListener("focus", () => select(box));
  return box;
}

export default function (component) {
  const { data, parentElement } = component;
  const box = parentElement.querySelector(".geo-share") || build(parentElement);
  box.data = data;
  if (box.url.textContent !== data.link) box.url.textContent = data.link;
  box.url.setAttribute("aria-label", data.label);
  box.button.textContent = data.button;
}
