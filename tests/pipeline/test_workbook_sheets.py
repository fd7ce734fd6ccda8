"""Workbook sheet names: Norwegian titles within Excel's rules (≤ 31 characters, no : / \\ ? * [ ], unique
without regard to case), cut between words."""

from ejournal_lib.publishing.workbook import sheet_names


def test_sheet_names_are_short_norwegian_titles():
    names = sheet_names(
        {
            "cba_summary": "Nøkkeltall (mill. kr, nåverdi 2019)",
            "cba_reconciliation": "Nåverdi per virkning: publisert i 2020 og modellen (mill. kr, nåverdi 2019)",
            "budget_profile_wide": "Årlig kontant budsjettvirkning per aktør, uten og med låneopptak",
            "copy": "nøkkeltall",
            "odd": "a/b? [c]*",
            "readme": "Les meg",
            "long_word": "A" * 40,
        }
    )
    assert names == {
        "cba_summary": "Nøkkeltall",
        "cba_reconciliation": "Nåverdi per virkning…",
        "budget_profile_wide": "Årlig kontant budsjettvirkning…",
        "copy": "nøkkeltall (2)",
        "odd": "a-b (c)",
        "readme": "Les meg (2)",
        "long_word": "A" * 30 + "…",
    }
    assert all(len(n) <= 31 for n in names.values())
