"""The educator's desk, signed in through the provider: a session recorded with its audience counted by
sex and age band (no names) changes the reach shown for its region; the schematic map marks the regions
education ranks as priorities, and only those."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from web_browser import PageWatch, check_screen
from web_journeys import sign_in
from web_seed import BAMAKO, one_incident_in, until

REGION = "kayes"


async def test_an_educator_records_a_session_and_sees_the_reach_of_its_region_grow(
        new_context: Any, web_app: str, web_system: Any, watch: PageWatch) -> None:
    educator = web_system.client("education", "educator", org="org-edu")
    before = educator.get("/reach").json()["regions"].get(REGION, {}).get("participants", 0)
    page = await (await new_context()).new_page()
    watch.attach(page)
    await sign_in(page, web_app, "seydou")
    await page.get_by_role("link", name="Sensibilisation").first.click()
    form = page.get_by_role("form", name="Enregistrer une séance tenue")
    await form.get_by_label("Lieu").locator("option[value='school']").wait_for(state="attached")
    await form.get_by_label("Date de la séance").fill((datetime.now(BAMAKO) - timedelta(days=1)).strftime("%Y-%m-%d"))
    await form.get_by_label("Région").select_option(REGION)
    await form.get_by_label("Lieu").select_option("school")
    await form.get_by_label("Droits des victimes").check()
    await form.get_by_label("Femme · 15 à 17 ans").fill("7")
    await form.get_by_label("Homme · 18 à 24 ans").fill("5")
    await check_screen(page, "education-session")
    await form.get_by_role("button", name="Enregistrer la séance").click()
    await form.get_by_text("Séance enregistrée.").wait_for()
    cell = page.locator(f"[data-testid='reach-region'][data-region='{REGION}'] [data-testid='participants']")
    await cell.filter(has_text=str(before + 12)).wait_for()
    assert educator.get("/reach").json()["regions"][REGION]["participants"] == before + 12
    await check_screen(page, "education")
    assert watch.csp_violations == [] and watch.errors == []


async def test_a_session_recorded_for_a_campaign_moves_its_progress_towards_the_target(
        new_context: Any, web_app: str, web_system: Any, watch: PageWatch) -> None:
    name = f"Jeunes et justice {datetime.now(BAMAKO):%H%M%S}"
    today = datetime.now(BAMAKO)
    page = await (await new_context()).new_page()
    watch.attach(page)
    await sign_in(page, web_app, "seydou")
    await page.get_by_role("link", name="Sensibilisation").first.click()
    await page.get_by_text("Lancer une campagne").first.click()
    launch = page.get_by_role("form", name="Lancer une campagne")
    await launch.get_by_label("Nom de la campagne").fill(name)
    await launch.get_by_label("Objectifs").fill("Faire connaître les droits des victimes")
    await launch.get_by_label("Thème principal").select_option("victims_rights")
    await launch.get_by_label("Début de la période").fill((today - timedelta(days=30)).strftime("%Y-%m-%d"))
    await launch.get_by_label("Fin de la période").fill((today + timedelta(days=30)).strftime("%Y-%m-%d"))
    await launch.get_by_label("Région").select_option("sikasso")
    await launch.get_by_label("Jeunes à toucher").fill("40")
    await launch.get_by_label("Séances prévues").fill("4")
    await launch.get_by_role("button", name="Lancer la campagne").click()
    await launch.get_by_text("Campagne lancée.").wait_for()

    form = page.get_by_role("form", name="Enregistrer une séance tenue")
    await form.get_by_label("Campagne").locator("option", has_text=name).wait_for(state="attached")
    await form.get_by_label("Date de la séance").fill((today - timedelta(days=1)).strftime("%Y-%m-%d"))
    await form.get_by_label("Région").select_option("sikasso")
    await form.get_by_label("Lieu").select_option("radio")
    await form.get_by_label("Campagne").select_option(label=name)
    await form.get_by_label("Lutte contre l'impunité").check()
    await form.get_by_label("Femme · 18 à 24 ans").fill("10")
    await form.get_by_role("button", name="Enregistrer la séance").click()
    await form.get_by_text("Séance enregistrée.").wait_for()
    campaign = page.get_by_test_id("campaign").filter(has_text=name)
    await campaign.get_by_text("10 jeunes sur 40 visés, 1 séance(s) sur 4").wait_for()
    await check_screen(page, "education-campaign")
    assert watch.csp_violations == [] and watch.errors == []


async def test_the_map_marks_the_regions_education_ranks_as_priorities_and_only_those(
        new_context: Any, web_app: str, web_system: Any, watch: PageWatch) -> None:
    one_incident_in(web_system, "menaka", occurred_on="2022-03-14")
    educator = web_system.client("education", "educator", org="org-edu")
    ranked = lambda: educator.get("/priority-regions").json()["regions"]  # noqa: E731
    await until(lambda: any(r["region"] == "menaka" and r["priority"] for r in ranked()))
    priorities = {r["region"] for r in ranked() if r["priority"]}

    page = await (await new_context()).new_page()
    watch.attach(page)
    await sign_in(page, web_app, "seydou")
    await page.get_by_role("link", name="Sensibilisation").first.click()
    tiles = page.get_by_test_id("region-map").get_by_test_id("map-region")
    await tiles.first.wait_for()
    shown = {str(await tiles.nth(i).get_attribute("data-region")): await tiles.nth(i).get_attribute("data-priority")
             for i in range(await tiles.count())}
    assert set(shown) == {r["region"] for r in ranked()}  # every region of the vocabulary has its tile
    assert {region for region, flag in shown.items() if flag == "true"} == priorities
    await page.get_by_test_id("region-map").scroll_into_view_if_needed()
    await check_screen(page, "education-map")
    assert watch.csp_violations == [] and watch.errors == []
