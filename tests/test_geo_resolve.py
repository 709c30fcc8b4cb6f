"""Place resolution by the article's context, on entity dicts and texts the tests build."""

from __future__ import annotations

from typing import Any

import pytest

from tidings.geo import Gazetteer, demonym_country, geocode_entities, haversine_km, load_gazetteer
from tidings.geo._parse import core_place_name, division_demonym


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def _entities(text: str, places: list[tuple[str, str]], *, codes: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """One entity per (name, type), with every occurrence of the name in the text as a mention."""
    out = []
    for i, (name, etype) in enumerate(places, start=1):
        mentions = []
        pos = text.find(name)
        while pos >= 0:
            mentions.append({"start": pos, "end": pos + len(name), "text": name})
            pos = text.find(name, pos + len(name))
        assert mentions, name
        out.append({"id": f"E{i}", "name": name, "type": etype, "code": (codes or {}).get(name),
                    "country": None, "sector": None, "kb": None, "geo": None, "roles": [],
                    "mentions": mentions})
    return out


def _near(entity: dict[str, Any], lat: float, lon: float, km: float = 100.0) -> bool:
    geo = entity["geo"]
    return geo is not None and haversine_km(geo["lat"], geo["lon"], lat, lon) <= km


@pytest.mark.parametrize(
    ("text", "places", "target", "where", "country"),
    [
        # A qualifier written after the name decides.
        ("The fair in Paris, Texas, drew crowds.", [("Paris", "GPE"), ("Texas", "GPE")], "Paris",
         (33.66, -95.56), "USA"),
        # Without one, the capital of France.
        ("Ministers met in Paris on Monday.", [("Paris", "GPE")], "Paris", (48.85, 2.35), "FRA"),
        # Context: an article about Nova Scotia means the Canadian Sydney.
        ("Sydney council met as Nova Scotia and Canada weighed the port plan.",
         [("Sydney", "GPE"), ("Nova Scotia", "GPE"), ("Canada", "GPE")], "Sydney", (46.14, -60.18), "CAN"),
        ("Sydney council met to weigh the harbour plan.", [("Sydney", "GPE")], "Sydney",
         (-33.87, 151.21), "AUS"),
        # A state named elsewhere in the article picks the town in it.
        ("Springfield police said the road was closed. Illinois officials agreed.",
         [("Springfield", "GPE"), ("Illinois", "GPE")], "Springfield", (39.80, -89.64), "USA"),
        ("Springfield police said the road was closed. Missouri officials agreed.",
         [("Springfield", "GPE"), ("Missouri", "GPE")], "Springfield", (37.22, -93.30), "USA"),
        # Neighbouring towns agree on a state.
        ("Alexandria, Osakis and Evansville crews cleared snow in Douglas County.",
         [("Alexandria", "GPE"), ("Osakis", "GPE"), ("Evansville", "GPE"), ("Douglas County", "GPE")],
         "Alexandria", (45.88, -95.38), "USA"),
        # A state that shares its name with the capital gives way to the capital.
        ("Officials in Washington said the bill would pass.", [("Washington", "GPE")], "Washington",
         (38.90, -77.04), "USA"),
        ("Wildfires burned across Washington state.", [("Washington", "GPE")], "Washington",
         (47.4, -120.5), "USA"),
        # A county has a point of its own (the county table), not its state's.
        ("Deputies in Walker County, Texas, found the car.", [("Walker County", "GPE"), ("Texas", "GPE")],
         "Walker County", (30.74, -95.57), "USA"),
        # A town and a county near each other agree; a state named elsewhere decides
        # between two such pairs (Huntsville and Walker County, Alabama, lie 130 km apart).
        ("Walker County deputies took the man to the Huntsville jail. Texas officials agreed.",
         [("Walker County", "GPE"), ("Huntsville", "GPE"), ("Texas", "GPE")], "Walker County",
         (30.74, -95.57), "USA"),
        ("Walker County deputies took the man to the Huntsville jail. Texas officials agreed.",
         [("Walker County", "GPE"), ("Huntsville", "GPE"), ("Texas", "GPE")], "Huntsville",
         (30.72, -95.55), "USA"),
        # Two names that lie together in one state only: Paris and Henry County, Tennessee
        # (each also exists in several other states); Huntsville in Walker County, Texas.
        ("Paris police and Henry County deputies closed the road.", [("Paris", "GPE"), ("Henry County", "GPE")],
         "Henry County", (36.33, -88.30), "USA"),
        ("Walker County deputies took the man to the Huntsville jail.",
         [("Walker County", "GPE"), ("Huntsville", "GPE")], "Huntsville", (30.72, -95.55), "USA"),
        ("Paris police and Henry County deputies closed the road to Puryear.",
         [("Paris", "GPE"), ("Henry County", "GPE"), ("Puryear", "GPE")], "Henry County",
         (36.33, -88.30), "USA"),
    ],
)
def test_geo_context_chooses_the_place(gaz: Gazetteer, text: str, places: list[tuple[str, str]],
                                       target: str, where: tuple[float, float], country: str) -> None:
    entities = _entities(text, places)
    geocode_entities(entities, text=text, dateline=None, gazetteer=gaz)
    entity = next(e for e in entities if e["name"] == target)
    assert _near(entity, *where, km=160), entity["geo"]
    assert entity["country"] == country


@pytest.mark.parametrize(
    ("name", "etype", "code", "where", "country"),
    [
        ("Germany", "GPE", "DEU", (51.5, 10.5), "DEU"),
        ("United States", "GPE", None, (39.76, -98.5), "USA"),
        ("U.S.", "GPE", None, (39.76, -98.5), "USA"),
        ("Ohio", "GPE", None, (40.25, -83.0), "USA"),
        ("Ky.", "GPE", None, (37.8, -85.0), "USA"),
        ("Ontario", "GPE", None, (50.0, -85.0), "CAN"),
        ("Sichuan", "GPE", None, (30.6, 102.7), "CHN"),
        ("Hunan", "GPE", None, (27.6, 111.7), "CHN"),
        ("Kerala", "GPE", None, (10.4, 76.3), "IND"),
        ("Asia", "LOC", None, (29.8, 89.3), None),
        ("Middle East", "LOC", None, (31.0, 38.0), None),
    ],
)
def test_geo_countries_states_and_regions_get_a_point(gaz: Gazetteer, name: str, etype: str, code: str | None,
                                                      where: tuple[float, float], country: str | None) -> None:
    text = f"Officials in {name} said so."
    entities = _entities(text, [(name, etype)], codes={name: code} if code else None)
    geocode_entities(entities, text=text, dateline=None, gazetteer=gaz)
    assert _near(entities[0], *where, km=200), entities[0]["geo"]
    assert entities[0]["country"] == country


def test_geo_unknown_name_stays_unresolved(gaz: Gazetteer) -> None:
    text = "The convoy reached Xqzzyvillebrook at dawn."
    entities = _entities(text, [("Xqzzyvillebrook", "GPE")])
    geocode_entities(entities, text=text, dateline=None, gazetteer=gaz)
    assert entities[0]["geo"] is None
    assert entities[0]["country"] is None


def test_geo_non_places_are_left_alone(gaz: Gazetteer) -> None:
    text = "Paris Hilton met Georgia Smith."
    entities = _entities(text, [("Paris Hilton", "PERSON"), ("Georgia Smith", "PERSON")])
    geocode_entities(entities, text=text, dateline=None, gazetteer=gaz)
    assert [e["geo"] for e in entities] == [None, None]


def test_geo_existing_country_is_kept(gaz: Gazetteer) -> None:
    text = "Talks in Paris, Texas."
    entities = _entities(text, [("Paris", "GPE")])
    entities[0]["country"] = "USA"
    geocode_entities(entities, text=text, dateline=None, gazetteer=gaz)
    assert entities[0]["country"] == "USA"
    assert _near(entities[0], 33.66, -95.56)


def test_geo_dateline_sets_the_scene(gaz: Gazetteer) -> None:
    text = "Police said the mayor of Springfield resigned."
    entities = _entities(text, [("Springfield", "GPE")])
    geocode_entities(entities, text=text, dateline="SPRINGFIELD, Mo.", gazetteer=gaz)
    assert _near(entities[0], 37.22, -93.30)


@pytest.mark.parametrize(
    ("word", "iso3"),
    [("Russian", "RUS"), ("Israeli", "ISR"), ("Egyptian", "EGY"), ("Sudanese", "SDN"), ("Chinese", "CHN"),
     ("Canadian", "CAN"), ("Palestinian", "PSE"), ("Turkish", "TUR"), ("Sri Lankan", "LKA"),
     ("Americans", "USA"), ("Georgian", "GEO"), ("Lebanese", "LBN"), ("British", "GBR"), ("Dutch", "NLD"),
     ("Xqzzyan", None), ("lowercase", None)],
)
def test_geo_demonym_country(gaz: Gazetteer, word: str, iso3: str | None) -> None:
    place = demonym_country(word, gaz)
    assert (place.country if place else None) == iso3


@pytest.mark.parametrize(
    ("text", "name", "etype", "where"),
    [
        ("He landed at Incheon International Airport.", "Incheon International Airport", "FAC", (37.46, 126.71)),
        ("Schools in Northeast Georgia and Tennessee cut staff.", "Northeast Georgia", "GPE", (32.75, -83.5)),
        ("Leaders spoke of the Indo-Pacific.", "Indo-Pacific", "LOC", (0.0, 110.0)),
    ],
)
def test_geo_partial_names_are_placed_by_their_core(gaz: Gazetteer, text: str, name: str, etype: str,
                                                    where: tuple[float, float]) -> None:
    places = [(name, etype)] + ([("Tennessee", "GPE")] if "Tennessee" in text else [])
    entities = _entities(text, places)
    geocode_entities(entities, text=text, dateline=None, gazetteer=gaz)
    assert _near(entities[0], *where, km=160), entities[0]["geo"]


@pytest.mark.parametrize(
    ("text", "name", "etype", "where"),
    [
        # A building or body named after its county or town lies there.
        ("He was held at the Henderson County Jail in Athens, Texas.", "Henderson County Jail", "FAC",
         (32.2, -95.85)),
        ("The Fargo City Commission met; North Dakota officials came.", "Fargo City", "GPE", (46.88, -96.79)),
        ("The City of Norfolk, Virginia, sued.", "City of Norfolk", "GPE", (36.85, -76.29)),
        ("Officials from the Province of Ontario said so.", "Province of Ontario", "GPE", (50.0, -85.0)),
        ("Crowds filled Metro Nashville on Friday.", "Metro Nashville", "GPE", (36.17, -86.78)),
    ],
)
def test_geo_names_after_a_place_are_placed_there(gaz: Gazetteer, text: str, name: str, etype: str,
                                                  where: tuple[float, float]) -> None:
    others = [(p, "GPE") for p in ("Texas", "North Dakota", "Virginia") if p in text]
    entities = _entities(text, [(name, etype), *others])
    geocode_entities(entities, text=text, dateline=None, gazetteer=gaz)
    assert _near(entities[0], *where, km=100), entities[0]["geo"]


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("West Virginia Democratic Party", "West Virginia"),
        ("Eastern Illinois Area of Special Education", "Illinois"),
        ("Ludlow Town Hall", "Ludlow"),
        ("N.Va.", "Va."),
        # Two places joined by a hyphen, or a party and a town.
        ("Logan-Rogersville", "Logan"),
        ("D-Iowa City", "Iowa City"),
        ("Coca-Cola Company", None),
        ("Jean-Pierre Raffarin", None),
        # A river or lake is not at the town it is named after; unknown openings stay unknown.
        ("Naugatuck River", None),
        ("Lake Ontario", None),
        ("Xqzzyville Fire Station", None),
    ],
)
def test_geo_core_place_name(gaz: Gazetteer, name: str, core: str | None) -> None:
    assert core_place_name(name, gaz) == core


