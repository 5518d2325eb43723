// The page's one script: a drawing pad (pointer or keyboard), a drop zone and a file picker,
// each sending a PNG or JPEG to POST /classify, and the answer drawn: the 28x28 the network saw,
// the digit and ten bars (or a number, digit by digit). No framework, no build step.
"use strict";

const pad = document.getElementById("pad");
const canvas = document.getElementById("canvas");
const context = canvas.getContext("2d");
const seen = document.getElementById("seen");
const statusLine = document.getElementById("status");
const guess = document.getElementById("guess");
const detail = document.getElementById("detail");
const bars = document.getElementById("bars");
const digitList = document.getElementById("digits");
const fileInput = document.getElementById("file");
const numberToggle = document.getElementById("number");
const dropHint = document.getElementById("drop-hint");

/** Canvas sizes in pixels: a square for one digit, a wide strip for a number. */
const SIZES = { digit: [280, 280], number: [700, 300] };
/** Ink width as a share of the pad's height: about MNIST's stroke once scaled to 20x20. */
const INK_SHARE = 1 / 12;
/** Wait after the last stroke before asking, so a digit drawn in strokes is asked once. */
const SETTLE_MS = 250;

let hasInk = false;
/** The uploaded file being shown, sent as it is; null when the pad's drawing is the image. */
let uploaded = null;
let settleTimer = 0;
/** Answers can come back out of order: only the latest request's answer is shown. */
let requestId = 0;
let pen = null;
let keyboardPen = { x: 0, y: 0 };

function resetPad() {
  const [width, height] = numberToggle.checked ? SIZES.number : SIZES.digit;
  canvas.width = width;
  canvas.height = height;
  context.fillStyle = "#fff";
  context.fillRect(0, 0, width, height);
  context.strokeStyle = "#000";
  context.fillStyle = "#000";
  context.lineCap = "round";
  context.lineJoin = "round";
  context.lineWidth = height * INK_SHARE;
  keyboardPen = { x: width / 2, y: height / 4 };
  hasInk = false;
  uploaded = null;
}

function clearAnswer(message) {
  statusLine.textContent = message;
  statusLine.classList.remove("error");
  guess.textContent = "";
  guess.classList.remove("words");
  detail.textContent = "";
  bars.replaceChildren();
  digitList.replaceChildren();
  digitList.hidden = true;
  seen.getContext("2d").clearRect(0, 0, 28, 28);
}

function stroke(from, to) {
  context.beginPath();
  context.moveTo(from.x, from.y);
  context.lineTo(to.x, to.y);
  context.stroke();
  // A dot where the stroke does not move (a tap).
  context.beginPath();
  context.arc(to.x, to.y, context.lineWidth / 2, 0, 2 * Math.PI);
  context.fill();
  if (uploaded) uploaded = null; // drawing over a photo: the pad is the image now
  hasInk = true;
}

function padPoint(event) {
  const box = canvas.getBoundingClientRect();
  return {
    x: (event.clientX - box.left) * canvas.width / box.width,
    y: (event.clientY - box.top) * canvas.height / box.height,
  };
}

canvas.addEventListener("pointerdown", (event) => {
  event.preventDefault();
  canvas.setPointerCapture(event.pointerId);
  clearTimeout(settleTimer);
  pen = padPoint(event);
  stroke(pen, pen);
});
canvas.addEventListener("pointermove", (event) => {
  if (!pen) return;
  const next = padPoint(event);
  stroke(pen, next);
  pen = next;
});
for (const type of ["pointerup", "pointercancel"]) {
  canvas.addEventListener(type, () => {
    if (!pen) return;
    pen = null;
    settle();
  });
}

