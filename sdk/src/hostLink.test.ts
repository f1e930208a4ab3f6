/**
 * The late-SDK handshake from the plugin's side: a host that answers
 * `taiku:connect` replaces the connection, and a client follows it,
 * sending there the requests the old port never delivered. Only a
 * replacement of the same plugin instance is followed.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createInit, createResponse, decodeBridgeMessage, type PluginId, type SessionId } from "@taiku/engine";
import { BridgeClient } from "./bridgeClient";
import { forgetHostLink, offerHostLink, type HostLink } from "./hostLink";

const links: HostLink[] = [];
afterEach(() => {
  for (const link of links.splice(0)) forgetHostLink(link.port);
});

/** A host end: a channel whose host side answers every request with its own `label`. */
function hostEnd(label: string, instanceId = "frame-1"): { link: HostLink; requests: string[] } {
  const channel = new MessageChannel();
  const requests: string[] = [];
  channel.port1.onmessage = (event: MessageEvent) => {
    const decoded = decodeBridgeMessage(event.data);
    if (decoded.error !== undefined || decoded.message.type !== "taiku:request") return;
    requests.push(decoded.message.method);
    channel.port1.postMessage(createResponse(decoded.message.id, label));
  };
  const init = createInit({ pluginId: "notes" as PluginId, sessionId: "s1" as SessionId, instanceId, theme: "dark" });
  const link = { init, port: channel.port2 };
  links.push(link);
  return { link, requests };
}

describe("a replaced host connection", () => {
  it("moves a client to the replacing port, where its unanswered request is sent and answered", async () => {
    const first = hostEnd("first");
    const second = hostEnd("second");
    first.link.port.close();
    offerHostLink(first.link);
    const client = new BridgeClient(2000);
    await client.ready();
    const answer = client.request("getSession", {});
    offerHostLink(second.link, true);
    expect(await answer).toBe("second");
    expect(second.requests).toEqual(["getSession"]);
    expect(await client.request("getShells", {})).toBe("second");
    client.close();
  });

  it("does not follow a connection of another instance, nor one offered without replacing", async () => {
    const first = hostEnd("first");
    offerHostLink(first.link);
    const client = new BridgeClient(2000);
    await client.ready();
    offerHostLink(hostEnd("other instance", "frame-2").link, true);
    offerHostLink(hostEnd("not replacing").link);
    expect(await client.request("getSession", {})).toBe("first");
    client.close();
  });
});
