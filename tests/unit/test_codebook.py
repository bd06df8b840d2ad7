"""SPSS names of the export's columns (survey.responses.codebook): a name
SPSS accepts stays; any other gets a valid, unique, stable short name."""

from __future__ import annotations

from survey.responses.codebook import spss_names, valid_spss_name


def test_valid_names_stay() -> None:
    names = ["response_id", "problemen.drugs", "top3.1", "zichtbaar.9", "a" * 64]
    assert spss_names(names) == {name: name for name in names}


def test_names_spss_refuses_get_valid_unique_names() -> None:
    long_a = "a" * 40 + "." + "b" * 40
    long_b = "a" * 40 + "." + "b" * 39 + "c"
    names = [long_a, long_b, "1e_vraag", "_x", "by", "BY2", "v1e_vraag"]
    found = spss_names(names)
    assert all(valid_spss_name(name) for name in found.values())
    assert len({n.lower() for n in found.values()}) == len(names)
    assert found["by"] == "v_by" and found["BY2"] == "BY2"
    assert found["_x"] == "v_x"
    # "1e_vraag" would become v1e_vraag, which another column already is
    assert found["v1e_vraag"] == "v1e_vraag" and found["1e_vraag"] != "v1e_vraag"
    assert found[long_a][:57] == long_a[:57] and len(found[long_a]) == 64
    assert found[long_a] != found[long_b]
    # the same name in every export
    assert spss_names(names) == found
