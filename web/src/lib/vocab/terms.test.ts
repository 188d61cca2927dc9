import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { untilLoaded } from "./terms";

// A list that failed to arrive (offline, a timeout on 3G, a shed 503) is asked for again, not left empty.
describe("untilLoaded", () => {
  let online: EventTarget;
  beforeEach(() => {
    vi.useFakeTimers();
    online = new EventTarget();
    vi.stubGlobal("addEventListener", online.addEventListener.bind(online));
    vi.stubGlobal("removeEventListener", online.removeEventListener.bind(online));
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it("asks again after each failure, waiting longer each time, until the list arrives", async () => {
    const load = vi.fn().mockRejectedValueOnce(new Error("offline")).mockRejectedValueOnce(new Error("503"))
      .mockResolvedValue(["terms"]);
    const loaded = vi.fn();
    untilLoaded(load, loaded, [100, 400]);
    await vi.advanceTimersByTimeAsync(0);
    expect(load).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(load).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(399);
    expect(load).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(load).toHaveBeenCalledTimes(3);
    expect(loaded).toHaveBeenCalledWith(["terms"]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(load).toHaveBeenCalledTimes(3);
  });

  it("asks at once when the browser is back online", async () => {
    const load = vi.fn().mockRejectedValueOnce(new Error("offline")).mockResolvedValue(["terms"]);
    const loaded = vi.fn();
    untilLoaded(load, loaded, [30_000]);
    await vi.advanceTimersByTimeAsync(0);
    online.dispatchEvent(new Event("online"));
    await vi.advanceTimersByTimeAsync(0);
    expect(load).toHaveBeenCalledTimes(2);
    expect(loaded).toHaveBeenCalledWith(["terms"]);
  });

  it("stops trying when the screen is left", async () => {
    const load = vi.fn().mockRejectedValue(new Error("offline"));
    const loaded = vi.fn();
    const stop = untilLoaded(load, loaded, [100]);
    await vi.advanceTimersByTimeAsync(0);
    stop();
    online.dispatchEvent(new Event("online"));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(load).toHaveBeenCalledTimes(1);
    expect(loaded).not.toHaveBeenCalled();
  });
});
