/**
 * digits: train a from-scratch neural network on MNIST in the terminal.
 *
 * With no arguments in a terminal it opens the interactive menu; with a command name it runs
 * that command (`deno task start train --epochs 3`). Without a terminal and without a command
 * it prints a hint and exits with status 2 instead of waiting for keys that never come.
 */
import { runCli } from "./src/cli/run.ts";

async function main(args: string[]): Promise<number> {
  if (args.length > 0) return await runCli(args);
  if (!Deno.stdin.isTerminal() || !Deno.stdout.isTerminal()) {
    console.error(
      "digits: the menu needs a terminal; use a command instead, e.g. `deno task start train` (see `deno task start --help`)",
    );
    return 2;
  }
  const { runMenu } = await import("./src/tui/app/mod.ts").catch(() => ({ runMenu: undefined }));
  if (!runMenu) return await runCli(["--help"]);
  return await runMenu();
}

Deno.exit(await main(Deno.args));
