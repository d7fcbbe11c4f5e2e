"""What the routes are given: the container `bootstrap` builds, and the parts read from it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from aftersales_shared.service import Container, wired
from fastapi import Depends

from sms_svc.entrypoints.sweeper import Sweeper
from sms_svc.entrypoints.webhook_worker import WebhookWorker
from sms_svc.handlers.notices import NoticeService
from sms_svc.handlers.sending import SmsService
from sms_svc.handlers.staff import StaffDirectory
from sms_svc.handlers.webhooks import WebhookService


@dataclass(frozen=True, kw_only=True)
class SmsContainer(Container):
    """What `bootstrap` builds: the use cases the routes are given, and the frame's parts."""

    sms: SmsService
    sweeper: Sweeper
    staff: StaffDirectory
    notices: NoticeService
    webhooks: WebhookService
    webhook_worker: WebhookWorker


SmsDep = Annotated[SmsService, Depends(wired(SmsContainer, lambda c: c.sms))]
SweeperDep = Annotated[Sweeper, Depends(wired(SmsContainer, lambda c: c.sweeper))]
StaffDep = Annotated[StaffDirectory, Depends(wired(SmsContainer, lambda c: c.staff))]
NoticesDep = Annotated[NoticeService, Depends(wired(SmsContainer, lambda c: c.notices))]
WebhooksDep = Annotated[WebhookService, Depends(wired(SmsContainer, lambda c: c.webhooks))]
WorkerDep = Annotated[WebhookWorker, Depends(wired(SmsContainer, lambda c: c.webhook_worker))]
