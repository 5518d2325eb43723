import assert from "node:assert/strict";
import { isBack, type Message, ScreenLoop, type ScreenProgram } from "./screen_loop.ts";
import { fakeTerminal, key } from "./screen_loop_testing.ts";

const SIZE = { columns: 40, rows: 8 };

function newLoop() {
  const terminal = fakeTerminal(SIZE);
  const loop = new ScreenLoop(terminal, { color: "none", header: () => ["model: test"] });
  return { terminal, loop };
}

/** Resolves once `condition` holds (the loop's work runs in later tasks). */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(condition(), `timed out waiting for ${what}`);
}

Deno.test("keys reach update in order; Esc, Ctrl-C and q (unless typing) arrive as back", () => {
  assert.ok(isBack(key("escape"), false));
  assert.ok(isBack(key("ctrl+c"), true));
  assert.ok(isBack(key("q"), false));
  assert.ok(!isBack(key("q"), true), "q is a letter while text is typed");
  assert.ok(!isBack(key("Q"), false));
  assert.ok(!isBack(key("ctrl+q"), false));
});

Deno.test("a screen's frames have the header, its title, its body and footer, within the size", async () => {
  const { terminal, loop } = newLoop();
  const seen: string[] = [];
  const program: ScreenProgram<string, never, string> = {
    title: "Typing",
    init: () => ({ state: "" }),
    typing: () => true,
    update(text, message) {
      seen.push(message.type);
      if (message.type === "back") return { state: text, exit: { value: text } };
      if (message.type === "input" && message.event.type === "key") {
        return { state: text + message.event.key };
      }
      return { state: text };
    },
    view: (text, frame) => ({
      body: [`text: ${text}`, `${frame.columns}x${frame.rows}`],
      footer: "f",
    }),
  };
  const result = loop.run(program);
  terminal.type("q", "u", "i", "t", "escape");
  assert.equal(await result, "quit", "q was typed, Esc left");
  assert.deepEqual(seen, ["resize", "input", "input", "input", "input", "back"]);
  const frame = terminal.lastFrame();
  assert.equal(frame.length, SIZE.rows);
  assert.equal(frame[0], "model: test");
  assert.match(frame[1], /── Typing ─+/);
  assert.equal(frame[2], "text: quit");
  assert.equal(frame[3], "40x5", "the body gets the rows between rule and footer");
  assert.equal(frame[SIZE.rows - 1], "f");
  loop.close();
});

type Counted = { counted: number[]; done: boolean; stopped: boolean };
type CountMessage = { n: number } | { finished: boolean };

/** A screen whose work counts until aborted; Enter cancels the work, Esc leaves. */
function countingScreen(log: string[]): ScreenProgram<Counted, CountMessage, Counted> {
  return {
    title: "Count",
    init: () => ({
      state: { counted: [], done: false, stopped: false },
      work: [{
        id: "count",
        run: async (send, signal) => {
          for (let n = 1; !signal.aborted; n++) {
            send({ n });
            await new Promise((r) => setTimeout(r, 2));
          }
          log.push("work saw abort");
          send({ finished: true });
        },
      }],
    }),
    update(state, message: Message<CountMessage>) {
      if (message.type === "back") return { state, exit: { value: state } };
      if (message.type === "input" && message.event.type === "key") {
        if (message.event.key === "enter") {
          return { state: { ...state, stopped: true }, cancel: ["count"] };
        }
      }
      if (message.type === "work") {
        const m = message.message;
        if ("n" in m) return { state: { ...state, counted: [...state.counted, m.n] } };
        return { state: { ...state, done: true } };
      }
      return { state };
    },
    view: (state) => ({ body: [`counted ${state.counted.length}`], footer: "" }),
  };
}

Deno.test("work reports as messages; cancel aborts it and its last report still arrives", async () => {
  const { terminal, loop } = newLoop();
  const log: string[] = [];
  let latest: Counted | undefined;
  const program = countingScreen(log);
  const spy: typeof program = {
    ...program,
    update: (s, m) => {
      const step = program.update(s, m);
      latest = step.state;
      return step;
    },
  };
  const result = loop.run(spy);
  await until(() => (latest?.counted.length ?? 0) >= 3, "three counts");
  terminal.type("enter");
  await until(() => latest?.done === true, "the work's final report");
  assert.deepEqual(log, ["work saw abort"]);
  assert.deepEqual(latest!.counted, latest!.counted.map((_, i) => i + 1), "in order, none lost");
  terminal.type("escape");
  const final = await result;
  assert.ok(final?.stopped && final.done);
  loop.close();
});

Deno.test("leaving a screen aborts its work and waits for it to end", async () => {
  const { terminal, loop } = newLoop();
  const log: string[] = [];
  const result = loop.run(countingScreen(log));
  await new Promise((r) => setTimeout(r, 10));
  terminal.type("escape");
  await result;
  assert.deepEqual(log, ["work saw abort"], "the work ended before run() resolved");
  loop.close();
});

Deno.test("when the input ends (a signal left the terminal) the screen's work stops and run() resolves undefined", async () => {
  const { terminal, loop } = newLoop();
  const log: string[] = [];
  const result = loop.run(countingScreen(log));
  await new Promise((r) => setTimeout(r, 10));
  terminal.endInput();
  assert.equal(await result, undefined);
  assert.deepEqual(log, ["work saw abort"]);
  assert.ok(loop.inputEnded);
  loop.close();
});

