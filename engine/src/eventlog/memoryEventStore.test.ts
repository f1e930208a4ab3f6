import { runEventStoreContract } from "./eventStoreContract";
import { createMemoryEventData, createMemoryEventStore } from "./memoryEventStore";

runEventStoreContract("memory", async () => {
  const data = createMemoryEventData();
  return {
    store: createMemoryEventStore(data),
    reopen: async () => createMemoryEventStore(data),
    teardown: async () => {},
  };
});
