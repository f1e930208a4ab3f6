/**
 * Runs the reference samples (`referenceSamples.ts`) against whatever host
 * started the plugin and collects what they produced, as plain JSON, so the
 * same run can be checked in Node against `MockHost` and inside a plugin
 * frame in Chromium against the real host. Also the files round trip of
 * issue #18: a 3 MB binary written and read back byte-exact, and a write
 * past the per-file limit refused with nothing written.
 */
import type { TaikuPlugin } from "@taiku/plugin-sdk";
import {
  bridgeFirstSample,
  eventDrivenSample,
  gracefulDegradationSample,
  pluginFilesSample,
  pollingSampleRound,
  sampleAudio,
  sdkClientSample,
  secretsAndSettingsSample,
  sessionKvSample,
  userKvSample,
  type SampleStubs,
} from "./referenceSamples";

export { secretsAndSettingsSample };

/** What the stubs were called with. */
export interface Rendered {
  outputs: string[];
  errors: string[];
  polled: [number, string][];
}

function stubs(rendered: Rendered, refreshed: number[] = []): SampleStubs {
  return {
    fetchAudioBuffer: sampleAudio,
    renderOutput: (output) => rendered.outputs.push(output),
    renderError: (message) => rendered.errors.push(message),
    refreshShell: (shellId) => refreshed.push(shellId),
    renderShell: (shellId, output) => rendered.polled.push([shellId, output]),
  };
}

/** Runs every sample but the secrets one (which depends on a configured secret) against `taiku`; `shellId` names a shared shell. */
export async function runReferenceSamples(taiku: TaikuPlugin, shellId: number) {
  const rendered: Rendered = { outputs: [], errors: [], polled: [] };
  const client = await sdkClientSample();
  const sessionKv = await sessionKvSample(taiku);
  const userKv = await userKvSample(taiku);
  const files = await pluginFilesSample(taiku, stubs(rendered));
  const bridgeFirst = await bridgeFirstSample(taiku);
  await gracefulDegradationSample(taiku, shellId, stubs(rendered));
  await gracefulDegradationSample(taiku, shellId + 1000, stubs(rendered));
  await pollingSampleRound(taiku, stubs(rendered));
  const status = sessionKv.status as { startedAt?: unknown } | null;
  return {
    client: { title: client.session.title, shells: client.shells },
    sessionKv: { ...sessionKv, startedAtIsNumber: typeof status?.startedAt === "number" },
    userKv,
    files,
    bridgeFirst,
    rendered,
    setting: await taiku.getSetting("last_used_shell"),
  };
}

/** Subscribes the event-driven sample; `seen` collects the shell ids it was told to refresh. */
export function watchShellEvents(taiku: TaikuPlugin): { seen: number[]; stop: () => void } {
  const seen: number[] = [];
  const stop = eventDrivenSample(taiku, stubs({ outputs: [], errors: [], polled: [] }, seen));
  return { seen, stop };
}

/** Writes a `size`-byte binary and reads it back: whether it came back byte-exact, and whether the written buffer was transferred. */
export async function roundTripBinary(taiku: TaikuPlugin, size: number) {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 8)) & 255;
  const expected = bytes.slice();
  await taiku.writePluginFile("big.bin", bytes.buffer);
  const transferred = bytes.byteLength === 0;
  const back = new Uint8Array(await taiku.readPluginFile("big.bin"));
  let same = back.byteLength === expected.byteLength;
  for (let i = 0; same && i < back.byteLength; i++) same = back[i] === expected[i];
  return { size: back.byteLength, same, transferred };
}

/** Writes one byte more than `maxFileBytes`: the error's code and message, and the files listed afterwards. */
export async function writePastFileLimit(taiku: TaikuPlugin) {
  const { limits } = await taiku.getStorageUsage();
  const error = await taiku.writePluginFile("too-big.bin", new Uint8Array(limits.maxFileBytes + 1)).then(
    () => null,
    (cause: { code?: string; message?: string }) => ({ code: cause.code, message: cause.message }),
  );
  return { limits, error, files: (await taiku.listPluginFiles()).map((file) => file.name) };
}