Deno.test("an update that throws rejects run() with that error, after the work ended", async () => {
  const { terminal, loop } = newLoop();
  const log: string[] = [];
  const program = countingScreen(log);
  const failing: typeof program = {
    ...program,
    update: (s, m) => {
      if (m.type === "input") throw new Error("broken screen");
      return program.update(s, m);
    },
  };
  const result = loop.run(failing);
  terminal.type("x");
  await assert.rejects(result, /broken screen/);
  assert.deepEqual(log, ["work saw abort"]);
  // The loop goes on: the next screen gets the keys.
  const next = loop.run(countingScreen([]));
  terminal.type("escape");
  assert.ok(await next);
  loop.close();
});

Deno.test("work that throws arrives as work-failed; keys typed between screens are not lost", async () => {
  const { terminal, loop } = newLoop();
  const failures: string[] = [];
  const program: ScreenProgram<null, never, void> = {
    title: "Fails",
    init: () => ({
      state: null,
      work: [{
        id: "read",
        run: () => Promise.reject(new Error("disk on fire")),
      }],
    }),
    update(state, message) {
      if (message.type === "work-failed") failures.push(`${message.id}: ${message.error}`);
      if (message.type === "back") return { state, exit: { value: undefined } };
      return { state };
    },
    view: () => ({ body: [], footer: "" }),
  };
  const first = loop.run(program);
  await until(() => failures.length === 1, "the failure");
  assert.deepEqual(failures, ["read: Error: disk on fire"]);
  terminal.type("escape", "escape"); // the second Esc is for the next screen
  await first;
  const second = loop.run(countingScreen([]));
  assert.ok(await second, "the second Esc, typed before the screen started, reached it");
  loop.close();
});

Deno.test("a resize tells update the new frame and redraws at the new size", async () => {
  const { terminal, loop } = newLoop();
  const frames: string[] = [];
  const program: ScreenProgram<string, never, void> = {
    title: "Size",
    init: () => ({ state: "" }),
    update(state, message) {
      if (message.type === "resize") {
        frames.push(`${message.frame.columns}x${message.frame.rows}`);
        return { state: `${message.frame.columns}x${message.frame.rows}` };
      }
      return message.type === "back" ? { state, exit: { value: undefined } } : { state };
    },
    view: (state) => ({ body: [state], footer: "" }),
  };
  const result = loop.run(program);
  terminal.resize({ columns: 60, rows: 12 });
  assert.deepEqual(frames, ["40x5", "60x9"]);
  assert.equal(terminal.lastFrame().length, 12);
  assert.equal(terminal.lastFrame()[2], "60x9");
  terminal.type("escape");
  await result;
  loop.close();
});

Deno.test("mouse reporting follows the screen's state and is off again after it", async () => {
  const { terminal, loop } = newLoop();
  const program: ScreenProgram<boolean, never, void> = {
    title: "Mouse",
    init: () => ({ state: true }),
    mouse: (on) => on,
    update: (on, message) =>
      message.type === "back"
        ? { state: on, exit: { value: undefined } }
        : message.type === "input"
        ? { state: !on }
        : { state: on },
    view: () => ({ body: [], footer: "" }),
  };
  const result = loop.run(program);
  assert.equal(terminal.mouse, true);
  terminal.type("m");
  await until(() => !terminal.mouse, "mouse off after a key");
  terminal.type("m");
  await until(() => terminal.mouse, "mouse on again");
  terminal.type("escape");
  await result;
  assert.equal(terminal.mouse, false);
  loop.close();
});

Deno.test("ticks arrive while the state asks for them, and stop when it does not", async () => {
  const { terminal, loop } = newLoop();
  let ticks = 0;
  const program: ScreenProgram<number, never, void> = {
    title: "Clock",
    init: () => ({ state: 0 }),
    tickMs: (n) => (n < 3 ? 5 : undefined),
    update(n, message) {
      if (message.type === "tick") {
        ticks++;
        return { state: n + 1 };
      }
      return message.type === "back" ? { state: n, exit: { value: undefined } } : { state: n };
    },
    view: (n) => ({ body: [`${n}`], footer: "" }),
  };
  const result = loop.run(program);
  await until(() => ticks === 3, "three ticks");
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(ticks, 3, "no tick after the state stopped asking");
  terminal.type("escape");
  await result;
  loop.close();
});

Deno.test("a screen ended by the input's end leaves its farewell, from the state after its work ended", async () => {
  const { terminal, loop } = newLoop();
  const program = countingScreen([]);
  const result = loop.run({
    ...program,
    farewell: (state) => `stopped with ${state.done ? "the work's last report" : "nothing"}`,
  });
  await new Promise((r) => setTimeout(r, 10));
  terminal.endInput();
  await result;
  assert.deepEqual(loop.farewells, ["stopped with the work's last report"]);
  loop.close();
});

Deno.test("a screen the user leaves says no farewell", async () => {
  const { terminal, loop } = newLoop();
  const result = loop.run({ ...countingScreen([]), farewell: () => "should not be said" });
  terminal.type("escape");
  await result;
  assert.deepEqual(loop.farewells, []);
  loop.close();
});
