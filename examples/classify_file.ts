/**
 * Reads the digit in one image file with digits as a library. Run it from any folder, with the
 * project's deno.json for the import map:
 *
 *   deno run --config path/to/digits/deno.json --allow-read path/to/digits/examples/classify_file.ts my_digit.png
 *
 * Without a file it reads a drawn ring from the project's test images (a zero).
 */
import { loadModel } from "../mod.ts";

const file = Deno.args[0] ??
  decodeURIComponent(new URL("../src/image/testdata/ring_baseline.jpg", import.meta.url).pathname);
// The model you name, else your own models/default.safetensors here, else the shipped one.
const model = await loadModel(Deno.args[1]);
const result = model.classify(await Deno.readFile(file));
if (result.digit === null) console.log(`${file}: ${result.reason}`);
else console.log(`${file}: ${result.digit} (${(result.confidence * 100).toFixed(1)}% sure)`);
console.log(`model: ${model.info.path}, ${model.info.architecture}`);
