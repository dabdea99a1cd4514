from __future__ import annotations


def test_therapist_signs_in_and_sees_caseload(client, world, login):
    response = login(client, world.therapist_a)
    assert response.status_code == 302
    page = client.get("/clients")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Cora" in text
    assert "Cole" not in text
