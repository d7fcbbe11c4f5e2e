import { Alert, Button, Input, List, Select, Space, Typography } from "antd";
import { useState } from "react";

import { ApiError } from "../api/client";
import { useCommand, type BatchAnswer } from "../api/hooks";
import type { BatchResult } from "../api/types";
import { currentClaims } from "../auth/session";
import { refusalMessage, sellerMessage } from "../i18n/errors";
import { has } from "../i18n/strings";
import { useT } from "../i18n/LangContext";
import { StaffPicker } from "./StaffPicker";

interface Props {
  selected: string[];
  /** The order no. of each listed order, by id: a result names the order as the seller does. */
  names?: Record<string, string>;
  onDone: () => void;
}

/** A batch the server refused whole (a fault of the request, such as an abandonment without its
 * note): the order named in the error, if any, and the others not done. */
export function refusedBatch(ids: string[], error: unknown, lang: "zh" | "en"): BatchResult[] {
  const culprit = error instanceof ApiError ? error.details.order_id : undefined;
  if (typeof culprit !== "string") return [];
  const message = sellerMessage(error, lang);
  const skipped = lang === "zh" ? "整批未提交，未执行" : "not done: the batch was refused";
  return ids.map((id) => (id === culprit ? { id, ok: false, message } : { id, ok: false, skipped: true, message: skipped }));
}

/** Select many → assign (main account) or batch audit; each order's result is listed. */
export function BulkBar({ selected, names, onDone }: Props) {
  const { lang, t } = useT();
  const command = useCommand<BatchAnswer>();
  const [staff, setStaff] = useState<string>();
  const [result, setResult] = useState<"REJECT" | "CUSTOMER_ABANDON">("REJECT");
  const [note, setNote] = useState("");
  const [results, setResults] = useState<BatchResult[]>([]);
  const admin = currentClaims()?.role === "seller_admin";
  const [labels, setLabels] = useState<Record<string, string>>({}); // as listed when it ran
  const run = (path: string, body: unknown) => {
    setLabels({ ...(names ?? {}) });
    command.mutate({ path, body }, {
      onSuccess: (answer) => { setResults(answer.results); onDone(); },
      onError: (error) => setResults(refusedBatch(selected, error, lang)),
    });
  };
  return (
    <Space direction="vertical" style={{ width: "100%" }} data-testid="bulk">
      {selected.length > 0 && (
        <Space wrap>
          <Typography.Text>{t("selected")} {selected.length}</Typography.Text>
          {admin && <StaffPicker value={staff} onChange={setStaff} />}
          {admin && (
            <Button disabled={!staff} onClick={() => run("/v1/service-orders/assign", { ids: selected, staff_id: staff })}>
              {t("assign")}
            </Button>
          )}
          <Select value={result} onChange={setResult} style={{ width: 160 }} data-testid="batch-result"
            options={[{ value: "REJECT", label: lang === "zh" ? "审核不通过" : "Reject" },
                      { value: "CUSTOMER_ABANDON", label: lang === "zh" ? "客户放弃" : "Customer abandons" }]} />
          <Input placeholder={result === "CUSTOMER_ABANDON" ? t("consentNote") : t("opinion")} value={note}
            onChange={(e) => setNote(e.target.value)} style={{ width: 260 }} data-testid="batch-note" />
          <Button type="primary" loading={command.isPending} data-testid="batch-audit"
            onClick={() => run("/v1/service-orders/batch-audit",
              result === "CUSTOMER_ABANDON" ? { ids: selected, result, note, opinion: note } : { ids: selected, result, opinion: note || undefined })}>
            {t("batchAudit")}
          </Button>
        </Space>
      )}
      {command.error && results.length === 0 && <Alert type="error" message={sellerMessage(command.error, lang)} />}
      {results.length > 0 && (
        <List size="small" bordered header={t("results")} dataSource={results} data-testid="batch-results"
          renderItem={(r) => (
            <List.Item data-testid={`result-${r.id}`} data-ok={r.skipped ? "skipped" : String(r.ok)}>
              <Typography.Text type={r.ok ? "success" : "danger"}>
                {labels[r.id] ?? r.id}: {r.ok
                  ? `${t("succeeded")} → ${r.status && has(r.status) ? t(r.status) : r.status ?? ""}`
                  : `${t("refused")} — ${r.skipped ? r.message ?? "" : refusalMessage(r.error, r.message, lang)}`}
              </Typography.Text>
            </List.Item>
          )} />
      )}
    </Space>
  );
}
