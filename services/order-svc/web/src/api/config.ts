// What order-svc tells the page about where things are (GET /workbench/config.json).

import { useQuery } from "@tanstack/react-query";

export interface PageConfig {
  metrics_url: string;
  development: boolean;
}

/** `enabled` false: not asked for (a signed-in first screen needs none of it). */
export function usePageConfig(enabled = true) {
  return useQuery({
    enabled,
    queryKey: ["page-config"],
    queryFn: async (): Promise<PageConfig> => {
      const response = await fetch("/workbench/config.json");
      return (await response.json()) as PageConfig;
    },
    staleTime: Infinity,
  });
}
