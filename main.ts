/**
 * digits: train a from-scratch neural network on MNIST in the terminal.
 *
 * With no arguments (or only `--model`, `--data-dir`, `--sample`) in a terminal it opens the
 * interactive menu; with a command name it runs that command (`deno task start train --epochs 3`). Without a terminal and without a command
 * it prints a hint and exits with status 2 instead of waiting for keys that never come.
 */
import { runCli } from "./src/cli/run.ts";
import { type MenuOptions, runMenu } from "./src/tui/mod.ts";

async function main(args: string[]): Promise<number> {
  const menuOptions = parseMenuOptions(args);
  if (!menuOptions) return await runCli(args);
  if (!Deno.stdin.isTerminal() || !Deno.stdout.isTerminal()) {
    console.error(
      "digits: the menu needs a terminal; use a command instead, e.g. `deno task start train` (see `deno task start --help`)",
    );
    return 2;
  }
  return await runMenu(menuOptions);
}

/**
 * The menu's options when `args` hold nothing else (`--model <path>`, `--data-dir <dir>`,
 * `--sample`, in any order, also as `--model=<path>`); undefined when `args` name a command or
 * anything else, which the command line then handles (and explains).
 */
function parseMenuOptions(args: string[]): MenuOptions | undefined {
  const options: MenuOptions = {};
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    if (flag === "--sample" && inline === undefined) {
      options.sample = true;
      continue;
    }
    if (flag !== "--model" && flag !== "--data-dir") return undefined;
    const value = inline ?? args[++i];
    if (value === undefined || value === "") return undefined;
    if (flag === "--model") options.model = value;
    else options.dataDir = value;
  }
  return options;
}

Deno.exit(await main(Deno.args));
