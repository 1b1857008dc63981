from redaction_rules import operators as op


def test_hmac_is_stable_per_key_and_differs_across_keys():
    k1, k2 = b"k" * 32, b"j" * 32
    assert op.pseudonymize("PARS-2018-000001", k1) == op.pseudonymize("PARS-2018-000001", k1)
    assert op.pseudonymize("PARS-2018-000001", k1) != op.pseudonymize("PARS-2018-000001", k2)
    assert op.pseudonymize("PARS-2018-000001", k1) != op.pseudonymize("PARS-2018-000002", k1)
    # case and spacing are folded: one person, one pseudonym within a feed
    assert op.pseudonymize("JUAN  HERNANDEZ", k1) == op.pseudonymize("Juan Hernandez", k1)
    assert len(op.pseudonymize("x", k1)) == 32
    assert op.pseudonymize(None, k1) is None


def test_generalize_dates():
    assert op.generalize_date("2017-03-09T14:22:00", "month") == "2017-03"
    assert op.generalize_date("2017-03-09", "year") == "2017"
    assert op.generalize_date("not a date", "month") is None
    assert op.generalize_date(None, "year") is None


def test_dob_to_age_and_band_at_arrest_not_at_run_time():
    assert op.generalize_dob("1990-06-15", "age", "2018-06-14T10:00:00") == 27
    assert op.generalize_dob("1990-06-15", "age", "2018-06-15T10:00:00") == 28
    assert op.generalize_dob("1990-06-15", "age_band", "2018-06-15T10:00:00") == "25-34"
    assert op.generalize_dob("2002-01-01", "age_band", "2018-06-15") == "under 18"
    assert op.generalize_dob("1940-01-01", "age_band", "2018-06-15") == "65+"
    assert op.generalize_dob("1990-06-15", "year", "2018-06-15") == "1990"
    assert op.generalize_dob("1990-06-15", "age", None) is None
    assert op.generalize_dob("2020-01-01", "age", "2018-01-01") is None


def test_zip3():
    assert op.zip3("19134") == "191XX"
    assert op.zip3("19134-2211") == "191XX"
    assert op.zip3("1913") is None


def test_hundred_block():
    assert op.hundred_block("1234 N 5th St") == "1200 block of N 5th St"
    assert op.hundred_block("57 Market St") == "0 block of Market St"
    assert op.hundred_block("3100 block of Kensington Ave") == "3100 block of Kensington Ave"
    assert op.hundred_block("4697 CECIL B MOORE AVE") == "4600 BLOCK OF CECIL B MOORE AVE"
    assert op.hundred_block("1234 N 5th St Apt 2B") == "1200 block of N 5th St"
    assert op.hundred_block("Kensington Ave and E Allegheny Ave") is None
    assert op.hundred_block(None) is None


def test_mask():
    assert op.mask("123-45-6789", 4) == "*******6789"
    assert op.mask("123", 0) == "***"
    assert op.mask(None, 4) is None
