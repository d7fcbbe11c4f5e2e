import { Alert, Button, Checkbox, Form, Input, Select, Space, Table, Typography } from "antd";

import { useCommand } from "../api/hooks";
import type { StaffMember } from "../api/types";
import { currentClaims } from "../auth/session";
import { sellerMessage } from "../i18n/errors";
import { useT } from "../i18n/LangContext";
import { useStaff } from "./StaffPicker";

const MAX_STAFF = 10;

/** The main account's staff: at most 10, AUDIT and PROCESS checked by default, categories. */
export function StaffPanel() {
  const { lang, t } = useT();
  const seller = currentClaims()?.seller_id ?? "";
  const staff = useStaff();
  const add = useCommand<StaffMember>();
  const remove = useCommand<unknown>();
  const [form] = Form.useForm();
  const rows = staff.data ?? [];
  const submit = (values: { staff_id: string; name: string; permissions: string[]; categories?: string[] }) =>
    add.mutate({ path: `/v1/sellers/${seller}/staff`, body: { ...values, categories: values.categories ?? [] } },
      { onSuccess: () => form.resetFields() });
  return (
    <Space direction="vertical" style={{ width: "100%" }} data-testid="staff">
      <Typography.Text data-testid="staff-count">{rows.length} / {MAX_STAFF} · {t("staffLimit")}</Typography.Text>
      <Table<StaffMember> size="small" rowKey="staff_id" pagination={false} dataSource={rows}
        columns={[
          { title: t("staffId"), dataIndex: "staff_id" },
          { title: t("name"), dataIndex: "name" },
          { title: t("permissions"), dataIndex: "permissions", render: (p: string[]) => p.map((x) => (x === "AUDIT" || x === "PROCESS" ? t(x) : x)).join(" / ") },
          { title: t("categories"), dataIndex: "categories", render: (c: string[]) => c.join(", ") },
          { title: "", key: "x", render: (_: unknown, s) => (
            <Button size="small" danger onClick={() => remove.mutate({ path: `/v1/sellers/${seller}/staff/${s.staff_id}`, method: "DELETE" })}>{t("remove")}</Button>) },
        ]} />
      <Form form={form} layout="inline" onFinish={submit} initialValues={{ permissions: ["AUDIT", "PROCESS"] }} data-testid="staff-form">
        <Form.Item name="staff_id" rules={[{ required: true }]}><Input placeholder={t("staffId")} data-testid="staff-id" /></Form.Item>
        <Form.Item name="name" rules={[{ required: true }]}><Input placeholder={t("name")} data-testid="staff-name" /></Form.Item>
        <Form.Item name="permissions"><Checkbox.Group options={[{ value: "AUDIT", label: t("AUDIT") }, { value: "PROCESS", label: t("PROCESS") }]} /></Form.Item>
        <Form.Item name="categories"><Select mode="tags" placeholder={t("categories")} style={{ minWidth: 160 }} data-testid="staff-categories" /></Form.Item>
        <Button type="primary" htmlType="submit" loading={add.isPending} data-testid="staff-add">{t("addStaff")}</Button>
      </Form>
      {add.error && <Alert type="error" showIcon data-testid="staff-error"
        message={`${rows.length >= MAX_STAFF ? t("staffLimit") + " · " : ""}${sellerMessage(add.error, lang)}`} />}
      {remove.error && <Alert type="error" showIcon message={sellerMessage(remove.error, lang)} />}
    </Space>
  );
}
