import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App } from "./App";
import { adoptFragmentToken } from "./auth/session";

adoptFragmentToken(window.location, window.history);
const root = document.getElementById("root");
if (root) createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