// The keyboard draws too: arrows draw from the pen, Shift+arrow moves it, Enter reads.
canvas.addEventListener("keydown", (event) => {
  const step = canvas.height / 20;
  const moves = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
  if (event.key in moves) {
    event.preventDefault();
    const [dx, dy] = moves[event.key];
    const next = {
      x: Math.min(canvas.width, Math.max(0, keyboardPen.x + dx * step)),
      y: Math.min(canvas.height, Math.max(0, keyboardPen.y + dy * step)),
    };
    if (!event.shiftKey) stroke(keyboardPen, next);
    keyboardPen = next;
    statusLine.textContent = `Pen at ${Math.round(next.x)}, ${Math.round(next.y)}` +
      (event.shiftKey ? " (moved without drawing)" : "") + ". Enter reads the digit.";
  } else if (event.key === "Enter") {
    event.preventDefault();
    classifyNow();
  } else if (event.key === "Delete" || event.key === "Backspace") {
    event.preventDefault();
    clearAll();
  }
});

function settle() {
  clearTimeout(settleTimer);
  settleTimer = setTimeout(classifyNow, SETTLE_MS);
}

function clearAll() {
  clearTimeout(settleTimer);
  requestId++; // an answer still on its way is for the old drawing
  resetPad();
  clearAnswer(numberToggle.checked ? "Write a number to begin." : "Draw a digit to begin.");
}

document.getElementById("clear").addEventListener("click", clearAll);

numberToggle.addEventListener("change", () => {
  const file = uploaded;
  document.body.classList.toggle("number-mode", numberToggle.checked);
  requestId++;
  resetPad();
  clearAnswer(numberToggle.checked ? "Write a number to begin." : "Draw a digit to begin.");
  if (file) showFile(file); // the same photo, read the other way
});

fileInput.addEventListener("change", () => {
  if (fileInput.files.length > 0) showFile(fileInput.files[0]);
  fileInput.value = "";
});

// Drop a photo on the pad.
pad.addEventListener("dragover", (event) => {
  event.preventDefault();
  pad.classList.add("dragging");
  dropHint.hidden = false;
});
pad.addEventListener("dragleave", () => {
  pad.classList.remove("dragging");
  dropHint.hidden = true;
});
pad.addEventListener("drop", (event) => {
  event.preventDefault();
  pad.classList.remove("dragging");
  dropHint.hidden = true;
  const file = event.dataTransfer.files[0];
  if (file) showFile(file);
});

/** Shows a photo on the pad (fitted, centered) and sends the file itself. */
async function showFile(file) {
  resetPad();
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(canvas.width / bitmap.width, canvas.height / bitmap.height);
    const width = bitmap.width * scale;
    const height = bitmap.height * scale;
    context.drawImage(
      bitmap,
      (canvas.width - width) / 2,
      (canvas.height - height) / 2,
      width,
      height,
    );
    bitmap.close();
  } catch {
    // The browser cannot show it; the server still says what it makes of the bytes.
  }
  uploaded = file;
  hasInk = true;
  classifyNow();
}

async function classifyNow() {
  clearTimeout(settleTimer);
  if (!hasInk) {
    requestId++;
    clearAnswer("Nothing drawn yet.");
    return;
  }
  const id = ++requestId;
  statusLine.classList.remove("error");
  statusLine.textContent = "Reading…";
  const body = uploaded ?? await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
  const query = numberToggle.checked ? "?pixels=1&number=1" : "?pixels=1";
  let response;
  let answer;
  try {
    response = await fetch(`/classify${query}`, {
      method: "POST",
      body,
      headers: { "content-type": body.type || "application/octet-stream" },
    });
    answer = await response.json();
  } catch (error) {
    if (id === requestId) showError(`The server did not answer (${error.message}).`);
    return;
  }
  if (id !== requestId) return;
  if (response.status === 501 && numberToggle.checked) {
    // This server cannot read numbers yet: say so and go back to one digit.
    numberToggle.checked = false;
    numberToggle.disabled = true;
    numberToggle.parentElement.title = answer.error;
    document.body.classList.remove("number-mode");
    const file = uploaded;
    resetPad();
    clearAnswer(`${answer.error}. Reading one digit instead.`);
    if (file) showFile(file);
    return;
  }
  showAnswer(response.status, answer);
}

