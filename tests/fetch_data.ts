/**
 * Before the tests: when neither `$MNIST_DIR` nor `./data` holds the full MNIST, try to download
 * it into `./data` the way `deno task start fetch-data` does (the same mirrors, checksums
 * verified, atomic writes), for at most a minute. Offline, or when the mirrors are slow, it says
 * so in one line and the tests that need the full set skip (tests/env.ts). It never fails: the
 * tests decide. CI brings its own MNIST (`MNIST_DIR`) and is not given a download.
 *
 *     deno run --allow-read --allow-write --allow-env --allow-net=... tests/fetch_data.ts
 */
import { fetchMnist, MNIST_MIRRORS } from "../src/data/fetch.ts";
import { resolveDataDir } from "../src/data/locate.ts";
import { IN_CI, MNIST_DIR } from "./env.ts";

/** How long the whole download may take before the tests go on without it. */
const LIMIT_MS = 60_000;
/** DIGITS_MNIST_MIRRORS replaces the public mirrors, as for the app. */
const listed = Deno.env.get("DIGITS_MNIST_MIRRORS")?.split(",").map((url) => url.trim())
  .filter((url) => url !== "");

if (!IN_CI && !Deno.env.get("MNIST_DIR") && !resolveDataDir(MNIST_DIR).complete) {
  console.log(`the full MNIST is not in ${MNIST_DIR}: downloading it (11 MB, at most 60 s)`);
  try {
    await fetchMnist({
      dataDir: MNIST_DIR,
      mirrors: listed?.length ? listed : MNIST_MIRRORS,
      signal: AbortSignal.timeout(LIMIT_MS),
      stallTimeoutMs: 10_000,
    });
    console.log(`downloaded the full MNIST into ${MNIST_DIR}`);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.log(`no download (${reason.split("\n")[0]}): tests that need the full MNIST skip`);
  }
}
