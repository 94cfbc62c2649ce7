"""The site answers in Japanese by default."""


def test_home_page_is_japanese(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="ja">' in html
    assert "地域の挑戦と、力を貸したい人をつなぐ" in html
