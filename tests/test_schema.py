from searchidx.schema import pack_text, stored_text


def test_stored_bodies_are_compressed_and_unpacked():
    text = "Café society " * 200
    packed = pack_text(text)
    assert isinstance(packed, bytes) and len(packed) < len(text) / 5
    assert stored_text({"body": packed}) == text


def test_uncompressed_bodies_of_older_indexes_still_read():
    assert stored_text({"body": "plain text"}) == "plain text"
    assert stored_text({}) == ""
