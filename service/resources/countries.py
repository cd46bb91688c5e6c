"""Countries and the measures that involve them."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from service.extensions import db
from service.resources.common import LINK_HEADER, Blueprint, paged
from service.resources.measures import measure_page, measures_paged, within
from service.schemas.countries import (
    CountryMeasuresQuery,
    CountryMeasuresQueryArgs,
    CountryPageSchema,
    CountryQuery,
    CountryQueryArgs,
    CountrySchema,
)
from service.schemas.measures import MeasureAsOf, MeasureAsOfArgs
from service.services import countries


class CountryMeasuresAsOfQuery(CountryMeasuresQuery, MeasureAsOf):
    """What ``CountryMeasuresArgs`` loads."""


class CountryMeasuresArgs(CountryMeasuresQueryArgs, MeasureAsOfArgs):
    """A country's measures, optionally as of a date."""


blp = Blueprint(
    "countries", __name__, url_prefix="/v1/countries", description="ISO 3166-1 countries."
)


@blp.list_route("")
class Countries(MethodView):
    @blp.etag
    @blp.query(CountryQueryArgs)
    @blp.response(200, CountryPageSchema, headers=LINK_HEADER)
    def get(self, args: CountryQuery) -> Any:
        """List countries, with the aliases the articles use.

        Every ISO 3166-1 country, not only those in the articles; `q` matches the code, a
        name or an alias such as "Seoul" or "Kremlin".
        """
        return paged(lambda a: countries.list_(db.session, a), args, CountrySchema)


@blp.route("/<string:code>")
class CountryItem(MethodView):
    @blp.etag
    @blp.not_found
    @blp.response(200, CountrySchema)
    def get(self, code: str) -> Any:
        """Get a country by its alpha-2 code (any case).

        `kr` and `KR` are the same country; an unknown code is a 404.
        """
        return countries.get(db.session, code)


@blp.list_route("/<string:code>/measures")
class CountryMeasures(MethodView):
    @measure_page(blp)
    @blp.not_found
    @blp.query(CountryMeasuresArgs)
    def get(self, args: CountryMeasuresAsOfQuery, code: str) -> Any:
        """List the measures that involve a country, optionally in one role.

        `role=imposer` gives the measures the country takes, `role=target` those taken
        against it; without `role`, every measure in which it plays any role.
        """
        country = countries.get(db.session, code)
        return measures_paged(within(args, country=country.code))
