"""Reference data the checks need, as data.

Countries without postal codes: the Universal Postal Union's addressing data lists these countries
as having no postcode system in general use (Ireland's Eircode is recent and often missing, so it is
treated as optional too). Currencies whose minor unit is not the cent follow ISO 4217.
"""

NO_POSTAL_CODE = frozenset("""
AE AG AO AW BF BI BJ BO BS BW BZ CD CF CG CI CK CM DJ DM ER FJ GA GD GH GM GN GQ GY HK IE JM KI KM KN KP LC
ML MO MR MS MW NR NU QA RW SB SC SL SO SR SS ST SY TD TF TG TK TL TO TT TV TZ UG VU YE ZW
""".split())

#: Countries whose addresses are not deliverable without a state/province/prefecture.
REGION_REQUIRED = frozenset({"US", "CA", "AU", "BR", "MX", "IN", "CN", "JP", "AR"})

#: ISO 4217 minor units other than 2.
MINOR_UNITS = {**{c: 0 for c in "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split()},
               **{c: 3 for c in "BHD IQD JOD KWD LYD OMR TND".split()}}


def minor_unit(currency: str) -> int:
    return MINOR_UNITS.get(currency.upper(), 2)
