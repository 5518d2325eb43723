import assert from "node:assert/strict";
import { frameUpdate } from "./screen.ts";
import { skipUnless } from "../../../tests/env.ts";

const size = { columns: 10, rows: 4 };
const SYNC = (body: string) => `\x1b[?2026h${body}\x1b[?2026l`;

Deno.test("frameUpdate: the first frame writes every row and clears below", () => {
  assert.equal(
    frameUpdate(undefined, ["ab", "cd"], size),
    SYNC("\x1b[1;1Hab\x1b[0m\x1b[K\x1b[2;1Hcd\x1b[0m\x1b[K\x1b[3;1H\x1b[J"),
  );
});

Deno.test("frameUpdate: later frames rewrite only changed rows, nothing if none changed", () => {
  assert.equal(frameUpdate(["ab", "cd"], ["ab", "ce"], size), SYNC("\x1b[2;1Hce\x1b[0m\x1b[K"));
  assert.equal(frameUpdate(["ab", "cd"], ["ab", "cd"], size), "");
  // A shorter frame clears the rows the old one used.
  assert.equal(frameUpdate(["a", "b", "c"], ["a"], size), SYNC("\x1b[2;1H\x1b[J"));
});

Deno.test("frameUpdate: cuts lines to the width and rows to the height, never scrolls", () => {
  const out = frameUpdate(undefined, ["0123456789ABC", "x", "y", "z", "past the end"], size);
  // A full-width row skips the erase, which would eat the last column.
  assert.ok(out.includes("\x1b[1;1H0123456789\x1b[0m\x1b[2;1H"));
  assert.ok(!out.includes("past"));
  assert.ok(!out.includes("\n"));
  assert.ok(!out.includes("\x1b[5;1H"));
  // Colors are cut with the text but their reset codes stay.
  const colored = frameUpdate(undefined, ["\x1b[31m0123456789ABC\x1b[39m"], size);
  assert.ok(colored.includes("\x1b[31m0123456789\x1b[39m\x1b[0m"));
});

const fixture = new URL("./testdata/screen_fixture.ts", import.meta.url).pathname;

Deno.test("Screen.enter refuses a stdin that is not a terminal with a clear message", async () => {
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", fixture],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn().output();
  const stdout = new TextDecoder().decode(result.stdout);
  assert.equal(result.code, 3, stdout + new TextDecoder().decode(result.stderr));
  assert.equal(
    stdout.trim(),
    "needs a terminal: the interactive screen needs a terminal, but stdin is piped or " +
      "redirected; run it in a terminal or use the non-interactive commands",
  );
});

/** A tmux server with one pane running the fixture, then printing its status and tty mode. */
class TmuxPane {
  static #count = 0;
  readonly socket = `screen-test-${Deno.pid}-${TmuxPane.#count++}`;

  constructor(mode: string, columns = 70, rows = 12) {
    const shell =
      `'${Deno.execPath()}' run --allow-read --allow-env --allow-run=stty '${fixture}' ${mode}; ` +
      `echo STATUS $?; echo TTY: $(stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(icanon|echo)' ` +
      `| tr '\\n' ' '); sleep 60`;
    this.tmux(
      "-f",
      "/dev/null",
      "new-session",
      "-d",
      "-s",
      "s",
      "-x",
      `${columns}`,
      "-y",
      `${rows}`,
      shell,
    );
  }

  tmux(...args: string[]): string {
    const result = new Deno.Command("tmux", { args: ["-L", this.socket, ...args] }).outputSync();
    return new TextDecoder().decode(result.stdout);
  }

  /** tmux's view of the terminal modes: alternate screen, cursor, mouse reporting. */
  modes(): { alternate: boolean; cursorVisible: boolean; mouse: boolean; sgrMouse: boolean } {
    const [alternate, cursor, mouse, sgr] = this.tmux(
      "display",
      "-p",
      "-t",
      "s",
      "#{alternate_on} #{cursor_flag} #{mouse_any_flag} #{mouse_sgr_flag}",
    ).trim().split(" ");
    return {
      alternate: alternate === "1",
      cursorVisible: cursor === "1",
      mouse: mouse === "1",
      sgrMouse: sgr === "1",
    };
  }

