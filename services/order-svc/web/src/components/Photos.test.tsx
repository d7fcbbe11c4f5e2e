import { screen, within } from "@testing-library/react";

import type { Note } from "../api/types";
import { loadEnglish } from "../i18n/choice";
import { renderIn } from "../test/renderIn";
import { Notes } from "./Notes";
import { Photos } from "./Photos";

const SENT = ["https://img.example.com/a/1.jpg", "http://shots.example.cn/2.png?w=300", "javascript:alert(1)"];

test("each web address is a link that opens apart, with its host; anything else is no link", () => {
  renderIn(<Photos photos={SENT} testId="p" />);
  const links = within(screen.getByTestId("p")).getAllByRole("link");
  expect(links.map((a) => a.getAttribute("href"))).toEqual(SENT.slice(0, 2));
  expect(links.map((a) => a.textContent)).toEqual(["照片 1（img.example.com）", "照片 2（shots.example.cn）"]);
  for (const a of links) {
    expect(a.getAttribute("target")).toBe("_blank");
    expect(a.getAttribute("rel")).toBe("noopener noreferrer nofollow");
  }
  expect(screen.getByTestId("p").textContent).toContain("照片 3（地址无效，未作链接）");
  expect(screen.getByTestId("p").querySelectorAll("[href]")).toHaveLength(2); // none for it
});

test("in English", async () => {
  await loadEnglish();
  renderIn(<Photos photos={SENT.slice(0, 1)} testId="p" />, "en");
  expect(screen.getByRole("link").textContent).toBe("Photo 1 (img.example.com)");
});

test("a note shows the photos sent with it, and a note without photos shows none", () => {
  const notes: Note[] = [
    { author_id: "c1", author_role: "customer", text: "补充照片", at: "2026-12-02T02:00:00Z", photos: SENT.slice(0, 1) },
    { author_id: "c1", author_role: "customer", text: "还有问题", at: "2026-12-02T03:00:00Z" },
  ];
  renderIn(<Notes notes={notes} testId="feedback" />);
  const [photos, ...more] = screen.getAllByTestId("feedback-photos");
  expect(more).toHaveLength(0);
  if (!photos) throw new Error("no photos");
  expect(within(photos).getByRole("link").getAttribute("href")).toBe(SENT[0]);
  expect(screen.getByTestId("feedback").textContent).toContain("还有问题");
});
