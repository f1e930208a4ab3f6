/**
 * The agent activity feed, newest first. Each entry names the actor its
 * poster claims and, beside it, the member who posted it (which the server
 * records, so it cannot be claimed).
 */
import { For, type JSX } from "solid-js";
import type { ActivityEntry } from "./sessionModel";

/** The activity feed. */
export function ActivityFeed(props: { entries: readonly ActivityEntry[] }): JSX.Element {
  return (
    <section class="panel activity" aria-label="Agent activity">
      <h2>Agent activity</h2>
      <ol>
        <For each={[...props.entries].reverse().slice(0, 100)} fallback={<li class="muted">No agent activity yet.</li>}>
          {(entry) => (
            <li>
              <strong>{entry.actor}</strong> <span class="muted">{entry.kind}</span> {entry.text}{" "}
              <span class="activity-poster muted">{entry.poster == null ? "(poster unknown)" : `posted by ${entry.poster.name}`}</span>
            </li>
          )}
        </For>
      </ol>
    </section>
  );
}
