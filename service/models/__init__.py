"""All models, imported so that ``Base.metadata`` knows every table."""

from service.models.actor import Actor, actor_citations
from service.models.api_key import ApiKey
from service.models.base import Base
from service.models.change import Change
from service.models.country import Country, Organisation, Party
from service.models.idempotency import IdempotentRequest
from service.models.measure import (
    Measure,
    MeasureCountry,
    MeasureDocument,
    MeasureItem,
    MeasureStatusChange,
    MeasureTrigger,
    measure_citations,
)
from service.models.proposal import Proposal
from service.models.source import Citation, Source
from service.models.statement import Statement
from service.models.trigger import Trigger, TriggerCountry, trigger_citations

__all__ = [
    "Actor",
    "ApiKey",
    "Base",
    "Change",
    "Citation",
    "Country",
    "IdempotentRequest",
    "Measure",
    "MeasureCountry",
    "MeasureDocument",
    "MeasureItem",
    "MeasureStatusChange",
    "MeasureTrigger",
    "Organisation",
    "Party",
    "Proposal",
    "Source",
    "Statement",
    "Trigger",
    "TriggerCountry",
    "actor_citations",
    "measure_citations",
    "trigger_citations",
]
