/** `preview`: show dataset digits as 28x28 block art with their labels. */
import { loadMnist } from "../../data/mod.ts";
import { IMAGE_PIXELS } from "../../data/dataset.ts";
import { UserError } from "../../errors.ts";
import { renderBlockArt, sideBySide } from "../../text/block_art.ts";
import type { CommandIo } from "../io.ts";

/** The flags of `preview`. */
export interface PreviewFlags {
  set: "train" | "test";
  index?: number;
  count: number;
  dataDir?: string;
  sample?: boolean;
  json?: boolean;
}

/** Runs `preview`; returns the exit status. */
export async function previewCommand(flags: PreviewFlags, io: CommandIo): Promise<number> {
  const data = await loadMnist({ dataDir: flags.dataDir, sample: flags.sample });
  const dataset = flags.set === "train" ? data.train : data.test;
  const first = flags.index ?? Math.floor(Math.random() * dataset.count);
  if (first >= dataset.count) {
    throw new UserError(
      `--index ${first} is past the end of the ${flags.set} set (${dataset.count} digits: 0 to ${
        dataset.count - 1
      })`,
    );
  }
  const indices = [];
  for (let i = first; i < Math.min(dataset.count, first + flags.count); i++) indices.push(i);
  if (flags.json) {
    for (const index of indices) {
      const pixels = dataset.pixels.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS);
      io.write(
        JSON.stringify({
          set: flags.set,
          index,
          label: dataset.labels[index],
          pixels: [...pixels],
        }) +
          "\n",
      );
    }
    return 0;
  }
  const blocks = indices.map((index) => {
    const pixels = dataset.pixels.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS);
    return renderBlockArt(pixels, { color: io.color });
  });
  const captions = indices.map((index) => `#${index}: ${dataset.labels[index]}`);
  io.write(`${data.description}, ${flags.set} set\n`);
  io.write(sideBySide(blocks, 2, io.columns, captions).join("\n") + "\n");
  return 0;
}
