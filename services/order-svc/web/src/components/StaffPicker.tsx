import { Select } from "antd";
import { useQuery } from "@tanstack/react-query";

import { call } from "../api/client";
import type { StaffMember } from "../api/types";
import { currentClaims } from "../auth/session";
import { useT } from "../i18n/LangContext";

interface Props {
  value: string | undefined;
  onChange: (staffId: string) => void;
}

export function useStaff() {
  const seller = currentClaims()?.seller_id ?? "";
  return useQuery({
    queryKey: ["staff", seller],
    queryFn: () => call<StaffMember[] | { items?: StaffMember[]; staff?: StaffMember[] }>(`/v1/sellers/${seller}/staff`),
    select: (data) => (Array.isArray(data) ? data : data.items ?? data.staff ?? []),
  });
}

/** The main account's staff, to assign orders to. */
export function StaffPicker({ value, onChange }: Props) {
  const { t } = useT();
  const staff = useStaff();
  return (
    <Select value={value} onChange={onChange} placeholder={t("assignTo")} style={{ width: 180 }} data-testid="assign-to"
      options={(staff.data ?? []).map((s) => ({ value: s.staff_id, label: `${s.name} (${s.staff_id})` }))} />
  );
}
