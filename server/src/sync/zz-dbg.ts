import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { vouchForAwareness } from "./awarenessIdentity";
const doc = new Y.Doc();
const a = new awarenessProtocol.Awareness(doc);
a.setLocalState({ user: { name: "alice" } });
const u = awarenessProtocol.encodeAwarenessUpdate(a, [doc.clientID]);
const r = vouchForAwareness(u, { userId: "alice" as never, name: "alice" }, () => false);
console.log(r);
if ("update" in r) { const b = new awarenessProtocol.Awareness(new Y.Doc()); awarenessProtocol.applyAwarenessUpdate(b, r.update, null); console.log(b.getStates()); }
