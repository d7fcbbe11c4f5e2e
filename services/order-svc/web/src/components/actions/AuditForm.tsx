import { Alert, Button, Form, Input, Radio, Upload } from "antd";
import type { UploadFile } from "antd";
import { useState } from "react";

import { useCommand } from "../../api/hooks";
import type { OrderView } from "../../api/types";
import { commandName } from "../../i18n/commands";
import { sellerMessage } from "../../i18n/errors";
import { useT } from "../../i18n/LangContext";
import { AUDIT_RESULTS, DEFAULT_OPINIONS, type AuditResult } from "../../lib/actionSpecs";
import { imageProblem, MAX_IMAGES, toUpload } from "../../lib/images";

interface Props {
  order: OrderView;
  allowed: AuditResult[];
}

/** The audit: one of the allowed results, its editable default opinion, up to 3 images. */
export function AuditForm({ order, allowed }: Props) {
  const { lang, t } = useT();
  const mutation = useCommand();
  const first = allowed[0] ?? "APPROVE_RETURN";
  const [result, setResult] = useState<AuditResult>(first);
  const [opinion, setOpinion] = useState(DEFAULT_OPINIONS[first][lang === "zh" ? 0 : 1]);
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [extra, setExtra] = useState("");
  const choose = (next: AuditResult) => {
    setResult(next);
    setOpinion(DEFAULT_OPINIONS[next][lang === "zh" ? 0 : 1]);
  };
  const submit = async () => {
    const attachments = await Promise.all(files.map((f) => toUpload(f.originFileObj as File)));
    const body: Record<string, unknown> = { result, opinion, attachments };
    if (result === "RESHIP") body.reship_sku = extra || order.sku;
    if (result === "CUSTOMER_ABANDON") body.note = extra;
    mutation.mutate({ path: `/v1/service-orders/${order.id}/audit`, body });
  };
  return (
    <Form layout="vertical" size="small" onFinish={submit} data-testid="form-AUDIT">
      <Radio.Group value={result} onChange={(e) => choose(e.target.value as AuditResult)} data-testid="audit-result">
        {AUDIT_RESULTS.filter((r) => allowed.includes(r)).map((r) => (
          <Radio key={r} value={r}><span data-testid={`audit-${r}`}>{commandName(`AUDIT_${r}`, lang)}</span></Radio>
        ))}
      </Radio.Group>
      <Form.Item label={t("opinion")}>
        <Input.TextArea rows={3} value={opinion} onChange={(e) => setOpinion(e.target.value)} data-testid="audit-opinion" />
      </Form.Item>
      {(result === "RESHIP" || result === "CUSTOMER_ABANDON") && (
        <Form.Item label={t(result === "RESHIP" ? "reshipSku" : "consentNote")} required={result === "CUSTOMER_ABANDON"}>
          <Input value={extra} onChange={(e) => setExtra(e.target.value)} placeholder={result === "RESHIP" ? order.sku : ""} data-testid="audit-extra" />
        </Form.Item>
      )}
      <Form.Item label={t("images")}>
        <Upload listType="picture" accept="image/jpeg,image/png,image/gif,image/webp" fileList={files} maxCount={MAX_IMAGES}
          beforeUpload={(file) => {
            const why = imageProblem(file);
            setProblem(why === "size" ? "< 800 KB" : why === "type" ? "JPEG/PNG/GIF/WebP" : null);
            return why ? Upload.LIST_IGNORE : false;
          }}
          onChange={({ fileList }) => setFiles(fileList.slice(0, MAX_IMAGES))}>
          <Button disabled={files.length >= MAX_IMAGES} data-testid="audit-upload">+</Button>
        </Upload>
        {problem && <Alert type="warning" message={`${t("images")}: ${problem}`} />}
      </Form.Item>
      {mutation.error && <Alert type="error" showIcon message={sellerMessage(mutation.error, lang)} data-testid="action-error" />}
      <Button type="primary" htmlType="submit" loading={mutation.isPending} data-testid="submit-AUDIT">{t("submit")}</Button>
    </Form>
  );
}