  screen(): string {
    return this.tmux("capture-pane", "-p", "-t", "s");
  }

  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.screen();
      if (pattern.test(text)) return text;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  keys(...keys: string[]): void {
    this.tmux("send-keys", "-t", "s", ...keys);
  }

  /** Sends raw bytes as if the terminal had written them (e.g. a mouse report). */
  bytes(text: string): void {
    const hex = Array.from(new TextEncoder().encode(text), (b) => b.toString(16));
    this.tmux("send-keys", "-t", "s", "-H", ...hex);
  }

  [Symbol.dispose](): void {
    this.tmux("kill-server");
  }
}

Deno.test({
  name: "Screen in a real terminal: modes on, events parsed, resize redraws, leave restores",
  ignore: skipUnless(import.meta, "tmux"),
  async fn() {
    using pane = new TmuxPane("events");
    await pane.waitFor(/READY events .* size 70x12/);
    assert.deepEqual(pane.modes(), {
      alternate: true,
      cursorVisible: false,
      mouse: true,
      sgrMouse: true,
    });

    pane.keys("a", "Up", "C-d");
    // A stroke: press at column 5 row 3 (1-based), drag one cell right, release.
    pane.bytes("\x1b[<0;5;3M\x1b[<32;6;3M\x1b[<0;6;3m");
    pane.keys("Escape");
    const text = await pane.waitFor(/key escape/);
    assert.deepEqual(text.split("\n").slice(1, 8), [
      "key a",
      "key up",
      "key C-d",
      "mouse press left 4,2",
      "mouse drag left 5,2",
      "mouse release left 5,2",
      "key escape",
    ]);

    pane.tmux("resize-window", "-t", "s", "-x", "60", "-y", "10");
    await pane.waitFor(/READY events .* size 60x10/);

    pane.keys("q");
    const after = await pane.waitFor(/TTY:/);
    assert.match(after, /LEFT normally, tty: icanon echo\nSTATUS 0\nTTY: icanon echo/);
    assert.deepEqual(pane.modes(), {
      alternate: false,
      cursorVisible: true,
      mouse: false,
      sgrMouse: false,
    });
  },
});

Deno.test({
  name: "Screen restores the terminal when an uncaught error ends the program",
  ignore: skipUnless(import.meta, "tmux"),
  async fn() {
    using pane = new TmuxPane("throw");
    await pane.waitFor(/READY throw/);
    pane.keys("x");
    const after = await pane.waitFor(/TTY:/);
    // The error is printed on the normal screen, after the terminal was restored.
    assert.match(after, /Uncaught \(in promise\) Error: boom from the fixture/);
    assert.match(after, /STATUS 1\nTTY: icanon echo/);
    assert.deepEqual(pane.modes(), {
      alternate: false,
      cursorVisible: true,
      mouse: false,
      sgrMouse: false,
    });
  },
});

Deno.test({
  name: "Screen restores the terminal on SIGTERM and SIGINT and exits 143 / 130",
  ignore: skipUnless(import.meta, "tmux"),
  async fn() {
    for (const [signal, status] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
      using pane = new TmuxPane("wait");
      const text = await pane.waitFor(/READY wait pid \d+/);
      assert.equal(pane.modes().alternate, true);
      Deno.kill(Number(/pid (\d+)/.exec(text)![1]), signal);
      const after = await pane.waitFor(/TTY:/);
      assert.match(after, new RegExp(`STATUS ${status}\\nTTY: icanon echo`));
      assert.deepEqual(pane.modes(), {
        alternate: false,
        cursorVisible: true,
        mouse: false,
        sgrMouse: false,
      });
    }
  },
});
