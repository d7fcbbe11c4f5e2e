import subprocess
import sys
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from aftersales_shared.auth import Principal, Role, issue_token, verify_token
from aftersales_shared.errors import Unauthorized

SECRET = "unit-secret-0123456789-0123456789-abc"
NOW = datetime.now(UTC)


def test_a_valid_token_gives_the_principal() -> None:
    token = issue_token(secret=SECRET, sub="u1", role=Role.SELLER_STAFF, seller_id="s1", now=NOW)
    assert verify_token(token, secret=SECRET) == Principal("u1", Role.SELLER_STAFF, "s1")


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"sub": "u", "role": "customer", "exp": NOW - timedelta(seconds=5)}, "expired"),
        ({"sub": "u", "role": "wizard", "exp": NOW + timedelta(hours=1)}, "unknown role"),
        ({"sub": "u", "role": "seller_admin", "exp": NOW + timedelta(hours=1)}, "seller_id"),
        ({"role": "customer", "exp": NOW + timedelta(hours=1)}, "sub"),
        ({"sub": "u", "role": "customer"}, "exp"),
    ],
)
def test_bad_claims_are_unauthorized(claims: dict[str, object], reason: str) -> None:
    token = jwt.encode(claims, SECRET, algorithm="HS256")
    with pytest.raises(Unauthorized, match=reason):
        verify_token(token, secret=SECRET)


def test_another_secret_or_algorithm_is_refused() -> None:
    token = issue_token(
        secret="another-secret-0123456-0123456789-abc", sub="u", role="customer", now=NOW
    )
    with pytest.raises(Unauthorized, match="invalid token"):
        verify_token(token, secret=SECRET)
    unsigned = jwt.encode(
        {"sub": "u", "role": "platform_agent", "exp": NOW + timedelta(hours=1)}, None, "none"
    )
    with pytest.raises(Unauthorized):
        verify_token(unsigned, secret=SECRET)


def test_a_token_is_verified_once_and_remembered_only_until_it_expires(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import aftersales_shared.auth as auth

    token = issue_token(secret=SECRET, sub="u2", role=Role.CUSTOMER, now=datetime.now(UTC))
    calls: list[str] = []
    real_decode = jwt.decode

    def counting_decode(*args: object, **kwargs: object) -> object:
        calls.append("decode")
        return real_decode(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(auth.jwt, "decode", counting_decode)
    first = verify_token(token, secret=SECRET)
    assert verify_token(token, secret=SECRET) == first
    assert calls == ["decode"], "the second call is answered from memory"
    with pytest.raises(Unauthorized):
        verify_token(token, secret="another-secret-0123456789-0123456789")
    assert len(calls) == 2, "memory is per secret: another secret verifies (and refuses) anew"

    expires = real_decode(token, options={"verify_signature": False})["exp"]
    monkeypatch.setattr(auth, "_now", lambda: expires + 1)
    verify_token(token, secret=SECRET)
    assert len(calls) == 3, "past its exp the token is checked again, not taken from memory"


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "u", "role": "seller_admin", "seller_id": 5},
        {"sub": "u", "role": "seller_admin", "seller_id": {"$ne": None}},
        {"sub": "u", "role": "seller_staff", "seller_id": ["s1", "s2"]},
        {"sub": "u", "role": "seller_staff", "seller_id": "s1\u0000"},
        {"sub": "u", "role": ["customer"]},
        {"sub": "u", "role": 3},
        {"sub": "u\n", "role": "customer"},
        {"sub": "x" * 101, "role": "customer"},
    ],
)
def test_claims_of_the_wrong_type_are_unauthorized(claims: dict[str, object]) -> None:
    token = jwt.encode(claims | {"exp": NOW + timedelta(hours=1)}, SECRET, algorithm="HS256")
    with pytest.raises(Unauthorized):
        verify_token(token, secret=SECRET)


@pytest.mark.parametrize("role", [Role.CUSTOMER, Role.QC_ANALYST, Role.PLATFORM_AGENT])
def test_a_seller_id_claim_means_nothing_on_a_role_that_is_not_a_seller(role: Role) -> None:
    token = issue_token(secret=SECRET, sub="u1", role=role, seller_id="s1", now=NOW)
    assert verify_token(token, secret=SECRET) == Principal("u1", role, None)


def test_a_process_signs_and_verifies_with_the_development_secret_without_a_warning() -> None:
    """Its 20 characters are the contract's (settings enforce 32 in production), so PyJWT's
    key-length warning would only be noise on `make run`'s console. A process of its own: pytest
    resets the warning filters that modules set while it collects them."""
    script = (
        "from datetime import UTC, datetime\n"
        "from aftersales_shared.auth import Role, issue_token, verify_token\n"
        "from aftersales_shared.settings import DEV_SECRET\n"
        "now = datetime.now(UTC)\n"
        "token = issue_token(secret=DEV_SECRET, sub='u1', role=Role.CUSTOMER, now=now)\n"
        "print(verify_token(token, secret=DEV_SECRET).sub)\n"
    )
    run = subprocess.run(
        [sys.executable, "-W", "error", "-c", script], capture_output=True, text=True, timeout=60
    )
    assert (run.returncode, run.stdout, run.stderr) == (0, "u1\n", "")