@pytest.mark.parametrize(
    ("word", "state"),
    [("Minnesotans", "Minnesota"), ("Ohioans", "Ohio"), ("Californian", "California"), ("Ontarians", "Ontario"),
     ("Russians", None), ("New Londoners", None), ("residents", None)],
)
def test_geo_division_demonym(gaz: Gazetteer, word: str, state: str | None) -> None:
    place = division_demonym(word, gaz)
    assert (place.name if place else None) == state


def test_geo_later_passes_drop_an_overruled_first_reading(gaz: Gazetteer) -> None:
    # "Georgia" is read first as the country (the entity layer coded it GEO); once the
    # context makes it the state, it must no longer pull "Atlanta" towards Texas.
    text = "A Georgia man died in Atlanta, police said. Georgia lawmakers and the Texas Rangers met in Atlanta."
    entities = _entities(text, [("Georgia", "GPE"), ("Atlanta", "GPE"), ("Texas", "GPE")],
                         codes={"Georgia": "GEO"})
    geocode_entities(entities, text=text, dateline=None, gazetteer=gaz)
    georgia, atlanta, _ = entities
    assert georgia["country"] == "USA" and _near(georgia, 32.9, -83.3)
    assert _near(atlanta, 33.75, -84.39, km=30), atlanta["geo"]


def test_geo_a_person_coded_to_a_country_counts_once(gaz: Gazetteer) -> None:
    text = ("Lebanon schools closed. Superintendent Larry Lee said Lee would decide. Lee spoke in "
            "Lebanon and Zionsville, in Boone County. Lee said Lee and Lee agreed. Lee left Lebanon.")
    entities = _entities(text, [("Lebanon", "GPE"), ("Zionsville", "GPE"), ("Boone County", "GPE")],
                         codes={"Lebanon": "LBN"})
    person = _entities(text, [("Lee", "PERSON")])[0]
    person.update(id="E9", code="LBN", country="LBN")
    geocode_entities([*entities, person], text=text, dateline=None, gazetteer=gaz)
    assert _near(entities[0], 40.05, -86.47, km=60), entities[0]["geo"]
    assert entities[0]["country"] == "USA"
