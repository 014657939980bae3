import { afterEach, describe, expect, it } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import DescriptionEditor from "../components/DescriptionEditor.svelte";

describe("the product description editor", () => {
  let component: ReturnType<typeof mount> | null = null;
  afterEach(() => {
    if (component) unmount(component);
    component = null;
    document.body.innerHTML = "";
  });

  it("shows the description as text, not HTML, and never runs what an import brought in", () => {
    component = mount(DescriptionEditor, {
      target: document.body,
      props: { id: "product-body", value: '<p>Hand <strong>thrown</strong></p><img src="x" onerror="window.hacked = 1"><script>window.hacked = 2</script>' },
    });
    flushSync();
    const box = document.querySelector<HTMLElement>("#product-body")!;
    expect(box.getAttribute("contenteditable")).toBe("true");
    expect(box.querySelector("strong")?.textContent).toBe("thrown");
    expect(box.innerHTML).not.toContain("onerror");
    expect(box.innerHTML).not.toContain("script");
    expect((window as unknown as { hacked?: number }).hacked).toBeUndefined();
    // Typing keeps what is typed, cleaned.
    box.innerHTML = "<p>New text</p>";
    box.dispatchEvent(new Event("input"));
    flushSync();
    expect(box.textContent).toBe("New text");
  });
});