function showError(message) {
  clearAnswer(message);
  statusLine.classList.add("error");
}

function showAnswer(status, answer) {
  clearAnswer("The network read:");
  // A number's first digit stands for "what the network saw"; each digit shows its own below.
  const pixels = answer.pixels ?? answer.digits?.[0]?.pixels;
  if ("number" in answer) showNumber(answer);
  else if (status !== 200 || answer.error) {
    showError(answer.error ?? `The server answered ${status}.`);
  } else if (answer.digit === null) {
    guess.textContent = "not a digit";
    guess.classList.add("words");
    detail.textContent = answer.reason ?? "";
  } else {
    guess.textContent = String(answer.digit);
    detail.textContent = `${percent(answer.confidence)} sure` +
      (typeof answer.notDigit === "number" ? `; not a digit: ${percent(answer.notDigit)}` : "");
    drawBars(answer.probabilities, answer.digit);
  }
  if (Array.isArray(pixels)) drawSeen(pixels);
}

function showNumber(answer) {
  if (answer.number === null) {
    showError(answer.error ?? "No number found.");
    return;
  }
  // One number per row of the picture (`numbers`, when the server reads rows).
  const rows = Array.isArray(answer.numbers) && answer.numbers.length > 0
    ? answer.numbers
    : [answer.number];
  statusLine.textContent = rows.length === 1
    ? "The network read the number:"
    : `The network read ${rows.length} numbers, one per row:`;
  guess.textContent = rows.join(" ");
  detail.textContent = `${answer.digits.length} digit${answer.digits.length === 1 ? "" : "s"}`;
  for (const digit of answer.digits) {
    const item = document.createElement("li");
    if (Array.isArray(digit.pixels)) {
      const small = document.createElement("canvas");
      small.width = small.height = 28;
      small.className = "digit-seen";
      small.setAttribute("aria-hidden", "true");
      drawPixels(small, digit.pixels);
      item.append(small);
    }
    const d = document.createElement("span");
    d.className = "d";
    d.textContent = String(digit.digit);
    const c = document.createElement("span");
    c.className = "c";
    c.textContent = percent(digit.confidence);
    item.append(d, c);
    item.setAttribute("aria-label", `${digit.digit}, ${percent(digit.confidence)} sure`);
    digitList.append(item);
  }
  digitList.hidden = false;
}

function drawBars(probabilities, top) {
  const items = probabilities.map((p, d) => {
    const item = document.createElement("li");
    if (d === top) item.className = "top";
    const label = document.createElement("span");
    label.textContent = String(d);
    const track = document.createElement("span");
    track.className = "track";
    const fill = document.createElement("span");
    fill.className = "fill";
    fill.style.width = `${(p * 100).toFixed(1)}%`;
    track.append(fill);
    const value = document.createElement("span");
    value.className = "value";
    value.textContent = percent(p);
    item.append(label, track, value);
    item.setAttribute("aria-label", `${d}: ${percent(p)}`);
    return item;
  });
  bars.replaceChildren(...items);
}

/** The 28x28 input (0..1, ink bright) as gray pixels, on the "what the network saw" canvas. */
function drawSeen(pixels) {
  drawPixels(seen, pixels);
}

function drawPixels(target, pixels) {
  const image = new ImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = Math.round(Math.min(1, Math.max(0, pixels[i] ?? 0)) * 255);
    image.data[i * 4] = image.data[i * 4 + 1] = image.data[i * 4 + 2] = v;
    image.data[i * 4 + 3] = 255;
  }
  target.getContext("2d").putImageData(image, 0, 0);
}

function percent(p) {
  return `${(p * 100).toFixed(p >= 0.9995 || p < 0.0005 ? 0 : 1)}%`;
}

resetPad();
