/**
 * A tiny full-screen program for screen_test.ts, driven in tmux:
 * `screen_fixture.ts events` shows each input event until "q";
 * `screen_fixture.ts throw` throws an uncaught error on the first key;
 * `screen_fixture.ts wait` sits still (for signal tests).
 * It prints "needs a terminal: <message>" when the Screen refuses a non-terminal.
 */
import { UserError } from "../../../errors.ts";
import { Screen } from "../screen.ts";

const mode = Deno.args[0] ?? "events";
let screen: Screen;
try {
  screen = Screen.enter({ mouse: mode !== "wait" });
} catch (error) {
  if (error instanceof UserError) {
    console.log(`needs a terminal: ${error.message}`);
    Deno.exit(3);
  }
  throw error;
}

const log: string[] = [];
const render = () => {
  const { columns, rows } = screen.size();
  screen.draw([`READY ${mode} pid ${Deno.pid} size ${columns}x${rows}`, ...log.slice(-(rows - 2))]);
};
screen.onResize(render);
render();

if (mode === "wait") {
  await new Promise(() => setInterval(() => {}, 1000));
}
for await (const event of screen.events()) {
  if (mode === "throw") throw new Error("boom from the fixture");
  log.push(
    event.type === "key"
      ? `key ${event.ctrl ? "C-" : ""}${event.alt ? "M-" : ""}${event.key}`
      : `mouse ${event.action} ${event.button} ${event.x},${event.y}`,
  );
  render();
  if (event.type === "key" && event.key === "q") break;
}
screen.leave();
// The tty mode as seen while this process still runs (Deno would also reset it at exit).
const stty = new Deno.Command("stty", { args: ["-a"], stdin: "inherit" }).outputSync();
const flags = new TextDecoder().decode(stty.stdout).split(/[\s;]+/)
  .filter((flag) => /^-?(icanon|echo)$/.test(flag));
console.log(`LEFT normally, tty: ${flags.join(" ")}`);
