import { Alert, Button, Form, Input, Select } from "antd";

import { useCommand } from "../../api/hooks";
import type { OrderView } from "../../api/types";
import { commandName } from "../../i18n/commands";
import { sellerMessage } from "../../i18n/errors";
import { useT } from "../../i18n/LangContext";
import { bodyOf, REFUND_REASONS, type ActionSpec, type Field } from "../../lib/actionSpecs";

interface Props {
  order: OrderView;
  command: string;
  spec: ActionSpec;
}

function initialValues(order: OrderView, command: string): Record<string, unknown> {
  if (command === "PROCESS_REFUND") return { amount: order.paid_amount ?? order.paid };
  return {};
}

interface ControlProps {
  field: Field;
  value?: string;
  onChange?: (value: unknown) => void;
}

/** The control of one field; Form.Item hands it `value` and `onChange`. */
function Control({ field, value, onChange }: ControlProps) {
  const { t } = useT();
  const id = `field-${field.name}`;
  if (field.kind === "textarea") return <Input.TextArea rows={2} data-testid={id} value={value} onChange={onChange} />;
  if (field.kind === "reason") {
    return <Select data-testid={id} value={value} onChange={onChange} options={REFUND_REASONS.map((k) => ({ value: t(k), label: t(k) }))} />;
  }
  return <Input data-testid={id} value={value} onChange={onChange} inputMode={field.kind === "money" ? "decimal" : undefined} />;
}

/** One command's form; the server's refusal is shown in place, in a seller's words. */
export function ActionForm({ order, command, spec }: Props) {
  const { lang, t } = useT();
  const mutation = useCommand();
  const submit = (values: Record<string, unknown>) =>
    mutation.mutate({ path: `/v1/service-orders/${order.id}/${spec.path}`, method: spec.method, body: bodyOf(spec, values) });
  return (
    <Form layout="vertical" size="small" onFinish={submit} initialValues={initialValues(order, command)} data-testid={`form-${command}`}>
      {spec.fields.map((f) => (
        <Form.Item key={f.name} name={f.name} label={t(f.label)} rules={f.required ? [{ required: true }] : []}>
          <Control field={f} />
        </Form.Item>
      ))}
      {mutation.error && <Alert type="error" showIcon message={sellerMessage(mutation.error, lang)} data-testid="action-error" />}
      <Button type="primary" htmlType="submit" loading={mutation.isPending} data-testid={`submit-${command}`}>
        {commandName(command, lang)}
      </Button>
    </Form>
  );
}
