import { Image, Space } from "antd";
import { useEffect, useState } from "react";

import type { Attachment } from "../api/types";
import { currentToken } from "../auth/session";

interface Props {
  orderId: string;
  attachments: Attachment[];
}

/** The audit images: fetched with the token (an <img src> cannot send it), shown from blobs. */
export function AuditImages({ orderId, attachments }: Props) {
  const [urls, setUrls] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    const made: string[] = [];
    void Promise.all(
      attachments.map(async (a) => {
        const response = await fetch(`/v1/service-orders/${orderId}/attachments/${a.id}`, {
          headers: { Authorization: `Bearer ${currentToken() ?? ""}` },
        });
        const url = URL.createObjectURL(await response.blob());
        made.push(url);
        return url;
      }),
    ).then((all) => live && setUrls(all));
    return () => {
      live = false;
      made.forEach((u) => URL.revokeObjectURL(u));
    };
  }, [orderId, attachments]);
  return (
    <Space data-testid="audit-images">
      {urls.map((u, i) => (
        <Image key={u} src={u} width={96} alt={attachments[i]?.filename} />
      ))}
    </Space>
  );
}
