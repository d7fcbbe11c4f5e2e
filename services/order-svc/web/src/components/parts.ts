// What the first screen (a tab's badges and its first page) does not need, each in a chunk of
// its own: the order's drawer with its action forms, the bulk tools, search, staff, quality
// and the development sign-in. The workbench preloads them once its first screen is shown.

import { lazyPart } from "../lib/lazyPart";

export const OrderDetailPart = lazyPart(() => import("./OrderDetail").then((m) => m.OrderDetail));
export const BulkPart = lazyPart(() => import("./BulkBar").then((m) => m.BulkBar));
export const SearchPart = lazyPart(() => import("./SearchView").then((m) => m.SearchView));
export const StaffPart = lazyPart(() => import("./StaffPanel").then((m) => m.StaffPanel));
export const QualityPart = lazyPart(() => import("./QualityPanel").then((m) => m.QualityPanel));
export const SignInPart = lazyPart(() => import("../auth/SignIn").then((m) => m.SignIn));

/** Fetch every part now (idle time after the first screen), so a click does not wait. */
export function preloadParts(): void {
  for (const part of [OrderDetailPart, BulkPart, SearchPart, StaffPart, QualityPart]) {
    part.preload().catch(() => undefined); // tried again when the part is first shown
  }
}
