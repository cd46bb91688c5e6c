"""Organisations and the measures that involve them."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from service.extensions import db
from service.resources.common import LINK_HEADER, Blueprint, paged
from service.resources.countries import CountryMeasuresArgs, CountryMeasuresAsOfQuery
from service.resources.measures import measure_page, measures_paged, within
from service.schemas.organisations import (
    OrganisationPageSchema,
    OrganisationQuery,
    OrganisationQueryArgs,
    OrganisationSchema,
)
from service.services import organisations

blp = Blueprint(
    "organisations",
    __name__,
    url_prefix="/v1/organisations",
    description="International organisations (the EU, the UN Security Council, NATO, the G7…),"
    " which hold roles in measures and triggers as countries do.",
)


@blp.list_route("")
class Organisations(MethodView):
    @blp.etag
    @blp.query(OrganisationQueryArgs)
    @blp.response(200, OrganisationPageSchema, headers=LINK_HEADER)
    def get(self, args: OrganisationQuery) -> Any:
        """List the international organisations that may hold a role.

        Each is one party under its code (`EU`, `UNSC`, `NATO`, `G7`…), used wherever a
        country code is: `country=EU&role=imposer` on `/v1/measures`. Its members are never
        listed nor inferred.
        """
        return paged(lambda a: organisations.list_(db.session, a), args, OrganisationSchema)


@blp.route("/<string:code>")
class OrganisationItem(MethodView):
    @blp.etag
    @blp.not_found
    @blp.response(200, OrganisationSchema)
    def get(self, code: str) -> Any:
        """Get an organisation by its code (any case).

        `eu` and `EU` are the same organisation; an unknown code is a 404.
        """
        return organisations.get(db.session, code)


@blp.list_route("/<string:code>/measures")
class OrganisationMeasures(MethodView):
    @measure_page(blp)
    @blp.not_found
    @blp.query(CountryMeasuresArgs)
    def get(self, args: CountryMeasuresAsOfQuery, code: str) -> Any:
        """List the measures that involve an organisation, optionally in one role.

        `role=imposer` gives the measures the organisation itself takes (not those of its
        members), `role=target` those taken against it.
        """
        organisation = organisations.get(db.session, code)
        return measures_paged(within(args, country=organisation.code))
